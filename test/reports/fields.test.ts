import { describe, expect, it } from 'vitest';
import { parseFieldList } from '../../shared/reports/request/fields.ts';
import { reportRequestSchema } from '../../shared/reports/index.ts';
import { reportFields } from '../../shared/tiktok/index.ts';

describe('parseFieldList', () => {
  it('accepts an array and a comma-separated string, trimmed, repeats dropped, request order kept', () => {
    expect(parseFieldList('profile', ['follower_count', ' display_name ', 'follower_count'])).toEqual({
      ok: true,
      fields: ['follower_count', 'display_name'],
    });
    expect(parseFieldList('video-list', ' id , title,id,, view_count ')).toEqual({ ok: true, fields: ['id', 'title', 'view_count'] });
  });

  it('rejects empty lists, blanks-only strings and non-strings', () => {
    for (const value of [[], '', ' , ,', ['  ']]) {
      const r = parseFieldList('profile', value);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/at least one field/);
    }
    for (const value of [42, null, { a: 1 }, ['id', 3]]) expect(parseFieldList('video-list', value).ok).toBe(false);
  });

  it('names every unknown field and lists the valid ones of that report type', () => {
    const r = parseFieldList('profile', 'display_name,view_count,nope');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('"view_count"');
    expect(r.message).toContain('"nope"');
    for (const f of reportFields('profile')) expect(r.message).toContain(f);
    // a video field is unknown to the profile report, a user field unknown to the video reports
    expect(parseFieldList('video-query', ['follower_count']).ok).toBe(false);
  });

  it('accepts every catalogue field of each report type', () => {
    for (const t of ['profile', 'video-list', 'video-query'] as const) {
      expect(parseFieldList(t, reportFields(t))).toEqual({ ok: true, fields: reportFields(t) });
    }
  });
});

describe('reportRequestSchema', () => {
  it('applies the defaults: cloud9ql per type, format json, allPages false', () => {
    expect(reportRequestSchema('profile').parse({ fields: 'display_name' })).toEqual({
      fields: ['display_name'],
      cloud9ql: 'select data.user;',
      format: 'json',
    });
    expect(reportRequestSchema('video-list').parse({ fields: ['id'], requestBody: { max_count: 5, cursor: 0 } })).toEqual({
      fields: ['id'],
      cloud9ql: 'select expand(data.videos);',
      format: 'json',
      requestBody: { max_count: 5, cursor: 0 },
      allPages: false,
    });
    expect(reportRequestSchema('video-query').parse({ fields: 'id', requestBody: { filters: { video_ids: ['1'] } } })).toMatchObject({
      cloud9ql: 'select expand(data.videos);',
    });
  });

  it('is idempotent: a parsed request parses to itself (schedules store parsed requests)', () => {
    const schema = reportRequestSchema('video-list');
    const once = schema.parse({ fields: ' id,title ', requestBody: { max_count: 20, cursor: 17 }, allPages: true, maxVideos: 50, format: 'csv' });
    expect(schema.parse(once)).toEqual(once);
  });

  it.each([
    [{ fields: 'id', requestBody: { max_count: 0, cursor: 0 } }, 'requestBody.max_count'],
    [{ fields: 'id', requestBody: { max_count: 21, cursor: 0 } }, 'requestBody.max_count'],
    [{ fields: 'id', requestBody: { max_count: '5', cursor: 0 } }, 'requestBody.max_count'],
    [{ fields: 'id', requestBody: { max_count: 2.5, cursor: 0 } }, 'requestBody.max_count'],
    [{ fields: 'id', requestBody: { max_count: 5, cursor: -1 } }, 'requestBody.cursor'],
    [{ fields: 'id', requestBody: { max_count: 5 } }, 'requestBody.cursor'],
    [{ fields: 'id', requestBody: { max_count: 5, cursor: 0 }, maxVideos: 10 }, 'maxVideos'],
    [{ fields: 'id', requestBody: { max_count: 5, cursor: 0 }, allPages: true, maxVideos: 10_001 }, 'maxVideos'],
    [{ fields: 'id', requestBody: { max_count: 5, cursor: 0 }, format: 'xml' }, 'format'],
    [{ fields: 'id', requestBody: { max_count: 5, cursor: 0 }, cloud9ql: '   ' }, 'cloud9ql'],
    [{ fields: 'id', requestBody: { max_count: 5, cursor: 0 }, cloud9ql: 'x'.repeat(10_001) }, 'cloud9ql'],
  ])('rejects %j at %s', (body, field) => {
    const r = reportRequestSchema('video-list').safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path.join('.')).toBe(field);
  });

  it('rejects unknown members instead of ignoring them', () => {
    const r = reportRequestSchema('profile').safeParse({ fields: 'display_name', cloud9QL: 'select 1' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain('"cloud9QL"');
  });

  it('checks video ids: 1..20, distinct, strings of digits', () => {
    const schema = reportRequestSchema('video-query');
    const ids = (n: number) => Array.from({ length: n }, (_, i) => String(7_000_000_000 + i));
    const body = (video_ids: unknown) => ({ fields: 'id', requestBody: { filters: { video_ids } } });
    expect(schema.safeParse(body(ids(20))).success).toBe(true);
    for (const bad of [ids(0), ids(21), ['1', '1'], [''], ['12a'], [123], 'abc']) {
      const r = schema.safeParse(body(bad));
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error!.issues[0]!.path.slice(0, 3).join('.')).toBe('requestBody.filters.video_ids');
    }
  });
});
