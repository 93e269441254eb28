import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../shared/errors.ts';
import { dispatchDailySnapshots, parseSnapshotMessage, snapshotMessage, REQUEUE_AFTER_MS } from '../../shared/history/dispatch.ts';
import { runSnapshotJob, type SnapshotJobDeps } from '../../shared/history/job.ts';
import { getMarker } from '../../shared/history/store.ts';
import type { RunMessage } from '../../shared/queue/index.ts';
import { keys } from '../../shared/store/table.ts';
import { TikTokError } from '../../shared/tiktok/index.ts';
import { captureDeps, fakeSource, startTestTable, testClock, type TestTable } from './support.ts';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
  // Three datasources: two active in the token-expiry index, one that needs re-auth (out of it).
  for (const [id, status, indexed] of [['ds_a', 'active', true], ['ds_b', 'active', true], ['ds_c', 'needs_reauth', false]] as const) {
    await table.dynamo.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...keys.datasource('tn_1', id), id, tenantId: 'tn_1', status, ...(indexed ? { gsi2pk: 'TOKENEXP', gsi2sk: `2024-06-02T00:00:00.000Z#tn_1#${id}` } : {}) },
      }),
    );
  }
});
afterAll(async () => {
  await table.close();
});

function fakeQueue(failFirst = 0) {
  const sent: RunMessage[] = [];
  let failures = failFirst;
  return {
    sent,
    send: async (m: readonly RunMessage[]) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('queue down');
      }
      sent.push(...m);
    },
  };
}

describe('dispatchDailySnapshots', () => {
  it('claims each active datasource once per day and marks the day done', async () => {
    const clock = testClock('2024-06-01T00:03:00Z');
    const queue = fakeQueue();
    const deps = { dynamo: table.dynamo, tableName: table.tableName, now: clock.now, queue };
    const first = await dispatchDailySnapshots(deps);
    expect(first).toMatchObject({ day: '2024-06-01', done: false, datasources: 2, claimed: 2, failed: 0 });
    expect(queue.sent.map(parseSnapshotMessage)).toEqual([
      { tenantId: 'tn_1', datasourceId: 'ds_a', day: '2024-06-01' },
      { tenantId: 'tn_1', datasourceId: 'ds_b', day: '2024-06-01' },
    ]);
    expect(await dispatchDailySnapshots(deps)).toMatchObject({ done: true, claimed: 0 });
    clock.set('2024-06-02T00:01:00Z');
    expect(await dispatchDailySnapshots(deps)).toMatchObject({ day: '2024-06-02', claimed: 2 });
    expect(queue.sent).toHaveLength(4);
  });

  it('finishes a day a failed tick left half done, re-sending only claims whose message was lost', async () => {
    const clock = testClock('2024-07-01T00:03:00Z');
    const queue = fakeQueue(1); // the first send fails after its claim was written
    const deps = { dynamo: table.dynamo, tableName: table.tableName, now: clock.now, queue };
    const first = await dispatchDailySnapshots(deps);
    expect(first).toMatchObject({ claimed: 1, failed: 1, done: false });
    clock.set('2024-07-01T00:05:00Z');
    expect(await dispatchDailySnapshots(deps)).toMatchObject({ claimed: 0, alreadyClaimed: 1, pending: 1, requeued: 0, done: false }); // too early to re-send
    clock.set(new Date(Date.parse('2024-07-01T00:03:00Z') + REQUEUE_AFTER_MS + 1).toISOString());
    expect(await dispatchDailySnapshots(deps)).toMatchObject({ requeued: 1, alreadyClaimed: 1, failed: 0 });
    expect(await dispatchDailySnapshots(deps)).toMatchObject({ done: true });
    expect(queue.sent.map((m) => m.scheduleId).sort()).toEqual(['snapshot:ds_a', 'snapshot:ds_b']);
  });

  it('only parses its own messages', () => {
    expect(parseSnapshotMessage({ tenantId: 't', scheduleId: 'sch_1', slot: '20240601T000000Z' })).toBeUndefined();
    expect(parseSnapshotMessage({ tenantId: 't', scheduleId: 'snapshot:ds_1', slot: 'not-a-day' })).toBeUndefined();
    const job = { tenantId: 't', datasourceId: 'ds_1', day: '2024-06-01' };
    expect(parseSnapshotMessage(snapshotMessage(job))).toEqual(job);
  });
});

describe('runSnapshotJob', () => {
  const job = { tenantId: 'tn_1', datasourceId: 'ds_job', day: '2024-08-01' };
  const deps = (clockIso: string, source: SnapshotJobDeps['source']): SnapshotJobDeps => ({
    ...captureDeps(table, testClock(clockIso).now),
    source,
    maxAttempts: 3,
  });

  it('retries TikTok rate limits until the last try, then fails; the day stays missing', async () => {
    const limited = () => ({
      profile: async () => {
        throw new TikTokError({ kind: 'rate_limited', endpoint: '/v2/user/info/', tiktokCode: 'rate_limit_exceeded', httpStatus: 429, retryAfterSeconds: 30 });
      },
      videos: async () => undefined,
    });
    const d = deps('2024-08-01T00:10:00Z', limited);
    const first = await runSnapshotJob(d, job, { receiveCount: 1 });
    expect(first.kind).toBe('retry');
    const last = await runSnapshotJob(d, job, { receiveCount: 3 });
    expect(last).toMatchObject({ kind: 'failed', retryable: true });
    expect(await getMarker(d, job.datasourceId, job.day)).toBeUndefined();
  });

  it('fails for good when the account needs re-authorisation, succeeds once, and skips a repeat', async () => {
    const reauth = deps('2024-08-02T00:10:00Z', () => ({
      profile: async () => {
        throw new ConflictError('needs_reauth', 'Re-connect the account.');
      },
      videos: async () => undefined,
    }));
    expect(await runSnapshotJob(reauth, { ...job, day: '2024-08-02' }, { receiveCount: 1 })).toMatchObject({ kind: 'failed', retryable: false, error: { code: 'needs_reauth' } });
    const { source } = fakeSource({ profile: { follower_count: 1, following_count: 2, likes_count: 3, video_count: 0 }, videos: [] });
    const ok = deps('2024-08-03T00:10:00Z', () => source);
    expect(await runSnapshotJob(ok, { ...job, day: '2024-08-03' }, { receiveCount: 1 })).toMatchObject({ kind: 'succeeded', videoKind: 'full' });
    expect(await runSnapshotJob(ok, { ...job, day: '2024-08-03' }, { receiveCount: 2 })).toEqual({ kind: 'skipped', reason: 'already_succeeded' });
    const late = deps('2024-08-04T00:10:00Z', () => source);
    expect(await runSnapshotJob(late, { ...job, day: '2024-08-03' }, { receiveCount: 1 })).toMatchObject({ kind: 'failed', retryable: false, error: { code: 'snapshot_day_over' } });
  });
});
