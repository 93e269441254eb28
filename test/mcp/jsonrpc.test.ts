/**
 * The hand-written MCP Streamable HTTP transport (shared/mcp/http.ts, jsonrpc.ts) on its edge cases:
 * JSON-RPC errors (-32700, -32600, -32601, -32602), notifications (202, no body), batches and their
 * bound, the body bound, Accept / Content-Type / MCP-Protocol-Version as the SDK's stateless
 * transport checks them, version negotiation. The happy path against the SDK's real client is
 * test/integration/mcp.test.ts.
 */
import { LATEST_PROTOCOL_VERSION as SDK_LATEST, SUPPORTED_PROTOCOL_VERSIONS as SDK_SUPPORTED } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { McpDeps } from '../../shared/mcp/deps.ts';
import { answerMcpHttp, MCP_MAX_BATCH, MCP_MAX_BODY_BYTES } from '../../shared/mcp/http.ts';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../../shared/mcp/jsonrpc.ts';

const deps: McpDeps = {
  listDatasources: async () => ({ items: [] }),
  listSchedules: async () => ({ items: [] }),
  listRuns: async () => ({ items: [] }),
  getDatasource: async () => {
    throw new Error('boom');
  },
  runReport: async () => {
    throw new Error('unused');
  },
};
const ctx = { tenantId: 'tn_a', requestId: 'req-1', deps };
const HEADERS = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

async function post(body: unknown, headers: Record<string, string | undefined> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const r = await answerMcpHttp({ headers: { ...HEADERS, ...headers }, body: text }, ctx);
  return { status: r.statusCode, headers: r.headers ?? {}, body: r.body === undefined ? undefined : (JSON.parse(r.body) as any) }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const req = (id: number | string, method: string, params?: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });

