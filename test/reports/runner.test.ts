/**
 * The runner with injected dependencies: a fake TikTok client and token store, so the order of
 * steps (validate, scope check, call, Cloud9QL) and the paging are checked without servers.
 */
import { describe, expect, it } from 'vitest';
import type { ReportDeps, TikTokReads } from '../../shared/reports/deps.ts';
import { renderHtml } from '../../shared/render/index.ts';
import { createReportRunner } from '../../shared/reports/runner.ts';
import { TikTokError } from '../../shared/tiktok/index.ts';

const ALL_SCOPES = ['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list'];

function videos(n: number) {
  // newest first, strictly decreasing create_time (seconds)
  return Array.from({ length: n }, (_, i) => ({ id: String(7_000_000_000_000 - i), create_time: 1_700_000_000 - i * 3_600, view_count: i }));
}

function pick(v: Record<string, unknown>, fields: string[]) {
  return Object.fromEntries(fields.filter((f) => f in v).map((f) => [f, v[f]]));
}

function fakeTikTok(all = videos(45)) {
  const calls: Array<{ op: string; fields: string[]; arg?: unknown }> = [];
  const client: TikTokReads = {
    async getUserInfo(_token, fields) {
      calls.push({ op: 'user', fields });
      return { data: { user: Object.fromEntries(fields.map((f) => [f, f === 'follower_count' ? 10 : `v-${f}`])) }, error: { code: 'ok', message: '', log_id: 'L' } };
    },
    async listVideos(_token, fields, body) {
      calls.push({ op: 'list', fields, arg: body });
      const before = body.cursor ?? Number.MAX_SAFE_INTEGER;
      const rest = all.filter((v) => v.create_time * 1000 < before);
      const page = rest.slice(0, body.max_count ?? 10).map((v) => pick(v, fields));
      const last = rest.slice(0, body.max_count ?? 10).at(-1);
      return {
        data: { videos: page, cursor: last ? last.create_time * 1000 : before, has_more: rest.length > page.length },
        error: { code: 'ok', message: '', log_id: 'L' },
      };
    },
    async queryVideos(_token, fields, ids) {
      calls.push({ op: 'query', fields, arg: ids });
      return { data: { videos: all.filter((v) => ids.includes(v.id)).map((v) => pick(v, fields)) }, error: { code: 'ok', message: '', log_id: 'L' } };
    },
  };
  return { client, calls };
}

function deps(over: Partial<ReportDeps> & { scopes?: string[]; client?: TikTokReads } = {}) {
  const queries: Array<{ query: string; input: unknown }> = [];
  const d: ReportDeps = {
    tiktokClient: async () => over.client ?? fakeTikTok().client,
    withAccessToken: (ref, fn) => {
      if (ref.datasourceId !== 'ds1' || ref.tenantId !== 't1') throw Object.assign(new Error('not found'), { name: 'NotFound' });
      return fn('act.token', { scopes: over.scopes ?? ALL_SCOPES });
    },
    now: () => Date.UTC(2024, 5, 1, 12),
    // Stand-in for Cloud9QL: the runner's job is to pass the right query and input and keep the rows.
    runCloud9QL: (query, input) => {
      queries.push({ query, input });
      const data = (input as { data: Record<string, unknown> }).data;
      return query.includes('expand') ? (data.videos as Record<string, unknown>[]) : [{ 'data.user': data.user }];
    },
    ...over,
  };
  return { deps: d, queries };
}

const base = { tenantId: 't1', datasourceId: 'ds1' };

