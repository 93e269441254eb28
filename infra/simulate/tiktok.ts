/**
 * A simulated TikTok behind the real TikTok client's `fetch`: it enforces TikTok's limit the way
 * TikTok counts it (a sliding minute per endpoint, for the app or per user), answers after a
 * simulated latency on virtual time, and counts what it received: calls per minute (peak), 429s.
 * Accounts are generated, not stored: a video page is built from (account, cursor) on demand.
 */
import type { VirtualTime } from './virtual-time.ts';

export interface SimAccount {
  openId: string;
  videos: number;
}

export interface SimTikTokOptions {
  time: VirtualTime;
  perMinute: number;
  scope: 'app' | 'user';
  /** Latency per endpoint (ms). */
  latencyMs: Record<string, number>;
  account(token: string): SimAccount | undefined;
}

/** Calls in the last 60 s, as a ring of timestamps: O(1) per call. */
class SlidingMinute {
  private readonly times: number[] = [];
  private head = 0;
  peak = 0;
  count(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - 60_000) this.head += 1;
    if (this.head > 4096) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
  add(now: number): void {
    this.count(now);
    this.times.push(now);
    this.peak = Math.max(this.peak, this.times.length - this.head);
  }
}

const PAGE = 20;
/** Newest video's create_time cursor: pages walk back one hour per video. */
const NEWEST_MS = Date.parse('2026-11-01T00:00:00Z');

export function simulatedTikTok(o: SimTikTokOptions) {
  const windows = new Map<string, SlidingMinute>();
  const peaks = new Map<string, SlidingMinute>();
  const calls = new Map<string, number>();
  let refused = 0;

  const windowOf = (map: Map<string, SlidingMinute>, key: string) => {
    let w = map.get(key);
    if (!w) map.set(key, (w = new SlidingMinute()));
    return w;
  };

  const respond = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    ({
      status,
      headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
      text: async () => JSON.stringify(body),
    }) as unknown as Response;

  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const endpoint = url.pathname;
    const token = String((init?.headers as Record<string, string> | undefined)?.authorization ?? '').replace(/^Bearer /, '');
    const account = o.account(token);
    const now = o.time.now();
    calls.set(endpoint, (calls.get(endpoint) ?? 0) + 1);
    windowOf(peaks, endpoint).add(now);
    const limitKey = o.scope === 'user' && account ? `${endpoint}#${account.openId}` : endpoint;
    const limiter = windowOf(windows, limitKey);
    // Counted on arrival, answered after the latency.
    const admitted = limiter.count(now) < o.perMinute;
    if (admitted) limiter.add(now);
    await o.time.sleep(o.latencyMs[endpoint] ?? 100);
    if (!admitted) {
      refused += 1;
      return respond(429, { data: {}, error: { code: 'rate_limit_exceeded', message: 'rate limited', log_id: 'sim' } });
    }
    if (!account) return respond(401, { data: {}, error: { code: 'access_token_invalid', message: 'bad token', log_id: 'sim' } });
    const ok = (data: unknown) => respond(200, { data, error: { code: 'ok', message: '', log_id: 'sim' } });
    if (endpoint === '/v2/user/info/') {
      const n = Number.parseInt(account.openId.slice(-4), 36) || 1;
      return ok({ user: { open_id: account.openId, display_name: account.openId, follower_count: n * 7, following_count: n % 300, likes_count: n * 31, video_count: account.videos } });
    }
    if (endpoint === '/v2/video/list/') {
      const body = JSON.parse(String(init?.body ?? '{}')) as { cursor?: number; max_count?: number };
      const size = Math.min(PAGE, body.max_count ?? PAGE);
      const start = body.cursor === undefined ? 0 : Math.round((NEWEST_MS - body.cursor) / 3_600_000);
      const videos = [];
      for (let i = start; i < Math.min(account.videos, start + size); i += 1) {
        const t = NEWEST_MS - i * 3_600_000;
        videos.push({ id: `${account.openId}v${i}`, title: `video ${i}`, create_time: Math.floor(t / 1000), view_count: 1000 + i, like_count: 10 + i, comment_count: i % 7, share_count: i % 3 });
      }
      const end = start + videos.length;
      return ok({ videos, cursor: NEWEST_MS - end * 3_600_000, has_more: end < account.videos });
    }
    return respond(404, { data: {}, error: { code: 'invalid_params', message: 'unknown endpoint', log_id: 'sim' } });
  };

  return {
    fetch: fetch as typeof globalThis.fetch,
    peakPerMinute: () => Object.fromEntries([...peaks].map(([k, w]) => [k, w.peak])),
    calls: () => Object.fromEntries(calls),
    refused: () => refused,
  };
}
