import { describe, expect, it } from 'vitest';
import { ACTIVE_VIDEOS, SandboxGrowth, followerGain, followingGain, likeGain, periodicSum, profileOnDay, videoOnDay, viewGain } from '../../shared/tiktok/sandbox/growth.ts';
import { seedAccounts } from '../../shared/tiktok/sandbox/index.ts';

const creator = seedAccounts()[2]!;
const DAY = 86_400_000;

describe('sandbox growth (the known series history tests assert against)', () => {
  it('closed-form sums equal day-by-day accumulation', () => {
    for (const n of [0, 1, 4, 5, 9, 10, 11, 365, 731]) {
      let views = creator.videos[0]!.view_count;
      let likes = creator.videos[0]!.like_count;
      let followers = creator.user.follower_count;
      let following = creator.user.following_count;
      for (let k = 1; k <= n; k += 1) {
        views += viewGain(creator.videos[0]!, 0, k);
        likes += likeGain(creator.videos[0]!, 0, k);
        followers += followerGain(creator.user.follower_count, k);
        following += followingGain(k);
      }
      const v = videoOnDay(creator.videos[0]!, 0, n);
      expect([v.view_count, v.like_count]).toEqual([views, Math.max(0, likes)]);
      const u = profileOnDay(creator.user, creator.videos, n);
      expect([u.follower_count, u.following_count]).toEqual([followers, following]);
    }
    expect(periodicSum(12, 5, (j) => j)).toBe(2 * 10 + 1 + 2);
  });

  it('old videos stop changing; likes_count and video_count follow the present videos', () => {
    const old = creator.videos[ACTIVE_VIDEOS]!;
    expect(videoOnDay(old, ACTIVE_VIDEOS, 300)).toEqual(old);
    const g = new SandboxGrowth();
    const start = Date.parse('2024-06-01T10:00:00Z');
    expect(g.apply(creator, start)).toBe(creator); // off: untouched
    g.enable(start);
    expect(g.apply(creator, start + 5 * 3_600_000).user).toEqual(creator.user); // day 0: as seeded
    g.deleteVideo(creator.videos[3]!.id, start + 2 * DAY);
    const day1 = g.apply(creator, start + DAY);
    const day2 = g.apply(creator, start + 2 * DAY);
    expect(day1.videos).toHaveLength(437);
    expect(day2.videos).toHaveLength(436);
    expect(day2.user.video_count).toBe(436);
    expect(day2.user.likes_count).toBe(day2.videos.reduce((s, v) => s + v.like_count, 0));
    expect(day2.user.follower_count - day1.user.follower_count).toBe(followerGain(creator.user.follower_count, 2));
    // a counter that goes down: following on days n = 1 (mod 3), the newest video's likes on n = 9 (mod 10)
    expect(followingGain(4)).toBe(-1);
    const d8 = videoOnDay(creator.videos[0]!, 0, 8);
    const d9 = videoOnDay(creator.videos[0]!, 0, 9);
    expect(d9.like_count - d8.like_count).toBe(likeGain(creator.videos[0]!, 0, 9));
    g.disable();
    expect(g.apply(creator, start + 9 * DAY)).toBe(creator);
  });
});
