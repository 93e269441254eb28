/**
 * The tools against fake deps through the server's tools/call (shared/mcp/server.ts): the error paths that are hard to
 * provoke over HTTP (429 quota_exhausted, 409 needs_reauth from TikTok, an internal failure), the
 * interactive quota lane, the result bounds, and every cloud9ql_help example running as written.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { runCloud9QL } from '../../shared/cloud9ql/index.ts';
import { CLOUD9QL_EXAMPLES } from '../../shared/mcp/cloud9ql-help.ts';
import type { McpDeps } from '../../shared/mcp/deps.ts';
import { MAX_ROWS } from '../../shared/mcp/format.ts';
import { mcpRequest } from '../../shared/mcp/server.ts';
import { QuotaExhaustedError } from '../../shared/quota/errors.ts';
import { currentWork } from '../../shared/quota/work.ts';
import type { ReportResult } from '../../shared/reports/index.ts';
import { TikTokError } from '../../shared/tiktok/errors.ts';

const meta = { reportType: 'video-list', datasourceId: 'ds_1', fetchedAt: '2024-06-01T00:00:00.000Z', pages: 1, cursor: null, hasMore: false };

function fakeDeps(runReport: McpDeps['runReport']): McpDeps {
  const none = async () => ({ items: [] });
  return { listDatasources: none, listSchedules: none, listRuns: none, getDatasource: async () => { throw new Error('unused'); }, runReport };
}

const run = async (deps: McpDeps, request: Record<string, unknown> = { fields: 'id' }) =>
  (await mcpRequest(
    { tenantId: 'tn_a', requestId: 'req-1', deps },
    { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'run_report', arguments: { datasourceId: 'ds_1', reportType: 'video-list', request } } },
  )) as CallToolResult;
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('MCP tool errors carry the HTTP API\'s codes', () => {
  it('429 quota_exhausted with reason and retryAfterSeconds', async () => {
    const r = await run(fakeDeps(async () => { throw new QuotaExhaustedError({ endpoint: '/v2/video/list/', priority: 'interactive', retryAfterSeconds: 12, reason: 'tenant_share' }); }));
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toEqual({
      error: expect.objectContaining({ status: 429, code: 'quota_exhausted', reason: 'tenant_share', retryAfterSeconds: 12, endpoint: '/v2/video/list/', requestId: 'req-1' }),
    });
    expect(text(r)).toMatch(/^Error 429 quota_exhausted: No TikTok call could be made .* \(retry after 12 s\)$/);
  });

  it('409 needs_reauth from TikTok\'s token_invalid', async () => {
    const r = await run(fakeDeps(async () => { throw new TikTokError({ kind: 'token_invalid', endpoint: '/v2/video/list/', tiktokCode: 'access_token_invalid' }); }));
    expect(r.structuredContent).toMatchObject({ error: { status: 409, code: 'needs_reauth', message: expect.stringMatching(/re-connect the account/) } });
  });

  it('an unexpected failure is a bare 500, no internals', async () => {
    const r = await run(fakeDeps(async () => { throw new Error('secret path /var/task/x.js'); }));
    expect(r.structuredContent).toEqual({ error: { status: 500, code: 'internal_error', message: 'Internal error.', requestId: 'req-1' } });
    expect(JSON.stringify(r)).not.toContain('secret path');
  });

  it('format is refused: a tool answer is always rows', async () => {
    const r = await run(fakeDeps(async () => { throw new Error('not called'); }), { fields: 'id', format: 'csv' });
    expect(r.structuredContent).toMatchObject({ error: { status: 400, code: 'invalid_request', field: 'format' } });
  });
});

describe('run_report', () => {
  it('runs in the interactive lane of the TikTok quota, for the caller\'s tenant', async () => {
    let seen: unknown;
    await run(fakeDeps(async () => { seen = currentWork(); return { rows: [], columns: [], meta }; }));
    expect(seen).toMatchObject({ tenantId: 'tn_a', priority: 'interactive' });
  });

  it('bounds rows by count and size and says how to narrow the result', async () => {
    const rows = Array.from({ length: 1_000 }, (_, i) => ({ id: String(i), title: 'x'.repeat(100) }));
    const r = await run(fakeDeps(async (): Promise<ReportResult> => ({ rows, columns: ['id', 'title'], meta: { ...meta, hasMore: true, cursor: 123 } })));
    const s = r.structuredContent as { rows: unknown[]; rowCount: number; truncated: boolean; notes: string[] };
    expect(s.rowCount).toBe(1_000);
    expect(s.truncated).toBe(true);
    expect(s.rows.length).toBeLessThanOrEqual(MAX_ROWS);
    expect(JSON.stringify(s.rows).length).toBeLessThanOrEqual(60_000);
    expect(s.notes.join(' ')).toMatch(/cloud9ql.*limit/);
    expect(s.notes.join(' ')).toMatch(/requestBody\.cursor = 123/);
    expect(text(r).split('\n').length).toBeLessThan(40);
  });
});

describe('cloud9ql_help', () => {
  const inputs = {
    profile: { data: { user: { display_name: 'A', follower_count: 3 } } },
    'video-list': { data: { videos: [{ id: '1', title: 't', view_count: 10, like_count: 2, create_time: 1_717_200_000 }], cursor: 0, has_more: false } },
    'video-query': { data: { videos: [] } },
    history: { data: { periods: [{ period: '2024-W23', follower_count: 3, follower_count_delta: 1 }], top_videos: [{ rank: 1, title: 't', views_gained: 5, views: 9 }] } },
  };
  for (const example of CLOUD9QL_EXAMPLES) {
    it(`example runs: ${example.question}`, () => {
      expect(runCloud9QL(example.cloud9ql, inputs[example.reportType]).length).toBeGreaterThanOrEqual(0);
    });
  }
});
