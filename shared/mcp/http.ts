/**
 * API Gateway (payload 2.0) <-> the SDK's Web-standard Streamable HTTP transport. httpHandler has
 * already done what every route gets (API key -> tenant, request limit, size-checked JSON body,
 * request id, error mapping); this hands the parsed body to a fresh stateless transport in JSON
 * response mode (one answer per POST, no SSE stream: a Lambda returns one payload) and maps the
 * Web Response back to an API Gateway result.
 */
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { ApiRequest, ApiResult } from '../http/request.ts';
import { assertFitsResponse, json } from '../http/responses.ts';
import type { McpDeps } from './deps.ts';
import { createMcpServer } from './server.ts';

/** A Web Request carrying the event's method, URL and headers (the body is handed over parsed). */
function webRequest(req: ApiRequest<Record<string, string>, Record<string, unknown>, unknown>): Request {
  const event = req.event;
  const host = event.requestContext?.domainName || 'localhost';
  const url = `https://${host}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== 'content-length') headers.set(k, v);
  return new Request(url, { method: event.requestContext?.http?.method ?? 'POST', headers });
}

async function apiResult(response: Response): Promise<ApiResult> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  const body = response.body ? await response.text() : undefined;
  // A tool answer is bounded (format.ts), but a batch of them is not: never let Lambda fail the invocation.
  return assertFitsResponse({ statusCode: response.status, headers, ...(body ? { body } : {}) });
}

export async function handleMcpPost(
  req: ApiRequest<Record<string, string>, Record<string, unknown>, unknown>,
  options: { deps: McpDeps; deadline?: number },
): Promise<ApiResult> {
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  const server = createMcpServer({ tenantId: req.tenantId, requestId: req.requestId, deadline: options.deadline, deps: options.deps });
  await server.connect(transport);
  try {
    const response = await transport.handleRequest(webRequest(req), {
      parsedBody: req.body,
      authInfo: { token: 'api-key', clientId: req.tenantId, scopes: [], extra: { tenantId: req.tenantId } },
    });
    return await apiResult(response);
  } finally {
    await server.close();
  }
}

/** GET /v1/mcp: a stateless server offers no server-to-client stream (MCP Streamable HTTP allows 405). */
export function mcpGetNotAllowed(requestId: string): ApiResult {
  return json(
    405,
    { error: { code: 'method_not_allowed', message: 'This MCP server is stateless and offers no event stream: send messages with POST.', requestId } },
    { allow: 'POST' },
  );
}