describe('runReport', () => {
  it('runs the profile report with the default query on {data:{user}} and describes the result', async () => {
    const tiktok = fakeTikTok();
    const { deps: d, queries } = deps({ client: tiktok.client });
    const result = await createReportRunner(d)({ ...base, reportType: 'profile', request: { fields: 'display_name, follower_count' } });
    expect(tiktok.calls).toEqual([{ op: 'user', fields: ['display_name', 'follower_count'] }]);
    expect(queries).toEqual([{ query: 'select data.user;', input: { data: { user: { display_name: 'v-display_name', follower_count: 10 } } } }]);
    expect(result).toEqual({
      rows: [{ 'data.user': { display_name: 'v-display_name', follower_count: 10 } }],
      columns: ['data.user'],
      meta: { reportType: 'profile', datasourceId: 'ds1', fetchedAt: '2024-06-01T12:00:00.000Z', pages: 1, cursor: null, hasMore: false },
    });
  });

  it('validates the request before anything else (stored schedule requests get the same checks)', async () => {
    const tiktok = fakeTikTok();
    const run = createReportRunner(deps({ client: tiktok.client }).deps);
    await expect(run({ ...base, reportType: 'profile', request: { fields: 'nope' } })).rejects.toMatchObject({ kind: 'invalid', field: 'fields' });
    await expect(run({ ...base, reportType: 'bogus' as 'profile', request: {} })).rejects.toMatchObject({ kind: 'invalid', field: 'reportType' });
    expect(tiktok.calls).toEqual([]);
  });

  it('refuses with 403 before calling TikTok when a field scope is not granted', async () => {
    const tiktok = fakeTikTok();
    const run = createReportRunner(deps({ client: tiktok.client, scopes: ['user.info.basic', 'video.list'] }).deps);
    await expect(run({ ...base, reportType: 'profile', request: { fields: ['display_name', 'follower_count'] } })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'scope_not_granted',
      details: { missingScopes: ['user.info.stats'], fieldsByScope: { 'user.info.stats': ['follower_count'] } },
    });
    expect(tiktok.calls).toEqual([]);
  });

  it('answers a TikTok scope refusal with the same 403', async () => {
    const client = fakeTikTok().client;
    client.getUserInfo = async () => {
      throw new TikTokError({ kind: 'scope_permission_missed', endpoint: '/v2/user/info/', tiktokCode: 'scope_permission_missed', httpStatus: 400, logId: 'LOG9' });
    };
    const run = createReportRunner(deps({ client }).deps);
    await expect(run({ ...base, reportType: 'profile', request: { fields: 'bio_description' } })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'scope_not_granted',
      details: { missingScopes: ['user.info.basic', 'user.info.profile'], tiktokLogId: 'LOG9' },
    });
  });

  it('lets other TikTok errors through for the HTTP layer to map', async () => {
    const client = fakeTikTok().client;
    const err = new TikTokError({ kind: 'rate_limited', endpoint: '/v2/video/list/', tiktokCode: 'rate_limit_exceeded', retryAfterSeconds: 3 });
    client.listVideos = async () => {
      throw err;
    };
    const run = createReportRunner(deps({ client }).deps);
    await expect(run({ ...base, reportType: 'video-list', request: { fields: 'id', requestBody: { max_count: 5, cursor: 0 } } })).rejects.toBe(err);
  });

  it('video list, one page: sends no cursor for 0, the given one otherwise, and reports TikTok cursor and has_more', async () => {
    const tiktok = fakeTikTok();
    const run = createReportRunner(deps({ client: tiktok.client }).deps);
    const first = await run({ ...base, reportType: 'video-list', request: { fields: 'id,view_count', requestBody: { max_count: 20, cursor: 0 } } });
    expect(tiktok.calls[0]).toEqual({ op: 'list', fields: ['id', 'view_count'], arg: { cursor: undefined, max_count: 20 } });
    expect(first.rows).toHaveLength(20);
    expect(first.meta).toMatchObject({ pages: 1, hasMore: true, cursor: (1_700_000_000 - 19 * 3_600) * 1000 });
    const next = await run({ ...base, reportType: 'video-list', request: { fields: 'id', requestBody: { max_count: 20, cursor: first.meta.cursor } } });
    expect(tiktok.calls[1]!.arg).toEqual({ cursor: first.meta.cursor, max_count: 20 });
    expect(next.rows[0]).toMatchObject({ id: String(7_000_000_000_000 - 20) });
  });

  it('video list, allPages: follows the cursor to the end and merges every page into one input', async () => {
    const tiktok = fakeTikTok(videos(45));
    const { deps: d, queries } = deps({ client: tiktok.client });
    const result = await createReportRunner(d)({
      ...base,
      reportType: 'video-list',
      request: { fields: 'view_count', requestBody: { max_count: 20, cursor: 0 }, allPages: true },
    });
    expect(tiktok.calls.map((c) => c.op)).toEqual(['list', 'list', 'list']);
    expect(result.rows).toHaveLength(45);
    expect(result.meta).toMatchObject({ pages: 3, hasMore: false });
    const input = queries[0]!.input as { data: { videos: unknown[]; has_more: boolean } };
    expect(input.data.videos).toHaveLength(45);
    expect(input.data.has_more).toBe(false);
    // the iterator asks for id to de-duplicate but does not hand it back when it was not requested
    expect(result.rows[0]).toEqual({ view_count: 0 });
  });

  it('video list, allPages with maxVideos stops at the cap and says there is more', async () => {
    const tiktok = fakeTikTok(videos(45));
    const run = createReportRunner(deps({ client: tiktok.client }).deps);
    const result = await run({ ...base, reportType: 'video-list', request: { fields: 'id', requestBody: { max_count: 20, cursor: 0 }, allPages: true, maxVideos: 25 } });
    expect(tiktok.calls.map((c) => (c.arg as { max_count: number }).max_count)).toEqual([20, 5]);
    expect(result.rows).toHaveLength(25);
    expect(result.meta).toMatchObject({ pages: 2, hasMore: true });
  });

  it('video list, allPages: a token refused mid-paging is refreshed and paging resumes where it stopped', async () => {
    const tiktok = fakeTikTok(videos(45));
    const list = tiktok.client.listVideos.bind(tiktok.client);
    let call = 0;
    tiktok.client.listVideos = async (token, fields, body) => {
      call += 1;
      if (call === 2) throw new TikTokError({ kind: 'token_invalid', endpoint: '/v2/video/list/', tiktokCode: 'access_token_invalid', httpStatus: 401 });
      return list(token, fields, body);
    };
    const tokens: string[] = [];
    const { deps: d } = deps({
      client: tiktok.client,
      // like shared/tokens: on token_invalid, refresh once and call again
      withAccessToken: async (_ref, fn) => {
        try {
          return await fn('act.old', { scopes: ALL_SCOPES });
        } catch (err) {
          if (!(err instanceof TikTokError && err.kind === 'token_invalid')) throw err;
          tokens.push('refreshed');
          return fn('act.new', { scopes: ALL_SCOPES });
        }
      },
    });
    const result = await createReportRunner(d)({ ...base, reportType: 'video-list', request: { fields: 'id', requestBody: { max_count: 20, cursor: 0 }, allPages: true } });
    expect(tokens).toEqual(['refreshed']);
    // page 1, the refused call, then pages 2 and 3 from page 1's cursor (not page 1 again)
    const cursors = tiktok.calls.map((c) => (c.arg as { cursor?: number }).cursor);
    expect(cursors).toEqual([undefined, (1_700_000_000 - 19 * 3_600) * 1000, (1_700_000_000 - 39 * 3_600) * 1000]);
    expect(result.rows.map((r) => r.id)).toEqual(videos(45).map((v) => v.id));
    expect(result.meta).toMatchObject({ pages: 3, hasMore: false });
  });

  it('video list, allPages stops paging at the deadline and says where to resume', async () => {
    const tiktok = fakeTikTok(videos(45));
    const run = createReportRunner(deps({ client: tiktok.client }).deps);
    const result = await run({
      ...base,
      reportType: 'video-list',
      request: { fields: 'id', requestBody: { max_count: 20, cursor: 0 }, allPages: true },
      deadline: Date.now() - 1,
    });
    expect(tiktok.calls).toHaveLength(1);
    expect(result.rows).toHaveLength(20);
    expect(result.meta).toMatchObject({ pages: 1, hasMore: true, cursor: (1_700_000_000 - 19 * 3_600) * 1000 });
  });

  it('video query sends the ids and returns what TikTok found', async () => {
    const tiktok = fakeTikTok(videos(5));
    const run = createReportRunner(deps({ client: tiktok.client }).deps);
    const ids = [String(7_000_000_000_000 - 1), '123'];
    const result = await run({ ...base, reportType: 'video-query', request: { fields: ['id', 'view_count'], requestBody: { filters: { video_ids: ids } } } });
    expect(tiktok.calls).toEqual([{ op: 'query', fields: ['id', 'view_count'], arg: ids }]);
    expect(result.rows.map((r) => r.id)).toEqual([ids[0]]);
    expect(result.meta).toMatchObject({ reportType: 'video-query', pages: 1, cursor: null, hasMore: false });
  });
});

