/**
 * The MCP endpoint (shared/mcp). Its body is a JSON-RPC message of the Model Context Protocol. This
 * schema documents it (OpenAPI); the handler reads the raw body and answers a malformed one with
 * JSON-RPC errors itself (shared/mcp/http.ts), so the schema stays loose.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import type { OperationDoc } from '../../http/operation.ts';

const jsonRpcMessage = z.looseObject({
  jsonrpc: z.literal('2.0', { error: 'jsonrpc must be "2.0" (an MCP JSON-RPC message)' }),
  method: z.optional(z.string()),
  id: z.optional(z.union([z.string(), z.number()])),
});

export const mcpBodySchema = z
  .union([jsonRpcMessage, z.array(jsonRpcMessage)], { error: 'The body must be an MCP JSON-RPC message (or a batch of them).' })
  .check(z.meta({ description: 'A JSON-RPC 2.0 message of the Model Context Protocol: initialize, tools/list, tools/call, ping, notifications.' }));

export const mcpPost = {
  operationId: 'mcpPost',
  summary: 'Model Context Protocol server (Streamable HTTP, stateless)',
  description:
    'Read-only MCP tools over this tenant\'s datasources, reports (with Cloud9QL), the field catalogue, schedules and runs. ' +
    'Stateless: no Mcp-Session-Id; every POST is answered with application/json. Send `Accept: application/json, text/event-stream`. ' +
    'Tool failures come back as tool results with isError and the same error codes as this API. See docs/mcp.md.',
  tags: ['mcp'],
  body: mcpBodySchema,
  bodyExample: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  responses: {
    200: { description: 'The JSON-RPC response (or an array for a batch).', schema: z.record(z.string(), z.unknown()) },
    202: { description: 'Accepted: the message was a notification or a response; nothing to answer.' },
  },
} satisfies OperationDoc;

export const mcpGet = {
  operationId: 'mcpGet',
  summary: 'MCP server-sent stream: not offered',
  description: 'The server is stateless and sends no server-initiated messages, so GET answers 405 (Allow: POST), as the MCP specification provides.',
  tags: ['mcp'],
  responses: { 405: { description: 'Method not allowed: use POST.', schema: z.record(z.string(), z.unknown()) } },
} satisfies OperationDoc;

export const mcpOperations: OperationDoc[] = [mcpPost, mcpGet];
