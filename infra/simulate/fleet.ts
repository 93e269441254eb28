/**
 * The fleet simulation (`npm run simulate`): N accounts of T tenants sharing one TikTok app for D
 * days, on virtual time. It drives the real code: the quota governor (shared/quota) in front of the
 * real TikTok client, the capture sweep the dispatcher runs (shared/history/sweep.ts) and the
 * capture job (shared/history/capture-job.ts) with its in-memory store; only TikTok, the queue and
 * the clock are simulated. Interactive report calls arrive alongside, plus one tenant's burst of
 * three times the quota at noon on the first day.
 */
import { captureCalls, CAPTURE_WINDOW, dispatchDueCaptures, runCaptureJob, tickCallBudget, tiktokCaptureSource } from '../../shared/history/index.ts';
import { memoryCaptureStore } from '../../shared/history/memory-store.ts';
import { dayOf } from '../../shared/history/days.ts';
import { CAPTURE_QUEUE_SETTINGS, type CaptureMessage } from '../../shared/queue/capture.ts';
import { createGovernor, DEFAULT_QUOTA_SETTINGS, memoryLedgerStore, QuotaExhaustedError, withWork, type GovernorEvent, type QuotaSettings } from '../../shared/quota/index.ts';
import { governedGate } from '../../shared/quota/gate.ts';
import { ruleIntervalMinutes } from '../../shared/topology/schedules.ts';
import { ALL_SCOPES, createTikTokClient, type TikTokClient } from '../../shared/tiktok/index.ts';
import { seededRng } from '../../shared/tiktok/sandbox/random.ts';
import { simulatedTikTok, type SimAccount } from './tiktok.ts';
import { VirtualTime } from './virtual-time.ts';

export interface SimOptions {
  accounts: number;
  videosMean: number;
  days: number;
  tenants: number;
  quota: number;
  scope: 'app' | 'user';
  /** Interactive report calls per minute across all tenants (user/info). */
  interactivePerMinute: number;
  seed: number;
}

export interface SimResult {
  accounts: number;
  tenants: number;
  days: number;
  videosMean: number;
  quotaPerMinute: number;
  peakCallsPerMinute: Record<string, number>;
  tiktokCalls: Record<string, number>;
  tiktok429: number;
  snapshotDaysLost: number;
  /** Days taken with profile counters only (the degradation rule for the largest accounts). */
  profileOnlyDays: number;
  /** Per simulated day: the minute of the day at which its last snapshot was taken. */
  captureFinishMinutes: number[];
  interactive: { requests: number; p50WaitMs: number; p95WaitMs: number; rejected: number };
  /** The noon burst: one tenant's 3x-quota interactive calls at once, and how many were served (its share of the window). */
  burst: { tenantId: string; requests: number; served: number; rejected: number };
  /** The largest share of an endpoint's minute one tenant's API and delivery calls took while another tenant's waited or were refused. */
  tenantShare: number;
  /** Ticks at which the dispatcher's capacity verdict said the day's captures could not all be taken. */
  capacityWarnings: number;
  captureWaits: number;
  ledgerOpsPerCall: number;
  /** The capture store's operations, like DynamoDB requests (reads, writes, items read). */
  captureStoreOps: { reads: number; writes: number; itemsRead: number };
  /** Each ledger item's size at the end (JSON bytes: about its DynamoDB write units in KB). */
  ledgerItemBytes: Record<string, number>;
  realSeconds: number;
}