describe('account name in video reports', () => {
  for (const [reportType, request] of [
    ['video-list', { fields: 'id,view_count', requestBody: { cursor: 0, max_count: 5 } }],
    ['video-list', { fields: 'id,view_count', requestBody: { cursor: 0, max_count: 5 }, allPages: true, maxVideos: 10 }],
    ['video-query', { fields: 'id,view_count', requestBody: { filters: { video_ids: ['7000000000000'] } } }],
  ] as const) {
    it(`${reportType}${'allPages' in request ? ' (all pages)' : ''}: the HTML names the account by the datasource's display name, without a profile call`, async () => {
      const tiktok = fakeTikTok();
      const { deps: d } = deps({ client: tiktok.client, withAccessToken: (_ref, fn) => fn('act.token', { scopes: ALL_SCOPES, displayName: 'Cora <Creator>' }) });
      const result = await createReportRunner(d)({ ...base, reportType, request });
      expect(result.meta.account).toEqual({ displayName: 'Cora <Creator>' });
      const page = renderHtml(result).body;
      expect(page).toContain('Account: <b>Cora &lt;Creator&gt;</b>');
      expect(page).not.toContain('Datasource ds1');
      expect(tiktok.calls.map((c) => c.op)).not.toContain('user');
    });
  }
});

