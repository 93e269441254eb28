/** A scripted TikTok account set for capture-lane tests: exact page counting, injectable quota waits and failures. */
import type { CaptureSession, CaptureSource, DatasourceRef } from '../../shared/history/ports.ts';

export interface FakeAccount {
  videos: number;
  /** Counter of video i on day d (views grow daily). */
  views?: (i: number, day: number) => unknown;
  scopes?: string[];
}

export const ALL_SCOPES = ['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list'];

export function fakeTikTok(clock: { now(): number; advance(ms: number): void }, accounts: Map<string, FakeAccount>) {
  const stats = { calls: 0, userInfo: 0, listVideos: 0, byDatasource: new Map<string, number>() };
  /** Return an error to throw instead of calling (the call is then NOT counted: TikTok was not called). */
  let intercept: ((ref: DatasourceRef, call: number) => Error | undefined) | undefined;
  const dayIndex = () => Math.floor(clock.now() / 86_400_000);
  const source: CaptureSource = {
    async open(ref, fn) {
      const account = accounts.get(ref.datasourceId)!;
      const count = () => {
        const next = stats.calls + 1;
        const err = intercept?.(ref, next);
        if (err) throw err;
        stats.calls = next;
        stats.byDatasource.set(ref.datasourceId, (stats.byDatasource.get(ref.datasourceId) ?? 0) + 1);
        clock.advance(200);
      };
      const session: CaptureSession = {
        scopes: account.scopes ?? ALL_SCOPES,
        async userInfo() {
          count();
          stats.userInfo += 1;
          return { follower_count: 1000 + dayIndex(), following_count: 10, likes_count: 5000, video_count: account.videos };
        },
        async listVideos(cursor) {
          count();
          stats.listVideos += 1;
          const start = cursor ?? 0;
          const end = Math.min(account.videos, start + 20);
          const videos = [];
          for (let i = start; i < end; i += 1) {
            videos.push({ id: String(7_000_000_000_000_000_000n + BigInt(i)), title: `v${i}`, create_time: 1_700_000_000 + i, view_count: account.views ? account.views(i, dayIndex()) : 100 * i + dayIndex(), like_count: i, comment_count: 1, share_count: 0 });
          }
          return { videos, cursor: end, hasMore: end < account.videos };
        },
      };
      return fn(session);
    },
  };
  return {
    source,
    stats,
    intercept: (f: typeof intercept) => {
      intercept = f;
    },
  };
}

export function simClock(startIso: string) {
  let t = Date.parse(startIso);
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    set: (iso: string | number) => {
      t = typeof iso === 'number' ? iso : Date.parse(iso);
    },
  };
}
