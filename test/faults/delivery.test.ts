/**
 * Scheduled reports must keep arriving when things break: S3 refusing writes or losing answers,
 * DynamoDB failing mid-run or mid-dispatch, TikTok throttling or hanging during a run, and the
 * at-least-once plumbing (EventBridge, SQS) delivering twice. For each: exactly one complete object
 * per slot (never a partial or second one), the run history tells the truth, and the schedule is
 * neither lost nor stuck. Slots are made due with an injectable clock and dispatched by hand; the
 * local queue retries at once (delayScale 0) with the AWS settings otherwise (3 receives, then DLQ).
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../connect/offset-clock.ts';
import { appContext } from '../../shared/context.ts';
import { acquireRunLease, defaultDeliveryDeps, executeRun, RUN_LEASE_MS, type RunOutcome } from '../../shared/delivery/index.ts';
import { LEASE_SWEEP_MARGIN_MS } from '../../shared/schedules/index.ts';
import { s3Client } from '../../shared/store/s3.ts';
import { connectAccount } from '../support/connect.ts';
import { readJson, type Json } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { injectDynamoFault, injectS3Fault, type InjectedFaults } from './inject-aws.ts';
import { PROFILE_FIELDS, TOKEN_LIKE } from './support.ts';


/** markRunSucceeded (shared/delivery/run-lifecycle.ts): this schedule's run item moving to `succeeded`. */
const runSucceeded = (scheduleId: string): RegExp => new RegExp(`SCHED#${scheduleId}"[\\s\\S]*":s0":\\{"S":"succeeded"\\}`);
/** The dispatcher's advance of this schedule's nextRunAt (shared/schedules/store.ts advanceNextRun, expectedNextRunAt guard). */
const dispatchAdvance = (scheduleId: string): RegExp =>
  new RegExp(`SCHED#${scheduleId}"[\\s\\S]*"UpdateExpression":"SET nextRunAt = :next[^"]*","ConditionExpression":"enabled = :true AND nextRunAt = :expected"`);
/** S3 requests for this schedule's deliveries (the key starts with <tenantId>/<scheduleId>/). */
const deliveries = (scheduleId: string): RegExp => new RegExp(`/${scheduleId}/`);

