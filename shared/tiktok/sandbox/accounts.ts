/**
 * The sandbox's seeded TikTok accounts: one without videos, one with 5 and one with 437, with
 * realistic stats. Everything derives from the seed and a fixed base date (never the wall clock), so
 * ids, timestamps and counts are identical on every run. Videos are newest first with strictly
 * decreasing `create_time`, which keeps TikTok's "videos posted before the cursor" paging exact.
 */
import type { TikTokUser, TikTokVideo } from '../types.ts';
import { pick, randInt, seededRng, seededUuid, type Rng } from './random.ts';

/** 2024-06-01T00:00:00Z: the newest seeded video is a little older than this. */
export const BASE_TIME_SECONDS = 1_717_200_000;
export const DEFAULT_SEED = 20_240_601;

/** Cover URLs are signed with a 6-hour expiry at TikTok (docs/tiktok.md §3.4); built per response. */
export type SeededVideo = Omit<TikTokVideo, 'cover_image_url'>;

export interface SandboxAccount {
  user: TikTokUser;
  /** Newest first. */
  videos: SeededVideo[];
}

interface Persona {
  username: string;
  displayName: string;
  bio: string;
  videos: number;
  verified: boolean;
  followers: [number, number];
  viewScale: number;
}

const PERSONAS: readonly Persona[] = [
  { username: 'sandbox.quiet', displayName: 'Quinn Quiet', bio: '', videos: 0, verified: false, followers: [3, 40], viewScale: 0 },
  { username: 'sandbox.casual', displayName: 'Casey Casual', bio: 'Weekend hikes and bad puns 🥾', videos: 5, verified: false, followers: [150, 900], viewScale: 4 },
  { username: 'sandbox.creator', displayName: 'Cora Creator', bio: 'Daily cooking in 60 seconds 🍳 Business: cora@example.com', videos: 437, verified: true, followers: [180_000, 260_000], viewScale: 8 },
];

const TOPICS = ['pasta', 'ramen', 'tacos', 'sourdough', 'curry', 'dumplings', 'pancakes', 'salad', 'hike', 'sunset', 'coffee', 'street food'];
const HOOKS = ['You have to try this', 'Day {n} of', 'POV: you finally nailed', 'Quick and easy', 'Rating my', 'Is this the best', 'Trying viral'];
const TAGS = ['#fyp', '#foodtok', '#recipe', '#cooking', '#easyrecipe', '#foryou', '#learnontiktok'];

export function seedAccounts(seed: number = DEFAULT_SEED): SandboxAccount[] {
  const rng = seededRng(seed);
  return PERSONAS.map((persona) => seedAccount(rng, persona));
}

function seedAccount(rng: Rng, p: Persona): SandboxAccount {
  const openId = seededUuid(rng);
  const videos = seedVideos(rng, p);
  const cdn = `https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/${openId.replaceAll('-', '')}`;
  const user: TikTokUser = {
    open_id: openId,
    union_id: seededUuid(rng),
    avatar_url: `${cdn}~c5_168x168.jpeg`,
    avatar_url_100: `${cdn}~c5_100x100.jpeg`,
    avatar_large_url: `${cdn}~c5_1080x1080.jpeg`,
    display_name: p.displayName,
    bio_description: p.bio,
    profile_deep_link: `https://vm.tiktok.com/ZM${randomToken(rng, 7)}/`,
    is_verified: p.verified,
    username: p.username,
    follower_count: randInt(rng, p.followers[0], p.followers[1]),
    following_count: randInt(rng, 10, 600),
    likes_count: videos.reduce((sum, v) => sum + v.like_count, 0),
    video_count: videos.length,
  };
  return { user, videos };
}

function seedVideos(rng: Rng, p: Persona): SeededVideo[] {
  const videos: SeededVideo[] = [];
  let createTime = BASE_TIME_SECONDS - randInt(rng, 3_600, 2 * 86_400);
  for (let i = 0; i < p.videos; i += 1) {
    // TikTok ids carry the creation second in their top 32 bits: 19 digits, ordered by time.
    const id = ((BigInt(createTime) << 32n) | BigInt(randInt(rng, 0, 0xffffffff))).toString();
    const views = Math.round(100 * Math.exp(rng() * p.viewScale));
    const likes = Math.round(views * (0.03 + rng() * 0.09));
    const caption = `${pick(rng, HOOKS).replace('{n}', String(p.videos - i))} ${pick(rng, TOPICS)}`;
    const shareUrl = `https://www.tiktok.com/@${p.username}/video/${id}`;
    const portrait = rng() < 0.9;
    videos.push({
      id,
      create_time: createTime,
      share_url: shareUrl,
      video_description: `${caption} ${pick(rng, TAGS)} ${pick(rng, TAGS)}`,
      duration: randInt(rng, 6, 180),
      height: portrait ? 1920 : 720,
      width: portrait ? 1080 : 1280,
      title: caption,
      embed_html: `<blockquote class="tiktok-embed" cite="${shareUrl}" data-video-id="${id}" style="max-width: 605px;min-width: 325px;"><section></section></blockquote>`,
      embed_link: `https://www.tiktok.com/player/v1/${id}`,
      like_count: likes,
      comment_count: Math.round(likes * (0.01 + rng() * 0.04)),
      share_count: Math.round(likes * (0.005 + rng() * 0.025)),
      view_count: views,
      // From the id, not the rng: the seeded stream (and every other value) stays as it was.
      is_aigc: BigInt(id) % 7n === 0n,
    });
    createTime -= randInt(rng, 3 * 3_600, 3 * 86_400);
  }
  return videos;
}

function randomToken(rng: Rng, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length }, () => pick(rng, [...alphabet])).join('');
}

/** The signed, expiring cover URL TikTok would hand out at `now`. */
export function coverImageUrl(video: SeededVideo, nowMs: number): string {
  const expires = Math.floor(nowMs / 1000) + 6 * 3_600;
  return `https://p16-sign-va.tiktokcdn.com/tos-maliva-p-0068/${video.id}~tplv-dmt-logom:tos-maliva-p-0000/cover.image?x-expires=${expires}&x-signature=sandbox`;
}