describe('protocol versions', () => {
  it('are the SDK\'s, copied', () => {
    expect([...SUPPORTED_PROTOCOL_VERSIONS]).toEqual(SDK_SUPPORTED);
    expect(LATEST_PROTOCOL_VERSION).toBe(SDK_LATEST);
  });

  it('initialize answers the client\'s version when supported, else the latest', async () => {
    const init = (protocolVersion: string) => req(1, 'initialize', { protocolVersion, capabilities: {}, clientInfo: { name: 't', version: '1' } });
    const old = await post(init('2024-11-05'));
    expect(old.status).toBe(200);
    expect(old.headers['content-type']).toBe('application/json');
    expect(old.body).toMatchObject({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2024-11-05', capabilities: { tools: {} }, serverInfo: { name: expect.any(String) } } });
    expect(old.body.result.instructions).toMatch(/list_datasources/);
    expect((await post(init('1999-01-01'))).body.result.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    expect((await post(req(1, 'initialize', {}))).body.error.code).toBe(-32602);
  });

  it('an unsupported MCP-Protocol-Version header is refused (400), a supported or missing one accepted', async () => {
    const bad = await post(req(1, 'ping'), { 'mcp-protocol-version': '2023-01-01' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000, message: expect.stringMatching(/Unsupported protocol version: 2023-01-01/) } });
    expect((await post(req(1, 'ping'), { 'mcp-protocol-version': '2025-06-18' })).body).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    expect((await post(req(1, 'ping'))).status).toBe(200);
    // initialize itself carries its version in params, not the header
    expect((await post(req(1, 'initialize', { protocolVersion: '2025-06-18' }), { 'mcp-protocol-version': 'x' })).status).toBe(200);
  });
});

describe('HTTP checks, as the SDK transport makes them', () => {
  it('406 unless Accept lists both application/json and text/event-stream', async () => {
    for (const accept of [undefined, 'application/json', 'text/event-stream']) {
      const r = await post(req(1, 'ping'), { accept });
      expect(r.status, String(accept)).toBe(406);
      expect(r.body.error.code).toBe(-32000);
    }
  });

  it('415 unless the body is application/json', async () => {
    expect((await post(req(1, 'ping'), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(req(1, 'ping'), { 'content-type': undefined })).status).toBe(415);
    expect((await post(req(1, 'ping'), { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('413 over the body bound, before any parsing', async () => {
    const r = await post(`{"x":"${'a'.repeat(MCP_MAX_BODY_BYTES)}"}`);
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: -32000, message: expect.stringMatching(/must not exceed/) });
  });
});

describe('JSON-RPC errors', () => {
  it('-32700 for a body that is not JSON (HTTP 400, id null)', async () => {
    const r = await post('{"jsonrpc": "2.0", "id": 1,');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: Invalid JSON' } });
  });

  it('-32600 for JSON that is no JSON-RPC message, keeping a readable id', async () => {
    for (const body of [1, 'x', null, {}, { jsonrpc: '1.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', id: 1 }, { jsonrpc: '2.0', id: null, method: 'ping' }, { jsonrpc: '2.0', id: 1, method: 'ping', params: [1] }, { jsonrpc: '2.0', id: {}, method: 'ping' }]) {
      const r = await post(JSON.stringify(body));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code, JSON.stringify(body)).toBe(-32600);
    }
    expect((await post({ jsonrpc: '2.0', id: 7, method: 'ping', params: 'x' })).body.id).toBe(7);
  });

  it('-32601 for an unknown method', async () => {
    const r = await post(req('a', 'resources/list'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ jsonrpc: '2.0', id: 'a', error: { code: -32601 } });
  });

  it('-32602 for tools/call without a name, with non-object arguments, or an unknown tool', async () => {
    expect((await post(req(1, 'tools/call', {}))).body.error.code).toBe(-32602);
    expect((await post(req(1, 'tools/call', { name: 'list_datasources', arguments: [1] }))).body.error.code).toBe(-32602);
    const unknown = await post(req(1, 'tools/call', { name: 'delete_everything' }));
    expect(unknown.body.error).toMatchObject({ code: -32602, message: expect.stringMatching(/^Unknown tool "delete_everything"; tools: list_datasources/) });
  });

  it('a tool\'s own failure is a result with isError, not a JSON-RPC error', async () => {
    const bad = await post(req(1, 'tools/call', { name: 'list_datasources', arguments: { limit: 0 } }));
    expect(bad.body.result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/^Error 400 invalid_request/) }], structuredContent: { error: { status: 400, field: 'limit' } } });
    const failing = await post(req(2, 'tools/call', { name: 'get_datasource', arguments: { datasourceId: 'ds_1' } }));
    expect(failing.body.result).toMatchObject({ isError: true, structuredContent: { error: { status: 500, code: 'internal_error' } } });
  });
});

describe('messages', () => {
  it('notifications and client responses are accepted with 202 and no body', async () => {
    for (const body of [{ jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }, { jsonrpc: '2.0', id: 5, result: {} }]) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(202);
      expect(r.body).toBeUndefined();
    }
  });

  it('ping answers an empty result; tools/list the seven tools with object input schemas', async () => {
    expect((await post(req(3, 'ping'))).body).toEqual({ jsonrpc: '2.0', id: 3, result: {} });
    const list = await post(req(4, 'tools/list'));
    expect(list.body.result.tools).toHaveLength(7);
    for (const tool of list.body.result.tools) expect(tool.inputSchema.type).toBe('object');
  });
});

describe('batches', () => {
  it('answer an array of the requests\' responses, notifications unanswered, an invalid member its own error', async () => {
    const r = await post([req(1, 'ping'), { jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', id: 9 }, req(2, 'nope')]);
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { jsonrpc: '2.0', id: 9, error: expect.objectContaining({ code: -32600 }) },
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', id: 2, error: expect.objectContaining({ code: -32601 }) },
    ]);
  });

  it('of notifications only answer 202', async () => {
    expect((await post([{ jsonrpc: '2.0', method: 'notifications/initialized' }])).status).toBe(202);
  });

  it('are refused empty, over the bound, or with initialize among other messages', async () => {
    expect((await post([])).body.error.code).toBe(-32600);
    const many = await post(Array.from({ length: MCP_MAX_BATCH + 1 }, (_, i) => req(i, 'ping')));
    expect(many.status).toBe(400);
    expect(many.body.error).toMatchObject({ code: -32600, message: expect.stringMatching(/must not exceed/) });
    expect((await post(Array.from({ length: MCP_MAX_BATCH }, (_, i) => req(i, 'ping')))).body).toHaveLength(MCP_MAX_BATCH);
    const init = await post([req(1, 'initialize', { protocolVersion: LATEST_PROTOCOL_VERSION }), req(2, 'ping')]);
    expect(init.status).toBe(400);
    expect(init.body.error.code).toBe(-32600);
  });
});
