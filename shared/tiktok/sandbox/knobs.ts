/**
 * The sandbox's test knobs that shape traffic: injected faults, the per-endpoint rate limit and
 * the call log tests count on.
 */

export const SANDBOX_ENDPOINTS = [
  '/v2/auth/authorize/',
  '/v2/oauth/token/',
  '/v2/oauth/revoke/',
  '/v2/user/info/',
  '/v2/video/list/',
  '/v2/video/query/',
] as const;
export type SandboxEndpoint = (typeof SANDBOX_ENDPOINTS)[number];

export type FaultErrorCode = 'access_token_invalid' | 'rate_limit_exceeded' | 'internal_error';

export interface FaultSpec {
  /** `/v2/video/list/` or `video/list`; omitted: any API endpoint (token, revoke, user info, videos; not the consent page). */
  endpoint?: string;
  status?: 429 | 500 | 503;
  /** How many matching requests it applies to (default 1). */
  count?: number;
  /** Wait before answering, the request received (alone: a slow but normal answer, processed even if the client left). */
  delayMs?: number;
  /** Never answer (until the client gives up or the sandbox resets). */
  hang?: boolean;
  errorCode?: FaultErrorCode;
  retryAfterSeconds?: number;
}

export interface Fault {
  endpoint?: SandboxEndpoint;
  status?: number;
  errorCode?: FaultErrorCode;
  delayMs: number;
  hang: boolean;
  retryAfterSeconds?: number;
}

const STATUS_OF: Record<FaultErrorCode, number> = { access_token_invalid: 401, rate_limit_exceeded: 429, internal_error: 500 };

export function normaliseEndpoint(value: string): SandboxEndpoint {
  const path = `/v2/${value.replace(/^\/+/, '').replace(/^v2\//, '').replace(/\/+$/, '')}/`;
  const found = SANDBOX_ENDPOINTS.find((e) => e === path);
  if (!found) throw new TypeError(`Unknown sandbox endpoint: ${value}`);
  return found;
}

export class FaultQueue {
  private rules: Array<Fault & { remaining: number }> = [];

  add(spec: FaultSpec): void {
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new TypeError('count must be a positive integer');
    const errorCode = spec.errorCode ?? (spec.status === 429 ? 'rate_limit_exceeded' : spec.status ? 'internal_error' : undefined);
    this.rules.push({
      endpoint: spec.endpoint === undefined ? undefined : normaliseEndpoint(spec.endpoint),
      status: spec.status ?? (errorCode ? STATUS_OF[errorCode] : undefined),
      errorCode,
      delayMs: spec.delayMs ?? 0,
      hang: spec.hang ?? false,
      retryAfterSeconds: spec.retryAfterSeconds,
      remaining: count,
    });
  }

  /** The first pending fault for this endpoint, spending one of its uses. */
  take(endpoint: SandboxEndpoint): Fault | undefined {
    const index = this.rules.findIndex((r) => r.endpoint === endpoint || (r.endpoint === undefined && endpoint !== '/v2/auth/authorize/'));
    if (index < 0) return undefined;
    const rule = this.rules[index]!;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules.splice(index, 1);
    return rule;
  }

  clear(): void {
    this.rules = [];
  }
}

/**
 * TikTok's limit: N requests per sliding minute, counted separately per endpoint (docs/tiktok.md §4.2).
 * Like TikTok (as documented) it sends no Retry-After; inject a fault with retryAfterSeconds for that.
 */
export class SlidingWindowLimiter {
  private windows = new Map<string, number[]>();

  constructor(
    public perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Records the request and answers true, or answers false (and records nothing) when over the limit. */
  admit(endpoint: string): boolean {
    const now = this.now();
    const recent = (this.windows.get(endpoint) ?? []).filter((t) => t > now - 60_000);
    const admitted = recent.length < this.perMinute;
    if (admitted) recent.push(now);
    this.windows.set(endpoint, recent);
    return admitted;
  }

  clear(): void {
    this.windows.clear();
  }
}

export interface CallLogEntry {
  endpoint: string;
  method: string;
  at: number;
  /** 0 while unanswered (or for a hung request). */
  status: number;
}
