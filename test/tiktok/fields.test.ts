import { describe, expect, it } from 'vitest';
import {
  ALL_SCOPES,
  ENDPOINT_SCOPE,
  FIELD_CATALOGUE,
  missingScopes,
  parseCommaList,
  reportFields,
  requiredScopes,
  scopeForField,
  unknownFields,
} from '../../shared/tiktok/index.ts';

describe('field catalogue', () => {
  it('lists the four Display API scopes', () => {
    expect([...ALL_SCOPES]).toEqual(['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list']);
  });

  it('maps every profile field to its scope', () => {
    const byScope = (scope: string) => reportFields('profile').filter((f) => scopeForField('profile', f) === scope);
    expect(byScope('user.info.basic')).toEqual(['open_id', 'union_id', 'avatar_url', 'avatar_url_100', 'avatar_large_url', 'display_name']);
    expect(byScope('user.info.profile')).toEqual(['bio_description', 'profile_deep_link', 'is_verified', 'username']);
    expect(byScope('user.info.stats')).toEqual(['follower_count', 'following_count', 'likes_count', 'video_count']);
  });

  it('gives video reports the 16 video fields, all under video.list', () => {
    for (const type of ['video-list', 'video-query'] as const) {
      expect(reportFields(type)).toHaveLength(16);
      expect(new Set(reportFields(type).map((f) => scopeForField(type, f)))).toEqual(new Set(['video.list']));
      expect(ENDPOINT_SCOPE[type]).toBe('video.list');
    }
    expect(FIELD_CATALOGUE['video-list'].view_count).toEqual({ scope: 'video.list', type: 'integer' });
    expect(FIELD_CATALOGUE['video-query'].is_aigc).toEqual({ scope: 'video.list', type: 'boolean' });
  });

  it('does not accept fields of another report type or inherited names', () => {
    expect(scopeForField('profile', 'view_count')).toBeUndefined();
    expect(scopeForField('video-list', 'follower_count')).toBeUndefined();
    expect(scopeForField('profile', 'toString')).toBeUndefined();
    expect(unknownFields('profile', ['open_id', 'nope', 'nope', 'constructor'])).toEqual(['nope', 'constructor']);
  });

  it('computes required and missing scopes, endpoint scope first', () => {
    expect(requiredScopes('profile', ['follower_count', 'username'])).toEqual(['user.info.basic', 'user.info.stats', 'user.info.profile']);
    expect(missingScopes('profile', ['display_name', 'follower_count'], ['user.info.basic'])).toEqual(['user.info.stats']);
    expect(missingScopes('video-list', ['id'], ['user.info.basic'])).toEqual(['video.list']);
    expect(missingScopes('video-query', ['id', 'title'], ['video.list'])).toEqual([]);
  });

  it("parses TikTok's comma-separated scope strings", () => {
    expect(parseCommaList('user.info.basic, video.list,,')).toEqual(['user.info.basic', 'video.list']);
    expect(parseCommaList('')).toEqual([]);
  });
});
