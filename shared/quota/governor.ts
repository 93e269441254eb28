/**
 * The fleet-wide quota governor (docs/quota.md): every TikTok call asks it for a permit first.
 *
 * - Permits come from the endpoint's ledger (ledger.ts) in small leases: a process takes 1, then 2,
 *   4, ... up to `maxBatch` permits while calls keep coming, so a busy process pays one read and one
 *   conditional write per lease, not per call. Unused permits simply age out of the window.
 * - One lease in flight per (ledger, tenant, lane) in a process; concurrent callers share it.
 * - A caller waits at most its lane's `maxWaitMs`; when the ledger says a permit frees up later than
 *   that, it gets QuotaExhaustedError at once (no pointless wait), and TikTok is not called.
 * - TikTok's own 429 (`throttled`) stops the endpoint fleet-wide until its Retry-After, then the limit
 *   climbs back gradually from half of what was in force (ledger.ts `applyThrottle`).
 * Clock and sleep are injected, so the fleet simulation drives this same code on virtual time.
 */
import { USER_ENDPOINTS } from './endpoints.ts';
import { QuotaExhaustedError, type Priority } from './errors.ts';
import { decide, applyThrottle, type LedgerState, type Refusal } from './ledger.ts';
import type { LedgerStore, VersionedLedger } from './ledger-store.ts';
import { limitFor, WINDOW_MS, type QuotaSettings } from './settings.ts';

export interface PermitRequest {
  endpoint: string;
  tenantId: string;
  priority: Priority;
  openId?: string;
  /** Overrides the lane's wait budget. */
  maxWaitMs?: number;
  /** Calls the caller expects to make on this endpoint soon: the size of a fresh lease (work.ts). */
  expectedCalls?: number;
}

export type GovernorEvent =
  | { type: 'granted'; endpoint: string; tenantId: string; priority: Priority; waitedMs: number }
  | { type: 'leased'; endpoint: string; permits: number; storeOps: number }
  | { type: 'rejected'; endpoint: string; tenantId: string; priority: Priority; reason: Refusal; retryAfterMs: number; waitedMs: number }
  | { type: 'throttled'; endpoint: string; retryAfterMs: number }
  | { type: 'store_unavailable'; endpoint: string; error: unknown };

export interface GovernorDeps {
  store: LedgerStore;
  settings: QuotaSettings;
  now(): number;
  sleep(ms: number): Promise<void>;
  random?: () => number;
  onEvent?: (e: GovernorEvent) => void;
}

export interface Governor {
  /** Resolves when the call may go to TikTok; throws QuotaExhaustedError otherwise. */
  acquire(req: PermitRequest): Promise<void>;
  /** TikTok answered 429 on `endpoint`: back off fleet-wide. */
  throttled(endpoint: string, openId: string | undefined, retryAfterSeconds: number | undefined): Promise<void>;
}

const PER_USER_ENDPOINTS = new Set(USER_ENDPOINTS);
/**
 * With no Retry-After from TikTok, pause this long. The pause is short on purpose: what protects
 * TikTok is the halved limit (each new 429 halves it again), and a short burst of 429s is then
 * still retried inside the caller's call.
 */
export const DEFAULT_THROTTLE_MS = 1_000;
/**
 * While the ledger store cannot be reached, a process may still make this share of a lane's
 * limit per minute on its own (a DynamoDB blip should not stop interactive reports), and no more.
 */
export const STORE_DOWN_SHARE = 0.1;
/** Conditional-write conflicts tolerated per lease before reading afresh is pointless. */
const MAX_CONFLICTS = 8;

interface Pool {
  left: number;
  expires: number;
  nextBatch: number;
  lastLease: number;
  /** Serialises leases of this pool within the process. */
  lock: Promise<unknown>;
}

