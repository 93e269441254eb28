/**
 * JSON-RPC 2.0 as MCP uses it, hand-written (docs/mcp.md "How it runs").
 *
 * Why not @modelcontextprotocol/sdk: its server imports Ajv statically (103 KiB + fast-uri 18 KiB +
 * ajv-formats 10 KiB, unused by a tools-only server) and its types.js builds classic zod schemas at
 * load (zod classic ~105 KiB, 44-88 ms of import on a loaded machine), the SDK itself ~57 KiB. For one
 * stateless, tools-only POST endpoint that was most of the cold start. Measured on one commit, with
 * the SDK then without: bundle 1081 KiB -> 847 KiB, cold import 161 ms -> 104 ms (baseline handler
 * 357 KiB, 62 ms); `npm run bench -- bundles` after: 847 KiB (2.37x), 122 ms (1.79x). docs/mcp.md "Bundle".
 * The SDK stays a dev dependency: test/integration/mcp.test.ts drives this server with the SDK's
 * real Client and StreamableHTTPClientTransport, the proof that the protocol is spoken right.
 */

/**
 * The protocol versions this server speaks: @modelcontextprotocol/sdk 1.32.2 dist/esm/types.js
 * SUPPORTED_PROTOCOL_VERSIONS, copied (LATEST_PROTOCOL_VERSION first). Keep in step when the SDK the
 * tests use moves on.
 */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'] as const;
export const LATEST_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[0];

/** JSON-RPC 2.0 error codes (-32000 is the SDK transport's code for HTTP-level refusals). */
export const ErrorCode = {
  ConnectionClosed: -32000,
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
} as const;

export type RequestId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

/** A response the client sends (to a server request this server never makes): accepted, ignored. */
export interface JsonRpcClientResponse {
  jsonrpc: '2.0';
  id: RequestId;
}

export type JsonRpcMessage =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcClientResponse };

export interface JsonRpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

export type JsonRpcAnswer =
  | { jsonrpc: '2.0'; id: RequestId; result: Record<string, unknown> }
  | { jsonrpc: '2.0'; id: RequestId | null; error: JsonRpcErrorBody };

/** A protocol error: the request is answered with a JSON-RPC error, not a result. */
export class JsonRpcError extends Error {
  readonly code: number;
  readonly data?: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'JsonRpcError';
    this.code = code;
    if (data !== undefined) this.data = data;
  }

  body(): JsonRpcErrorBody {
    return { code: this.code, message: this.message, ...(this.data !== undefined ? { data: this.data } : {}) };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is RequestId => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** The id to answer an invalid message with: its own when readable, else null (JSON-RPC 2.0 §5). */
export function recoverableId(raw: unknown): RequestId | null {
  return isObject(raw) && isId(raw.id) ? raw.id : null;
}

/** Classifies one message of a POST body; throws JsonRpcError(-32600) for anything else. */
export function readMessage(raw: unknown): JsonRpcMessage {
  if (!isObject(raw) || raw.jsonrpc !== '2.0') throw new JsonRpcError(ErrorCode.InvalidRequest, 'Invalid Request: not a JSON-RPC 2.0 message (jsonrpc must be "2.0").');
  if (raw.params !== undefined && !isObject(raw.params)) throw new JsonRpcError(ErrorCode.InvalidRequest, 'Invalid Request: params must be an object.');
  const hasId = Object.hasOwn(raw, 'id');
  if (typeof raw.method === 'string') {
    const params = raw.params as Record<string, unknown> | undefined;
    if (!hasId) return { kind: 'notification', message: { jsonrpc: '2.0', method: raw.method, ...(params ? { params } : {}) } };
    // MCP: a request id is a string or a number, never null.
    if (!isId(raw.id)) throw new JsonRpcError(ErrorCode.InvalidRequest, 'Invalid Request: id must be a string or a number.');
    return { kind: 'request', message: { jsonrpc: '2.0', id: raw.id, method: raw.method, ...(params ? { params } : {}) } };
  }
  if (raw.method === undefined && isId(raw.id) && (Object.hasOwn(raw, 'result') !== Object.hasOwn(raw, 'error'))) {
    return { kind: 'response', message: { jsonrpc: '2.0', id: raw.id } };
  }
  throw new JsonRpcError(ErrorCode.InvalidRequest, 'Invalid Request: a message needs a string method (or is a response with an id and a result or an error).');
}

export function errorAnswer(id: RequestId | null, err: JsonRpcError): JsonRpcAnswer {
  return { jsonrpc: '2.0', id, error: err.body() };
}
