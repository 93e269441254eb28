/**
 * One MCP server per request (stateless: nothing survives between POSTs, so any Lambda instance can
 * answer any message). The low-level SDK Server is used rather than McpServer: the tools bring
 * their JSON schemas from the API's zod/mini schemas and validate with the API's own parser, so
 * errors read exactly as the HTTP API's.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { SERVICE_NAME } from '../api/service.ts';
import { SERVICE_VERSION } from '../api/version.ts';
import { httpStatusOf, translateError } from '../http/error-translation.ts';
import { parseOrThrow } from '../validation/index.ts';
import { logger } from '../logger.ts';
import { withWork } from '../quota/work.ts';
import type { McpDeps } from './deps.ts';
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

export function createMcpServer(ctx: McpRequestContext): Server {
  const server = new Server({ name: SERVICE_NAME, title: 'TikTok analytics', version: SERVICE_VERSION }, { capabilities: { tools: {} }, instructions: MCP_INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: toolList() }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const tool = TOOLS.find((t) => t.name === request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${request.params.name.slice(0, 64)}"; tools: ${TOOLS.map((t) => t.name).join(', ')}.`);
    return callTool(ctx, tool, request.params.arguments);
  });
  return server;
}
