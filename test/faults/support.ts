/**
 * Shared pieces of the fault suites: report calls, the "no token was lost" proof, a hook that acts
 * on the n-th sandbox call of an endpoint (to break things mid-paging), and checks that an error
 * answer follows the contract and leaks nothing.
 */
import { expect } from 'vitest';
import type { TestRuntime } from '../support/runtime.ts';
import { readJson, type Json } from '../support/http.ts';

/** Token-shaped strings (TikTok's `act.` / `rft.` prefixes) must never appear in an answer. */
export const TOKEN_LIKE = /\b(act|rft)\.[A-Za-z0-9_-]{8,}/;

export const PROFILE_FIELDS = 'open_id,display_name,follower_count,video_count';

export function report(rt: TestRuntime, datasourceId: string, type: 'profile' | 'video-list' | 'video-query', body: unknown): Promise<Response> {
  return rt.api(`/v1/datasources/${encodeURIComponent(datasourceId)}/reports/${type}`, { method: 'POST', json: body });
}

export function profile(rt: TestRuntime, datasourceId: string): Promise<Response> {
  return report(rt, datasourceId, 'profile', { fields: PROFILE_FIELDS });
}

/** The answer is the documented error: status, `{error:{code,message,requestId}}`, no stack, no token. */
export async function expectApiError(res: Response, status: number, code: string): Promise<Json> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  expect(text).not.toMatch(TOKEN_LIKE);
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  const body = JSON.parse(text) as Json;
  expect(body.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
  return body;
}

export async function expectRows(res: Response, count: number): Promise<Json> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(text).not.toMatch(TOKEN_LIKE);
  const body = JSON.parse(text) as Json;
  expect(body.rows).toHaveLength(count);
  return body;
}

export function callsTo(rt: TestRuntime, endpoint: string): Array<{ status: number }> {
  return rt.sandbox!.callLog().filter((c) => c.endpoint === endpoint);
}

export async function datasourceStatus(rt: TestRuntime, datasourceId: string): Promise<string> {
  const res = await rt.api(`/v1/datasources/${encodeURIComponent(datasourceId)}`);
  expect(res.status).toBe(200);
  return (await readJson(res)).status;
}

/**
 * Proves the stored refresh token still works: every access token of the account is expired at
 * TikTok, then a report must succeed through exactly one successful refresh.
 */
export async function expectStoredRefreshTokenWorks(rt: TestRuntime, datasourceId: string, openId: string): Promise<void> {
  const sandbox = rt.sandbox!;
  sandbox.clearFaults();
  sandbox.expireAccessTokens(openId);
  sandbox.resetCallLog();
  await expectRows(await profile(rt, datasourceId), 1);
  const refreshes = callsTo(rt, '/v2/oauth/token/');
  expect(refreshes.map((c) => c.status)).toEqual([200]);
  expect(await datasourceStatus(rt, datasourceId)).toBe('active');
}

/**
 * Runs `action` just before the sandbox handles the n-th call (1-based) of `endpoint`, counted from
 * now; returns a function that removes the hook. Works because the runtime's mount looks up
 * `sandbox.handle` on every request.
 */
export function beforeNthSandboxCall(rt: TestRuntime, endpoint: string, n: number, action: () => void): () => void {
  const sandbox = rt.sandbox!;
  const original = sandbox.handle;
  let seen = 0;
  sandbox.handle = (req, res, path) => {
    if (path.split('?')[0] === endpoint) {
      seen += 1;
      if (seen === n) action();
    }
    return original.call(sandbox, req, res, path);
  };
  return () => {
    sandbox.handle = original;
  };
}

export function openIdOf(rt: TestRuntime, username: string): string {
  const account = rt.sandbox!.accounts().find((a) => a.username === username);
  if (!account) throw new Error(`no sandbox account ${username}`);
  return account.openId;
}

/** Waits (bounded) until the run of `scheduleId` reaches a final status; returns the run. */
export async function finishedRun(rt: TestRuntime, scheduleId: string, predicate: (run: Json) => boolean = () => true): Promise<Json> {
  let found: Json;
  await expect
    .poll(
      async () => {
        const res = await rt.api(`/v1/schedules/${scheduleId}/runs`);
        const runs = (await readJson(res)).items as Json[];
        found = runs.find((r) => (r.status === 'succeeded' || r.status === 'failed') && predicate(r));
        return found !== undefined;
      },
      { timeout: 20_000, interval: 100 },
    )
    .toBe(true);
  return found;
}
