/**
 * Assembles the sandbox: state, knobs and the router from TikTok's paths to the endpoint handlers.
 * Faults apply first, then the per-endpoint rate limit (Display API only), then the endpoint.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { seedAccounts, DEFAULT_SEED } from './accounts.ts';
import { handleAdmin } from './admin.ts';
import { handleAuthorize } from './authorize.ts';
import { handleUserInfo, handleVideoList, handleVideoQuery, sendDisplayError } from './display.ts';
import { BodyTooLargeError, createLogIds, readBody } from './http.ts';
import { FaultQueue, SANDBOX_ENDPOINTS, SlidingWindowLimiter, type CallLogEntry, type Fault, type FaultSpec, type SandboxEndpoint } from './knobs.ts';
import { handleRevoke, handleToken, sendOAuthError } from './oauth.ts';
import type { SandboxState } from './state.ts';
import { SandboxTokens, type ChallengeEncoding, type SandboxTokenSnapshot } from './tokens.ts';
import { SandboxGrowth } from './growth.ts';

export interface SandboxOptions {
  clientKey: string;
  clientSecret: string;
  now?: () => number;
  /** Default 7200 (TikTok's current docs: 2 h). */
  accessTokenTtlSeconds?: number;
  /** Default 15552000 (TikTok's current docs: 180 d). */
  refreshTokenTtlSeconds?: number;
  /** Per endpoint, sliding minute; default 600 (TikTok's default). */
  rateLimitPerMinute?: number;
  seed?: number;
  appName?: string;
  /** Which S256 encodings of the challenge the token endpoint accepts; default `any` (TikTok's is unclear). */
  pkceChallengeEncoding?: ChallengeEncoding;
  /** Grants and tokens to start from (the local runtime's saved state). */
  tokens?: SandboxTokenSnapshot;
  /** Called with the grants and tokens after every change, to persist them. */
  onTokensChanged?: (snapshot: SandboxTokenSnapshot) => void;
}

export interface TikTokSandbox {
  /** Handles a request whose URL path has had the mount prefix removed (starts with /v2/ or /admin/). Returns false if the path is not the sandbox's. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> | boolean;
  setTokenLifetimes(accessSeconds: number, refreshSeconds: number): void;
  injectFaults(f: FaultSpec): void;
  clearFaults(): void;
  /** Per endpoint, sliding minute. */
  setRateLimit(perMinute: number): void;
  revokeRefreshTokens(openId?: string): void;
  expireAccessTokens(openId?: string): void;
  callLog(): CallLogEntry[];
  resetCallLog(): void;
  accounts(): Array<{ openId: string; username: string; videoCount: number }>;
  /** Forgets tokens, codes, faults, calls and rate windows; restores the options' lifetimes and limit. */
  reset(): void;
  /** Simulated daily growth of the counters (off until `growth.enable(startMs)`); see growth.ts. */
  readonly growth: SandboxGrowth;
}

export const DEFAULT_ACCESS_TTL_SECONDS = 7_200;
export const DEFAULT_REFRESH_TTL_SECONDS = 15_552_000;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

type Handler = (s: SandboxState, req: IncomingMessage, res: ServerResponse) => Promise<void>;

const HANDLERS: Record<SandboxEndpoint, Handler> = {
  '/v2/auth/authorize/': handleAuthorize,
  '/v2/oauth/token/': handleToken,
  '/v2/oauth/revoke/': handleRevoke,
  '/v2/user/info/': handleUserInfo,
  '/v2/video/list/': handleVideoList,
  '/v2/video/query/': handleVideoQuery,
};

const DISPLAY_ENDPOINTS = new Set<string>(['/v2/user/info/', '/v2/video/list/', '/v2/video/query/']);

