/**
 * Many governors (as many Lambda instances) racing for permits on one ledger in the embedded
 * DynamoDB: real conditional puts interleaving over real I/O, on a clock the test moves. TikTok's
 * sliding minute is never exceeded, conflicts really happen, and a store that fails is survived.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGovernor, dynamoLedgerStore, QuotaExhaustedError, type GovernorEvent, type LedgerStore } from '../../shared/quota/index.ts';
import { startTestTable, type TestTable } from '../support/dynamo.ts';
import { maxInWindow, settings, virtualClock } from './support.ts';

let table: TestTable;
let dynamo: DynamoDBDocumentClient;
let TABLE: string;

beforeAll(async () => {
  table = await startTestTable();
  ({ dynamo, tableName: TABLE } = table);
});

afterAll(async () => {
  await table?.close();
});

describe('quota governor on the embedded DynamoDB', () => {
  it('eight instances racing never let more than the quota through in any minute; their writes really conflict', { timeout: 90_000 }, async () => {
    const clock = virtualClock();
    const s = settings({ perMinute: 40, maxWaitMs: { interactive: 0, scheduled: 0, background: 0 } });
    const events: GovernorEvent[] = [];
    const store = dynamoLedgerStore({ dynamo, tableName: TABLE, now: clock.now });
    const instances = Array.from({ length: 8 }, (_, i) =>
      createGovernor({ store, settings: s, now: clock.now, sleep: clock.sleep, random: () => (i + 1) / 9, onEvent: (e) => events.push(e) }),
    );
    const sent: number[] = [];
    // 80 s in 500 ms rounds; in each round every instance asks twice, concurrently.
    for (let round = 0; round < 160; round += 1) {
      await Promise.all(
        instances.flatMap((g, i) =>
          [0, 1].map(async (k) => {
            try {
              await g.acquire({ endpoint: '/v2/video/query/', tenantId: `t${(i + k) % 3}`, priority: k === 0 ? 'interactive' : 'background' });
              sent.push(clock.now());
            } catch (err) {
              expect(err).toBeInstanceOf(QuotaExhaustedError);
            }
          }),
        ),
      );
      clock.advance(500);
    }
    expect(maxInWindow(sent)).toBeLessThanOrEqual(40);
    expect(sent.length).toBeGreaterThan(40);
    const leased = events.filter((e) => e.type === 'leased');
    // More store operations than a read and a write per lease: conditional puts lost races and were retried.
    expect(leased.reduce((n, e) => n + (e.type === 'leased' ? e.storeOps : 0), 0)).toBeGreaterThan(leased.length * 2);
  });

  it('a store that fails for good: a process grants only its small allowance (10 % of the lane), then refuses', async () => {
    const clock = virtualClock();
    const s = settings({ perMinute: 100, maxWaitMs: { interactive: 0, scheduled: 0, background: 0 } });
    const down: LedgerStore = {
      read: () => Promise.reject(new Error('store down')),
      write: () => Promise.reject(new Error('store down')),
    };
    const events: GovernorEvent[] = [];
    const g = createGovernor({ store: down, settings: s, now: clock.now, sleep: clock.sleep, onEvent: (e) => events.push(e) });
    let granted = 0;
    for (let i = 0; i < 50; i += 1) {
      try {
        await g.acquire({ endpoint: '/v2/user/info/', tenantId: 'a', priority: 'interactive' });
        granted += 1;
      } catch (err) {
        expect(err).toBeInstanceOf(QuotaExhaustedError);
      }
    }
    expect(granted).toBe(10);
    expect(events.some((e) => e.type === 'store_unavailable')).toBe(true);
  });
});
