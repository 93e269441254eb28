/**
 * Deliveries on the local runtime (dynalite, s3rver, the TikTok sandbox, the local report queue):
 * what lands in S3 and under which key, and what happens when S3 or TikTok fail, when a message
 * is delivered twice, when a try dies after writing, and when the datasource needs re-auth.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appContext } from '../../shared/context.ts';
import { getRun } from '../../shared/schedules/index.ts';
import { seedAccounts } from '../../shared/tiktok/sandbox/index.ts';
import { REPORT_QUEUE_SETTINGS } from '../../shared/queue/index.ts';
import { readJson } from '../support/http.ts';
import { startHarness, type Harness } from '../schedules/harness.ts';

const creator = seedAccounts().find((a) => a.user.username === 'sandbox.creator')!;
const MINUTE = 60_000;

let h: Harness;
let ds: string;

beforeAll(async () => {
  h = await startHarness('2030-01-01T00:00:30Z');
  ds = await h.connect('sandbox.creator');
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  h.faults.reset();
  h.rt.sandbox!.clearFaults();
});

// Each test's schedules are removed after it, so later clock moves do not make them due again.
afterEach(async () => {
  const list = await readJson(await h.rt.api('/v1/schedules?limit=100'));
  for (const s of list.items) await h.rt.api(`/v1/schedules/${s.id}`, { method: 'DELETE' });
});

/** A rate(1 minute) schedule created now; returns it once its first slot is due (clock moved). */
async function dueSchedule(body: Record<string, unknown> = {}) {
  const s = await h.createSchedule({
    name: 'every minute',
    datasourceId: ds,
    reportType: 'profile',
    fields: ['display_name', 'follower_count', 'video_count'],
    format: 'csv',
    schedule: 'rate(1 minute)',
    ...body,
  });
  h.clock.advance(MINUTE);
  return s;
}

function prefixOf(scheduleId: string) {
  return `${h.rt.tenantId}/${scheduleId}/`;
}

describe('a rate(1 minute) schedule on the local runtime', () => {
  it('delivers one CSV object under <tenant>/<schedule>/<YYYY>/<MM>/<DD>/<slot>.csv with the rows and metadata', async () => {
    h.clock.set('2030-01-01T00:00:30Z');
    const s = await dueSchedule();
    expect(s.nextRunAt).toBe('2030-01-01T00:01:00.000Z');
    const summary = await h.dispatchAndDrain();
    expect(summary.claimed).toBeGreaterThanOrEqual(1);

    const key = `${h.rt.tenantId}/${s.id}/2030/01/01/20300101T000100Z.csv`;
    expect(await h.listKeys(prefixOf(s.id))).toEqual([key]);
    const obj = await h.getObject(key);
    expect(obj.contentType).toBe('text/csv; charset=utf-8');
    expect(obj.contentLength).toBe(Buffer.byteLength(obj.body));
    expect(obj.metadata).toEqual({ 'report-type': 'profile', rows: '1', 'datasource-id': ds, 'schedule-id': s.id, slot: '20300101T000100Z' });
    const rows = parse(obj.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toEqual([
      {
        'data.user.display_name': creator.user.display_name,
        'data.user.follower_count': String(creator.user.follower_count),
        'data.user.video_count': String(creator.user.video_count),
      },
    ]);

    const runs = await h.runs(s.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      slot: '20300101T000100Z',
      trigger: 'schedule',
      status: 'succeeded',
      s3Key: key,
      rowCount: 1,
      bytes: obj.contentLength,
      attempts: 1,
      error: null,
      missedSlots: 0,
    });
    const after = await h.schedule(s.id);
    expect(after.nextRunAt).toBe('2030-01-01T00:02:00.000Z');
    expect(after.lastRun).toMatchObject({ slot: '20300101T000100Z', status: 'succeeded', s3Key: key });
  });

  it('delivers JSON with the report response shape, through the same code path as the API', async () => {
    const s = await dueSchedule({
      reportType: 'video-list',
      fields: 'id,title,view_count',
      requestBody: { max_count: 5, cursor: 0 },
      cloud9ql: 'select expand(data.videos); select id, title, view_count order by view_count desc limit 3',
      format: 'json',
    });
    await h.dispatchAndDrain();
    const [key] = await h.listKeys(prefixOf(s.id));
    expect(key).toMatch(/\.json$/);
    const obj = await h.getObject(key!);
    expect(obj.contentType).toMatch(/^application\/json/);
    const body = JSON.parse(obj.body);
    expect(body.columns).toEqual(['id', 'title', 'view_count']);
    expect(body.rows).toHaveLength(3);
    expect(body.meta).toMatchObject({ reportType: 'video-list', datasourceId: ds, pages: 1 });
    const views = body.rows.map((r: { view_count: number }) => r.view_count);
    expect(views).toEqual([...views].sort((a, b) => b - a));
    expect(obj.metadata.rows).toBe('3');
    // The API answers the same rows for the same request.
    const api = await h.rt.api(`/v1/datasources/${ds}/reports/video-list`, {
      method: 'POST',
      json: { fields: 'id,title,view_count', requestBody: { max_count: 5, cursor: 0 }, cloud9ql: 'select expand(data.videos); select id, title, view_count order by view_count desc limit 3' },
    });
    expect((await readJson(api)).rows).toEqual(body.rows);
  });
});

