/**
 * The quota ledger of one TikTok endpoint (or one endpoint and open_id in `user` scope): what was
 * granted in the last minute, by whom, who is waiting, and TikTok's back-off. Pure functions only:
 * the governor reads the stored ledger, asks `decide`, and writes the result back with a
 * conditional put on its version (docs/quota.md explains why this bounds TikTok's sliding window).
 */
import type { Priority } from './errors.ts';
import { lookbackMs, type QuotaSettings } from './settings.ts';

/**
 * Grants are lists of [time unit, count] pairs, oldest first (DynamoDB lists of numbers). Not maps
 * keyed by epoch second: such keys are array indices to V8, which keeps them in slow dictionary
 * elements; lists made the fleet simulation's ledger work several times cheaper (measured).
 */
export type Buckets = Array<[number, number]>;

export interface LedgerState {
  /** Permits granted per epoch second. */
  g: Buckets;
  /** Permits granted per tenant, per 10-second bucket (epoch seconds / 10). */
  t: Record<string, Buckets>;
  /** Tenants refused a permit lately: tenant -> epoch ms of the refusal. */
  w: Record<string, number>;
  /** TikTok answered 429 (last halving at `at`): no grant before `until`, then the limit climbs back from `factor` to 1. */
  bo?: { until: number; factor: number; at: number };
  /** When `t` was last swept of buckets that left the window (epoch ms). */
  pt?: number;
}

export const emptyLedger = (): LedgerState => ({ g: [], t: {}, w: {} });

const copyBuckets = (b: Buckets | undefined): Buckets => (b ? b.map(([k, n]) => [k, n]) : []);

/** A deep copy (lists and maps of numbers): several times cheaper than structuredClone. */
export function copyLedger(s: LedgerState): LedgerState {
  const t: Record<string, Buckets> = {};
  for (const tenant in s.t) t[tenant] = copyBuckets(s.t[tenant]);
  return { g: copyBuckets(s.g), t, w: { ...s.w }, ...(s.bo ? { bo: { ...s.bo } } : {}), ...(s.pt !== undefined ? { pt: s.pt } : {}) };
}

/** Adds n at unit `k` (the newest unit is last; grants never go back in time). */
function addAt(b: Buckets, k: number, n: number): void {
  const last = b[b.length - 1];
  if (last && last[0] === k) last[1] += n;
  else if (!last || last[0] < k) b.push([k, n]);
  else {
    // A clock a little behind another instance's: keep the list ordered.
    const i = b.findIndex(([x]) => x >= k);
    if (b[i]![0] === k) b[i]![1] += n;
    else b.splice(i, 0, [k, n]);
  }
}

export interface LeaseAsk {
  tenantId: string;
  priority: Priority;
  want: number;
  /** Share between tenants (app scope); a per-user ledger has no tenants to share between. */
  fair: boolean;
}

export type Refusal = 'window_full' | 'tenant_share' | 'backoff';

export type Decision =
  | { granted: number; state: LedgerState; write: true }
  | { granted: 0; reason: Refusal; retryAfterMs: number; state: LedgerState; write: boolean };

/** Coarse on purpose: the item grows with tenants x buckets, and fairness needs no finer count. */
const TENANT_BUCKET_S = 10;
/** A refusal marks the tenant as waiting for this long. */
export const WAITING_TTL_MS = 3_000;
/** A waiting mark younger than this is not rewritten (saves a write per poll). */
const WAITING_REFRESH_MS = 1_000;
const MIN_RETRY_MS = 100;
const LEASE_FRACTION = 30;

/** The back-off factor in force at `now` (1 = the configured limit). */
export function limitFactor(state: LedgerState, now: number, s: QuotaSettings): number {
  if (!state.bo) return 1;
  if (now < state.bo.until) return 0;
  const f = state.bo.factor + (1 - state.bo.factor) * Math.min(1, (now - state.bo.until) / s.recoveryMs);
  return Math.min(1, f);
}

const oldestSecond = (now: number, s: QuotaSettings) => Math.floor((now - lookbackMs(s)) / 1000);
/** The first tenant bucket that may still count: one counts while any of its seconds may. */
const oldestTenantBucket = (oldestSec: number) => Math.floor(oldestSec / TENANT_BUCKET_S);
/** Sweeping every tenant's buckets costs O(tenants): done this often; in between a tenant's own count skips stale buckets. */
const TENANT_SWEEP_MS = 10_000;

const liveFrom = (b: Buckets | undefined, oldest: number): Buckets => (b ? b.filter(([k]) => k >= oldest) : []);

function prune(state: LedgerState, now: number, s: QuotaSettings): LedgerState {
  const oldestSec = oldestSecond(now, s);
  const g = liveFrom(state.g, oldestSec);
  let t = state.t;
  let pt = state.pt;
  if (pt === undefined || now - pt >= TENANT_SWEEP_MS) {
    t = {};
    const oldest = oldestTenantBucket(oldestSec);
    for (const tenant in state.t) {
      const kept = liveFrom(state.t[tenant], oldest);
      if (kept.length > 0) t[tenant] = kept;
    }
    pt = now;
  }
  const w: Record<string, number> = {};
  for (const tenant in state.w) if (now - state.w[tenant]! < WAITING_TTL_MS) w[tenant] = state.w[tenant]!;
  const out: LedgerState = { g, t, w, pt };
  if (state.bo && limitFactor(state, now, s) < 1) out.bo = state.bo;
  return out;
}