const START = Date.parse('2026-12-07T00:00:00Z');
const DAY_MS = 86_400_000;
const LATENCY = { '/v2/user/info/': 80, '/v2/video/list/': 150, '/v2/video/query/': 120 };
const INTERACTIVE_INSTANCES = 4;

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export async function simulate(o: SimOptions): Promise<SimResult> {
  const started = performance.now();
  // The sandbox's seeded PRNG: a run can be repeated.
  const random = seededRng(o.seed);
  const time = new VirtualTime(START);
  const settings: QuotaSettings = { ...DEFAULT_QUOTA_SETTINGS, perMinute: o.quota, scope: o.scope };

  // The fleet: video counts exponential around the mean (a long tail of big accounts).
  const accounts: Array<SimAccount & { tenantId: string; datasourceId: string }> = [];
  const byToken = new Map<string, SimAccount>();
  for (let i = 0; i < o.accounts; i += 1) {
    const videos = Math.round(-o.videosMean * Math.log(1 - random()));
    const id = `ds_${i.toString(36).padStart(4, '0')}`;
    const account = { openId: `oid_${id}`, videos, tenantId: `tn_${i % o.tenants}`, datasourceId: id };
    accounts.push(account);
    byToken.set(`tok_${id}`, account);
  }
  const tiktok = simulatedTikTok({ time, perMinute: o.quota, scope: o.scope, latencyMs: LATENCY, account: (t) => byToken.get(t) });

  // Governor events: waits, refusals, and grants per (endpoint, minute, tenant) for the fairness figure.
  const interactiveWaits: number[] = [];
  let interactiveRejected = 0;
  let leaseOps = 0;
  const grants = new Map<string, Map<string, number>>();
  const waitingTenants = new Map<string, Set<string>>();
  const minuteKey = (endpoint: string) => `${endpoint}|${Math.floor(time.now() / 60_000)}`;
  const onEvent = (e: GovernorEvent) => {
    if (e.type === 'leased') leaseOps += e.storeOps;
    // Tenants are shared between where people wait (interactive, scheduled); background work is
    // shared per account by the due index (docs/quota.md), so it is left out of the fairness figure.
    if (e.type === 'granted') {
      if (e.priority === 'interactive') interactiveWaits.push(e.waitedMs);
      if (e.priority === 'background') return;
      const k = minuteKey(e.endpoint);
      let m = grants.get(k);
      if (!m) grants.set(k, (m = new Map()));
      m.set(e.tenantId, (m.get(e.tenantId) ?? 0) + 1);
      if (e.waitedMs > 0) waitersOf(k).add(e.tenantId);
    }
    if (e.type === 'rejected' && e.priority !== 'background') {
      waitersOf(minuteKey(e.endpoint)).add(e.tenantId);
      if (e.priority === 'interactive') interactiveRejected += 1;
    }
  };
  const waitersOf = (k: string) => {
    let s = waitingTenants.get(k);
    if (!s) waitingTenants.set(k, (s = new Set()));
    return s;
  };

  const ledger = memoryLedgerStore();
  const governedClient = (): TikTokClient => {
    const governor = createGovernor({ store: ledger, settings, now: time.now, sleep: time.sleep, random, onEvent });
    return createTikTokClient({
      clientKey: 'sim',
      clientSecret: 'sim-secret',
      authBaseUrl: 'https://tiktok.sim',
      apiBaseUrl: 'https://tiktok.sim',
      fetch: tiktok.fetch,
      now: time.now,
      // No retry inside a call: a retry's pause would be real time. The job and the queue retry.
      retry: { retries: 0, minDelayMs: 0, maxDelayMs: 0 },
      gate: governedGate(governor),
    });
  };

  // The capture lane: the real store (in memory), sweep and job; SQS played by a FIFO + delays.
  const store = memoryCaptureStore({ now: time.now, keepVideos: false });
  for (const a of accounts) await store.due.ensure(a, START, { videoCount: a.videos });
  const capacity = { quotaPerMinute: settings.overrides['/v2/video/list/'] ?? settings.perMinute, backgroundShare: settings.laneShare.background };
  const tickMinutes = ruleIntervalMinutes('schedule-dispatch');
  const end = START + o.days * DAY_MS;
  const ready: CaptureMessage[] = [];
  let wakeWorker: (() => void) | undefined;
  const enqueue = (m: CaptureMessage) => {
    ready.push(m);
    wakeWorker?.();
  };
  const next = async (): Promise<CaptureMessage> => {
    for (;;) {
      const m = ready.shift();
      if (m) return m;
      await new Promise<void>((resolve) => {
        const prev = wakeWorker;
        wakeWorker = () => {
          wakeWorker = prev;
          resolve();
          prev?.();
        };
      });
    }
  };
  const captureTimeoutMs = CAPTURE_QUEUE_SETTINGS.consumerTimeoutSeconds * 1000;
  let captureWaits = 0;
  let capacityWarnings = 0;

  async function worker(): Promise<void> {
    const client = governedClient();
    const source = tiktokCaptureSource({
      client: async () => client,
      withAccessToken: (ref, fn) => fn(`tok_${ref.datasourceId}`, { scopes: ALL_SCOPES, openId: `oid_${ref.datasourceId}` }),
    });
    const deps = { now: time.now, store, source, random, log: { warn: () => undefined } };
    for (;;) {
      const message = await next();
      if (time.now() >= end) return;
      const deadlineMs = time.now() + captureTimeoutMs - CAPTURE_QUEUE_SETTINGS.reserveMs;
      const outcome = await runCaptureJob(deps, message, { deadlineMs });
      if (outcome.kind === 'wait') captureWaits += 1;
      if (outcome.kind === 'continue' || outcome.kind === 'wait' || outcome.kind === 'retry') {
        const m = outcome.message;
        void time.sleep(outcome.delaySeconds * 1000).then(() => enqueue(m));
      }
      // A Lambda invocation is not free: a few ms between messages.
      await time.sleep(5);
    }
  }

  async function dispatcher(): Promise<void> {
    for (let t = START; t < end; t += tickMinutes * 60_000) {
      if (time.now() < t) await time.sleep(t - time.now());
      const { messages, summary } = await dispatchDueCaptures({ store, capacity, callBudget: tickCallBudget(capacity, tickMinutes) }, time.now());
      if (summary.capacity.overrunCalls > 0) capacityWarnings += 1;
      for (const m of messages) enqueue(m);
    }
  }

  // Interactive calls: Poisson arrivals on random tenants' accounts, plus the noon burst.
  const apiClients = Array.from({ length: INTERACTIVE_INSTANCES }, governedClient);
  let interactiveRequests = 0;
  const burst = { tenantId: 'tn_0', requests: 0, served: 0, rejected: 0 };
  const interactiveCall = (a: (typeof accounts)[number]): Promise<boolean> => {
    interactiveRequests += 1;
    const client = apiClients[Math.floor(random() * apiClients.length)]!;
    return withWork({ tenantId: a.tenantId, priority: 'interactive', openId: a.openId }, () => client.getUserInfo(`tok_${a.datasourceId}`, ['open_id', 'follower_count'])).then(
      () => true,
      (err: unknown) => {
        if (!(err instanceof QuotaExhaustedError)) throw err;
        return false;
      },
    );
  };
  async function interactive(): Promise<void> {
    if (o.interactivePerMinute <= 0) return;
    const meanGapMs = 60_000 / o.interactivePerMinute;
    let burstDone = false;
    for (;;) {
      await time.sleep(Math.max(1, Math.round(-meanGapMs * Math.log(1 - random()))));
      if (time.now() >= end) return;
      void interactiveCall(accounts[Math.floor(random() * accounts.length)]!);
      if (!burstDone && time.now() >= START + 12 * 3_600_000) {
        burstDone = true;
        const mine = accounts.filter((a) => a.tenantId === 'tn_0');
        for (let i = 0; i < 3 * o.quota; i += 1) {
          burst.requests += 1;
          void interactiveCall(mine[i % mine.length]!).then((ok) => (ok ? (burst.served += 1) : (burst.rejected += 1)));
        }
      }
    }
  }

  const workers = Array.from({ length: CAPTURE_QUEUE_SETTINGS.maxConcurrency }, () => worker());
  void dispatcher();
  void interactive();
  await time.run(end);
  wakeWorker?.();
  void workers;

  // Results: days taken, when each day finished, fairness under contention.
  let taken = 0;
  let profileOnly = 0;
  const finish: number[] = Array.from({ length: o.days }, () => 0);
  for (const [key, day] of store.committed) {
    const dayStr = key.slice(key.indexOf('|') + 1);
    const index = Math.round((Date.parse(`${dayStr}T00:00:00Z`) - START) / DAY_MS);
    if (index < 0 || index >= o.days) continue;
    taken += 1;
    if (day.videoCount === undefined) profileOnly += 1;
    finish[index] = Math.max(finish[index]!, Math.ceil((day.capturedAt - (START + index * DAY_MS)) / 60_000));
  }
  let tenantShare = 0;
  for (const [k, byTenant] of grants) {
    const waiting = waitingTenants.get(k);
    if (!waiting || waiting.size === 0) continue;
    const endpoint = k.slice(0, k.indexOf('|'));
    const limit = settings.overrides[endpoint] ?? settings.perMinute;
    for (const [tenant, n] of byTenant) {
      // Only while somebody else waited.
      if ([...waiting].some((w) => w !== tenant)) tenantShare = Math.max(tenantShare, n / limit);
    }
  }
  const calls = tiktok.calls();
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  void dayOf;
  void captureCalls;
  void CAPTURE_WINDOW;
  return {
    accounts: o.accounts,
    tenants: o.tenants,
    days: o.days,
    videosMean: o.videosMean,
    quotaPerMinute: o.quota,
    peakCallsPerMinute: tiktok.peakPerMinute(),
    tiktokCalls: calls,
    tiktok429: tiktok.refused(),
    snapshotDaysLost: o.accounts * o.days - taken,
    profileOnlyDays: profileOnly,
    captureFinishMinutes: finish,
    interactive: { requests: interactiveRequests, p50WaitMs: percentile(interactiveWaits, 50), p95WaitMs: percentile(interactiveWaits, 95), rejected: interactiveRejected },
    burst,
    tenantShare: Math.round(tenantShare * 1000) / 1000,
    capacityWarnings,
    captureWaits,
    ledgerOpsPerCall: totalCalls > 0 ? Math.round((leaseOps / totalCalls) * 1000) / 1000 : 0,
    realSeconds: Math.round((performance.now() - started) / 100) / 10,
    captureStoreOps: store.ops,
    ledgerItemBytes: Object.fromEntries([...ledger.items].map(([k, v]) => [k, JSON.stringify(v.state).length])),
  };
}
