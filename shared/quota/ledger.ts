/**
 * The quota ledger of one TikTok endpoint (or one endpoint and open_id in `user` scope): what was
 * granted in the last minute, by whom, who is waiting, and TikTok's back-off. Pure functions only:
 * the governor reads the stored ledger, asks `decide`, and writes the result back with a
 * conditional put on its version (docs/quota.md explains why this bounds TikTok's sliding window).
 */
import type { Priority } from './errors.ts';
import { lookbackMs, type QuotaSettings } from './settings.ts';

/** Stored as plain maps so DynamoDB keeps them as M attributes. */
export interface LedgerState {
  /** Permits granted per epoch second. */
  g: Record<string, number>;
  /** Permits granted per tenant, per 5-second bucket (epoch seconds / 5). */
  t: Record<string, Record<string, number>>;
  /** Tenants refused a permit lately: tenant -> epoch ms of the refusal. */
  w: Record<string, number>;
  /** TikTok answered 429 (last halving at `at`): no grant before `until`, then the limit climbs back from `factor` to 1. */
  bo?: { until: number; factor: number; at: number };
}

export const emptyLedger = (): LedgerState => ({ g: {}, t: {}, w: {} });

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

const TENANT_BUCKET_S = 5;
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

function prune(state: LedgerState, now: number, s: QuotaSettings): LedgerState {
  const oldestSec = Math.floor((now - lookbackMs(s)) / 1000);
  const g: Record<string, number> = {};
  for (const [sec, n] of Object.entries(state.g)) if (Number(sec) >= oldestSec) g[sec] = n;
  const t: Record<string, Record<string, number>> = {};
  for (const [tenant, buckets] of Object.entries(state.t)) {
    const kept: Record<string, number> = {};
    // A 5-second bucket stays while any of its seconds may still count.
    for (const [b, n] of Object.entries(buckets)) if ((Number(b) + 1) * TENANT_BUCKET_S - 1 >= oldestSec) kept[b] = n;
    if (Object.keys(kept).length > 0) t[tenant] = kept;
  }
  const w: Record<string, number> = {};
  for (const [tenant, at] of Object.entries(state.w)) if (now - at < WAITING_TTL_MS) w[tenant] = at;
  const out: LedgerState = { g, t, w };
  if (state.bo && limitFactor(state, now, s) < 1) out.bo = state.bo;
  return out;
}

const sum = (m: Record<string, number> | undefined) => Object.values(m ?? {}).reduce((a, b) => a + b, 0);

/**
 * When `need` more permits fit under `cap`, given grants per bucket (bucket start in seconds, each
 * counted until its last second leaves the lookback).
 */
function freeAtMs(buckets: Record<string, number>, bucketSeconds: number, cap: number, need: number, now: number, s: QuotaSettings): number {
  let used = sum(buckets);
  for (const [b, n] of Object.entries(buckets).sort((x, y) => Number(x[0]) - Number(y[0]))) {
    if (used + need <= cap) break;
    used -= n;
    const lastSecondMs = ((Number(b) + 1) * bucketSeconds - 1) * 1000;
    if (used + need <= cap) return Math.max(MIN_RETRY_MS, lastSecondMs + 1000 + lookbackMs(s) - now);
  }
  return used + need <= cap ? MIN_RETRY_MS : lookbackMs(s);
}

export function laneCap(limit: number, factor: number, priority: Priority, s: QuotaSettings): number {
  return Math.floor(limit * factor * s.laneShare[priority]);
}

export function decide(stored: LedgerState, ask: LeaseAsk, now: number, limit: number, s: QuotaSettings): Decision {
  const state = prune(stored, now, s);
  const factor = limitFactor(state, now, s);
  const wait = (reason: Refusal, retryAfterMs: number): Decision => {
    const last = state.w[ask.tenantId];
    const write = last === undefined || now - last >= WAITING_REFRESH_MS;
    if (write) state.w[ask.tenantId] = now;
    return { granted: 0, reason, retryAfterMs: Math.max(MIN_RETRY_MS, Math.ceil(retryAfterMs)), state, write };
  };
  if (factor === 0) return wait('backoff', state.bo!.until - now);

  const cap = laneCap(limit, factor, ask.priority, s);
  const free = cap - sum(state.g);
  let tenantFree = Number.POSITIVE_INFINITY;
  let tenantCap = Number.POSITIVE_INFINITY;
  if (ask.fair) {
    const others = Object.keys(state.w).filter((t) => t !== ask.tenantId).length;
    if (others > 0) tenantCap = Math.max(1, Math.floor(cap / (others + 1)));
    else if (ask.priority !== 'background') tenantCap = Math.max(1, Math.floor(cap * s.tenantShare));
    tenantFree = tenantCap - sum(state.t[ask.tenantId]);
  }
  // A lease is at most 1/30 of the lane's minute: unused permits age out unused, and on a small
  // limit (a low quota, or one halved after TikTok's 429s) that waste must stay small.
  const n = Math.min(ask.want, Math.max(1, Math.floor(cap / LEASE_FRACTION)), free, tenantFree);
  if (n >= 1) {
    const sec = String(Math.floor(now / 1000));
    state.g[sec] = (state.g[sec] ?? 0) + n;
    const bucket = String(Math.floor(now / 1000 / TENANT_BUCKET_S));
    const mine = (state.t[ask.tenantId] ??= {});
    mine[bucket] = (mine[bucket] ?? 0) + n;
    delete state.w[ask.tenantId];
    return { granted: n, state, write: true };
  }
  if (free < 1) {
    const atMs = freeAtMs(state.g, 1, cap, 1, now, s);
    // Recovering from a back-off: the cap itself grows with time, which may come sooner.
    return wait('window_full', atMs);
  }
  return wait('tenant_share', freeAtMs(state.t[ask.tenantId] ?? {}, TENANT_BUCKET_S, tenantCap, 1, now, s));
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