const sum = (b: Buckets) => {
  let n = 0;
  for (const [, c] of b) n += c;
  return n;
};

/**
 * When `need` more permits fit under `cap`, given grants per bucket (bucket start in units of
 * `bucketSeconds`, oldest first, each counted until its last second leaves the lookback).
 */
function freeAtMs(buckets: Buckets, bucketSeconds: number, cap: number, need: number, now: number, s: QuotaSettings): number {
  let used = sum(buckets);
  for (const [b, n] of buckets) {
    if (used + need <= cap) break;
    used -= n;
    const lastSecondMs = ((b + 1) * bucketSeconds - 1) * 1000;
    if (used + need <= cap) return Math.max(MIN_RETRY_MS, lastSecondMs + 1000 + lookbackMs(s) - now);
  }
  return used + need <= cap ? MIN_RETRY_MS : lookbackMs(s);
}

export function laneCap(limit: number, factor: number, priority: Priority, s: QuotaSettings): number {
  return Math.floor(limit * factor * s.laneShare[priority]);
}

/**
 * Tenants are shared between in the interactive and scheduled lanes, where people wait. The
 * background lane is shared per account instead: its work is handed out by due time across every
 * tenant's accounts (the capture due index), so a tenant gets captures in proportion to its accounts.
 * Keeping background grants out of `t` and `w` also keeps the ledger small: at 100,000 accounts,
 * hundreds of tenants capture within any minute, and every write pays for the item's size.
 */
const sharedByTenant = (ask: LeaseAsk) => ask.fair && ask.priority !== 'background';

export function decide(stored: LedgerState, ask: LeaseAsk, now: number, limit: number, s: QuotaSettings): Decision {
  const state = prune(stored, now, s);
  const factor = limitFactor(state, now, s);
  const byTenant = sharedByTenant(ask);
  const wait = (reason: Refusal, retryAfterMs: number): Decision => {
    const last = state.w[ask.tenantId];
    const write = byTenant && (last === undefined || now - last >= WAITING_REFRESH_MS);
    if (write) state.w[ask.tenantId] = now;
    return { granted: 0, reason, retryAfterMs: Math.max(MIN_RETRY_MS, Math.ceil(retryAfterMs)), state, write };
  };
  if (factor === 0) return wait('backoff', state.bo!.until - now);

  const cap = laneCap(limit, factor, ask.priority, s);
  const free = cap - sum(state.g);
  let tenantFree = Number.POSITIVE_INFINITY;
  let tenantCap = Number.POSITIVE_INFINITY;
  if (byTenant) {
    const others = Object.keys(state.w).filter((t) => t !== ask.tenantId).length;
    tenantCap = Math.max(1, Math.floor(others > 0 ? cap / (others + 1) : cap * s.tenantShare));
    tenantFree = tenantCap - sum(liveFrom(state.t[ask.tenantId], oldestTenantBucket(oldestSecond(now, s))));
  }
  // A lease is at most 1/30 of the lane's minute: unused permits age out unused, and on a small
  // limit (a low quota, or one halved after TikTok's 429s) that waste must stay small.
  const n = Math.min(ask.want, Math.max(1, Math.floor(cap / LEASE_FRACTION)), free, tenantFree);
  if (n >= 1) {
    addAt(state.g, Math.floor(now / 1000), n);
    if (byTenant) {
      // A copy: between sweeps `t` may still be the stored ledger's own map.
      if (state.t === stored.t) state.t = { ...stored.t };
      const mine = (state.t[ask.tenantId] = liveFrom(state.t[ask.tenantId], oldestTenantBucket(oldestSecond(now, s))));
      addAt(mine, Math.floor(now / 1000 / TENANT_BUCKET_S), n);
      delete state.w[ask.tenantId];
    }
    return { granted: n, state, write: true };
  }
  if (free < 1) {
    const atMs = freeAtMs(state.g, 1, cap, 1, now, s);
    // Recovering from a back-off: the cap itself grows with time, which may come sooner.
    return wait('window_full', atMs);
  }
  return wait('tenant_share', freeAtMs(liveFrom(state.t[ask.tenantId], oldestTenantBucket(oldestSecond(now, s))), TENANT_BUCKET_S, tenantCap, 1, now, s));
}

/**
 * 429s this close to the last halving belong to the same episode (the retries of the calls that met
 * the first one, or other instances' calls in flight): they extend the pause but do not halve again.
 */
export const EPISODE_MS = 10_000;

/** TikTok answered 429: stop the endpoint until `retryAfterMs` from now, then recover from half the limit in force. */
export function applyThrottle(stored: LedgerState, now: number, retryAfterMs: number, s: QuotaSettings): LedgerState {
  const state = prune(stored, now, s);
  const until = now + retryAfterMs;
  const prior = stored.bo;
  if (prior && (now < prior.until || now - prior.at < EPISODE_MS)) {
    state.bo = { until: Math.max(prior.until, until), factor: prior.factor, at: prior.at };
  } else {
    state.bo = { until, factor: Math.max(0.05, limitFactor(state, now, s) / 2), at: now };
  }
  return state;
}
