/** Seeded accounts: deterministic, realistic, ordered for TikTok's cursor paging. */
import { describe, expect, it } from 'vitest';
import { BASE_TIME_SECONDS, seedAccounts } from '../../../shared/tiktok/sandbox/index.ts';

describe('seeded accounts', () => {
  const accounts = seedAccounts(42);

  it('are identical for the same seed and differ for another', () => {
    expect(seedAccounts(42)).toEqual(accounts);
    expect(seedAccounts(43)[2]!.user.open_id).not.toBe(accounts[2]!.user.open_id);
  });

  it('have 0, 5 and 437 videos, with video_count and likes_count consistent', () => {
    expect(accounts.map((a) => a.videos.length)).toEqual([0, 5, 437]);
    for (const a of accounts) {
      expect(a.user.video_count).toBe(a.videos.length);
      expect(a.user.likes_count).toBe(a.videos.reduce((s, v) => s + v.like_count, 0));
      expect(a.user.open_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(accounts.map((a) => a.user.open_id)).size).toBe(3);
  });

  it('list videos newest first with strictly decreasing create_time before the fixed base date', () => {
    const videos = accounts[2]!.videos;
    expect(videos[0]!.create_time).toBeLessThan(BASE_TIME_SECONDS);
    expect(videos.every((v, i) => i === 0 || v.create_time < videos[i - 1]!.create_time)).toBe(true);
  });

  it('use unique 19-digit string ids and plausible stats', () => {
    const videos = accounts.flatMap((a) => a.videos);
    expect(new Set(videos.map((v) => v.id)).size).toBe(videos.length);
    for (const v of videos) {
      expect(v.id).toMatch(/^\d{19}$/);
      expect(v.like_count).toBeLessThanOrEqual(v.view_count);
      expect(v.comment_count).toBeLessThanOrEqual(v.like_count);
      expect(v.duration).toBeGreaterThan(0);
      expect(v.title.length).toBeLessThanOrEqual(150);
      expect(v.share_url).toContain(`/video/${v.id}`);
    }
  });

  it('label some videos AI-generated (is_aigc), deterministically, without changing any other seeded value', () => {
    const videos = accounts[2]!.videos;
    const aigc = videos.filter((v) => v.is_aigc).length;
    expect(videos.every((v) => typeof v.is_aigc === 'boolean')).toBe(true);
    expect(aigc).toBeGreaterThan(30);
    expect(aigc).toBeLessThan(110);
    expect(seedAccounts(42)[2]!.videos.map((v) => v.is_aigc)).toEqual(videos.map((v) => v.is_aigc));
  });
});