describe('idempotency per (schedule, slot)', () => {
  it('the same run message delivered twice writes one object and records one run', async () => {
    const s = await dueSchedule();
    h.faults.putDelayMs = 30;
    await h.dispatchAndDrain();
    const [run] = await h.runs(s.id);
    // SQS may deliver a message again: send it twice more, at once and after.
    const message = { tenantId: h.rt.tenantId, scheduleId: s.id, slot: run!.slot as string };
    await h.rt.reportQueue.send([message, message]);
    await h.rt.reportQueue.drain();
    expect(h.faults.puts).toBe(1);
    expect(await h.listKeys(prefixOf(s.id))).toHaveLength(1);
    const runs = await h.runs(s.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('two copies of a queued run delivered at once: one takes the lease, the other skips', async () => {
    const s = await dueSchedule();
    h.faults.putDelayMs = 50;
    // Claim through the dispatcher while the queue holds deliveries, add a duplicate, then let both go.
    h.rt.reportQueue.pause();
    const summary = await h.invokeDispatch();
    expect(summary.claimed).toBe(1);
    const [run] = await h.runs(s.id);
    await h.rt.reportQueue.send([{ tenantId: h.rt.tenantId, scheduleId: s.id, slot: run!.slot as string }]);
    h.rt.reportQueue.resume();
    await h.rt.reportQueue.drain();
    expect(h.faults.puts).toBe(1);
    expect(await h.listKeys(prefixOf(s.id))).toHaveLength(1);
    expect(await h.runs(s.id)).toMatchObject([{ status: 'succeeded', attempts: 1 }]);
  });

  it('a try that wrote the object but lost the response is not written again: the next try adopts it', async () => {
    const s = await dueSchedule();
    h.faults.loseNextPutResponses = 1;
    await h.dispatchAndDrain();
    expect(h.faults.puts).toBe(1);
    expect(await h.listKeys(prefixOf(s.id))).toHaveLength(1);
    const [run] = await h.runs(s.id);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2, rowCount: 1, error: null });
  });
});

describe('failures', () => {
  it('S3 fails, then succeeds: the retry delivers one object', async () => {
    const s = await dueSchedule();
    h.faults.failNextPuts = 1;
    await h.dispatchAndDrain();
    expect(h.faults.puts).toBe(2);
    expect(await h.listKeys(prefixOf(s.id))).toHaveLength(1);
    expect(await h.runs(s.id)).toMatchObject([{ status: 'succeeded', attempts: 2, error: null }]);
    expect(h.rt.reportQueue.deadLetters.filter((d) => d.body.includes(s.id))).toHaveLength(0);
  });

  it('S3 fails every time: the run is failed with the reason, no object, the message is dead-lettered', async () => {
    const s = await dueSchedule();
    h.faults.failAllPuts = true;
    await h.dispatchAndDrain();
    expect(h.faults.puts).toBe(REPORT_QUEUE_SETTINGS.maxReceiveCount);
    expect(await h.listKeys(prefixOf(s.id))).toEqual([]);
    const [run] = await h.runs(s.id);
    expect(run).toMatchObject({ status: 'failed', attempts: REPORT_QUEUE_SETTINGS.maxReceiveCount, s3Key: null });
    expect(run!.error).toMatchObject({ code: 'delivery_error' });
    expect((run!.error as { message: string }).message).toMatch(/Injected S3 failure/);
    const dead = h.rt.reportQueue.deadLetters.filter((d) => d.body.includes(s.id));
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.body)).toEqual({ tenantId: h.rt.tenantId, scheduleId: s.id, slot: run!.slot });
    expect(dead[0]!.receiveCount).toBe(REPORT_QUEUE_SETTINGS.maxReceiveCount);
    // The schedule carries on.
    expect(await h.schedule(s.id)).toMatchObject({ enabled: true, lastRun: { status: 'failed' } });
  });

  it('TikTok rate limit (429, Retry-After longer than the client waits) on the first try: the run waits out the fleet-wide back-off, then is delivered', async () => {
    const s = await dueSchedule();
    h.rt.sandbox!.injectFaults({ endpoint: 'user/info', status: 429, retryAfterSeconds: 30, count: 1 });
    await h.dispatchAndDrain();
    // The retry met the governor's back-off (TikTok's Retry-After, for every caller): it waits, no try spent.
    expect(await h.listKeys(prefixOf(s.id))).toHaveLength(0);
    expect(await h.runs(s.id)).toMatchObject([{ status: 'queued', attempts: 1, quotaWaits: 1 }]);
    h.clock.advance(31_000);
    await h.rt.reportQueue.drain();
    expect(await h.listKeys(prefixOf(s.id))).toHaveLength(1);
    expect(await h.runs(s.id)).toMatchObject([{ status: 'succeeded', attempts: 2, error: null }]);
  });

  it('TikTok 5xx through all of the client\'s own retries: the queue tries again, then delivered', async () => {
    const s = await dueSchedule();
    // The TikTok client makes 4 calls per try (DEFAULT_RETRY.retries = 3).
    h.rt.sandbox!.injectFaults({ endpoint: 'user/info', status: 500, count: 4 });
    await h.dispatchAndDrain();
    expect(await h.listKeys(prefixOf(s.id))).toHaveLength(1);
    expect(await h.runs(s.id)).toMatchObject([{ status: 'succeeded', attempts: 2, error: null }]);
  });

  it('TikTok failing on every try: failed with the TikTok error, dead-lettered', async () => {
    const s = await dueSchedule();
    h.rt.sandbox!.injectFaults({ endpoint: 'user/info', status: 429, retryAfterSeconds: 30, count: 50 });
    await h.dispatchAndDrain();
    // Each try after the first waits out TikTok's Retry-After (no try spent), then meets another 429.
    for (let i = 0; i < REPORT_QUEUE_SETTINGS.maxReceiveCount; i += 1) {
      h.clock.advance(31_000);
      await h.rt.reportQueue.drain();
    }
    const [run] = await h.runs(s.id);
    expect(run).toMatchObject({ status: 'failed', attempts: REPORT_QUEUE_SETTINGS.maxReceiveCount });
    expect(run!.error).toMatchObject({ code: 'tiktok_rate_limited' });
    expect(h.rt.reportQueue.deadLetters.filter((d) => d.body.includes(s.id))).toHaveLength(1);
    expect(await h.listKeys(prefixOf(s.id))).toEqual([]);
  });

  it('a Cloud9QL error is permanent: failed at once, no retries, not dead-lettered', async () => {
    const s = await dueSchedule({ cloud9ql: 'select data.user.display_name where' });
    await h.dispatchAndDrain();
    const [run] = await h.runs(s.id);
    expect(run).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run!.error).toMatchObject({ code: 'cloud9ql_error' });
    expect(h.rt.reportQueue.deadLetters.filter((d) => d.body.includes(s.id))).toHaveLength(0);
  });

  it('a schedule deleted while its run was queued: the run fails with schedule_not_found', async () => {
    const s = await dueSchedule();
    h.rt.reportQueue.pause();
    await h.invokeDispatch();
    const [queued] = await h.runs(s.id);
    expect(queued).toMatchObject({ status: 'queued' });
    expect((await h.rt.api(`/v1/schedules/${s.id}`, { method: 'DELETE' })).status).toBe(204);
    h.rt.reportQueue.resume();
    await h.rt.reportQueue.drain();
    expect(await h.listKeys(prefixOf(s.id))).toEqual([]);
    const ctx = appContext();
    const run = await getRun({ dynamo: ctx.dynamo, tableName: ctx.config.tableName }, s.id, queued!.slot as string);
    expect(run).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'schedule_not_found' } });
  });
});

describe('a datasource that needs re-auth', () => {
  it('fails the run with a clear needs_reauth error, without retries, and leaves the schedule enabled', async () => {
    const casual = await h.connect('sandbox.casual');
    const s = await dueSchedule({ datasourceId: casual });
    const openId = seedAccounts().find((a) => a.user.username === 'sandbox.casual')!.user.open_id;
    h.rt.sandbox!.revokeRefreshTokens(openId);
    h.rt.sandbox!.expireAccessTokens(openId);
    await h.dispatchAndDrain();
    const [run] = await h.runs(s.id);
    expect(run).toMatchObject({ status: 'failed', attempts: 1, s3Key: null });
    expect(run!.error).toMatchObject({ code: 'needs_reauth' });
    expect((run!.error as { message: string }).message).toMatch(/re-connect/i);
    expect(h.rt.reportQueue.deadLetters.filter((d) => d.body.includes(s.id))).toHaveLength(0);
    const after = await h.schedule(s.id);
    expect(after).toMatchObject({ enabled: true, lastRun: { status: 'failed' } });
    expect(typeof after.nextRunAt).toBe('string');
  });
});
