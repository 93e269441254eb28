/**
 * The capture lane on the in-memory store (the ports the fleet simulation uses): spread over the
 * day, backlog draining, no lost day while capacity suffices, resumable paging across deadlines
 * and quota waits (exact TikTok call counts), attempts, bad counters, mid-day connects, degradation.
 */
import { describe, expect, it } from 'vitest';
import { runCaptureJob, type CaptureJobOutcome } from '../../shared/history/capture-job.ts';
import { addDays, dayOf } from '../../shared/history/days.ts';
import { memoryCaptureStore } from '../../shared/history/memory-store.ts';
import { assessCapacity, CAPTURE_WINDOW, captureCalls, skipsVideosToday } from '../../shared/history/plan.ts';
import { dispatchDueCaptures, scheduleCaptureNow } from '../../shared/history/sweep.ts';
import type { CaptureMessage } from '../../shared/queue/capture.ts';
import { QuotaExhaustedError } from '../../shared/quota/errors.ts';
import { TikTokError } from '../../shared/tiktok/index.ts';
import { fakeTikTok, simClock, type FakeAccount } from './lane-support.ts';

const TICK_MS = 5 * 60_000;
const capacity = { quotaPerMinute: 600, backgroundShare: 0.8 };

/** Plays the dispatcher and the capture queue on the simulated clock. */
function fleet(startIso: string, accounts: Map<string, FakeAccount>, opts: { perMinute?: number; invocationMs?: number } = {}) {
  const clock = simClock(startIso);
  const store = memoryCaptureStore({ now: clock.now });
  const tiktok = fakeTikTok(clock, accounts);
  const queue: Array<{ at: number; message: CaptureMessage }> = [];
  const outcomes: CaptureJobOutcome[] = [];
  const queuedAt = new Map<string, number[]>();
  if (opts.perMinute) {
    const perMinute = opts.perMinute;
    const used = new Map<number, number>();
    tiktok.intercept(() => {
      const minute = Math.floor(clock.now() / 60_000);
      const n = used.get(minute) ?? 0;
      if (n >= perMinute) return new QuotaExhaustedError({ endpoint: '/v2/video/list/', priority: 'background', retryAfterSeconds: 60 - (clock.now() / 1000) % 60, reason: 'window_full' });
      used.set(minute, n + 1);
      return undefined;
    });
  }
  const deps = { now: clock.now, store, source: tiktok.source, random: () => 0.5 };
  async function tick() {
    const { messages, summary } = await dispatchDueCaptures({ store, capacity }, clock.now());
    for (const m of messages) {
      queue.push({ at: clock.now(), message: m });
      queuedAt.set(m.datasourceId, [...(queuedAt.get(m.datasourceId) ?? []), clock.now()]);
    }
    return summary;
  }
  /** Works the queue until the next tick (one worker: sequential). */
  async function work(untilMs: number) {
    for (;;) {
      queue.sort((a, b) => a.at - b.at);
      const next = queue[0];
      if (!next || next.at > untilMs) break;
      queue.shift();
      if (next.at > clock.now()) clock.set(next.at);
      const outcome = await runCaptureJob(deps, next.message, { deadlineMs: clock.now() + (opts.invocationMs ?? 240_000) });
      outcomes.push(outcome);
      if (outcome.kind === 'continue' || outcome.kind === 'wait' || outcome.kind === 'retry') queue.push({ at: clock.now() + outcome.delaySeconds * 1000, message: outcome.message });
    }
    if (clock.now() < untilMs) clock.set(untilMs);
  }
  async function runUntil(iso: string) {
    const end = Date.parse(iso);
    const summaries = [];
    while (clock.now() < end) {
      const tickAt = Math.ceil(clock.now() / TICK_MS) * TICK_MS;
      await work(tickAt);
      summaries.push(await tick());
      await work(tickAt + TICK_MS - 1);
    }
    return summaries;
  }
  return { clock, store, tiktok, queue, outcomes, queuedAt, deps, tick, work, runUntil };
}

const accountsOf = (n: number, videos: (i: number) => number) => new Map(Array.from({ length: n }, (_, i) => [`ds_${i}`, { videos: videos(i) }] as const));

