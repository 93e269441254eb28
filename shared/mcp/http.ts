/**
 * MCP Streamable HTTP, stateless, JSON response mode: one POST, one answer (a Lambda returns one
 * payload, so no SSE stream and no Mcp-Session-Id). The checks and their status codes are those of
 * the SDK's WebStandardStreamableHTTPServerTransport (sessionIdGenerator undefined,
 * enableJsonResponse), which this replaces at run time (jsonrpc.ts says why). httpHandler has already
 * done what every route gets (API key -> tenant, request limit, request id, error mapping); the body
 * comes raw (httpHandler's rawBody) so a malformed one is answered in JSON-RPC terms (-32700).
 */
import type { ApiRequest, ApiResult } from '../http/request.ts';
import { rawBodyText } from '../http/request.ts';
import { assertFitsResponse, json } from '../http/responses.ts';
import type { McpDeps } from './deps.ts';
import {
  ErrorCode,
  JsonRpcError,
  SUPPORTED_PROTOCOL_VERSIONS,
  errorAnswer,
  readMessage,
  recoverableId,
  type JsonRpcAnswer,
  type JsonRpcMessage,
} from './jsonrpc.ts';
import { mcpRequest, type McpRequestContext } from './server.ts';

/** Largest POST body, in bytes (the API's default body limit: a tool call's arguments are small). */
export const MCP_MAX_BODY_BYTES = 64 * 1024;
/**
 * Most messages in a batch. Protocol 2025-06-18 removed batching, but the SDK's server still takes
 * batches from older clients (up to 100); a batch here runs its tool calls one after the other in one
 * Lambda invocation, hence a much smaller bound.
 */
export const MCP_MAX_BATCH = 10;

export interface McpHttpRequest {
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The body exactly as sent. */
  body: string;
}

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };

function answer(statusCode: number, body?: JsonRpcAnswer | JsonRpcAnswer[]): ApiResult {
  if (body === undefined) return { statusCode, headers: { ...SECURITY_HEADERS } };
  // A tool answer is bounded (format.ts), but a batch of them is not: never let Lambda fail the invocation.
  return assertFitsResponse({ statusCode, headers: { 'content-type': 'application/json', ...SECURITY_HEADERS }, body: JSON.stringify(body) });
}

/** An HTTP-level refusal, as the SDK transport words it: a JSON-RPC error with id null. */
const refuse = (statusCode: number, code: number, message: string) => answer(statusCode, errorAnswer(null, new JsonRpcError(code, message)));

/** The media type without parameters, lower case (`application/json; charset=utf-8` -> `application/json`). */
const essence = (header: string | undefined) => header?.split(';', 1)[0]?.trim().toLowerCase();

/** Answers one request; a JsonRpcError becomes its error response, anything else -32603 (tools never throw: toolError). */
async function answerRequest(ctx: McpRequestContext, message: Extract<JsonRpcMessage, { kind: 'request' }>['message']): Promise<JsonRpcAnswer> {
  try {
    return { jsonrpc: '2.0', id: message.id, result: await mcpRequest(ctx, message) };
  } catch (err) {
    if (err instanceof JsonRpcError) return errorAnswer(message.id, err);
    throw err;
  }
}

/** One POST of the MCP Streamable HTTP transport, from headers and raw body to the HTTP answer. */
export async function answerMcpHttp(req: McpHttpRequest, ctx: McpRequestContext, options: { maxBodyBytes?: number } = {}): Promise<ApiResult> {
  const accept = req.headers.accept ?? '';
  // The client MUST accept both (a comma-separated list: a substring check, as the SDK does).
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    return refuse(406, ErrorCode.ConnectionClosed, 'Not Acceptable: Client must accept both application/json and text/event-stream');
  }
  if (essence(req.headers['content-type']) !== 'application/json') {
    return refuse(415, ErrorCode.ConnectionClosed, 'Unsupported Media Type: Content-Type must be application/json');
  }
  const maxBytes = options.maxBodyBytes ?? MCP_MAX_BODY_BYTES;
  if (Buffer.byteLength(req.body) > maxBytes) return refuse(413, ErrorCode.ConnectionClosed, `Payload Too Large: Request body must not exceed ${maxBytes} bytes`);

  let raw: unknown;
  try {
    raw = JSON.parse(req.body);
  } catch {
    return refuse(400, ErrorCode.ParseError, 'Parse error: Invalid JSON');
  }
  const batch = Array.isArray(raw);
  const items: unknown[] = batch ? (raw as unknown[]) : [raw];
  if (batch && items.length === 0) return refuse(400, ErrorCode.InvalidRequest, 'Invalid Request: empty batch');
  if (items.length > MCP_MAX_BATCH) return refuse(400, ErrorCode.InvalidRequest, `Invalid Request: Batch must not exceed ${MCP_MAX_BATCH} messages`);

  // Each message read on its own: in a batch an invalid member gets its own error (JSON-RPC 2.0 §6).
  const read = items.map((item): JsonRpcMessage | JsonRpcAnswer => {
    try {
      return readMessage(item);
    } catch (err) {
      if (err instanceof JsonRpcError) return errorAnswer(recoverableId(item), err);
      throw err;
    }
  });
  if (!batch && 'error' in read[0]!) return answer(400, read[0]);
  const messages = read.filter((m): m is JsonRpcMessage => 'kind' in m);

  const initialize = messages.some((m) => m.kind === 'request' && m.message.method === 'initialize');
  if (initialize && items.length > 1) return refuse(400, ErrorCode.InvalidRequest, 'Invalid Request: Only one initialization request is allowed');
  if (!initialize) {
    // After initialize the client sends the negotiated version; none at all means 2025-03-26 (the SDK's default).
    const version = req.headers['mcp-protocol-version'];
    if (version !== undefined && !(SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(version)) {
      const message = `Bad Request: Unsupported protocol version: ${version.slice(0, 40)} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`;
      return refuse(400, ErrorCode.ConnectionClosed, message);
    }
  }

  const answers: JsonRpcAnswer[] = read.filter((m): m is JsonRpcAnswer => !('kind' in m));
  // Notifications (and responses to requests this server never makes) are accepted and need no answer.
  for (const m of messages) if (m.kind === 'request') answers.push(await answerRequest(ctx, m.message));
  if (answers.length === 0) return answer(202);
  return answer(200, batch ? answers : answers[0]);
}

export async function handleMcpPost(
  req: ApiRequest<Record<string, string>, Record<string, unknown>, unknown>,
  options: { deps: McpDeps; deadline?: number; maxBodyBytes?: number },
): Promise<ApiResult> {
  const ctx: McpRequestContext = { tenantId: req.tenantId, requestId: req.requestId, deadline: options.deadline, deps: options.deps };
  return answerMcpHttp({ headers: req.headers, body: rawBodyText(req.event) }, ctx, { maxBodyBytes: options.maxBodyBytes });
}

/** GET /v1/mcp: a stateless server offers no server-to-client stream (MCP Streamable HTTP allows 405). */
export function mcpGetNotAllowed(requestId: string): ApiResult {
  return json(
    405,
    { error: { code: 'method_not_allowed', message: 'This MCP server is stateless and offers no event stream: send messages with POST.', requestId } },
    { allow: 'POST' },
  );
}
