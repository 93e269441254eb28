/**
 * The capture lane on DynamoDB (dynalite): the dispatcher's reads scale with the due accounts, not
 * with all accounts; a capture split by deadlines resumes from its part items and commits the day
 * through the store's delta/full encoding.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptureJob } from '../../shared/history/capture-job.ts';
import { dynamoCaptureStore } from '../../shared/history/dynamo-store.ts';
import { captureSlotMs } from '../../shared/history/plan.ts';
import { videoStateAt } from '../../shared/history/replay.ts';
import { getMarker } from '../../shared/history/store.ts';
import { dispatchDueCaptures } from '../../shared/history/sweep.ts';
import { startTestTable, type TestTable } from './support.ts';
import { fakeTikTok, simClock } from './lane-support.ts';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.close();
});

/** Counts DynamoDB requests and items read. */
function counting(dynamo: DynamoDBDocumentClient) {
  const counts = { reads: 0, itemsRead: 0, writes: 0 };
  const proxy = new Proxy(dynamo, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return async (command: { constructor: { name: string } }) => {
        const res = (await target.send(command as never)) as { Items?: unknown[]; Item?: unknown };
        if (/Query|Get|Scan/.test(command.constructor.name)) {
          counts.reads += 1;
          counts.itemsRead += res.Items?.length ?? (res.Item ? 1 : 0);
        } else counts.writes += 1;
        return res;
      };
    },
  });
  return { dynamo: proxy, counts };
}

const capacity = { quotaPerMinute: 600, backgroundShare: 0.8 };

describe('capture lane on DynamoDB', () => {
  it("the dispatcher's reads scale with due accounts, not all accounts", async () => {
    const clock = simClock('2024-06-01T00:00:00Z');
    const { dynamo, counts } = counting(table.dynamo);
    const store = dynamoCaptureStore({ dynamo, tableName: table.tableName, now: clock.now, settings: { checkpointEveryDays: 7, chunkBytes: 300_000 } });
    const ids = Array.from({ length: 400 }, (_, i) => `dsr_${i}`);
    for (const id of ids) await store.due.ensure({ tenantId: 't', datasourceId: id }, clock.now());
    const slots = ids.map((id) => captureSlotMs(id, '2024-06-01')).sort((a, b) => a - b);
    const sweepAt = async (atMs: number) => {
      counts.reads = 0;
      counts.itemsRead = 0;
      const { messages } = await dispatchDueCaptures({ store, capacity, leaseMs: 12 * 3_600_000 }, atMs);
      return { messages: messages.length, reads: counts.reads, itemsRead: counts.itemsRead };
    };
    // 5 due of 400: 4 shard queries + the day plan, 5 entries read.
    const few = await sweepAt(slots[4]!);
    expect(few.messages).toBe(5);
    expect(few).toMatchObject({ reads: 5, itemsRead: 6 });
    // 40 more due: still 5 requests, items read = due entries (+ the plan).
    const more = await sweepAt(slots[44]!);
    expect(more.messages).toBe(40);
    expect(more).toMatchObject({ reads: 5, itemsRead: 41 });
    // Nothing new due: no entry read at all.
    expect(await sweepAt(slots[44]! + 1)).toMatchObject({ messages: 0, itemsRead: 1 });
  });

  it('resumes a deadline-split capture from its part items and commits the day (full, then delta)', async () => {
    const clock = simClock('2024-06-01T10:00:00Z');
    const store = dynamoCaptureStore({ dynamo: table.dynamo, tableName: table.tableName, now: clock.now, settings: { checkpointEveryDays: 7, chunkBytes: 300_000 } });
    const tiktok = fakeTikTok(clock, new Map([['dsbig', { videos: 1_234 }]]));
    const deps = { now: clock.now, store, source: tiktok.source, settings: { partBytes: 2_000 } };
    for (const day of ['2024-06-01', '2024-06-02']) {
      if (day === '2024-06-02') clock.set('2024-06-02T10:00:00Z');
      await store.due.captureNow({ tenantId: 't', datasourceId: 'dsbig' }, clock.now());
      const before = tiktok.stats.calls;
      let message = (await dispatchDueCaptures({ store, capacity }, clock.now())).messages.find((m) => m.datasourceId === 'dsbig');
      let invocations = 0;
      while (message) {
        invocations += 1;
        const o = await runCaptureJob(deps, message, { deadlineMs: clock.now() + 3_000 }); // ~15 calls each
        message = 'message' in o ? o.message : undefined;
        if (!message) expect(o).toMatchObject({ kind: 'done', status: 'captured', videos: 1_234 });
      }
      expect(invocations).toBeGreaterThanOrEqual(4);
      expect(tiktok.stats.calls - before).toBe(Math.ceil(1_234 / 20) + 1);
    }
    expect(await getMarker({ dynamo: table.dynamo, tableName: table.tableName, now: clock.now }, 'dsbig', '2024-06-02')).toMatchObject({ videoKind: 'delta', videoCount: 1_234 });
    const state = await videoStateAt({ dynamo: table.dynamo, tableName: table.tableName, now: clock.now }, 'dsbig', '2024-06-02');
    expect(state?.state.get('7000000000000001233')).toEqual([100 * 1_233 + Math.floor(Date.parse('2024-06-02T00:00:00Z') / 86_400_000), 1_233, 1, 0]);
    expect(await store.progress.get('dsbig', '2024-06-02')).toBeUndefined();
  });
});
