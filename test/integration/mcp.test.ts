/**
 * The MCP endpoint over real HTTP against the local runtime, driven by the SDK's own client
 * (StreamableHTTPClientTransport): tools/list, every tool, tenant isolation, bad arguments as tool
 * errors with the HTTP API's codes and messages, 401 without a key. A week of daily snapshots
 * (simulated clock, sandbox growth) lets history answer "which videos gained the most views".
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTenant, storeApiKey } from '../../shared/auth/api-keys.ts';
import { addDays } from '../../shared/history/days.ts';
import { seedAccounts } from '../../shared/tiktok/sandbox/index.ts';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const DAY0 = '2024-06-03';
const DAYS = 8;
let t = Date.parse(`${DAY0}T00:02:00Z`);
const clock = { now: () => t };
const at = (d: number, time = '20:05:00') => Date.parse(`${addDays(DAY0, d)}T${time}Z`);
const creator = seedAccounts()[2]!;

let rt: TestRuntime;
let ds: string;
let keyB: string;
const clients: Client[] = [];

async function mcp(key: string | undefined): Promise<Client> {
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(`${rt.baseUrl}/v1/mcp`), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const structured = <T = Record<string, unknown>>(r: CallToolResult) => r.structuredContent as T;
const errorOf = (r: CallToolResult) => {
  expect(r.isError, text(r)).toBe(true);
  return structured<{ error: Record<string, unknown> }>(r).error;
};

async function newTenantKey(tenantId: string): Promise<string> {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }),
  );
  const deps = { dynamo: doc, tableName: process.env.TABLE_NAME!, now: () => clock.now() };
  await ensureTenant(deps, tenantId, tenantId);
  const { apiKey } = await storeApiKey(deps, tenantId);
  doc.destroy();
  return apiKey;
}

beforeAll(async () => {
  rt = await startTestRuntime({ clock, reportQueue: { delayScale: 0 }, env: { TENANT_REQUESTS_PER_MINUTE: '100000' } });
  ds = await connectAccount(rt, { account: 'sandbox.creator' });
  keyB = await newTenantKey('tn_mcp_b');
  // A week of daily snapshots: the history report has something to rank.
  rt.sandbox!.growth.enable(clock.now());
  for (let d = 0; d < DAYS; d += 1) {
    if (d > 0) t = at(d);
    await rt.scheduler.fire('schedule-dispatch');
    await rt.captureQueue.drain();
  }
  t = at(DAYS - 1, '21:00:00');
}, 240_000);

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await rt?.stop();
});

describe('MCP over Streamable HTTP (SDK client against the local runtime)', () => {
  it('lists the seven read-only tools, each with an object input schema', async () => {
    const client = await mcp(rt.apiKey);
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name)).toEqual(['list_datasources', 'get_datasource', 'run_report', 'describe_fields', 'cloud9ql_help', 'list_schedules', 'list_runs']);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.annotations?.readOnlyHint).toBe(true);
      expect(tool.description!.length).toBeGreaterThan(40);
    }
    expect(client.getInstructions()).toMatch(/list_datasources/);
  });

  it('list_datasources and get_datasource answer the tenant\'s account, never a token', async () => {
    const client = await mcp(rt.apiKey);
    const list = await call(client, 'list_datasources');
    expect(list.isError).toBeFalsy();
    const items = structured<{ items: Array<{ id: string; openId: string }> }>(list).items;
    expect(items.map((i) => i.id)).toEqual([ds]);
    expect(text(list)).toContain(ds);
    const one = await call(client, 'get_datasource', { datasourceId: ds });
    expect(structured(one)).toMatchObject({ id: ds, openId: creator.user.open_id, status: 'active' });
    expect(JSON.stringify([list, one])).not.toMatch(/access_?token"|refresh_?token"/i);
  });

  it('run_report profile returns the rows as structured content and a text table', async () => {
    const client = await mcp(rt.apiKey);
    const r = await call(client, 'run_report', { datasourceId: ds, reportType: 'profile', request: { fields: 'display_name,follower_count,video_count' } });
    expect(r.isError, text(r)).toBeFalsy();
    const { rows, meta } = structured<{ rows: Array<Record<string, unknown>>; meta: { reportType: string } }>(r);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({ 'data.user': expect.objectContaining({ display_name: creator.user.display_name }) });
    expect(meta.reportType).toBe('profile');
    expect(text(r)).toMatch(/\| data\.user\.display_name \| data\.user\.follower_count \| data\.user\.video_count \|/);
  });

  it('run_report video-list with allPages, maxVideos and Cloud9QL shapes the rows server-side', async () => {
    const client = await mcp(rt.apiKey);
    const r = await call(client, 'run_report', {
      datasourceId: ds,
      reportType: 'video-list',
      request: {
        fields: ['id', 'title', 'view_count'],
        requestBody: { max_count: 20, cursor: 0 },
        allPages: true,
        maxVideos: 100,
        cloud9ql: 'select expand(data.videos); select id, title, view_count order by view_count desc limit 5',
      },
    });
    expect(r.isError, text(r)).toBeFalsy();
    const { rows, truncated } = structured<{ rows: Array<{ view_count: number }>; truncated: boolean }>(r);
    expect(rows).toHaveLength(5);
    expect(truncated).toBe(false);
    expect(rows.map((x) => x.view_count)).toEqual([...rows.map((x) => x.view_count)].sort((a, b) => b - a));
  });

  it('a large result is cut to the bound with a note saying how to narrow it', async () => {
    const client = await mcp(rt.apiKey);
    const r = await call(client, 'run_report', {
      datasourceId: ds,
      reportType: 'video-list',
      request: { fields: 'id,title,view_count,like_count,create_time', requestBody: { max_count: 20, cursor: 0 }, allPages: true },
    });
    const s = structured<{ rows: unknown[]; rowCount: number; truncated: boolean; notes: string[] }>(r);
    expect(s.rowCount).toBe(creator.videos.length);
    expect(s.truncated).toBe(true);
    expect(s.rows.length).toBeLessThanOrEqual(200);
    expect(text(r)).toMatch(/Truncated: \d+ of \d+ rows shown\. Narrow the result with cloud9ql/);
    expect(JSON.stringify(r).length).toBeLessThan(150_000);
  });

  it('run_report video-query reads chosen videos by id', async () => {
    const client = await mcp(rt.apiKey);
    const ids = creator.videos.slice(0, 2).map((v) => v.id);
    const r = await call(client, 'run_report', { datasourceId: ds, reportType: 'video-query', request: { fields: 'id,title,view_count', requestBody: { filters: { video_ids: ids } } } });
    expect(r.isError, text(r)).toBeFalsy();
    expect(structured<{ rows: Array<{ id: string }> }>(r).rows.map((x) => x.id).sort()).toEqual([...ids].sort());
  });

  it('run_report history ranks the videos that gained the most views this week', async () => {
    const client = await mcp(rt.apiKey);
    const to = addDays(DAY0, DAYS - 1);
    const r = await call(client, 'run_report', {
      datasourceId: ds,
      reportType: 'history',
      request: { from: addDays(to, -6), to, metrics: ['video_views'], topVideos: 5, cloud9ql: 'select expand(data.top_videos); select rank, title, views_gained, views' },
    });
    expect(r.isError, text(r)).toBeFalsy();
    const rows = structured<{ rows: Array<{ rank: number; views_gained: number }> }>(r).rows;
    expect(rows).toHaveLength(5);
    expect(rows.map((x) => x.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.views_gained).toBeGreaterThan(0);
    expect(rows.map((x) => x.views_gained)).toEqual([...rows.map((x) => x.views_gained)].sort((a, b) => b - a));
    expect(text(r)).not.toMatch(/Top videos by views gained/); // the query already reads them
  });

  it('describe_fields marks the fields the account granted; cloud9ql_help teaches the language', async () => {
    const client = await mcp(rt.apiKey);
    const f = await call(client, 'describe_fields', { datasourceId: ds, reportType: 'profile' });
    const profile = structured<{ reports: { profile: { fields: Array<{ name: string; scope: string; granted: boolean }> } } }>(f).reports.profile;
    expect(profile.fields.find((x) => x.name === 'follower_count')).toEqual({ name: 'follower_count', type: 'integer', scope: 'user.info.stats', granted: true });
    const help = await call(client, 'cloud9ql_help');
    expect(text(help)).toMatch(/select expand\(data\.videos\);/);
    expect(text(help)).toMatch(/regex_replace/);
  });

  it('list_schedules and list_runs show a delivered run with its download link', async () => {
    const created = await rt.api('/v1/schedules', {
      method: 'POST',
      json: { name: 'Top videos', datasourceId: ds, reportType: 'video-list', fields: 'id,title,view_count', requestBody: { max_count: 5, cursor: 0 }, format: 'csv', schedule: 'rate(1 day)', timezone: 'UTC' },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const schedule = (await created.json()) as { id: string };
    expect((await rt.api(`/v1/schedules/${schedule.id}/run`, { method: 'POST' })).status).toBe(202);
    await rt.reportQueue.drain();

    const client = await mcp(rt.apiKey);
    const list = await call(client, 'list_schedules');
    expect(structured<{ items: Array<{ id: string }> }>(list).items.map((s) => s.id)).toContain(schedule.id);
    const runs = await call(client, 'list_runs', { scheduleId: schedule.id });
    const items = structured<{ items: Array<{ status: string; downloadUrl?: string }> }>(runs).items;
    expect(items[0]).toMatchObject({ status: 'succeeded' });
    expect(text(runs)).toContain(items[0]!.downloadUrl!);
    const file = await fetch(items[0]!.downloadUrl!);
    expect(file.status).toBe(200);
    expect(await file.text()).toMatch(/^id,title,view_count\r\n/);

    // Another tenant sees neither the schedule nor its runs.
    const other = await mcp(keyB);
    expect(structured<{ items: unknown[] }>(await call(other, 'list_schedules')).items).toEqual([]);
    expect(errorOf(await call(other, 'list_runs', { scheduleId: schedule.id }))).toMatchObject({ status: 404, code: 'schedule_not_found' });
  });

  it('keeps tenants apart: another tenant\'s datasource id is not found', async () => {
    const other = await mcp(keyB);
    expect(structured<{ items: unknown[] }>(await call(other, 'list_datasources')).items).toEqual([]);
    expect(errorOf(await call(other, 'get_datasource', { datasourceId: ds }))).toMatchObject({ status: 404, code: 'not_found' });
    const report = await call(other, 'run_report', { datasourceId: ds, reportType: 'profile', request: { fields: 'display_name' } });
    expect(errorOf(report)).toMatchObject({ status: 404, code: 'not_found' });
    expect(errorOf(await call(other, 'describe_fields', { datasourceId: ds }))).toMatchObject({ status: 404 });
  });

  it('answers bad arguments as tool errors with the HTTP API\'s codes and messages', async () => {
    const client = await mcp(rt.apiKey);
    expect(errorOf(await call(client, 'get_datasource', {}))).toMatchObject({ status: 400, code: 'invalid_request', field: 'datasourceId' });
    expect(errorOf(await call(client, 'list_datasources', { limit: 0 }))).toMatchObject({ status: 400, field: 'limit' });
    expect(errorOf(await call(client, 'run_report', { datasourceId: ds, reportType: 'nope' }))).toMatchObject({ status: 400, field: 'reportType' });
    expect(errorOf(await call(client, 'cloud9ql_help', { extra: 1 }))).toMatchObject({ status: 400, code: 'invalid_request' });

    // The same body through the HTTP API and through run_report: the same error.
    const cases = [
      { reportType: 'profile', body: { fields: 'display_name,followers' } },
      { reportType: 'video-list', body: { fields: 'id', requestBody: { max_count: 50, cursor: 0 } } },
      { reportType: 'video-list', body: { fields: 'id', requestBody: { max_count: 5, cursor: 0 }, cloud9ql: 'select expand(data.videos);\nselect id wher view_count > 1' } },
      { reportType: 'history', body: { metrics: ['video_views', 'bogus'] } },
    ];
    for (const c of cases) {
      const res = await rt.api(`/v1/datasources/${ds}/reports/${c.reportType}`, { method: 'POST', json: c.body });
      const http = ((await res.json()) as { error: Record<string, unknown> }).error;
      const tool = errorOf(await call(client, 'run_report', { datasourceId: ds, reportType: c.reportType, request: c.body }));
      const { requestId: _a, ...httpRest } = http;
      const { requestId: _b, status, ...toolRest } = tool;
      expect(status).toBe(res.status);
      expect(toolRest).toEqual(httpRest);
    }
    const c9 = errorOf(await call(client, 'run_report', { datasourceId: ds, reportType: 'video-list', request: cases[2]!.body }));
    expect(c9).toMatchObject({ status: 422, code: 'cloud9ql_error', line: 2 });
    expect(typeof c9.column).toBe('number');

    // An unknown tool is a protocol error, not a tool result.
    await expect(client.callTool({ name: 'delete_everything', arguments: {} })).rejects.toThrow(/Unknown tool/);
  });

  it('answers 409 needs_reauth as a tool error once TikTok refuses the account\'s tokens', async () => {
    const second = await connectAccount(rt, { account: 0 });
    const owner = seedAccounts()[0]!.user.open_id;
    rt.sandbox!.revokeRefreshTokens(owner);
    rt.sandbox!.expireAccessTokens(owner);
    const client = await mcp(rt.apiKey);
    const r = await call(client, 'run_report', { datasourceId: second, reportType: 'profile', request: { fields: 'display_name' } });
    expect(errorOf(r)).toMatchObject({ status: 409, code: 'needs_reauth' });
    expect(text(r)).toMatch(/^Error 409 needs_reauth: /);
  });

  it('refuses requests without a valid API key (401), and GET (405)', async () => {
    const bare = await fetch(`${rt.baseUrl}/v1/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer');
    await expect(mcp(undefined)).rejects.toThrow(/401|nauthorized/);
    await expect(mcp('tkc_not_a_key')).rejects.toThrow(/401|nauthorized/);
    const get = await rt.api('/v1/mcp', { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});