export function createGovernor(deps: GovernorDeps): Governor {
  const s = deps.settings;
  const random = deps.random ?? Math.random;
  const pools = new Map<string, Pool>();
  /** Grants made without the store, per ledger key: the fallback's own sliding minute. */
  const offline = new Map<string, number[]>();
  /** The last ledger this process wrote, tried first for the next lease (saves the read when nobody else wrote). */
  const known = new Map<string, VersionedLedger>();

  const ledgerKey = (endpoint: string, openId: string | undefined) =>
    s.scope === 'user' && openId && PER_USER_ENDPOINTS.has(endpoint) ? `${endpoint}#${openId}` : endpoint;

  async function lease(key: string, req: PermitRequest, want: number): Promise<{ granted: number; reason?: Refusal; retryAfterMs: number }> {
    const fair = !key.includes('#');
    const limit = limitFor(s, req.endpoint);
    let ops = 0;
    let current = known.get(key);
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts += 1) {
      const fromCache = current !== undefined;
      if (!current) {
        current = await deps.store.read(key);
        ops += 1;
      }
      const d = decide(current.state, { tenantId: req.tenantId, priority: req.priority, want, fair }, deps.now(), limit, s);
      // A refusal judged on a remembered ledger may be stale: look again before saying no.
      if ('reason' in d && fromCache) {
        current = undefined;
        continue;
      }
      if (d.write) {
        ops += 1;
        if (!(await deps.store.write(key, d.state, current.version))) {
          known.delete(key);
          current = undefined;
          continue;
        }
        known.set(key, { state: d.state, version: current.version + 1 });
      }
      if ('reason' in d) return { granted: 0, reason: d.reason, retryAfterMs: d.retryAfterMs };
      deps.onEvent?.({ type: 'leased', endpoint: req.endpoint, permits: d.granted, storeOps: ops });
      return { granted: d.granted, retryAfterMs: 0 };
    }
    // Heavy contention on one ledger: behave as if the window were full for a moment.
    return { granted: 0, reason: 'window_full', retryAfterMs: 100 + Math.floor(random() * 200) };
  }

  /** The store is down: grant from a small per-process allowance (STORE_DOWN_SHARE), one at a time. */
  function leaseOffline(key: string, req: PermitRequest): { granted: number; reason?: Refusal; retryAfterMs: number } {
    const now = deps.now();
    const recent = (offline.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    const cap = Math.max(1, Math.floor(limitFor(s, req.endpoint) * s.laneShare[req.priority] * STORE_DOWN_SHARE));
    if (recent.length >= cap) {
      offline.set(key, recent);
      return { granted: 0, reason: 'window_full', retryAfterMs: recent[0]! + WINDOW_MS - now };
    }
    recent.push(now);
    offline.set(key, recent);
    return { granted: 1, retryAfterMs: 0 };
  }

  function poolOf(poolKey: string): Pool {
    let pool = pools.get(poolKey);
    if (!pool) {
      pool = { left: 0, expires: 0, nextBatch: 1, lastLease: -Infinity, lock: Promise.resolve() };
      pools.set(poolKey, pool);
    }
    return pool;
  }

  async function take(pool: Pool, key: string, req: PermitRequest, started: number, maxWaitMs: number): Promise<void> {
    for (;;) {
      const now = deps.now();
      if (pool.left > 0 && now < pool.expires) {
        pool.left -= 1;
        deps.onEvent?.({ type: 'granted', endpoint: req.endpoint, tenantId: req.tenantId, priority: req.priority, waitedMs: now - started });
        return;
      }
      // Calls keep coming and used the whole lease: lease more at once next time. Permits that aged
      // out unused, or a pause, start small again.
      const fresh = Math.max(1, Math.min(s.maxBatch, Math.floor(req.expectedCalls ?? 1)));
      pool.nextBatch = pool.left === 0 && now - pool.lastLease <= 2 * s.leaseMs ? Math.min(s.maxBatch, pool.nextBatch * 2) : fresh;
      const got = await lease(key, req, pool.nextBatch).catch((error: unknown) => {
        deps.onEvent?.({ type: 'store_unavailable', endpoint: req.endpoint, error });
        return leaseOffline(key, req);
      });
      const after = deps.now();
      if (got.granted > 0) {
        pool.left = got.granted;
        pool.expires = after + s.leaseMs;
        pool.lastLease = after;
        continue;
      }
      const waited = after - started;
      const pause = got.retryAfterMs + Math.floor(random() * 50);
      if (waited + pause > maxWaitMs) {
        deps.onEvent?.({ type: 'rejected', endpoint: req.endpoint, tenantId: req.tenantId, priority: req.priority, reason: got.reason!, retryAfterMs: got.retryAfterMs, waitedMs: waited });
        throw new QuotaExhaustedError({ endpoint: req.endpoint, priority: req.priority, retryAfterSeconds: got.retryAfterMs / 1000, reason: got.reason! });
      }
      await deps.sleep(pause);
    }
  }

  return {
    async acquire(req) {
      const started = deps.now();
      const key = ledgerKey(req.endpoint, req.openId);
      const poolKey = `${key}|${req.tenantId}|${req.priority}`;
      const maxWaitMs = req.maxWaitMs ?? s.maxWaitMs[req.priority];
      const pool = poolOf(poolKey);
      // Fast path: a permit already leased by this process.
      if (pool.left > 0 && started < pool.expires) {
        pool.left -= 1;
        deps.onEvent?.({ type: 'granted', endpoint: req.endpoint, tenantId: req.tenantId, priority: req.priority, waitedMs: 0 });
        return;
      }
      const run = pool.lock.then(() => take(pool, key, req, started, maxWaitMs));
      pool.lock = run.catch(() => undefined);
      await run;
    },

    async throttled(endpoint, openId, retryAfterSeconds) {
      const key = ledgerKey(endpoint, openId);
      const retryAfterMs = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : DEFAULT_THROTTLE_MS;
      // Permits this process still holds for the endpoint would only meet another 429.
      for (const [k, pool] of pools) {
        if (!k.startsWith(`${key}|`)) continue;
        pool.left = 0;
        pool.lastLease = -Infinity;
      }
      known.delete(key);
      for (let i = 0; i < MAX_CONFLICTS; i += 1) {
        const cur = await deps.store.read(key);
        const next: LedgerState = applyThrottle(cur.state, deps.now(), retryAfterMs, s);
        if (await deps.store.write(key, next, cur.version)) break;
      }
      deps.onEvent?.({ type: 'throttled', endpoint, retryAfterMs });
    },
  };
}
