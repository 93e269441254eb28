/**
 * The MCP methods of this tools-only server: initialize, ping, tools/list, tools/call (JSON-RPC
 * framing in jsonrpc.ts, the HTTP transport in http.ts; no SDK at run time, see jsonrpc.ts). Stateless:
 * nothing survives between POSTs, so any Lambda instance answers any message. The tools bring their
 * JSON schemas from the API's zod/mini schemas and validate with the API's own parser, so errors read
 * exactly as the HTTP API's.
 */
import { SERVICE_NAME } from '../api/service.ts';
import { SERVICE_VERSION } from '../api/version.ts';
import { httpStatusOf, translateError } from '../http/error-translation.ts';
import { parseOrThrow } from '../validation/index.ts';
import { logger } from '../logger.ts';
import { withWork } from '../quota/work.ts';
import type { McpDeps } from './deps.ts';
import { ErrorCode, JsonRpcError, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, type JsonRpcRequest } from './jsonrpc.ts';
import { TOOLS, type ToolDef } from './tools.ts';

export const MCP_INSTRUCTIONS =
  'Read-only access to the TikTok accounts this API key\'s tenant connected. Start with list_datasources; run_report answers profile, ' +
  'video-list, video-query and growth history questions (history keeps daily snapshots, so "gained this week" questions go there); ' +
  'shape results with cloud9ql (see cloud9ql_help) instead of fetching everything. describe_fields lists the fields and scopes.';

export interface McpRequestContext {
  tenantId: string;
  requestId: string;
  deadline?: number;
  deps: McpDeps;
}

type Json = Record<string, unknown>;

/** A tool as tools/list shows it (MCP's Tool). */
export interface Tool {
  name: string;
  title: string;
  description: string;
  inputSchema: Json & { type: 'object' };
  annotations: { title: string; readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean };
}

/** What tools/call answers (MCP's CallToolResult, text content only). */
export interface CallToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Json;
  isError?: boolean;
}

/** The tools as tools/list shows them. */
export function toolList(): Tool[] {
  return TOOLS.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: t.inputSchema() as Tool['inputSchema'],
    annotations: { title: t.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: t.openWorld },
  }));
}

/**
 * An error as a tool result: the HTTP API's `{error:{code, message, field?, ...details}}` plus the
 * status it would have answered, so a model sees the same codes (422 with line/column, 409, 429).
 */
export function toolError(err: unknown, requestId: string): CallToolResult {
  const app = translateError(err);
  if (!app) {
    logger.error('MCP tool failed', { requestId, error: err as Error });
    const error = { status: 500, code: 'internal_error', message: 'Internal error.', requestId };
    return { isError: true, content: [{ type: 'text', text: 'Error 500 internal_error: Internal error.' }], structuredContent: { error } };
  }
  const status = httpStatusOf(app.kind);
  const error = { status, code: app.code, message: app.message, ...(app.field ? { field: app.field } : {}), requestId, ...(app.details ?? {}) };
  const where = [
    app.field ? `field ${app.field}` : '',
    typeof app.details?.line === 'number' && !app.message.includes(`line ${app.details.line}`) ? `line ${app.details.line}, column ${String(app.details.column)}` : '',
    typeof app.details?.retryAfterSeconds === 'number' ? `retry after ${app.details.retryAfterSeconds} s` : '',
  ].filter(Boolean);
  const text = `Error ${status} ${app.code}: ${app.message}${where.length ? ` (${where.join('; ')})` : ''}`;
  return { isError: true, content: [{ type: 'text', text }], structuredContent: { error } };
}

async function callTool(ctx: McpRequestContext, tool: ToolDef, rawArgs: unknown): Promise<CallToolResult> {
  try {
    const args = parseOrThrow(tool.args, rawArgs ?? {});
    // An MCP call is a person waiting, like an API call: the interactive lane of the TikTok quota.
    const answer = await withWork({ tenantId: ctx.tenantId, priority: 'interactive' }, () =>
      tool.run({ tenantId: ctx.tenantId, deadline: ctx.deadline, deps: ctx.deps }, args as never),
    );
    return { content: [{ type: 'text', text: answer.text }], structuredContent: answer.structured };
  } catch (err) {
    return toolError(err, ctx.requestId);
  }
}

/** initialize: the client's version when this server speaks it, else the latest (as the SDK server negotiates). */
function initialize(params: Json): Json {
  const requested = params.protocolVersion;
  if (typeof requested !== 'string') throw new JsonRpcError(ErrorCode.InvalidParams, 'Invalid params: initialize needs params.protocolVersion (a string).');
  const protocolVersion = (SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
  return {
    protocolVersion,
    capabilities: { tools: {} },
    serverInfo: { name: SERVICE_NAME, title: 'TikTok analytics', version: SERVICE_VERSION },
    instructions: MCP_INSTRUCTIONS,
  };
}

function toolsCall(ctx: McpRequestContext, params: Json): Promise<CallToolResult> {
  const { name, arguments: args } = params;
  if (typeof name !== 'string') throw new JsonRpcError(ErrorCode.InvalidParams, 'Invalid params: tools/call needs params.name (a string).');
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw new JsonRpcError(ErrorCode.InvalidParams, 'Invalid params: tools/call params.arguments must be an object.');
  }
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) throw new JsonRpcError(ErrorCode.InvalidParams, `Unknown tool "${name.slice(0, 64)}"; tools: ${TOOLS.map((t) => t.name).join(', ')}.`);
  return callTool(ctx, tool, args);
}

/**
 * Answers one MCP request (the result of a JSON-RPC response); a protocol error is thrown as
 * JsonRpcError. A tool's own failure is a result with isError (toolError), never a throw.
 */
export async function mcpRequest(ctx: McpRequestContext, request: JsonRpcRequest): Promise<Json> {
  const params = request.params ?? {};
  switch (request.method) {
    case 'initialize':
      return initialize(params);
    case 'ping':
      return {};
    case 'tools/list':
      return { tools: toolList() };
    case 'tools/call':
      return toolsCall(ctx, params);
    default:
      throw new JsonRpcError(ErrorCode.MethodNotFound, `Method not found: ${request.method.slice(0, 64)}`);
  }
}
