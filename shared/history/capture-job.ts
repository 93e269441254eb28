/**
 * One capture message (the capture queue, functions/history-capture): page the account within the
 * deadline, keep what was fetched (progress + part items), and tell the caller what to do next:
 *
 *   done      the day is committed (or was already, or another try of the same day moved on);
 *   continue  the deadline came first: send `message` again now (not a failure);
 *   wait      no TikTok quota (QuotaExhaustedError, TikTok 429): send `message` again after
 *             `delaySeconds`, no attempt spent;
 *   retry     a real failure (TikTok 5xx after its retries, store error): `message.attempt` + 1;
 *   failed    for good (needs re-auth, revoked, out of attempts, the day ended): the day stays
 *             missing (null), counted on the due entry and as `lostDay`.
 *
 * wait / retry / failed are decided by the shared outcome flow (shared/runs/outcome.ts), as for
 * deliveries and exports. Every clock read is `deps.now()`; no sleeping here (the queue delays). TikTok calls go through
 * `deps.source` (the real one runs them inside a background quota work scope).
 */
import { randomBytes } from 'node:crypto';
import type { RunError } from '../failure.ts';
import { CAPTURE_QUEUE_SETTINGS, type CaptureMessage } from '../queue/capture.ts';
import { decideAfterFailure, type OutcomeSettings } from '../runs/outcome.ts';
import { missingScopes, USER_INFO_PATH, VIDEO_LIST_PATH } from '../tiktok/index.ts';
import { addDays, dayOf, type Day } from './days.ts';
import { captureCalls, captureSlotMs, sizeBucket } from './plan.ts';
import type { CaptureProgress, CaptureSession, CaptureSource, CaptureStore, PartVideo } from './ports.ts';
import type { ProfileStats } from './store.ts';
import { assertVideoId, type Counters } from './videos.ts';

export const PROFILE_FIELDS = ['follower_count', 'following_count', 'likes_count', 'video_count'];
export const VIDEO_FIELDS = ['id', 'title', 'video_description', 'create_time', 'view_count', 'like_count', 'comment_count', 'share_count', 'duration', 'share_url', 'embed_link'];

export interface CaptureJobSettings {
  maxAttempts: number;
  leaseMs: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  maxDelaySeconds: number;
  /** A part item is written once the videos collected since the last one reach this many bytes. */
  partBytes: number;
}

export const DEFAULT_CAPTURE_JOB_SETTINGS: CaptureJobSettings = {
  maxAttempts: CAPTURE_QUEUE_SETTINGS.maxAttempts,
  leaseMs: CAPTURE_QUEUE_SETTINGS.leaseMinutes * 60_000,
  retryBaseSeconds: CAPTURE_QUEUE_SETTINGS.retryBaseSeconds,
  retryMaxSeconds: CAPTURE_QUEUE_SETTINGS.retryMaxSeconds,
  maxDelaySeconds: CAPTURE_QUEUE_SETTINGS.maxDelaySeconds,
  partBytes: 200_000,
};

