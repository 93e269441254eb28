/**
 * One HTTP exchange with TikTok: the runtime's fetch (undici) under a per-call timeout, the body read
 * as text and parsed as JSON when it is JSON. Transport failures become TikTokErrors here, so nothing
 * above this file sees a raw fetch error. Retrying is decided by the caller (retry.ts), not here.
 */
import { TikTokError, parseRetryAfter } from './errors.ts';

export interface Transport {
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
  /** Asked before every HTTP exchange (the quota governor, shared/quota); absent: calls go straight out. */
  gate?: CallGate;
}

/** What sits in front of every call to TikTok: a permit first, and TikTok's 429 reported back. */
export interface CallGate {
  /** Resolves when the call may be sent; throws (e.g. QuotaExhaustedError) when it may not. */
  beforeSend(endpoint: string): Promise<void>;
  /** TikTok refused the call for its rate limit. */
  throttled(endpoint: string, retryAfterSeconds: number | undefined): Promise<void>;
}

export interface HttpRequest {
  /** TikTok's path, e.g. `/v2/video/list/`: names the call in errors and metrics. */
  endpoint: string;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Overrides the transport's timeout for this call (the token endpoint has its own, longer one). */
  timeoutMs?: number;
}

export interface HttpResult {
  endpoint: string;
  status: number;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  json: unknown;
  retryAfterSeconds?: number;
}

/**
 * Socket errors that happen before a single byte of the request left this machine (DNS, refused or
 * unreachable connect). Only these prove TikTok did not process a token request: see retry.ts.
 */
const CONNECT_PHASE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export async function send(transport: Transport, req: HttpRequest): Promise<HttpResult> {
  await transport.gate?.beforeSend(req.endpoint);
  const timeoutMs = req.timeoutMs ?? transport.timeoutMs;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await transport.fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal,
      // TikTok does not redirect API calls; following one could carry the bearer token elsewhere.
      redirect: 'manual',
    });
    const text = await res.text();
    const result: HttpResult = {
      endpoint: req.endpoint,
      status: res.status,
      json: parseJson(text),
      retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after'), transport.now()),
    };
    if (transport.gate && isRateLimited(result)) await transport.gate.throttled(req.endpoint, result.retryAfterSeconds);
    return result;
  } catch (error) {
    throw transportError(req.endpoint, error, timeoutMs);
  }
}

/** HTTP 429, or TikTok's `rate_limit_exceeded` in either envelope (Display `error.code`, OAuth `error`). */
function isRateLimited(r: HttpResult): boolean {
  if (r.status === 429) return true;
  const err = (r.json as { error?: unknown } | undefined)?.error;
  return err === 'rate_limit_exceeded' || (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'rate_limit_exceeded');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function transportError(endpoint: string, error: unknown, timeoutMs: number): TikTokError {
  if (error instanceof TikTokError) return error;
  // AbortSignal.timeout() rejects the fetch with a DOMException; its name is its only type.
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new TikTokError({ kind: 'timeout', endpoint, tiktokCode: 'timeout', detail: `no response within ${timeoutMs} ms`, cause: error });
  }
  const code = socketCode(error);
  return new TikTokError({
    kind: 'upstream',
    endpoint,
    tiktokCode: code && CONNECT_PHASE_CODES.has(code) ? 'connect_failed' : 'network_error',
    detail: code ?? (error instanceof Error ? error.message : 'request failed'),
    cause: error,
  });
}

/** undici wraps socket errors: TypeError('fetch failed', { cause: Error|AggregateError with `code` }). */
function socketCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