export function createTikTokSandbox(options: SandboxOptions): TikTokSandbox {
  if (!options.clientKey || !options.clientSecret) throw new TypeError('The sandbox needs a clientKey and clientSecret');
  const now = options.now ?? Date.now;
  const accessTtl = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS;
  const refreshTtl = options.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TTL_SECONDS;
  const rateLimit = options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  const seeded = seedAccounts(options.seed ?? DEFAULT_SEED);
  const byOpenId = new Map(seeded.map((a) => [a.user.open_id, a]));
  const growth = new SandboxGrowth();
  const tokens = new SandboxTokens({
    now,
    accessTtlSeconds: accessTtl,
    refreshTtlSeconds: refreshTtl,
    challengeEncoding: options.pkceChallengeEncoding ?? 'any',
    onChange: options.onTokensChanged && (() => options.onTokensChanged!(tokens.snapshot())),
  });
  if (options.tokens) tokens.restore(options.tokens);
  const state: SandboxState = {
    clientKey: options.clientKey,
    clientSecret: options.clientSecret,
    appName: options.appName ?? 'TikTok Connector',
    now,
    accounts: seeded,
    account: (openId) => {
      const found = byOpenId.get(openId);
      return found && growth.apply(found, now());
    },
    tokens,
    logId: createLogIds(now),
  };
  const faults = new FaultQueue();
  const limiter = new SlidingWindowLimiter(rateLimit, now);
  let calls: CallLogEntry[] = [];
  const hung = new Set<ServerResponse>();

  async function route(req: IncomingMessage, res: ServerResponse, endpoint: SandboxEndpoint): Promise<void> {
    const fault = faults.take(endpoint);
    if (fault && (await applyFault(fault, endpoint, req, res))) return;
    if (DISPLAY_ENDPOINTS.has(endpoint) && !limiter.admit(endpoint)) {
      return sendDisplayError(state, res, { code: 'rate_limit_exceeded', message: 'The API rate limit was exceeded.', status: 429 });
    }
    await HANDLERS[endpoint](state, req, res);
  }

  /** Returns true when the fault answered (or swallowed) the request. */
  async function applyFault(fault: Fault, endpoint: SandboxEndpoint, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (fault.delayMs > 0) {
      // The request is fully received before the wait: a client that gives up meanwhile (a lost
      // answer) does not stop TikTok from processing it, e.g. rotating a refresh token.
      if (!fault.hang) await readBody(req).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }
    if (fault.hang) {
      hung.add(res);
      res.once('close', () => hung.delete(res));
      return true;
    }
    if (fault.status === undefined || fault.errorCode === undefined) return false;
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
    const message = `Injected fault: ${fault.errorCode}.`;
    if (DISPLAY_ENDPOINTS.has(endpoint)) sendDisplayError(state, res, { code: fault.errorCode, message, status: fault.status }, headers);
    else sendOAuthError(state, res, { error: fault.errorCode, description: message, status: fault.status }, headers);
    return true;
  }

  const sandbox: TikTokSandbox = {
    async handle(req, res, rawPath) {
      const path = rawPath.split('?')[0]!;
      if (path.startsWith('/admin/')) {
        await handleAdmin(sandbox, req, res, path);
        return true;
      }
      if (!path.startsWith('/v2/')) return false;
      const endpoint = SANDBOX_ENDPOINTS.find((e) => e === path);
      const entry: CallLogEntry = { endpoint: path, method: req.method ?? 'GET', at: now(), status: 0 };
      calls.push(entry);
      try {
        if (endpoint) await route(req, res, endpoint);
        else sendDisplayError(state, res, { code: 'invalid_params', message: `Unknown endpoint ${path}.`, status: 404 });
      } catch (error) {
        if (!res.headersSent) {
          const failure = error instanceof BodyTooLargeError
            ? { code: 'invalid_params', message: 'Request body too large.', status: 413 }
            : { code: 'internal_error', message: 'Sandbox failure.', status: 500 };
          sendDisplayError(state, res, failure);
        }
      }
      entry.status = res.headersSent ? res.statusCode : 0;
      return true;
    },
    setTokenLifetimes: (accessSeconds, refreshSeconds) => {
      if (!(accessSeconds > 0 && refreshSeconds > 0)) throw new TypeError('token lifetimes must be positive seconds');
      tokens.setLifetimes(accessSeconds, refreshSeconds);
    },
    injectFaults: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    setRateLimit: (perMinute) => {
      if (!(Number.isInteger(perMinute) && perMinute > 0)) throw new TypeError('perMinute must be a positive integer');
      limiter.perMinute = perMinute;
    },
    revokeRefreshTokens: (openId) => tokens.revokeRefreshTokens(openId),
    expireAccessTokens: (openId) => tokens.expireAccessTokens(openId),
    callLog: () => calls.map((c) => ({ ...c })),
    resetCallLog: () => {
      calls = [];
    },
    growth,
    accounts: () => seeded.map((a) => ({ openId: a.user.open_id, username: a.user.username, videoCount: a.videos.length })),
    reset: () => {
      tokens.clear();
      tokens.setLifetimes(accessTtl, refreshTtl);
      faults.clear();
      limiter.clear();
      limiter.perMinute = rateLimit;
      calls = [];
      for (const res of hung) res.destroy();
      hung.clear();
    },
  };
  return sandbox;
}