export interface CaptureJobLog {
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface CaptureJobDeps {
  now(): number;
  store: CaptureStore;
  source: CaptureSource;
  settings?: Partial<CaptureJobSettings>;
  log?: CaptureJobLog;
  random?: () => number;
  /** A day given up here (re-authorisation needed, out of attempts): the built-in alert (lost-day-alert.ts). */
  onDayLost?(ref: { tenantId: string; datasourceId: string }, day: Day, reason: string): Promise<void>;
  /** Part ids (tests, simulation: deterministic). */
  partId?: () => string;
}

export type CaptureJobOutcome =
  | { kind: 'done'; status: 'captured' | 'exists' | 'superseded'; calls: number; videos?: number; pages?: number }
  | { kind: 'continue' | 'wait' | 'retry'; delaySeconds: number; message: CaptureMessage; calls: number; error?: RunError }
  | { kind: 'failed'; error: RunError; retryable: boolean; lostDay: boolean; calls: number };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TITLE_MAX = 150;
// TikTok's own caption limit; URLs are short, but never trusted to be.
const DESCRIPTION_MAX = 2200;
const URL_MAX = 512;

class Superseded extends Error {}

/**
 * A capture in the shared outcome flow (shared/runs/outcome.ts). TikTok's 429 waits too, at least
 * 10 s spread by 0-4 s of jitter: a full background lane frees a few permits a second, so a capture
 * back in 1 s mostly meets it full again (the fleet simulation counted ~580 waits per capture when
 * overloaded); the lane stays busy with the other queued captures meanwhile.
 */
function outcomeSettings(settings: CaptureJobSettings): OutcomeSettings {
  const { maxAttempts, retryBaseSeconds, retryMaxSeconds, maxDelaySeconds } = settings;
  return { subject: 'The capture', maxAttempts, retryBaseSeconds, retryMaxSeconds, maxDelaySeconds, quotaWait: { tiktokRateLimit: true, floorSeconds: 10, jitterSeconds: 5 } };
}

/** A TikTok counter as a safe non-negative integer: absurd values are clamped (or 0 when not a number) and counted. */
export function sanitizeCounter(value: unknown, onBad: () => void): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  const out = !Number.isFinite(n) || n < 0 ? 0 : n > MAX_SAFE ? MAX_SAFE : Math.round(n);
  if (typeof value !== 'number' || out !== n) onBad();
  return out;
}

function sanitizeProfile(user: Record<string, unknown>, onBad: () => void): ProfileStats {
  return {
    follower_count: sanitizeCounter(user.follower_count, onBad),
    following_count: sanitizeCounter(user.following_count, onBad),
    likes_count: sanitizeCounter(user.likes_count, onBad),
    video_count: sanitizeCounter(user.video_count, onBad),
  };
}

function sanitizeVideo(v: Record<string, unknown>, onBad: () => void): PartVideo | undefined {
  const id = typeof v.id === 'string' || typeof v.id === 'number' || typeof v.id === 'bigint' ? String(v.id) : '';
  try {
    assertVideoId(id);
  } catch {
    onBad();
    return undefined;
  }
  const counters: Counters = [
    sanitizeCounter(v.view_count, onBad),
    sanitizeCounter(v.like_count, onBad),
    sanitizeCounter(v.comment_count, onBad),
    sanitizeCounter(v.share_count, onBad),
  ];
  const ct = v.create_time;
  const str = (x: unknown, max: number) => (typeof x === 'string' && x !== '' ? x.slice(0, max) : undefined);
  const details = {
    description: str(v.video_description, DESCRIPTION_MAX),
    duration: typeof v.duration === 'number' && Number.isInteger(v.duration) && v.duration >= 0 && v.duration < 2 ** 31 ? v.duration : undefined,
    shareUrl: str(v.share_url, URL_MAX),
    embedLink: str(v.embed_link, URL_MAX),
  };
  const known = Object.fromEntries(Object.entries(details).filter(([, x]) => x !== undefined));
  return {
    ...(Object.keys(known).length > 0 ? { details: known } : {}),
    id,
    counters,
    title: String(v.title || v.video_description || '').slice(0, TITLE_MAX),
    ...(typeof ct === 'number' && Number.isSafeInteger(ct) && ct >= 0 ? { createTime: ct } : {}),
  };
}

/** Where the due entry goes after `day`: the next day's slot (or now, when that slot is past). */
export function nextDue(datasourceId: string, day: Day, nowMs: number): { day: Day; dueAt: number } {
  const next = addDays(day, 1) > dayOf(nowMs) ? addDays(day, 1) : dayOf(nowMs);
  return { day: next, dueAt: Math.max(captureSlotMs(datasourceId, next), next === dayOf(nowMs) ? nowMs : 0) };
}

function freshProgress(m: CaptureMessage): CaptureProgress {
  return {
    tenantId: m.tenantId,
    datasourceId: m.datasourceId,
    day: m.day,
    version: 0,
    profileDone: false,
    pages: 0,
    videosDone: false,
    videos: 0,
    parts: [],
    badValues: 0,
    waits: 0,
  };
}

