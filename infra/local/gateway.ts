/**
 * The local API Gateway: matches a request against the route table, turns it into an HTTP API
 * payload 2.0 event, invokes the route's function and writes the result back, as API Gateway does.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROUTES, routeKey, type RouteSpec } from '../../shared/topology/routes.ts';
import { invokeFunction } from './functions.ts';

/** API Gateway's own payload cap; the handlers enforce the service's smaller limit (413). */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  route: RouteSpec;
  regex: RegExp;
  paramNames: string[];
  staticSegments: number;
}

const compiled: CompiledRoute[] = ROUTES.map((route) => {
  const paramNames: string[] = [];
  const pattern = route.path
    .split('/')
    .map((seg) => {
      const m = seg.match(/^\{(\w+)\}$/);
      if (m) {
        paramNames.push(m[1]!);
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, regex: new RegExp(`^${pattern}$`), paramNames, staticSegments: route.path.split('/').length - paramNames.length };
}).sort((a, b) => b.staticSegments - a.staticSegments); // most specific first, like API Gateway

export function matchRoute(method: string, path: string): { route: RouteSpec; params: Record<string, string> } | undefined {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    c.paramNames.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]!);
    });
    return { route: c.route, params };
  }
  return undefined;
}

function sendJson(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const requestId = randomUUID();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers });
  res.end(JSON.stringify({ error: { code, message, requestId } }));
}

/** Past this much, a too-large body is no longer drained: the 413 is sent and the connection closed. */
const MAX_DRAIN_BYTES = 4 * GATEWAY_MAX_BODY_BYTES;

async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early would destroy the socket (the client sees a reset, not the 413): read the
  // rest of a too-large body and discard it.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_DRAIN_BYTES) return 'too_large';
    if (size <= GATEWAY_MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > GATEWAY_MAX_BODY_BYTES ? 'too_large' : Buffer.concat(chunks);
}

const TEXTUAL = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let matched: ReturnType<typeof matchRoute>;
  try {
    matched = matchRoute(method, url.pathname);
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    sendJson(res, 400, 'invalid_request', `The path ${url.pathname} has a malformed percent-escape.`);
    return;
  }
  if (!matched) {
    sendJson(res, 404, 'not_found', `No route ${method} ${url.pathname}.`);
    return;
  }
  const raw = await readBody(req);
  if (raw === 'too_large') {
    sendJson(res, 413, 'payload_too_large', `The request body is larger than ${GATEWAY_MAX_BODY_BYTES} bytes.`, { connection: 'close' });
    return;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const textual = TEXTUAL.test(headers['content-type'] ?? 'application/json');
  const now = new Date();
  const event = {
    version: '2.0',
    routeKey: routeKey(matched.route),
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: headers.cookie ? headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(matched.params).length ? matched.params : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: routeKey(matched.route),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: raw.length ? (textual ? raw.toString('utf8') : raw.toString('base64')) : undefined,
    isBase64Encoded: raw.length > 0 && !textual,
  };
  const result = (await invokeFunction(matched.route.functionName, event)) as
    | { statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] }
    | string
    | undefined;
  writeResult(res, result);
}

/** Maps a payload 2.0 result back to HTTP, including API Gateway's shorthand (a bare object or string = 200 JSON). */
function writeResult(
  res: ServerResponse,
  result: { statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] } | string | undefined,
): void {
  if (result === undefined || typeof result === 'string' || result.statusCode === undefined) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof result === 'string' ? result : JSON.stringify(result ?? null));
    return;
  }
  const headers: Record<string, string | string[]> = { ...(result.headers ?? {}) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode, headers);
  res.end(result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}
