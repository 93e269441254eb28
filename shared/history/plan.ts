/**
 * When each datasource is captured, and what the day's captures cost against the background share
 * of TikTok's quota. Pure functions: the dispatcher (sweep.ts), the capture job and the fleet
 * simulation all use them with their own clock.
 *
 * - Slot: a stable hash of the datasource id spreads captures over the capture window
 *   (CAPTURE_WINDOW, 00:10-20:00 UTC); the rest of the day is left to catch up.
 * - Cost: 1 user/info call + ceil(videos / 20) video/list calls.
 * - Degradation: when the calls still needed today exceed the background capacity left in the day,
 *   the largest accounts (size buckets from the top down, just enough to cover the overrun) take
 *   video counters every other day, chosen by hash parity of (datasource, day); profile counters
 *   are always taken. Deterministic, so the skipped days alternate instead of random days being lost.
 */
import { limitFor, type QuotaSettings } from '../quota/settings.ts';
import { dayOf, dayStartMs, type Day } from './days.ts';

export const DAY_MS = 86_400_000;
export const VIDEO_PAGE_SIZE = 20;

/** Capture window within the UTC day, in ms from 00:00. */
export const CAPTURE_WINDOW = { startMs: 10 * 60_000, endMs: 20 * 3_600_000 } as const;

/** Quota numbers for the capacity plan (to be wired to the quota governor's config). */
export interface CaptureCapacitySettings {
  /** TikTok calls per minute per endpoint for the whole app (TIKTOK_QUOTA_PER_MINUTE). */
  quotaPerMinute: number;
  /** Share of it background work may use. */
  backgroundShare: number;
}

/** The capacity the captures plan with: the governor's video/list limit and its background lane share (docs/quota.md). */
export function capacityFromQuota(quota: QuotaSettings): CaptureCapacitySettings {
  return { quotaPerMinute: limitFor(quota, '/v2/video/list/'), backgroundShare: quota.laneShare.background };
}

/**
 * 32-bit stable hash of a string (FNV-1a, then a murmur3 finaliser to spread the low bits): no
 * secrecy is needed to spread captures over the day, and it is ~50x cheaper than a SHA-256 digest,
 * which mattered in the fleet simulation's profile (a third of its CPU).
 */
export function stableHash(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i += 1) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The datasource's capture time on `day` (epoch ms). */
export function captureSlotMs(datasourceId: string, day: Day): number {
  const span = CAPTURE_WINDOW.endMs - CAPTURE_WINDOW.startMs;
  return dayStartMs(day) + CAPTURE_WINDOW.startMs + (stableHash(`slot:${datasourceId}`) % span);
}

/** End of the day (exclusive), epoch ms. */
export function dayEndMs(day: Day): number {
  return dayStartMs(day) + DAY_MS;
}

/** TikTok calls of one capture: user/info + every video/list page. */
export function captureCalls(videoCount: number, withVideos = true): number {
  const v = Number.isFinite(videoCount) && videoCount > 0 ? videoCount : 0;
  return 1 + (withVideos ? Math.max(1, Math.ceil(v / VIDEO_PAGE_SIZE)) : 0);
}

/** Size bucket of a capture cost: floor(log2(calls)). */
export function sizeBucket(calls: number): number {
  return Math.max(0, Math.floor(Math.log2(Math.max(1, calls))));
}

/** The running plan of a day: calls planned (by size bucket) and calls of captures finished or given up. */
export interface DayPlan {
  day: Day;
  plannedCalls: number;
  doneCalls: number;
  /** Planned calls per size bucket. */
  buckets: Record<number, number>;
}

export interface CapacityVerdict {
  remainingCalls: number;
  capacityCalls: number;
  /** Calls that cannot be made before the day ends (0 when the day's captures fit). */
  overrunCalls: number;
  /** Hours the remaining captures take at the background rate. */
  hoursToFinish: number;
  /** Accounts in this size bucket or above alternate their video counters; undefined: no degradation. */
  degradeFromBucket?: number;
}

export function assessCapacity(plan: DayPlan | undefined, nowMs: number, capacity: CaptureCapacitySettings): CapacityVerdict {
  const perMinute = capacity.quotaPerMinute * capacity.backgroundShare;
  const minutesLeft = Math.max(0, (dayEndMs(dayOf(nowMs)) - nowMs) / 60_000);
  const capacityCalls = Math.floor(perMinute * minutesLeft);
  const remainingCalls = plan ? Math.max(0, plan.plannedCalls - plan.doneCalls) : 0;
  const overrunCalls = Math.max(0, remainingCalls - capacityCalls);
  const verdict: CapacityVerdict = { remainingCalls, capacityCalls, overrunCalls, hoursToFinish: perMinute > 0 ? remainingCalls / perMinute / 60 : Infinity };
  if (overrunCalls > 0 && plan) {
    // What is left, per bucket, scaled from the plan; skipping half a bucket's video pages saves about half its calls.
    const fraction = plan.plannedCalls > 0 ? remainingCalls / plan.plannedCalls : 0;
    const buckets = Object.keys(plan.buckets).map(Number).sort((a, b) => b - a);
    let saved = 0;
    let from = 0;
    for (const b of buckets) {
      from = b;
      saved += ((plan.buckets[b] ?? 0) * fraction) / 2;
      if (saved >= overrunCalls) break;
    }
    verdict.degradeFromBucket = from;
  }
  return verdict;
}

/** Does this account skip its video counters today? Alternate days, by hash parity. */
export function skipsVideosToday(datasourceId: string, day: Day, videoCount: number, verdict: Pick<CapacityVerdict, 'degradeFromBucket'>): boolean {
  if (verdict.degradeFromBucket === undefined) return false;
  if (sizeBucket(captureCalls(videoCount)) < verdict.degradeFromBucket) return false;
  const dayIndex = Math.round(dayStartMs(day) / DAY_MS);
  return (stableHash(`parity:${datasourceId}`) + dayIndex) % 2 === 1;
}
