/**
 * The client's configuration, validated once, and the shared context every call uses.
 * Defaults for the base URLs live with the config reader (shared/config.ts); here they are required,
 * so the sandbox or any TikTok-compatible server is reached through these two values alone.
 */
import type { CallGate, Transport } from './http.ts';
import { DEFAULT_RETRY, type RetryEvent, type RetryPolicy } from './retry.ts';

export interface TikTokClientConfig {
  clientKey: string;
  clientSecret: string;
  /** e.g. `https://www.tiktok.com`; `/v2/auth/authorize/` is appended. */
  authBaseUrl: string;
  /** e.g. `https://open.tiktokapis.com`; `/v2/...` paths are appended. */
  apiBaseUrl: string;
  /** Per HTTP attempt, default 10 000. */
  timeoutMs?: number;
  /**
   * Per attempt on the token endpoints (code exchange, refresh, revoke), default 30 000: a refresh
   * whose answer is lost has rotated the refresh token for nothing, so it gets time to answer.
   */
  tokenTimeoutMs?: number;
  /** For reads (and pre-send failures of refresh/revoke); default 3 retries, 250 ms .. 4 s. */
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  /** Clock for token expiry instants and Retry-After dates; default Date.now. */
  now?: () => number;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /** Observes each retry (logging, metrics, tests). */
  onRetry?: (event: RetryEvent) => void;
  /** In front of every HTTP exchange: the quota governor in the service (shared/quota/gate.ts). */
  gate?: CallGate;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_TOKEN_TIMEOUT_MS = 30_000;

export interface ClientContext {
  clientKey: string;
  clientSecret: string;
  authBaseUrl: string;
  apiBaseUrl: string;
  transport: Transport;
  tokenTimeoutMs: number;
  retry: { policy: RetryPolicy; random: () => number; onRetry?: (event: RetryEvent) => void };
}

export function createContext(config: TikTokClientConfig): ClientContext {
  if (!config.clientKey) throw new TypeError('TikTok clientKey is required');
  if (!config.clientSecret) throw new TypeError('TikTok clientSecret is required');
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs must be a positive number');
  const tokenTimeoutMs = config.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
  if (!Number.isFinite(tokenTimeoutMs) || tokenTimeoutMs <= 0) throw new TypeError('tokenTimeoutMs must be a positive number');
  const policy = config.retry ?? DEFAULT_RETRY;
  if (!Number.isInteger(policy.retries) || policy.retries < 0 || policy.minDelayMs < 0 || policy.maxDelayMs < policy.minDelayMs) {
    throw new TypeError('retry must have an integer retries >= 0 and 0 <= minDelayMs <= maxDelayMs');
  }
  return {
    clientKey: config.clientKey,
    clientSecret: config.clientSecret,
    authBaseUrl: baseUrl('authBaseUrl', config.authBaseUrl),
    apiBaseUrl: baseUrl('apiBaseUrl', config.apiBaseUrl),
    transport: { fetch: config.fetch ?? globalThis.fetch, timeoutMs, now: config.now ?? Date.now, gate: config.gate },
    tokenTimeoutMs,
    retry: { policy, random: config.random ?? Math.random, onRetry: config.onRetry },
  };
}

/** Absolute http(s) URL without query or fragment; returned without trailing slashes so paths append cleanly. */
function baseUrl(name: string, value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new TypeError(`${name} must be an absolute http(s) URL without query or fragment`);
  }
  return value.replace(/\/+$/, '');
}

/** `new URL(path, base)` would drop a base path such as the sandbox's `/sandbox/tiktok`: concatenate instead. */
export function endpointUrl(base: string, path: string, fields?: readonly string[]): string {
  const query = fields === undefined ? '' : `?fields=${fields.map(encodeURIComponent).join(',')}`;
  return `${base}${path}${query}`;
}