describe('delivery faults: scheduled reports keep arriving, once', () => {
  const clock = new OffsetClock();
  let rt: TestRuntime;
  let ds: string;
  const faults: InjectedFaults[] = [];
  const schedules: string[] = [];

  beforeAll(async () => {
    rt = await startTestRuntime({ clock, reportQueue: { delayScale: 0 } });
    ds = await connectAccount(rt, { account: 'sandbox.casual' });
  });
  afterAll(async () => {
    await rt?.stop();
  });
  afterEach(async () => {
    faults.splice(0).forEach((f) => f.remove());
    rt.sandbox!.clearFaults();
    // Each test moves the clock on by an hour or more: earlier schedules would be due again.
    for (const id of schedules.splice(0)) expect((await rt.api(`/v1/schedules/${id}`, { method: 'DELETE' })).status).toBe(204);
  });

  const keep = (f: InjectedFaults): InjectedFaults => {
    faults.push(f);
    return f;
  };

  async function createSchedule(name: string): Promise<Json> {
    const res = await rt.api('/v1/schedules', {
      method: 'POST',
      json: { name, datasourceId: ds, reportType: 'profile', fields: PROFILE_FIELDS, format: 'csv', schedule: 'rate(1 hour)' },
    });
    expect(res.status).toBe(201);
    const schedule = await readJson(res);
    schedules.push(schedule.id);
    return schedule;
  }

  async function getSchedule(id: string): Promise<Json> {
    const res = await rt.api(`/v1/schedules/${id}`);
    expect(res.status).toBe(200);
    return readJson(res);
  }

  /** Moves the clock just past the schedule's next slot; returns that slot's time. */
  async function makeDue(id: string): Promise<string> {
    const { nextRunAt } = await getSchedule(id);
    expect(nextRunAt).toEqual(expect.any(String));
    clock.offsetMs = Date.parse(nextRunAt) - Date.now() + 1_000;
    return nextRunAt;
  }

  /** One EventBridge tick of the dispatcher, then every queued try (retries included) to its end. */
  async function dispatch(): Promise<void> {
    await rt.scheduler.fire('schedule-dispatch');
    await rt.reportQueue.drain();
  }

  async function runs(id: string): Promise<Json[]> {
    const res = await rt.api(`/v1/schedules/${id}/runs`);
    expect(res.status).toBe(200);
    return (await readJson(res)).items;
  }

  async function objects(scheduleId: string): Promise<string[]> {
    const { config } = appContext();
    const s3 = s3Client();
    const res = await s3.send(new ListObjectsV2Command({ Bucket: config.bucketName, Prefix: `${rt.tenantId}/${scheduleId}/` }));
    return (res.Contents ?? []).map((o) => o.Key!).sort();
  }

  /** The one delivered object of a run: complete CSV (header + the run's rows), with its metadata. */
  async function expectDelivered(run: Json): Promise<void> {
    const { config } = appContext();
    const s3 = s3Client();
    const obj = await s3.send(new GetObjectCommand({ Bucket: config.bucketName, Key: run.s3Key }));
    const text = await obj.Body!.transformToString();
    expect(text).not.toMatch(TOKEN_LIKE);
    const lines = text.trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + run.rowCount);
    expect(lines[0]).toContain('display_name');
    expect(obj.Metadata).toMatchObject({ rows: String(run.rowCount), 'report-type': 'profile', 'datasource-id': ds });
    expect(obj.ContentLength).toBe(run.bytes);
  }

  it('S3 refusing a whole write: the queue retries the run, one complete object, one succeeded run', async () => {
    const schedule = await createSchedule('S3 outage');
    const put = keep(injectS3Fault({ command: 'PutObjectCommand', match: deliveries(schedule.id), kind: 'internal', count: 3 }));
    await makeDue(schedule.id);
    await dispatch();
    expect(put.fired).toBe(3);
    const [run, ...others] = await runs(schedule.id);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'schedule', rowCount: 1, attempts: 2, error: null });
    expect(await objects(schedule.id)).toEqual([run.s3Key]);
    await expectDelivered(run);
    expect(rt.reportQueue.deadLetters).toEqual([]);
  });

  it('S3 down for every try: the run fails clearly, no object, the message is dead-lettered, the schedule carries on', async () => {
    const schedule = await createSchedule('S3 down');
    const put = keep(injectS3Fault({ command: 'PutObjectCommand', match: deliveries(schedule.id), kind: 'unavailable', count: Number.POSITIVE_INFINITY }));
    const slot = await makeDue(schedule.id);
    const deadBefore = rt.reportQueue.deadLetters.length;
    await dispatch();
    expect(put.fired).toBeGreaterThanOrEqual(3);
    const [run] = await runs(schedule.id);
    expect(run).toMatchObject({ status: 'failed', s3Key: null, rowCount: null });
    expect(run.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(JSON.stringify(run.error)).not.toMatch(TOKEN_LIKE);
    expect(await objects(schedule.id)).toEqual([]);
    expect(rt.reportQueue.deadLetters.length).toBe(deadBefore + 1);

    // Not lost: still enabled, already pointing at the next slot, and that slot delivers once S3 is back.
    put.remove();
    const after = await getSchedule(schedule.id);
    expect(after).toMatchObject({ enabled: true, lastRun: { status: 'failed' } });
    expect(Date.parse(after.nextRunAt)).toBeGreaterThan(Date.parse(slot));
    await makeDue(schedule.id);
    await dispatch();
    const latest = (await runs(schedule.id)).find((r) => r.status === 'succeeded');
    expect(latest).toBeDefined();
    expect(await objects(schedule.id)).toEqual([latest.s3Key]);
    await expectDelivered(latest);
  });

  it('the object is written but S3’s answer is lost: the retry adopts it, one object, no second write', async () => {
    const schedule = await createSchedule('S3 answer lost');
    // Written, then the caller sees a non-retryable error: the SDK gives up, the run is retried by the queue.
    const lost = keep(injectS3Fault({ command: 'PutObjectCommand', match: deliveries(schedule.id), kind: 'access_denied', phase: 'after-send', count: 1 }));
    await makeDue(schedule.id);
    await dispatch();
    expect(lost.fired).toBe(1);
    expect(lost.seen).toBe(1); // the retry found the object and did not PUT again
    const [run, ...others] = await runs(schedule.id);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await objects(schedule.id)).toEqual([run.s3Key]);
    await expectDelivered(run);
  });

  it('DynamoDB failing when the success is recorded: the retry adopts the written object, one delivery', async () => {
    const schedule = await createSchedule('record failure');
    const record = keep(injectDynamoFault({ command: 'UpdateItemCommand', match: runSucceeded(schedule.id), kind: 'internal', count: 3 }));
    const puts = keep(injectS3Fault({ command: 'PutObjectCommand', match: deliveries(schedule.id), count: 0 }));
    await makeDue(schedule.id);
    await dispatch();
    expect(record.fired).toBe(3);
    expect(puts.seen).toBe(1);
    const [run, ...others] = await runs(schedule.id);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await objects(schedule.id)).toEqual([run.s3Key]);
    await expectDelivered(run);
  });

  it('DynamoDB failing as the dispatcher advances the schedule: the next tick neither loses nor repeats the slot', async () => {
    const schedule = await createSchedule('advance failure');
    const advance = keep(injectDynamoFault({ command: 'UpdateItemCommand', match: dispatchAdvance(schedule.id), kind: 'internal', count: 3 }));
    const slot = await makeDue(schedule.id);
    await dispatch();
    expect(advance.fired).toBe(3);
    await dispatch(); // the next EventBridge tick
    const all = await runs(schedule.id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'succeeded', dueAt: new Date(Date.parse(slot)).toISOString() });
    expect(await objects(schedule.id)).toEqual([all[0].s3Key]);
    const after = await getSchedule(schedule.id);
    expect(after.enabled).toBe(true);
    expect(Date.parse(after.nextRunAt)).toBeGreaterThan(Date.parse(slot));
  });

  it('duplicates: two dispatcher events for one slot and a redelivered queue message deliver once', async () => {
    const schedule = await createSchedule('duplicates');
    const puts = keep(injectS3Fault({ command: 'PutObjectCommand', match: deliveries(schedule.id), count: 0 }));
    await makeDue(schedule.id);
    rt.reportQueue.pause();
    const at = new Date(clock.now());
    // EventBridge delivers at least once: the same tick twice, at the same time (fire() joins a rule
    // already in flight, so the second event is sent after the first finished).
    await rt.scheduler.fire('schedule-dispatch', at);
    await rt.scheduler.fire('schedule-dispatch', at);
    const [queued] = await runs(schedule.id);
    expect(queued).toMatchObject({ status: 'queued' });
    // SQS delivers at least once too: the same run message a second time.
    await rt.reportQueue.send([{ tenantId: rt.tenantId, scheduleId: schedule.id, slot: queued.slot }]);
    rt.reportQueue.resume();
    await rt.reportQueue.drain();

    expect(puts.seen).toBe(1);
    const all = await runs(schedule.id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await objects(schedule.id)).toEqual([all[0].s3Key]);
    await expectDelivered(all[0]);
  });

  it('TikTok throttling, then failing (5xx) through a whole call, during a run: retried by the queue, delivered once', async () => {
    const schedule = await createSchedule('TikTok trouble');
    // A long Retry-After is not waited for inside the call (the run is retried later instead);
    // then 5xx for one whole call (first try + the client's 3 retries); then TikTok answers.
    rt.sandbox!.injectFaults({ endpoint: 'user/info', status: 429, retryAfterSeconds: 120, count: 1 });
    rt.sandbox!.injectFaults({ endpoint: 'user/info', status: 503, count: 4 });
    await makeDue(schedule.id);
    await dispatch();
    // The second try waits out TikTok's Retry-After (the fleet-wide back-off), spending no try.
    expect(await runs(schedule.id)).toMatchObject([{ status: 'queued', attempts: 1, quotaWaits: 1 }]);
    clock.offsetMs += 121_000;
    await rt.reportQueue.drain();
    const [run, ...others] = await runs(schedule.id);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 3, rowCount: 1 });
    expect(await objects(schedule.id)).toEqual([run.s3Key]);
    await expectDelivered(run);
  });

  it('a worker that dies mid-run: within 2 minutes the dispatcher hands the run to a new worker, delivered once', async () => {
    const schedule = await createSchedule('worker crash');
    const puts = keep(injectS3Fault({ command: 'PutObjectCommand', match: deliveries(schedule.id), count: 0 }));
    await makeDue(schedule.id);
    rt.reportQueue.pause();
    await rt.scheduler.fire('schedule-dispatch', new Date(clock.now()));
    const [queued] = await runs(schedule.id);
    // The worker that took the run crashed right after taking it: its lease is never renewed.
    const crashedAt = clock.now();
    const deps = defaultDeliveryDeps();
    expect(await acquireRunLease(deps, { tenantId: rt.tenantId, scheduleId: schedule.id, slot: queued.slot }, 'crashed-worker', crashedAt, deps.leaseMs)).toBeDefined();
    rt.reportQueue.resume();
    await rt.reportQueue.drain(); // the message finds a live lease and is dropped: only the sweep can bring the run back
    expect((await runs(schedule.id))[0]).toMatchObject({ status: 'running' });

    clock.offsetMs += RUN_LEASE_MS + LEASE_SWEEP_MARGIN_MS + 1_000;
    expect(clock.now() - crashedAt).toBeLessThanOrEqual(120_000); // the documented bound, before the tick's own period
    await dispatch();
    const [run, ...others] = await runs(schedule.id);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(puts.seen).toBe(1);
    expect(await objects(schedule.id)).toEqual([run.s3Key]);
    await expectDelivered(run);
  });

  it('a worker that stalls past its lease writes nothing: the try that took over delivers, never two writers', async () => {
    const schedule = await createSchedule('stalled worker');
    const puts = keep(injectS3Fault({ command: 'PutObjectCommand', match: deliveries(schedule.id), count: 0 }));
    await makeDue(schedule.id);
    rt.reportQueue.pause();
    await rt.scheduler.fire('schedule-dispatch', new Date(clock.now()));
    const [queued] = await runs(schedule.id);
    const message = { tenantId: rt.tenantId, scheduleId: schedule.id, slot: queued.slot };
    const base = defaultDeliveryDeps();
    let second: RunOutcome | undefined;
    // The first try stalls inside the report (no heartbeat: a blocked worker cannot renew) until its
    // lease ran out and a second try took the run over and finished it.
    const stalled = {
      ...base,
      heartbeatMs: 0,
      reports: {
        ...base.reports,
        run: async (args: Parameters<typeof base.reports.run>[0]) => {
          clock.offsetMs += RUN_LEASE_MS + 1_000;
          second = await executeRun({ ...base, heartbeatMs: 0 }, message, { receiveCount: 2 });
          return base.reports.run(args);
        },
      },
    };
    const first = await executeRun(stalled, message, { receiveCount: 1 });
    expect(second).toMatchObject({ kind: 'succeeded' });
    expect(first).toEqual({ kind: 'skipped', reason: 'lease_lost' });
    expect(puts.seen).toBe(1);
    const [run, ...others] = await runs(schedule.id);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await objects(schedule.id)).toEqual([run.s3Key]);
    await expectDelivered(run);
    rt.reportQueue.resume();
    await rt.reportQueue.drain(); // the dispatcher's message: the run is finished, nothing more is written
    expect(puts.seen).toBe(1);
  });
});