describe('capture lane (in-memory ports)', () => {
  it('spreads 500 datasources over the capture window; none all at midnight; all captured', async () => {
    const f = fleet('2024-06-01T00:00:00Z', accountsOf(500, (i) => i % 7));
    for (const id of f.store.entries.keys()) void id;
    for (let i = 0; i < 500; i += 1) await f.store.due.ensure({ tenantId: 't', datasourceId: `ds_${i}` }, f.clock.now());
    await f.runUntil('2024-06-02T00:00:00Z');
    const times = [...f.queuedAt.values()].map((t) => t[0]! - Date.parse('2024-06-01T00:00:00Z'));
    expect(times).toHaveLength(500);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(CAPTURE_WINDOW.startMs);
    expect(Math.max(...times)).toBeLessThanOrEqual(CAPTURE_WINDOW.endMs + TICK_MS);
    const perHour = new Array(24).fill(0) as number[];
    for (const t of times) perHour[Math.floor(t / 3_600_000)]! += 1;
    // 500 over 19 h 50 min: about 25 an hour, none empty, none a burst.
    for (let h = 0; h < 20; h += 1) expect(perHour[h], `hour ${h}`).toBeGreaterThan(8);
    expect(Math.max(...perHour)).toBeLessThan(50);
    expect(perHour.slice(21).every((n) => n === 0)).toBe(true);
    expect(f.store.committed.size).toBe(500);
    expect([...f.store.entries.values()].every((e) => e.lostDays === 0 && e.day === '2024-06-02')).toBe(true);
  });

  it('drains a backlog under a quota limit, loses no day while capacity suffices, two days in a row', async () => {
    // 300 accounts up to 2,000 videos, all due at once (a backlog), 60 calls a minute for the lane.
    const accounts = accountsOf(300, (i) => (i * 37) % 2_000);
    const f = fleet('2024-06-01T00:00:00Z', accounts, { perMinute: 60 });
    for (let i = 0; i < 300; i += 1) await f.store.due.ensure({ tenantId: 't', datasourceId: `ds_${i}` }, f.clock.now(), { now: true });
    await f.runUntil('2024-06-03T00:00:00Z');
    const expectedCalls = [...accounts.values()].reduce((s, a) => s + captureCalls(a.videos), 0);
    for (const day of ['2024-06-01', '2024-06-02']) {
      const ids = [...accounts.keys()].filter((id) => f.store.committed.has(`${id}|${day}`));
      expect(ids, day).toHaveLength(300);
    }
    // Exactly the pages needed, both days, despite hundreds of quota waits.
    expect(f.tiktok.stats.calls).toBe(2 * expectedCalls);
    expect(f.outcomes.filter((o) => o.kind === 'wait').length).toBeGreaterThan(50);
    expect(f.outcomes.filter((o) => o.kind === 'failed')).toEqual([]);
    expect([...f.store.entries.values()].every((e) => e.lostDays === 0)).toBe(true);
    const day2 = f.store.committed.get('ds_1|2024-06-02')!;
    expect(day2.videos).toHaveLength(37);
    expect(day2.videos![36]!.counters[0]).toBe(100 * 36 + Math.floor(Date.parse('2024-06-02T00:00:00Z') / 86_400_000));
  });

  it('resumes at the page it stopped after deadlines and quota waits: exactly ceil(videos/20)+1 calls', async () => {
    const f = fleet('2024-06-01T09:00:00Z', new Map([['big', { videos: 25_013 }]]));
    let quotaAt = new Set([1, 2, 300, 301, 900]);
    f.tiktok.intercept((_ref, call) => {
      if (!quotaAt.has(call)) return undefined;
      quotaAt.delete(call);
      return call === 300 ? new TikTokError({ kind: 'rate_limited', endpoint: '/v2/video/list/', tiktokCode: 'rate_limit_exceeded', httpStatus: 429, retryAfterSeconds: 5 }) : new QuotaExhaustedError({ endpoint: '/v2/video/list/', priority: 'background', retryAfterSeconds: 3, reason: 'window_full' });
    });
    await f.store.due.ensure({ tenantId: 't', datasourceId: 'big' }, f.clock.now(), { now: true });
    let message: CaptureMessage | undefined = (await f.tick()).due ? f.queue.shift()!.message : undefined;
    expect(message).toBeDefined();
    const kinds: string[] = [];
    for (let i = 0; i < 500 && message; i += 1) {
      // Each invocation may make about 100 calls (200 ms each) before its deadline.
      const outcome = await runCaptureJob(f.deps, message, { deadlineMs: f.clock.now() + 20_000 });
      kinds.push(outcome.kind);
      message = 'message' in outcome ? outcome.message : undefined;
      if (outcome.kind === 'wait') f.clock.advance(outcome.delaySeconds * 1000);
    }
    quotaAt = new Set();
    expect(kinds.at(-1)).toBe('done');
    expect(kinds.filter((k) => k === 'continue').length).toBeGreaterThanOrEqual(8);
    expect(kinds.filter((k) => k === 'wait')).toHaveLength(5);
    expect(kinds).not.toContain('retry');
    expect(f.tiktok.stats.calls).toBe(Math.ceil(25_013 / 20) + 1);
    expect(f.tiktok.stats.userInfo).toBe(1);
    const day = f.store.committed.get('big|2024-06-01')!;
    expect(day.videos).toHaveLength(25_013);
    expect(new Set(day.videos!.map((v) => v.id)).size).toBe(25_013);
    expect(day.videos![25_012]!.counters[0]).toBe(100 * 25_012 + Math.floor(f.clock.now() / 86_400_000));
    // Parts and progress are gone; the entry waits for tomorrow's slot.
    expect(f.store.partItems.size).toBe(0);
    expect(f.store.progressItems.size).toBe(0);
    expect(f.store.entries.get('big')).toMatchObject({ day: '2024-06-02', lostDays: 0, videoCount: 25_013 });
  });

  it('a quota wait spends no attempt; real failures do, and the third gives the day up (null, counted)', async () => {
    const f = fleet('2024-06-01T09:00:00Z', new Map([['ds', { videos: 50 }]]));
    await f.store.due.ensure({ tenantId: 't', datasourceId: 'ds' }, f.clock.now(), { now: true });
    await f.tick();
    let message = f.queue.shift()!.message;
    f.tiktok.intercept(() => new QuotaExhaustedError({ endpoint: '/v2/user/info/', priority: 'background', retryAfterSeconds: 2_000, reason: 'tenant_share' }));
    for (let i = 0; i < 10; i += 1) {
      const o = await runCaptureJob(f.deps, message, { deadlineMs: f.clock.now() + 60_000 });
      expect(o).toMatchObject({ kind: 'wait', delaySeconds: 900 });
      message = (o as { message: CaptureMessage }).message;
    }
    expect(message).toMatchObject({ attempt: 0, waits: 10 });
    f.tiktok.intercept(() => new TikTokError({ kind: 'upstream', endpoint: '/v2/user/info/', tiktokCode: 'http_503', httpStatus: 503 }));
    const r1 = await runCaptureJob(f.deps, message, { deadlineMs: f.clock.now() + 60_000 });
    expect(r1).toMatchObject({ kind: 'retry', message: { attempt: 1 } });
    const r2 = await runCaptureJob(f.deps, (r1 as { message: CaptureMessage }).message, { deadlineMs: f.clock.now() + 60_000 });
    expect(r2).toMatchObject({ kind: 'retry', message: { attempt: 2 } });
    const r3 = await runCaptureJob(f.deps, (r2 as { message: CaptureMessage }).message, { deadlineMs: f.clock.now() + 60_000 });
    expect(r3).toMatchObject({ kind: 'failed', retryable: true, lostDay: true });
    expect(f.store.committed.has('ds|2024-06-01')).toBe(false);
    expect(f.store.entries.get('ds')).toMatchObject({ lostDays: 1, day: '2024-06-02', lastLost: { day: '2024-06-01' } });
  });

  it('re-authorisation needed fails the day for good at once', async () => {
    const f = fleet('2024-06-01T09:00:00Z', new Map([['ds', { videos: 5 }]]));
    await f.store.due.ensure({ tenantId: 't', datasourceId: 'ds' }, f.clock.now(), { now: true });
    await f.tick();
    const { ConflictError } = await import('../../shared/errors.ts');
    f.tiktok.intercept(() => new ConflictError('needs_reauth', 'Re-connect the account.'));
    const lost: unknown[] = [];
    const deps = { ...f.deps, onDayLost: async (ref: { datasourceId: string }, day: string, reason: string) => void lost.push([ref.datasourceId, day, reason]) };
    const o = await runCaptureJob(deps, f.queue.shift()!.message, { deadlineMs: f.clock.now() + 60_000 });
    expect(o).toMatchObject({ kind: 'failed', retryable: false, lostDay: true, error: { code: 'needs_reauth' } });
    // The built-in no-snapshot alert goes out for a day the job gave up, too.
    expect(lost).toEqual([['ds', '2024-06-01', 'needs_reauth']]);
  });

  it('a bad counter never fails the day: clamped or skipped per value', async () => {
    const bad: unknown[] = [-5, Number.NaN, 2 ** 60, 'abc', '123', 7.6, null];
    const f = fleet('2024-06-01T09:00:00Z', new Map([['ds', { videos: bad.length + 2, views: (i: number) => (i < bad.length ? bad[i] : 10) }]]));
    await f.store.due.ensure({ tenantId: 't', datasourceId: 'ds' }, f.clock.now(), { now: true });
    await f.tick();
    const o = await runCaptureJob(f.deps, f.queue.shift()!.message, { deadlineMs: f.clock.now() + 60_000 });
    expect(o).toMatchObject({ kind: 'done', status: 'captured', videos: bad.length + 2 });
    const views = f.store.committed.get('ds|2024-06-01')!.videos!.map((v) => v.counters[0]);
    expect(views).toEqual([0, 0, Number.MAX_SAFE_INTEGER, 0, 123, 8, 0, 10, 10]);
  });

  it('a datasource connected mid-day is captured that day, within a tick', async () => {
    const f = fleet('2024-06-01T00:00:00Z', new Map([['late', { videos: 3 }]]));
    await f.runUntil('2024-06-01T21:30:00Z'); // after the capture window
    expect(await scheduleCaptureNow(f.store, { tenantId: 't', datasourceId: 'late' }, f.clock.now())).toBe(true);
    await f.runUntil('2024-06-01T21:40:00Z');
    expect(f.store.committed.get('late|2024-06-01')).toMatchObject({ profile: { video_count: 3 } });
    expect(f.queuedAt.get('late')![0]! - Date.parse('2024-06-01T21:30:00Z')).toBeLessThanOrEqual(TICK_MS);
    // Re-authorised later the same day: today is captured already, nothing is queued again.
    expect(await scheduleCaptureNow(f.store, { tenantId: 't', datasourceId: 'late' }, f.clock.now())).toBe(false);
  });

  it('a lease that ends without success is queued again; a day that ends uncaptured is counted lost, never zero', async () => {
    const f = fleet('2024-06-01T20:00:00Z', new Map([['ds', { videos: 3 }]]));
    await f.store.due.ensure({ tenantId: 't', datasourceId: 'ds' }, f.clock.now(), { now: true });
    expect(await f.tick()).toMatchObject({ queued: 1 });
    f.queue.length = 0; // the worker died with the message
    f.clock.advance(29 * 60_000);
    expect(await f.tick()).toMatchObject({ due: 0 });
    f.clock.advance(2 * 60_000);
    expect(await f.tick()).toMatchObject({ requeued: 1 });
    f.queue.length = 0;
    f.clock.set('2024-06-02T00:05:00Z');
    expect(await f.tick()).toMatchObject({ daysLost: 1 });
    expect(f.store.entries.get('ds')).toMatchObject({ lostDays: 1, day: '2024-06-02' });
    expect(f.store.committed.has('ds|2024-06-01')).toBe(false);
  });

  it('degrades predictably: over capacity, the largest accounts alternate video counters day by day', () => {
    const plan = { day: '2024-06-01', plannedCalls: 800_000, doneCalls: 0, buckets: { 0: 100_000, 1: 100_000, 6: 200_000, 9: 400_000 } as Record<number, number> };
    const ok = assessCapacity({ ...plan, plannedCalls: 300_000, buckets: { 0: 300_000 } }, Date.parse('2024-06-01T00:10:00Z'), capacity);
    expect(ok).toMatchObject({ overrunCalls: 0 });
    expect(ok.degradeFromBucket).toBeUndefined();
    const over = assessCapacity(plan, Date.parse('2024-06-01T00:10:00Z'), capacity);
    expect(over.overrunCalls).toBe(800_000 - Math.floor(480 * (24 * 60 - 10)));
    expect(over.degradeFromBucket).toBe(9);
    // A big account (600 pages) alternates; a small one never skips.
    const days = Array.from({ length: 6 }, (_, i) => addDays('2024-06-01', i));
    const pattern = days.map((d) => skipsVideosToday('ds_big', d, 12_000, over));
    expect(pattern.filter(Boolean)).toHaveLength(3);
    for (let i = 1; i < pattern.length; i += 1) expect(pattern[i]).not.toBe(pattern[i - 1]);
    expect(days.some((d) => skipsVideosToday('ds_small', d, 40, over))).toBe(false);
    expect(dayOf(Date.parse('2024-06-01T00:10:00Z'))).toBe('2024-06-01');
  });
});
