/**
 * Simulated growth for the sandbox's seeded accounts, so daily snapshots have something to record.
 * Off until `enable(startMs)`; then every counter is a pure function of the number of whole UTC
 * days since the start day (day 0 = the seeded values), so tests can assert exact series:
 *
 * - followers gain `base + (n mod 7) * step` on day n (base = max(1, round(seed / 1000)), step = max(1, round(base / 5)));
 * - following goes +2 on days n ≡ 0 (mod 3), -1 on n ≡ 1, unchanged on n ≡ 2 (a counter that goes down);
 * - the video at rank r (0 = newest, r < ACTIVE_VIDEOS) gains `floor(seedViews / (100 (r + 1))) + (n mod 5)` views,
 *   likes = floor(views gained * 6 / 100), comments = floor(likes gained / 20), shares = floor(likes gained / 40);
 *   older videos no longer change; the newest video loses 3 likes on days n ≡ 9 (mod 10);
 * - likes_count is the sum of the present videos' likes and video_count their number, as at TikTok;
 * - `deleteVideo(openId, id, atMs)` removes a video from the day of `atMs` on.
 *
 * Sums over days use closed forms over the periodic part (O(period), not O(days)), so a year of
 * simulated days costs nothing.
 */
import type { TikTokUser } from '../types.ts';
import type { SandboxAccount, SeededVideo } from './accounts.ts';

const DAY_MS = 86_400_000;
/** Only the newest videos keep gaining, like real accounts. */
export const ACTIVE_VIDEOS = 60;

/** Σ_{k=1..n} f(k mod period). */
export function periodicSum(n: number, period: number, f: (residue: number) => number): number {
  if (n <= 0) return 0;
  let cycle = 0;
  for (let j = 0; j < period; j += 1) cycle += f(j);
  let rest = 0;
  for (let k = 1; k <= n % period; k += 1) rest += f(k % period);
  return Math.floor(n / period) * cycle + rest;
}

export function followerGain(seedFollowers: number, n: number): number {
  const base = Math.max(1, Math.round(seedFollowers / 1000));
  const step = Math.max(1, Math.round(base / 5));
  return base + (n % 7) * step;
}

export function followingGain(n: number): number {
  return [2, -1, 0][n % 3]!;
}

export function viewGain(video: SeededVideo, rank: number, n: number): number {
  if (rank >= ACTIVE_VIDEOS) return 0;
  return Math.floor(video.view_count / (100 * (rank + 1))) + (n % 5);
}

const likesFromViews = (views: number) => Math.floor((views * 6) / 100);

export function likeGain(video: SeededVideo, rank: number, n: number): number {
  const drop = rank === 0 && n % 10 === 9 ? 3 : 0;
  return likesFromViews(viewGain(video, rank, n)) - drop;
}

/** The video's counters at the end of day n (n = 0: as seeded). */
export function videoOnDay(video: SeededVideo, rank: number, n: number): SeededVideo {
  if (n <= 0 || rank >= ACTIVE_VIDEOS) return video;
  const views = periodicSum(n, 5, (j) => viewGain(video, rank, j));
  const likesByResidue = (j: number) => likesFromViews(viewGain(video, rank, j));
  const likes = periodicSum(n, 5, likesByResidue) - (rank === 0 ? 3 * Math.floor((n + 1) / 10) : 0);
  return {
    ...video,
    view_count: video.view_count + views,
    like_count: Math.max(0, video.like_count + likes),
    comment_count: video.comment_count + periodicSum(n, 5, (j) => Math.floor(likesByResidue(j) / 20)),
    share_count: video.share_count + periodicSum(n, 5, (j) => Math.floor(likesByResidue(j) / 40)),
  };
}

/** The profile at the end of day n, given the videos present then. */
export function profileOnDay(user: TikTokUser, videos: readonly SeededVideo[], n: number): TikTokUser {
  return {
    ...user,
    follower_count: user.follower_count + periodicSum(n, 7, (j) => followerGain(user.follower_count, j)),
    following_count: user.following_count + periodicSum(n, 3, followingGain),
    likes_count: videos.reduce((s, v) => s + v.like_count, 0),
    video_count: videos.length,
  };
}

/** Whole UTC days from the start day to `nowMs` (0 on the start day, never negative). */
export function growthDay(startMs: number, nowMs: number): number {
  return Math.max(0, Math.floor(nowMs / DAY_MS) - Math.floor(startMs / DAY_MS));
}

export class SandboxGrowth {
  private startMs: number | undefined;
  private readonly deleted = new Map<string, number>();
  private cache = new Map<string, SandboxAccount>();

  /** Counters grow from the UTC day of `startMs` on (that day shows the seeded values). */
  enable(startMs: number): void {
    this.startMs = startMs;
    this.cache.clear();
  }

  disable(): void {
    this.startMs = undefined;
    this.deleted.clear();
    this.cache.clear();
  }

  get enabled(): boolean {
    return this.startMs !== undefined;
  }

  /** The video is gone (deleted or made private) from the UTC day of `atMs` on. */
  deleteVideo(videoId: string, atMs: number): void {
    this.deleted.set(videoId, Math.floor(atMs / DAY_MS));
    this.cache.clear();
  }

  /** The account as TikTok would show it at `nowMs`. */
  apply(account: SandboxAccount, nowMs: number): SandboxAccount {
    if (this.startMs === undefined) return account;
    const n = growthDay(this.startMs, nowMs);
    const today = Math.floor(nowMs / DAY_MS);
    const key = `${account.user.open_id}#${n}#${today}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const videos = account.videos
      .map((v, rank) => ({ v, rank }))
      .filter(({ v }) => (this.deleted.get(v.id) ?? Infinity) > today)
      .map(({ v, rank }) => videoOnDay(v, rank, n));
    const grown = n === 0 && videos.length === account.videos.length ? account : { user: profileOnDay(account.user, videos, n), videos };
    if (this.cache.size > 64) this.cache.clear();
    this.cache.set(key, grown);
    return grown;
  }
}