describe('order of checks: nothing needs the app secret before the request and the datasource are known good', () => {
  const secretDown = () => Promise.reject(Object.assign(new Error('Secrets Manager timed out'), { name: 'TimeoutError' }));

  it('an unknown datasource is reported as such while Secrets Manager is down', async () => {
    const run = createReportRunner(deps({ tiktokClient: secretDown }).deps);
    await expect(run({ tenantId: 't1', datasourceId: 'nope', reportType: 'profile', request: { fields: 'display_name' } })).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('a bad Cloud9QL query fails before the datasource, the secret or TikTok is touched', async () => {
    let touched = 0;
    const run = createReportRunner({
      ...deps({ tiktokClient: secretDown }).deps,
      withAccessToken: () => {
        touched += 1;
        throw new Error('must not be reached');
      },
      checkCloud9QL: (query) => {
        if (query.includes('where')) throw Object.assign(new Error('Expected an expression after where'), { name: 'Cloud9QLError' });
      },
    });
    await expect(run({ tenantId: 't1', datasourceId: 'ds1', reportType: 'profile', request: { fields: 'display_name', cloud9ql: 'select * where' } })).rejects.toMatchObject({
      name: 'Cloud9QLError',
    });
    expect(touched).toBe(0);
  });

  it('a scope the account did not grant is a 403 while Secrets Manager is down', async () => {
    const run = createReportRunner(deps({ tiktokClient: secretDown, scopes: ['user.info.basic'] }).deps);
    await expect(run({ tenantId: 't1', datasourceId: 'ds1', reportType: 'profile', request: { fields: 'follower_count' } })).rejects.toMatchObject({ kind: 'forbidden' });
  });
});
