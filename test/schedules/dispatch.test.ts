/**
 * The dispatcher on the local runtime: each due slot is claimed once whatever fires it (the same
 * event twice, two dispatchers at once), missed slots collapse into the latest one, a claim whose
 * message never left is re-sent, and 100 due schedules are all delivered with never more runs in
 * flight than the queue's concurrency bound. A run left `running` by a worker that died is re-sent
 * once its lease expired (and never while it is live), and fails `worker_lost` once out of tries.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appContext } from '../../shared/context.ts';
import { acquireRunLease, RUN_LEASE_MS } from '../../shared/delivery/index.ts';
import { REPORT_QUEUE_SETTINGS } from '../../shared/queue/index.ts';
import {
  advanceNextRun,
  claimRun,
  defaultScheduleServiceDeps,
  deleteSchedule,
  getRun,
  LEASE_SWEEP_MARGIN_MS,
  listSchedules,
  WORKER_LOST_CODE,
} from '../../shared/schedules/index.ts';
import { readJson } from '../support/http.ts';
import { startHarness, type Harness } from './harness.ts';

const MINUTE = 60_000;
let h: Harness;
let ds: string;

beforeAll(async () => {
  h = await startHarness('2031-03-01T00:00:30Z');
  ds = await h.connect('sandbox.creator');
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  h.faults.reset();
  h.rt.reportQueue.resetStats();
});

afterEach(async () => {
  const deps = defaultScheduleServiceDeps();
  for (;;) {
    const page = await listSchedules(deps, h.rt.tenantId, { limit: 100 });
    if (page.items.length === 0) break;
    await Promise.all(page.items.map((s) => deleteSchedule(deps, h.rt.tenantId, s.id)));
  }
});

function body(extra: Record<string, unknown> = {}) {
  return {
    name: 'dispatch test',
    datasourceId: ds,
    reportType: 'profile',
    fields: 'display_name,follower_count',
    format: 'json',
    schedule: 'rate(1 minute)',
    ...extra,
  };
}

const create = (extra: Record<string, unknown> = {}) => h.createSchedule(body(extra));
const createDirect = (extra: Record<string, unknown> = {}) => h.createScheduleDirect(body(extra));

const prefix = (id: string) => `${h.rt.tenantId}/${id}/`;

describe('one claim per slot', () => {
  it('the same dispatch event twice: one run, one object', async () => {
    const s = await create();
    h.clock.advance(MINUTE);
    const event = h.dispatchEvent();
    const first = await h.invokeDispatch(event);
    const second = await h.invokeDispatch(event);
    await h.rt.reportQueue.drain();
    expect(first).toMatchObject({ due: 1, claimed: 1, failed: 0 });
    expect(second.claimed).toBe(0);
    expect(await h.runs(s.id)).toHaveLength(1);
    expect(await h.listKeys(prefix(s.id))).toHaveLength(1);
    expect(h.faults.puts).toBe(1);
  });

  it('two dispatchers at once: each of 20 due slots is claimed exactly once', async () => {
    const schedules = await Promise.all(Array.from({ length: 20 }, (_, i) => createDirect({ name: `s${i}` })));
    h.clock.advance(MINUTE);
    const [a, b] = await Promise.all([h.invokeDispatch(), h.invokeDispatch()]);
    await h.rt.reportQueue.drain();
    expect(a.claimed + b.claimed).toBe(20);
    expect(a.failed + b.failed).toBe(0);
    const keys = await h.listKeys(`${h.rt.tenantId}/`);
    for (const s of schedules) {
      const runs = await h.runs(s.id);
      expect(runs, s.id).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(keys.filter((k) => k.startsWith(prefix(s.id)))).toHaveLength(1);
    }
    expect(h.faults.puts).toBe(20);
  });

  it('a claim whose message never left (its dispatcher died) is re-sent once stale, and delivered once', async () => {
    h.clock.set('2031-03-02T07:00:00Z');
    const s = await create({ schedule: 'cron(0 8 * * ? *)' });
    expect(s.nextRunAt).toBe('2031-03-02T08:00:00.000Z');
    h.clock.set('2031-03-02T08:00:20Z');
    // What a dispatcher that died between its claim and its send leaves behind: a queued run, no message.
    const ctx = appContext();
    const claim = await claimRun(
      { dynamo: ctx.dynamo, tableName: ctx.config.tableName },
      { tenantId: h.rt.tenantId, scheduleId: s.id, slot: '20310302T080000Z', trigger: 'schedule', dueAt: '2031-03-02T08:00:00.000Z' },
      h.clock.now(),
    );
    expect(claim.claimed).toBe(true);
    // A tick right after: the claim is fresh (its claimer may still be sending); nothing is sent and
    // the schedule stays due.
    const early = await h.dispatchAndDrain();
    expect(early).toMatchObject({ due: 1, claimed: 0, requeued: 0, alreadyClaimed: 1 });
    expect(await h.runs(s.id)).toMatchObject([{ status: 'queued', attempts: 0 }]);
    expect((await h.schedule(s.id)).nextRunAt).toBe('2031-03-02T08:00:00.000Z');
    // Later ticks: the stale claim is re-sent once, delivered once, and the schedule moves on.
    h.clock.set('2031-03-02T08:05:00Z');
    const [late, later] = await Promise.all([h.invokeDispatch(), h.invokeDispatch()]);
    await h.rt.reportQueue.drain();
    expect(late.requeued + later.requeued).toBe(1);
    expect(late.claimed + later.claimed).toBe(0);
    expect(h.faults.puts).toBe(1);
    expect(await h.runs(s.id)).toMatchObject([{ slot: '20310302T080000Z', status: 'succeeded', attempts: 1 }]);
    expect(await h.listKeys(prefix(s.id))).toEqual([`${prefix(s.id)}2031/03/02/20310302T080000Z.json`]);
    expect((await h.schedule(s.id)).nextRunAt).toBe('2031-03-03T08:00:00.000Z');
  });
});

describe('missed slots', () => {
  it('after hours without a dispatcher, a rate(1 minute) schedule runs once, for the latest slot', async () => {
    h.clock.set('2031-03-05T10:00:30Z');
    const s = await create();
    expect(s.nextRunAt).toBe('2031-03-05T10:01:00.000Z');
    h.clock.set('2031-03-05T13:00:40Z');
    const summary = await h.dispatchAndDrain();
    expect(summary).toMatchObject({ claimed: 1, missedSlots: 179 });
    const runs = await h.runs(s.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ slot: '20310305T130000Z', dueAt: '2031-03-05T13:00:00.000Z', missedSlots: 179, status: 'succeeded' });
    expect(await h.listKeys(prefix(s.id))).toHaveLength(1);
    expect((await h.schedule(s.id)).nextRunAt).toBe('2031-03-05T13:01:00.000Z');
  });

  it('a daily cron in a time zone, three days late: one run for the latest day', async () => {
    h.clock.set('2031-03-06T12:00:00Z');
    const s = await create({ schedule: 'cron(30 9 * * ? *)', timezone: 'Europe/Berlin' });
    expect(s.nextRunAt).toBe('2031-03-07T08:30:00.000Z');
    h.clock.set('2031-03-10T12:00:00Z');
    await h.dispatchAndDrain();
    const runs = await h.runs(s.id);
    expect(runs).toMatchObject([{ slot: '20310310T083000Z', missedSlots: 3, status: 'succeeded' }]);
    expect((await h.schedule(s.id)).nextRunAt).toBe('2031-03-11T08:30:00.000Z');
  });
});

describe('what is not dispatched', () => {
  it('a disabled schedule, and a schedule not yet due', async () => {
    h.clock.set('2031-03-12T00:00:30Z');
    const off = await create({ enabled: false });
    expect(off.nextRunAt).toBeNull();
    const later = await create({ schedule: 'rate(1 hour)' });
    h.clock.advance(2 * MINUTE);
    const summary = await h.dispatchAndDrain();
    expect(summary.due).toBe(0);
    expect(await h.runs(off.id)).toEqual([]);
    expect(await h.runs(later.id)).toEqual([]);
  });
});

describe('run now', () => {
  it('queues a manual slot of its own, delivered like a scheduled one, and leaves nextRunAt alone', async () => {
    h.clock.set('2031-03-13T00:00:30Z');
    const s = await create({ schedule: 'rate(1 day)', format: 'csv' });
    const res = await h.rt.api(`/v1/schedules/${s.id}/run`, { method: 'POST' });
    expect(res.status).toBe(202);
    const run = await readJson(res);
    expect(run).toMatchObject({ trigger: 'manual', status: 'queued', attempts: 0 });
    expect(run.slot).toMatch(/^20310313T000030Z-manual-[a-z0-9]+$/);
    await h.rt.reportQueue.drain();
    expect(await h.runs(s.id)).toMatchObject([{ slot: run.slot, status: 'succeeded', s3Key: `${prefix(s.id)}2031/03/13/${run.slot}.csv` }]);
    expect((await h.schedule(s.id)).nextRunAt).toBe(s.nextRunAt);
    const unknown = await h.rt.api('/v1/schedules/sch_nope/run', { method: 'POST' });
    expect(unknown.status).toBe(404);
  });
});

describe('bounded concurrency', () => {
  it('100 due schedules: all delivered, never more than the bound in flight', async () => {
    h.clock.set('2031-03-14T00:00:30Z');
    const schedules: Array<{ id: string }> = [];
    for (let i = 0; i < 100; i += 10) {
      schedules.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => createDirect({ name: `bulk ${i + j}` })))));
    }
    h.clock.advance(MINUTE);
    h.faults.putDelayMs = 15; // each write takes a moment, so overlapping runs are visible
    const summary = await h.dispatchAndDrain();
    expect(summary).toMatchObject({ due: 100, claimed: 100, failed: 0 });
    // (The queue also carries the built-in daily snapshot jobs, so it may have seen a few more messages.)
    const stats = h.rt.reportQueue.stats();
    expect(stats.received).toBeGreaterThanOrEqual(100);
    expect(stats.deadLettered).toBe(0);
    expect(stats.maxInFlight).toBeLessThanOrEqual(REPORT_QUEUE_SETTINGS.maxConcurrency);
    // Measured independently of the queue: PutObject calls in flight at once.
    expect(h.faults.puts).toBe(100);
    expect(h.faults.maxInFlight).toBeLessThanOrEqual(REPORT_QUEUE_SETTINGS.maxConcurrency);
    expect(h.faults.maxInFlight).toBeGreaterThan(1);
    const keys = await h.listKeys(`${h.rt.tenantId}/`);
    for (const s of schedules) expect(keys.filter((k) => k.startsWith(prefix(s.id)))).toHaveLength(1);
  });
});

describe('lost workers (expired leases)', () => {
  const store = () => {
    const ctx = appContext();
    return { dynamo: ctx.dynamo, tableName: ctx.config.tableName };
  };

  /**
   * What a dispatcher that claimed, sent and advanced leaves behind when the worker that took the
   * lease then died (its duplicate delivery was skipped as in progress): a `running` run, no message.
   */
  async function runLeftByLostWorker(day: string, workers = 1) {
    h.clock.set(`${day}T07:00:00Z`);
    const s = await create({ schedule: 'cron(0 8 * * ? *)' });
    const slot = `${day.replace(/-/g, '')}T080000Z`;
    h.clock.set(`${day}T08:00:20Z`);
    const claim = await claimRun(
      store(),
      { tenantId: h.rt.tenantId, scheduleId: s.id, slot, trigger: 'schedule', dueAt: `${day}T08:00:00.000Z` },
      h.clock.now(),
    );
    expect(claim.claimed).toBe(true);
    const nextDay = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    expect(await advanceNextRun(store(), { tenantId: h.rt.tenantId, id: s.id }, { expectedNextRunAt: `${day}T08:00:00.000Z` }, `${nextDay}T08:00:00.000Z`)).toBe(
      true,
    );
    for (let i = 0; i < workers; i += 1) {
      // Each worker takes the (queued, then expired) lease and dies without a result.
      const taken = await acquireRunLease(store(), { tenantId: h.rt.tenantId, scheduleId: s.id, slot }, `lost-worker-${i}`, h.clock.now(), RUN_LEASE_MS);
      expect(taken).toMatchObject({ status: 'running', attempts: i + 1 });
      if (i < workers - 1) h.clock.advance(RUN_LEASE_MS + 1);
    }
    return { s, slot, leaseEnd: h.clock.now() + RUN_LEASE_MS };
  }

  it('a running run whose worker died is re-sent by the next tick after its lease expired, and delivered once', async () => {
    const { s, slot, leaseEnd } = await runLeftByLostWorker('2031-03-20');
    // Lease live: nothing is re-sent.
    h.clock.set('2031-03-20T08:01:00Z');
    const live = await h.dispatchAndDrain();
    expect(live).toMatchObject({ leaseResent: 0, leaseFailed: 0, failed: 0 });
    expect(await h.runs(s.id)).toMatchObject([{ slot, status: 'running', attempts: 1 }]);
    // Lease just over, within the margin: still left alone.
    h.clock.set(new Date(leaseEnd + LEASE_SWEEP_MARGIN_MS - 1_000).toISOString());
    expect(await h.dispatchAndDrain()).toMatchObject({ leaseResent: 0, leaseFailed: 0 });
    expect(h.faults.puts).toBe(0);
    expect(await h.runs(s.id)).toMatchObject([{ slot, status: 'running', attempts: 1 }]);
    // Past lease + margin: two dispatchers at once re-send it once; the new worker takes the lease over.
    h.clock.set(new Date(leaseEnd + LEASE_SWEEP_MARGIN_MS + 1_000).toISOString());
    const [a, b] = await Promise.all([h.invokeDispatch(), h.invokeDispatch()]);
    await h.rt.reportQueue.drain();
    expect(a.leaseResent + b.leaseResent).toBe(1);
    expect(a.failed + b.failed).toBe(0);
    expect(h.faults.puts).toBe(1);
    expect(await h.runs(s.id)).toMatchObject([{ slot, status: 'succeeded', attempts: 2, error: null }]);
    expect(await h.listKeys(prefix(s.id))).toEqual([`${prefix(s.id)}2031/03/20/${slot}.json`]);
    // Finished: out of the lease index, never re-sent again.
    h.clock.advance(REPORT_QUEUE_SETTINGS.visibilityTimeoutSeconds * 1000);
    expect(await h.dispatchAndDrain()).toMatchObject({ leaseResent: 0, leaseFailed: 0 });
    expect(h.faults.puts).toBe(1);
  });

  it('a run whose tries were all taken by workers that died ends failed (worker_lost), never retried again', async () => {
    const { s, slot, leaseEnd } = await runLeftByLostWorker('2031-03-22', REPORT_QUEUE_SETTINGS.maxReceiveCount);
    h.clock.set(new Date(leaseEnd + LEASE_SWEEP_MARGIN_MS + 1_000).toISOString());
    const summary = await h.dispatchAndDrain();
    expect(summary).toMatchObject({ leaseResent: 0, leaseFailed: 1, failed: 0 });
    const [run] = await h.runs(s.id);
    expect(run).toMatchObject({ slot, status: 'failed', attempts: REPORT_QUEUE_SETTINGS.maxReceiveCount });
    expect(run.error).toMatchObject({ code: WORKER_LOST_CODE });
    expect(String((run.error as { message: string }).message)).toMatch(/^Worker lost/);
    expect(run.finishedAt).toBe(new Date(h.clock.now()).toISOString());
    expect((await h.schedule(s.id)).lastRun).toMatchObject({ slot, status: 'failed' });
    const stored = await getRun(store(), s.id, slot);
    expect(stored?.leaseOwner).toBeUndefined();
    expect(stored?.leaseUntil).toBeUndefined();
    // Later ticks leave it failed: nothing sent, nothing written.
    h.clock.advance(10 * MINUTE);
    expect(await h.dispatchAndDrain()).toMatchObject({ leaseResent: 0, leaseFailed: 0 });
    expect(h.faults.puts).toBe(0);
    expect(await h.listKeys(prefix(s.id))).toEqual([]);
    expect(await h.runs(s.id)).toMatchObject([{ slot, status: 'failed' }]);
  });
});
