/**
 * The three reports over HTTP against the local runtime and the TikTok sandbox: every field alone
 * and all together, defaults, custom Cloud9QL, CSV round trips, and every kind of bad input
 * (answered before any TikTok call).
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reportFields } from '../../shared/tiktok/index.ts';
import { seedAccounts } from '../../shared/tiktok/sandbox/index.ts';
import { connectAccount } from '../support/connect.ts';
import { readJson } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const seeded = seedAccounts();
const creator = seeded.find((a) => a.user.username === 'sandbox.creator')!;
const casual = seeded.find((a) => a.user.username === 'sandbox.casual')!;

let rt: TestRuntime;
let creatorDs: string;
let casualDs: string;

function report(type: string, ds: string, body: unknown, init: { auth?: boolean | string; headers?: Record<string, string> } = {}) {
  return rt.api(`/v1/datasources/${encodeURIComponent(ds)}/reports/${type}`, { method: 'POST', json: body, ...init });
}

function tiktokCalls(endpoint?: string) {
  return rt.sandbox!.callLog().filter((c) => endpoint === undefined || c.endpoint === endpoint);
}

/** The CSV text of a JSON value as the renderer writes it (independent of the renderer's code). */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

beforeAll(async () => {
  rt = await startTestRuntime();
  creatorDs = await connectAccount(rt, { account: 'sandbox.creator' });
  casualDs = await connectAccount(rt, { account: 'sandbox.casual' });
});

afterAll(async () => {
  await rt?.stop();
});

beforeEach(() => {
  rt.sandbox!.clearFaults();
  rt.sandbox!.resetCallLog();
});

describe('profile report', () => {
  it.each(reportFields('profile'))('returns %s alone, as TikTok has it, under data.user', async (field) => {
    const res = await report('profile', creatorDs, { fields: [field] });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.rows).toEqual([{ 'data.user': { [field]: creator.user[field as keyof typeof creator.user] } }]);
    expect(body.columns).toEqual(['data.user']);
  });

  it('returns all fields together, with the default query, format and meta', async () => {
    const res = await report('profile', creatorDs, { fields: reportFields('profile').join(',') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = await readJson(res);
    expect(body.rows).toEqual([{ 'data.user': creator.user }]);
    expect(body.meta).toMatchObject({ reportType: 'profile', datasourceId: creatorDs, pages: 1, cursor: null, hasMore: false });
    expect(Date.parse(body.meta.fetchedAt)).not.toBeNaN();
    expect(tiktokCalls('/v2/user/info/')).toHaveLength(1);
  });

  it('runs a custom Cloud9QL query on {data:{user}}', async () => {
    const res = await report('profile', creatorDs, {
      fields: ' display_name , follower_count, display_name',
      cloud9ql: 'select data.user.display_name as name, data.user.follower_count as followers',
    });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.rows).toEqual([{ name: creator.user.display_name, followers: creator.user.follower_count }]);
    expect(body.columns).toEqual(['name', 'followers']);
  });

  it('answers CSV with dotted columns that parse back to the same values', async () => {
    const res = await report('profile', creatorDs, { fields: reportFields('profile'), format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="tiktok-profile-[A-Za-z0-9_-]+-\d{8}T\d{6}Z\.csv"$/);
    const text = await res.text();
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records).toEqual([Object.fromEntries(reportFields('profile').map((f) => [`data.user.${f}`, cellText(creator.user[f as keyof typeof creator.user])]))]);
  });
});