export async function runCaptureJob(deps: CaptureJobDeps, message: CaptureMessage, opts: { deadlineMs: number }): Promise<CaptureJobOutcome> {
  const settings = { ...DEFAULT_CAPTURE_JOB_SETTINGS, ...deps.settings };
  const { store } = deps;
  const { tenantId, datasourceId, day } = message;
  const ref = { tenantId, datasourceId };
  const planned = message.planned ?? captureCalls(0);
  let calls = 0;

  const giveUp = async (error: RunError, retryable: boolean, opts2: { remove?: boolean } = {}): Promise<CaptureJobOutcome> => {
    const nowMs = deps.now();
    let lostDay = false;
    if (opts2.remove) await store.due.remove(datasourceId);
    else lostDay = await store.due.markLost(datasourceId, day, nextDue(datasourceId, day, nowMs), error.code);
    if (lostDay) {
      await store.plan.addDone(day, planned);
      // Best effort: the day is given up either way; a lost alert must not turn this into a retry.
      await deps.onDayLost?.(ref, day, error.code).catch((err: unknown) => deps.log?.warn('Lost-day alert not sent', { ...ref, day, error: (err as Error).message }));
    }
    const progress = await store.progress.get(datasourceId, day);
    if (progress) await store.progress.clear(progress);
    deps.log?.warn('Snapshot day given up; it stays missing (null)', { ...ref, day, code: error.code, lostDay });
    return { kind: 'failed', error, retryable, lostDay, calls };
  };

  if (dayOf(deps.now()) > day) {
    return giveUp({ code: 'snapshot_day_over', message: `The day ${day} ended before its snapshot could be taken; it stays missing.` }, false);
  }

  let progress: CaptureProgress = freshProgress(message);
  let savedVersion = 0;
  const pending: PartVideo[] = [];
  let pendingBytes = 0;
  let dirty = false;
  const partId = deps.partId ?? (() => randomBytes(4).toString('hex'));

  const flush = async (): Promise<void> => {
    if (!dirty && pending.length === 0) return;
    const part = pending.length > 0 ? { id: `${String(progress.parts.length).padStart(5, '0')}-${partId()}`, videos: pending.splice(0) } : undefined;
    const next: CaptureProgress = { ...progress, version: savedVersion + 1, parts: part ? [...progress.parts, part.id] : progress.parts };
    if (!(await store.progress.save(next, savedVersion, part))) throw new Superseded();
    progress = next;
    savedVersion = next.version;
    pendingBytes = 0;
    dirty = false;
  };

  let stoppedAtDeadline = false;
  try {
    if (await store.days.has(datasourceId, day)) {
      await store.due.advance(datasourceId, day, nextDue(datasourceId, day, deps.now()));
      return { kind: 'done', status: 'exists', calls };
    }
    progress = (await store.progress.get(datasourceId, day)) ?? freshProgress(message);
    savedVersion = progress.version;
    const badBefore = progress.badValues;
    const onBad = () => {
      progress.badValues += 1;
    };

    const work = async (session: CaptureSession): Promise<void> => {
      if (!progress.profileDone) {
        if (deps.now() >= opts.deadlineMs) {
          stoppedAtDeadline = true;
          return;
        }
        if (missingScopes('profile', PROFILE_FIELDS, session.scopes).length === 0) {
          calls += 1;
          progress.profile = sanitizeProfile(await session.userInfo(), onBad);
        }
        progress.profileDone = true;
        dirty = true;
      }
      if (!progress.videosDone && (message.skipVideos || missingScopes('video-list', VIDEO_FIELDS, session.scopes).length > 0)) {
        progress.videosDone = true;
        progress.noVideos = true;
        dirty = true;
      }
      // Safety bound against a TikTok that never ends a listing: twice the known size plus slack.
      const maxPages = 2 * Math.ceil((progress.profile?.video_count ?? 0) / 20) + 1_000;
      while (!progress.videosDone) {
        if (deps.now() >= opts.deadlineMs) {
          stoppedAtDeadline = true;
          return;
        }
        calls += 1;
        const page = await session.listVideos(progress.cursor);
        progress.pages += 1;
        dirty = true;
        for (const raw of page.videos) {
          const v = sanitizeVideo(raw, onBad);
          if (!v) continue;
          pending.push(v);
          pendingBytes += v.id.length + Buffer.byteLength(v.title) + Buffer.byteLength(JSON.stringify(v.details ?? {})) + 40;
          progress.videos += 1;
        }
        if (!page.hasMore) progress.videosDone = true;
        else if (page.cursor === progress.cursor || progress.pages >= maxPages) {
          progress.videosDone = true;
          progress.videosIncomplete = true;
          deps.log?.warn('Video listing incomplete; keeping profile history only today', { ...ref, day, pages: progress.pages });
        }
        progress.cursor = page.cursor;
        if (pendingBytes >= settings.partBytes) await flush();
      }
    };
    // What is left of the plan, so the governor leases it in one go (message.planned = 1 + pages).
    const pagesLeft = progress.videosDone || progress.noVideos ? 0 : Math.max(1, (message.planned ?? 2) - 1 - progress.pages);
    await deps.source.open(ref, work, { expectedCalls: { [USER_INFO_PATH]: progress.profileDone ? 0 : 1, [VIDEO_LIST_PATH]: pagesLeft } });
    if (progress.badValues > badBefore) deps.log?.warn('Absurd TikTok values clamped or skipped', { ...ref, day, count: progress.badValues - badBefore });

    if (stoppedAtDeadline) {
      await flush();
      await store.due.renew(datasourceId, day, deps.now() + settings.leaseMs);
      return { kind: 'continue', delaySeconds: 0, message: { ...message, continuations: (message.continuations ?? 0) + 1 }, calls };
    }

    // All pages in: assemble, commit as the day, drop the parts.
    const stored = await store.progress.readParts(datasourceId, day, progress.parts);
    const videos = progress.noVideos || progress.videosIncomplete ? undefined : [...stored.flat(), ...pending];
    const status = await store.days.commit({ tenantId, datasourceId, day }, { profile: progress.profile, videos });
    if (status === 'expired') {
      return giveUp({ code: 'snapshot_day_over', message: `The day ${day} ended before its snapshot could be taken; it stays missing.` }, false);
    }
    if (progress.version > 0) await store.progress.clear(progress);
    const videoCount = videos?.length ?? progress.profile?.video_count;
    const next = nextDue(datasourceId, day, deps.now());
    if (await store.due.advance(datasourceId, day, next, videoCount)) {
      await store.plan.addDone(day, planned);
      const nextCalls = captureCalls(videoCount ?? 0);
      await store.plan.addPlanned(next.day, nextCalls, sizeBucket(nextCalls));
    }
    return { kind: 'done', status, calls, videos: videos?.length, pages: progress.pages };
  } catch (err) {
    if (err instanceof Superseded) return { kind: 'done', status: 'superseded', calls };
    // Keep what was fetched, whatever happens next (a store failure here is the failure itself).
    let saveError: unknown;
    try {
      await flush();
    } catch (e) {
      if (e instanceof Superseded) return { kind: 'done', status: 'superseded', calls };
      saveError = e;
    }
    // message.attempt counts the failed tries before this one: this is try attempt + 1.
    const attempt = message.attempt + 1;
    const decision = decideAfterFailure({ error: err, attempt, saveError }, outcomeSettings(settings), deps.random);
    if (decision.kind === 'quota-wait') {
      await store.due.renew(datasourceId, day, deps.now() + decision.delaySeconds * 1000 + settings.leaseMs);
      return { kind: 'wait', delaySeconds: decision.delaySeconds, message: { ...message, waits: (message.waits ?? 0) + 1 }, calls };
    }
    if (decision.kind === 'give-up') return giveUp(decision.error, decision.retryable, { remove: decision.error.code === 'not_found' });
    await store.due.renew(datasourceId, day, deps.now() + decision.delaySeconds * 1000 + settings.leaseMs).catch(() => undefined);
    return { kind: 'retry', delaySeconds: decision.delaySeconds, message: { ...message, attempt }, calls, error: decision.error };
  }
}
