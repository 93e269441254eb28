import { describe, expect, it } from 'vitest';
import { ScopeNotGrantedError } from '../../shared/reports/errors.ts';
import { assertScopesGranted, scopeRefusedByTikTok, scopeShortfall } from '../../shared/reports/scopes.ts';

const ALL = ['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list'];

describe('scope checks', () => {
  it('passes when every field scope and the endpoint scope are granted', () => {
    expect(() => assertScopesGranted('profile', ['display_name', 'follower_count'], ALL)).not.toThrow();
    expect(() => assertScopesGranted('video-list', ['id'], ['video.list'])).not.toThrow();
  });

  it('names the missing scope and the fields that need it (403 scope_not_granted)', () => {
    const granted = ['user.info.basic', 'user.info.profile', 'video.list'];
    let err: unknown;
    try {
      assertScopesGranted('profile', ['display_name', 'follower_count', 'likes_count'], granted);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScopeNotGrantedError);
    const e = err as ScopeNotGrantedError;
    expect(e.kind).toBe('forbidden');
    expect(e.code).toBe('scope_not_granted');
    expect(e.field).toBe('fields');
    expect(e.message).toContain('user.info.stats');
    expect(e.message).toContain('follower_count, likes_count');
    expect(e.details).toEqual({ missingScopes: ['user.info.stats'], fieldsByScope: { 'user.info.stats': ['follower_count', 'likes_count'] } });
  });

  it('requires the endpoint scope even when no field needs it', () => {
    expect(scopeShortfall('profile', ['follower_count'], ['user.info.stats'])).toEqual([{ scope: 'user.info.basic', fields: [] }]);
    expect(scopeShortfall('video-query', ['id', 'title'], ALL.filter((s) => s !== 'video.list'))).toEqual([
      { scope: 'video.list', fields: ['id', 'title'] },
    ]);
  });

  it('turns a TikTok scope refusal into the same 403, naming the scopes the request needs', () => {
    const e = scopeRefusedByTikTok('profile', ['display_name', 'bio_description'], { tiktokCode: 'scope_permission_missed', logId: 'L1' });
    expect(e.kind).toBe('forbidden');
    expect(e.code).toBe('scope_not_granted');
    expect(e.details).toMatchObject({
      missingScopes: ['user.info.basic', 'user.info.profile'],
      tiktokCode: 'scope_permission_missed',
      tiktokLogId: 'L1',
    });
  });
});
