/**
 * `/admin/...`: the sandbox's knobs over HTTP (JSON), for tests and people poking the local runtime.
 * Bodies are validated with zod; a bad one answers 400 `{error}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import type { TikTokSandbox } from './sandbox.ts';
import { readBody, sendJson } from './http.ts';

const faultSchema = z.object({
  endpoint: z.optional(z.string()),
  status: z.optional(z.union([z.literal(429), z.literal(500), z.literal(503)])),
  count: z.optional(z.number().check(z.int(), z.positive())),
  delayMs: z.optional(z.number().check(z.int(), z.nonnegative())),
  hang: z.optional(z.boolean()),
  errorCode: z.optional(z.enum(['access_token_invalid', 'rate_limit_exceeded', 'internal_error'])),
  retryAfterSeconds: z.optional(z.number().check(z.int(), z.nonnegative())),
});
const lifetimesSchema = z.object({ accessSeconds: z.number().check(z.int(), z.positive()), refreshSeconds: z.number().check(z.int(), z.positive()) });
const openIdSchema = z.object({ openId: z.optional(z.string().check(z.minLength(1))) });
const rateLimitSchema = z.object({ perMinute: z.number().check(z.int(), z.positive()) });

type Route = (sandbox: TikTokSandbox, body: unknown) => unknown;

const ROUTES: Record<string, Route> = {
  'POST /admin/faults': (sb, body) => {
    const faults = z.union([z.array(faultSchema), faultSchema]).parse(body);
    for (const fault of Array.isArray(faults) ? faults : [faults]) sb.injectFaults(fault);
  },
  'DELETE /admin/faults': (sb) => sb.clearFaults(),
  'POST /admin/token-lifetimes': (sb, body) => {
    const { accessSeconds, refreshSeconds } = lifetimesSchema.parse(body);
    sb.setTokenLifetimes(accessSeconds, refreshSeconds);
  },
  'POST /admin/rate-limit': (sb, body) => sb.setRateLimit(rateLimitSchema.parse(body).perMinute),
  'POST /admin/revoke-refresh': (sb, body) => sb.revokeRefreshTokens(openIdSchema.parse(body).openId),
  'POST /admin/expire-access': (sb, body) => sb.expireAccessTokens(openIdSchema.parse(body).openId),
  'GET /admin/calls': (sb) => ({ calls: sb.callLog() }),
  'DELETE /admin/calls': (sb) => sb.resetCallLog(),
  'GET /admin/accounts': (sb) => ({ accounts: sb.accounts() }),
  'POST /admin/reset': (sb) => sb.reset(),
};

export async function handleAdmin(sandbox: TikTokSandbox, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = ROUTES[`${req.method} ${path.replace(/\/+$/, '')}`];
  if (!route) return sendJson(res, 404, { error: `No admin route ${req.method} ${path}` });
  const text = req.method === 'POST' ? await readBody(req) : '';
  let body: unknown = {};
  try {
    if (text.trim() !== '') body = JSON.parse(text);
    const result = route(sandbox, body);
    sendJson(res, 200, result ?? { ok: true });
  } catch (error) {
    const message = error instanceof z.core.$ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : 'bad request';
    sendJson(res, 400, { error: message });
  }
}