describe('formats', () => {
  it('serves html inline under the page security headers, csv as an attachment, json as the API answer', async () => {
    const page = await report('profile', creatorDs, { fields: 'display_name,follower_count', format: 'html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-disposition')).toBeNull();
    expect(await page.text()).toContain(creator.user.display_name);
    const json = await report('profile', creatorDs, { fields: 'display_name' });
    expect(json.headers.get('content-disposition')).toBeNull();
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('video list report', () => {
  it.each(reportFields('video-list'))('returns %s alone for every video of a page', async (field) => {
    const res = await report('video-list', casualDs, { fields: field, requestBody: { max_count: 20, cursor: 0 } });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.rows).toHaveLength(casual.videos.length);
    body.rows.forEach((row: Record<string, unknown>, i: number) => {
      expect(Object.keys(row)).toEqual([field]);
      if (field === 'cover_image_url') expect(row[field]).toMatch(new RegExp(`^https://.*${casual.videos[i]!.id}.*x-expires=\\d+`));
      else expect(row[field]).toEqual(casual.videos[i]![field as keyof (typeof casual.videos)[number]]);
    });
    expect(body.columns).toEqual([field]);
  });

  it('returns all fields together, one page, with TikTok cursor and has_more in meta', async () => {
    const res = await report('video-list', creatorDs, { fields: reportFields('video-list'), requestBody: { max_count: 20, cursor: 0 } });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.rows).toHaveLength(20);
    expect(body.rows.map((r: { id: string }) => r.id)).toEqual(creator.videos.slice(0, 20).map((v) => v.id));
    expect(body.columns).toEqual(reportFields('video-list'));
    expect(body.meta).toMatchObject({ reportType: 'video-list', pages: 1, hasMore: true, cursor: creator.videos[19]!.create_time * 1000 });
    // the next page from meta.cursor continues where this one stopped
    const next = await readJson(await report('video-list', creatorDs, { fields: 'id', requestBody: { max_count: 5, cursor: body.meta.cursor } }));
    expect(next.rows.map((r: { id: string }) => r.id)).toEqual(creator.videos.slice(20, 25).map((v) => v.id));
  });

  it('sends TikTok no cursor for 0 and the given cursor otherwise', async () => {
    await report('video-list', casualDs, { fields: 'id', requestBody: { max_count: 3, cursor: 0 } });
    const res = await report('video-list', casualDs, { fields: 'id', requestBody: { max_count: 3, cursor: casual.videos[1]!.create_time * 1000 } });
    const body = await readJson(res);
    expect(body.rows.map((r: { id: string }) => r.id)).toEqual(casual.videos.slice(2, 5).map((v) => v.id));
    expect(tiktokCalls('/v2/video/list/')).toHaveLength(2);
  });

  it('answers CSV that csv-parse reads back to the JSON rows (embed_html quotes and commas included)', async () => {
    const fields = reportFields('video-list').filter((f) => f !== 'cover_image_url'); // signed per response second
    const request = { fields, requestBody: { max_count: 20, cursor: 0 } };
    const json = await readJson(await report('video-list', creatorDs, request));
    const res = await report('video-list', creatorDs, { ...request, format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('.csv"');
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe(fields.join(','));
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records).toEqual(json.rows.map((row: Record<string, unknown>) => Object.fromEntries(fields.map((f) => [f, cellText(row[f])]))));
  });

  it('answers an account without videos with no rows', async () => {
    const quietDs = await connectAccount(rt, { account: 'sandbox.quiet' });
    const body = await readJson(await report('video-list', quietDs, { fields: 'id', requestBody: { max_count: 20, cursor: 0 }, allPages: true }));
    expect(body.rows).toEqual([]);
    expect(body.columns).toEqual(['id']); // the default query's columns are the fields asked for
    expect(body.meta).toMatchObject({ pages: 1, hasMore: false });
    const csv = await report('video-list', quietDs, { fields: 'id,title', requestBody: { max_count: 20, cursor: 0 }, format: 'csv' });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toBe('id,title\r\n'); // a header row, so a spreadsheet still knows the columns
    const custom = await readJson(await report('video-list', quietDs, { fields: 'id', requestBody: { max_count: 20, cursor: 0 }, cloud9ql: 'select expand(data.videos); select id as video' }));
    expect(custom.columns).toEqual([]); // a custom query's columns cannot be known without rows
  });
});

describe('video query report', () => {
  const ids = casual.videos.map((v) => v.id);

  it.each(reportFields('video-query'))('returns %s alone for the requested ids', async (field) => {
    const res = await report('video-query', casualDs, { fields: [field], requestBody: { filters: { video_ids: ids } } });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.rows).toHaveLength(ids.length);
    for (const row of body.rows) expect(Object.keys(row)).toEqual([field]);
  });

  it('returns all fields together, only for the account\'s own ids', async () => {
    const foreign = creator.videos[0]!.id;
    const res = await report('video-query', casualDs, { fields: reportFields('video-query'), requestBody: { filters: { video_ids: [ids[3]!, foreign, ids[0]!] } } });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.rows.map((r: { id: string }) => r.id).sort()).toEqual([ids[0], ids[3]].sort());
    const byId = new Map(body.rows.map((r: { id: string }) => [r.id, r]));
    const { cover_image_url: _c, ...expected } = byId.get(ids[0]!) as Record<string, unknown>;
    expect(expected).toEqual(casual.videos[0]);
    expect(body.meta).toMatchObject({ reportType: 'video-query', pages: 1, cursor: null, hasMore: false });
  });

  it('answers CSV that csv-parse reads back to the JSON rows', async () => {
    const fields = reportFields('video-query').filter((f) => f !== 'cover_image_url');
    const request = { fields, requestBody: { filters: { video_ids: ids } } };
    const json = await readJson(await report('video-query', casualDs, request));
    const res = await report('video-query', casualDs, { ...request, format: 'csv' });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const records = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(ids.length);
    expect(records).toEqual(json.rows.map((row: Record<string, unknown>) => Object.fromEntries(fields.map((f) => [f, cellText(row[f])]))));
  });

  it('post-processes with chained Cloud9QL', async () => {
    const res = await report('video-query', casualDs, {
      fields: 'id,view_count',
      requestBody: { filters: { video_ids: ids } },
      cloud9ql: 'select expand(data.videos); select id, view_count order by view_count desc limit 2',
    });
    const body = await readJson(res);
    const top = [...casual.videos].sort((a, b) => b.view_count - a.view_count).slice(0, 2);
    expect(body.rows).toEqual(top.map((v) => ({ id: v.id, view_count: v.view_count })));
  });
});

describe('bad input is answered before any TikTok call', () => {
  const list = (requestBody: unknown, extra: Record<string, unknown> = {}) => ({ fields: 'id', requestBody, ...extra });
  const query = (video_ids: unknown) => ({ fields: 'id', requestBody: { filters: { video_ids } } });
  const idsOf = (n: number) => Array.from({ length: n }, (_, i) => String(7_300_000_000_000_000_000n + BigInt(i)));

  it.each([
    ['profile', {}, 'fields'],
    ['profile', { fields: [] }, 'fields'],
    ['profile', { fields: ' , ' }, 'fields'],
    ['profile', { fields: 42 }, 'fields'],
    ['video-list', list({ max_count: 0, cursor: 0 }), 'requestBody.max_count'],
    ['video-list', list({ max_count: 21, cursor: 0 }), 'requestBody.max_count'],
    ['video-list', list({ max_count: '5', cursor: 0 }), 'requestBody.max_count'],
    ['video-list', list({ max_count: 2.5, cursor: 0 }), 'requestBody.max_count'],
    ['video-list', list({ max_count: 5, cursor: -1 }), 'requestBody.cursor'],
    ['video-list', list({ max_count: 5 }), 'requestBody.cursor'],
    ['video-list', list({ cursor: 0 }), 'requestBody.max_count'],
    ['video-list', { fields: 'id' }, 'requestBody'],
    ['video-list', list({ max_count: 5, cursor: 0 }, { allPages: true, maxVideos: 0 }), 'maxVideos'],
    ['video-list', list({ max_count: 5, cursor: 0 }, { allPages: true, maxVideos: 10_001 }), 'maxVideos'],
    ['video-list', list({ max_count: 5, cursor: 0 }, { maxVideos: 50 }), 'maxVideos'],
    ['video-list', list({ max_count: 5, cursor: 0 }, { allPages: 'yes' }), 'allPages'],
    ['video-list', list({ max_count: 5, cursor: 0 }, { format: 'xlsx' }), 'format'],
    ['video-query', query([]), 'requestBody.filters.video_ids'],
    ['video-query', query(idsOf(21)), 'requestBody.filters.video_ids'],
    ['video-query', query(['7300000000000000001', '7300000000000000001']), 'requestBody.filters.video_ids'],
    ['video-query', query(['']), 'requestBody.filters.video_ids[0]'],
    ['video-query', query(['73000000000000000x1']), 'requestBody.filters.video_ids[0]'],
    ['video-query', query([730000000001]), 'requestBody.filters.video_ids[0]'],
    ['profile', { fields: 'display_name', cloud9ql: 'x'.repeat(10_001) }, 'cloud9ql'],
    ['profile', { fields: 'display_name', cloud9ql: '  ' }, 'cloud9ql'],
  ])('%s %j -> 400 naming %s', async (type, body, field) => {
    const res = await report(type, casualDs, body);
    expect(res.status).toBe(400);
    const { error } = await readJson(res);
    expect(error).toMatchObject({ code: 'invalid_request', field });
    expect(error.requestId).toBeTruthy();
    expect(tiktokCalls()).toEqual([]);
  });

  it('names an unknown field and lists the valid ones', async () => {
    const res = await report('video-list', casualDs, { fields: 'id,follower_count,bogus', requestBody: { max_count: 5, cursor: 0 } });
    expect(res.status).toBe(400);
    const { error } = await readJson(res);
    expect(error.field).toBe('fields');
    expect(error.message).toContain('"follower_count"');
    expect(error.message).toContain('"bogus"');
    for (const f of reportFields('video-list')) expect(error.message).toContain(f);
    expect(tiktokCalls()).toEqual([]);
  });

  it('rejects members it does not know instead of ignoring them', async () => {
    const res = await report('video-list', casualDs, { fields: 'id', requestBody: { max_count: 5, cursor: 0, maxcount: 3 } });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.message).toContain('"maxcount"');
  });

  it('answers a body over the size limit with 413', async () => {
    const res = await report('profile', casualDs, { fields: 'display_name', cloud9ql: `select data.user; ${'-'.repeat(70 * 1024)}` });
    expect(res.status).toBe(413);
    expect((await readJson(res)).error.code).toBe('payload_too_large');
    expect(tiktokCalls()).toEqual([]);
  });

  it('answers a bad Cloud9QL query with 422 and its line and column', async () => {
    const res = await report('profile', casualDs, { fields: 'display_name', cloud9ql: 'select data.user;\nselect nosuchfn(x)' });
    expect(res.status).toBe(422);
    const { error } = await readJson(res);
    expect(error).toMatchObject({ code: 'cloud9ql_error', field: 'cloud9ql', line: 2 });
    expect(error.column).toBeGreaterThanOrEqual(1);
    const unbalanced = await readJson(await report('profile', casualDs, { fields: 'display_name', cloud9ql: 'select (data.user' }));
    expect(unbalanced.error).toMatchObject({ code: 'cloud9ql_error', line: 1 });
  });

  it('answers 401 without a valid API key and 404 for an unknown datasource', async () => {
    expect((await report('profile', casualDs, { fields: 'display_name' }, { auth: false })).status).toBe(401);
    expect((await report('profile', casualDs, { fields: 'display_name' }, { auth: 'tkc_not_a_key' })).status).toBe(401);
    const missing = await report('profile', 'ds_does_not_exist', { fields: 'display_name' });
    expect(missing.status).toBe(404);
    expect(tiktokCalls()).toEqual([]);
  });
});
