/**
 * The governor's knobs (docs/quota.md). One object, read from the validated config
 * (shared/config.ts) in production and built directly by tests and the fleet simulation.
 */
import type { Priority } from './errors.ts';

export type QuotaScope = 'app' | 'user';

export interface QuotaSettings {
  /** TikTok's limit per endpoint and minute (TIKTOK_QUOTA_PER_MINUTE, default 600). */
  perMinute: number;
  /** Per-endpoint limits TikTok granted on request, by path (`/v2/video/list/`): TIKTOK_QUOTA_OVERRIDES. */
  overrides: Readonly<Record<string, number>>;
  /** `app`: one window per endpoint for the whole app (safe default); `user`: one per endpoint and open_id. */
  scope: QuotaScope;
  /**
   * The share of the window each lane may fill, counting everybody's calls: background work stops at
   * 80 %, scheduled deliveries at 90 %, so the last 10-20 % is always there for interactive calls.
   */
  laneShare: Readonly<Record<Priority, number>>;
  /**
   * The most of a lane's window one tenant takes when no other tenant is waiting (app scope, for
   * interactive and scheduled calls): one tenant's burst always leaves room for the next tenant.
   * While others wait, each waiting tenant's share is the lane's cap divided among them.
   */
  tenantShare: number;
  /** How long a caller waits for a permit before QuotaExhaustedError, per lane (ms). */
  maxWaitMs: Readonly<Record<Priority, number>>;
  /** A leased permit must be used within this time (ms): it is counted as if used at its end. */
  leaseMs: number;
  /** Allowance for clock skew and network delay between our send and TikTok's count (ms). */
  marginMs: number;
  /** Most permits leased at once by one process for one (endpoint, tenant, lane). */
  maxBatch: number;
  /** After TikTok's 429: how long the reduced limit takes to climb back to the configured one (ms). */
  recoveryMs: number;
}

export const DEFAULT_QUOTA_SETTINGS: QuotaSettings = Object.freeze({
  perMinute: 600,
  overrides: Object.freeze({}),
  scope: 'app',
  laneShare: Object.freeze({ interactive: 1, scheduled: 0.9, background: 0.8 }),
  tenantShare: 0.5,
  maxWaitMs: Object.freeze({ interactive: 2_000, scheduled: 5_000, background: 0 }),
  leaseMs: 2_000,
  marginMs: 1_000,
  maxBatch: 8,
  recoveryMs: 5 * 60_000,
});

export const WINDOW_MS = 60_000;

/** The span a grant stays counted: TikTok's minute, plus the lease and the margin (docs/quota.md). */
export function lookbackMs(s: QuotaSettings): number {
  return WINDOW_MS + s.leaseMs + s.marginMs;
}

export function limitFor(s: QuotaSettings, endpoint: string): number {
  return s.overrides[endpoint] ?? s.perMinute;
}

/** `"/v2/video/list/=1200,/v2/user/info/=900"` (or without the /v2/ and slashes: `video/list=1200`). */
export function parseQuotaOverrides(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!text?.trim()) return out;
  for (const part of text.split(',')) {
    const m = /^\s*\/?(?:v2\/)?([a-z_]+\/[a-z_]+)\/?\s*=\s*(\d{1,7})\s*$/.exec(part);
    if (!m || Number(m[2]) <= 0) throw new TypeError(`TIKTOK_QUOTA_OVERRIDES: "${part.trim()}" is not <endpoint>=<calls per minute>, e.g. video/list=1200`);
    out[`/v2/${m[1]}/`] = Number(m[2]);
  }
  return out;
}
