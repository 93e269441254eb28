/**
 * The load test: N concurrent clients for T seconds against a local runtime started in a child
 * process on 127.0.0.1, sending a fixed mix of report requests to connected sandbox accounts while
 * their access tokens expire (short lifetimes), so on-demand refresh and its single-flight lease run
 * under contention. Every answer is checked (status and row count), not just timed.
 *
 * Why a plain fetch loop and not autocannon: the requests differ per client and per step (four
 * report types on two datasources) and each response body is validated, which autocannon does not
 * do without a per-request callback layer; fetch (undici, keep-alive) is what real callers use.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_REFRESH_MARGIN_MS } from '../../shared/tokens/index.ts';
import { connectAccount } from '../support/connect.ts';
import type { TestRuntime } from '../support/runtime.ts';
import { LOAD_HOST, type CpuReport, type CpuRequest, type LoadServerReady } from './protocol.ts';

export const LIMITS = Object.freeze({ minClients: 1, maxClients: 64, minSeconds: 1, maxSeconds: 120 });

export interface LoadOptions {
  /** Concurrent clients, 1..64 (default 16). */
  clients?: number;
  /** Measured duration in seconds, 1..120 (default 20). */
  seconds?: number;
  /**
   * Access-token lifetime the sandbox hands out, seconds. Default: the token service's refresh margin
   * (5 min) + 8 s, so every token enters the refresh window 8 s after it was issued: proactive
   * refreshes happen all through the run. (A lifetime below the margin would refresh on every call.)
   */
  accessTokenSeconds?: number;
  /**
   * Every this many seconds the sandbox expires every access token at once (TikTok says
   * `access_token_invalid` to whatever is in flight): the reactive refresh-once-and-retry path under
   * contention. Default 5; 0 disables.
   */
  forceExpiryEverySeconds?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  clients: number;
  seconds: number;
  elapsedSeconds: number;
  accessTokenSeconds: number;
  forceExpiryEverySeconds: number;
  /** How many times every access token was expired at the sandbox during the run. */
  forcedExpiries: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /**
   * CPU time the server process (handlers + TikTok sandbox + embedded DynamoDB and S3, one Node
   * process) spent per request during the run. Unlike req/s it does not depend on what else the
   * machine is doing; 1000 / cpuMsPerRequest is the req/s one fully available core would give.
   */
  serverCpuMsPerRequest: number;
  /** Load average (1 min) when the run ended, and cores: how busy the machine was. */
  loadAverage: number;
  byReport: Record<string, { requests: number; errors: number; latencyMs: LatencySummary; tiktokCallsEach: number }>;
  tiktok: {
    /** Display API calls (user/info, video/list, video/query) seen by the sandbox during the run. */
    apiCalls: number;
    /** Of which answered non-200 (e.g. 401 for a token that expired between check and call). */
    apiCallsFailed: number;
    /** Token endpoint calls (refreshes) during the run. */
    refreshCalls: number;
    apiCallsPerRequest: number;
    refreshCallsPerRequest: number;
    /** What the mix needs with no waste: the per-report minimum, averaged over the requests sent. */
    idealApiCallsPerRequest: number;
  };
  machine: { cpus: number; node: string };
}

interface Op {
  name: string;
  path: string;
  body: unknown;
  expectRows: number;
  /** Minimum Display API calls one such request needs. */
  tiktokCalls: number;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const SERVER_ENTRY = path.join(import.meta.dirname, 'server.ts');

function bounded(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  return value;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarise(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((s, v) => s + v, 0) / sorted.length : 0;
  const round = (v: number): number => Math.round(v * 10) / 10;
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0), mean: round(mean) };
}

async function startServer(accessTokenSeconds: number): Promise<{ child: ChildProcess; ready: LoadServerReady; logFile: string }> {
  const logDir = path.join(REPO_ROOT, 'test-output', 'load');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'server.log');
  const fd = openSync(logFile, 'w');
  // Only what the runtime needs; never a real TikTok app or a public address from the caller's shell.
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'NODE_PATH']) if (process.env[key]) env[key] = process.env[key];
  Object.assign(env, {
    HOST: LOAD_HOST,
    LOG_LEVEL: process.env.LOAD_LOG_LEVEL ?? 'WARN',
    SANDBOX_ACCESS_TOKEN_TTL_SECONDS: String(accessTokenSeconds),
    SANDBOX_REFRESH_TOKEN_TTL_SECONDS: '86400',
    // The sandbox emulates TikTok's 600/min per endpoint; here the service is measured, not TikTok's quota.
    SANDBOX_RATE_LIMIT_PER_MINUTE: '10000000',
    // Likewise the service's own per-tenant request limit: the load comes from one tenant on purpose.
    TENANT_REQUESTS_PER_MINUTE: '10000000',
  });
  const child = fork(SERVER_ENTRY, [], {
    cwd: REPO_ROOT,
    env,
    execArgv: ['--openssl-legacy-provider', '--import', 'tsx'],
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd);
  const ready = await Promise.race([
    once(child, 'message').then(([m]) => m as LoadServerReady),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`load server exited with ${code} before it was ready; see ${logFile}`))),
    new Promise<never>((_r, reject) => setTimeout(() => reject(new Error(`load server not ready within 60 s; see ${logFile}`)), 60_000).unref()),
  ]);
  if (new URL(ready.baseUrl).hostname !== LOAD_HOST) throw new Error(`load server must listen on ${LOAD_HOST}, got ${ready.baseUrl}`);
  return { child, ready, logFile };
}

async function serverCpuMs(child: ChildProcess): Promise<number> {
  const reply = new Promise<CpuReport>((resolve) => {
    const onMessage = (m: CpuReport): void => {
      if (m?.type !== 'cpu') return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
  });
  const ask: CpuRequest = { type: 'cpu?' };
  child.send(ask);
  const r = await reply;
  return (r.userMicros + r.systemMicros) / 1000;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function post(baseUrl: string, apiKey: string, op: Pick<Op, 'path' | 'body'>): Promise<Response> {
  return fetch(`${baseUrl}${op.path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(op.body),
  });
}

/** Sends one request; resolves to an error description, or undefined when the answer is right. */
async function check(baseUrl: string, apiKey: string, op: Op): Promise<string | undefined> {
  const res = await post(baseUrl, apiKey, op);
  const text = await res.text();
  if (res.status !== 200) return `${op.name}: HTTP ${res.status} ${text.slice(0, 200)}`;
  let rows: unknown;
  try {
    rows = (JSON.parse(text) as { rows?: unknown }).rows;
  } catch {
    return `${op.name}: body is not JSON`;
  }
  if (!Array.isArray(rows) || rows.length !== op.expectRows) {
    return `${op.name}: expected ${op.expectRows} rows, got ${Array.isArray(rows) ? rows.length : typeof rows}`;
  }
  return undefined;
}

async function sandboxAdmin(baseUrl: string, method: string, what: string): Promise<unknown> {
  const res = await fetch(`${baseUrl}/sandbox/tiktok/admin/${what}`, { method });
  if (res.status !== 200) throw new Error(`sandbox admin ${method} ${what}: ${res.status}`);
  return res.json();
}

/**
 * The shared test helper (test/support/connect.ts) drives the connect flow over HTTP; it needs only
 * `api` and the sandbox's account list, which a runtime in another process offers over HTTP too.
 */
async function remoteRuntime(baseUrl: string, apiKey: string): Promise<TestRuntime> {
  const { accounts } = (await sandboxAdmin(baseUrl, 'GET', 'accounts')) as { accounts: Array<{ openId: string; username: string; videoCount: number }> };
  const api: TestRuntime['api'] = (pathname, init = {}) => {
    const { auth = true, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth) headers.set('authorization', `Bearer ${typeof auth === 'string' ? auth : apiKey}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${baseUrl}${pathname}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body, redirect: 'manual' });
  };
  return { baseUrl, apiKey, api, sandbox: { accounts: () => accounts } } as unknown as TestRuntime;
}

async function buildMix(baseUrl: string, apiKey: string): Promise<Op[]> {
  const remote = await remoteRuntime(baseUrl, apiKey);
  const creator = { datasourceId: await connectAccount(remote, { account: 'sandbox.creator' }) };
  const casual = { datasourceId: await connectAccount(remote, { account: 'sandbox.casual' }) };
  const reports = (id: string, type: string): string => `/v1/datasources/${id}/reports/${type}`;
  // Real ids for video-query: the creator's first page.
  const firstPage = await post(baseUrl, apiKey, { path: reports(creator.datasourceId, 'video-list'), body: { fields: ['id'], requestBody: { max_count: 20, cursor: 0 } } });
  if (firstPage.status !== 200) throw new Error(`listing video ids: ${firstPage.status} ${await firstPage.text()}`);
  const ids = ((await firstPage.json()) as { rows: Array<{ id: string }> }).rows.slice(0, 10).map((r) => String(r.id));
  if (ids.length !== 10) throw new Error(`expected 10 video ids, got ${ids.length}`);
  return [
    {
      name: 'profile',
      path: reports(creator.datasourceId, 'profile'),
      body: { fields: 'open_id,display_name,follower_count,likes_count,video_count' },
      expectRows: 1,
      tiktokCalls: 1,
    },
    {
      name: 'video-list, one page of 20',
      path: reports(creator.datasourceId, 'video-list'),
      body: { fields: 'id,title,view_count,like_count,create_time', requestBody: { max_count: 20, cursor: 0 } },
      expectRows: 20,
      tiktokCalls: 1,
    },
    {
      // max_count 2 so that allPages really pages: 5 videos = 3 calls.
      name: 'video-list, allPages (5 videos, pages of 2)',
      path: reports(casual.datasourceId, 'video-list'),
      body: { fields: 'id,title,view_count', requestBody: { max_count: 2, cursor: 0 }, allPages: true },
      expectRows: 5,
      tiktokCalls: 3,
    },
    {
      name: 'video-query, 10 ids',
      path: reports(creator.datasourceId, 'video-query'),
      body: { fields: 'id,title,view_count,like_count', requestBody: { filters: { video_ids: ids } } },
      expectRows: 10,
      tiktokCalls: 1,
    },
  ];
}

const DISPLAY = new Set(['/v2/user/info/', '/v2/video/list/', '/v2/video/query/']);

export async function runLoad(options: LoadOptions = {}): Promise<LoadResult> {
  const clients = bounded('clients', options.clients ?? 16, LIMITS.minClients, LIMITS.maxClients);
  const seconds = bounded('seconds', options.seconds ?? 20, LIMITS.minSeconds, LIMITS.maxSeconds);
  const accessTokenSeconds = bounded('accessTokenSeconds', options.accessTokenSeconds ?? DEFAULT_REFRESH_MARGIN_MS / 1000 + 8, 1, 86_400);
  const forceExpiryEverySeconds = bounded('forceExpiryEverySeconds', options.forceExpiryEverySeconds ?? 5, 0, LIMITS.maxSeconds);
  const log = options.log ?? (() => undefined);

  const { child, ready, logFile } = await startServer(accessTokenSeconds);
  try {
    const { baseUrl, apiKey } = ready;
    log(`runtime on ${baseUrl} (server log: ${path.relative(process.cwd(), logFile)})`);
    const mix = await buildMix(baseUrl, apiKey);
    // Warm-up: every handler imported and every code path taken once before the clock starts.
    for (const op of mix) {
      const problem = await check(baseUrl, apiKey, op);
      if (problem) throw new Error(`warm-up failed: ${problem}`);
    }
    await sandboxAdmin(baseUrl, 'DELETE', 'calls');
    log(`${clients} clients for ${seconds} s, access tokens live ${accessTokenSeconds} s, all expired at TikTok every ${forceExpiryEverySeconds || '-'} s`);

    const latencies: number[] = [];
    const perOp = mix.map(() => ({ latencies: [] as number[], errors: 0 }));
    const errorSamples: string[] = [];
    let errors = 0;
    const cpuBefore = await serverCpuMs(child);
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let forcedExpiries = 0;
    const expiry =
      forceExpiryEverySeconds > 0
        ? setInterval(() => {
            forcedExpiries += 1;
            void sandboxAdmin(baseUrl, 'POST', 'expire-access').catch(() => undefined);
          }, forceExpiryEverySeconds * 1000)
        : undefined;
    await Promise.all(
      Array.from({ length: clients }, async (_v, client) => {
        // Each client starts at a different point of the mix, so all report types run at once.
        for (let step = client; performance.now() < deadline; step += 1) {
          const index = step % mix.length;
          const t0 = performance.now();
          let problem: string | undefined;
          try {
            problem = await check(baseUrl, apiKey, mix[index]!);
          } catch (err) {
            problem = `${mix[index]!.name}: ${(err as Error).message}`;
          }
          const ms = performance.now() - t0;
          latencies.push(ms);
          perOp[index]!.latencies.push(ms);
          if (problem) {
            errors += 1;
            perOp[index]!.errors += 1;
            if (errorSamples.length < 10) errorSamples.push(problem);
          }
        }
      }),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    clearInterval(expiry);
    const cpuMs = (await serverCpuMs(child)) - cpuBefore;

    const { calls } = (await sandboxAdmin(baseUrl, 'GET', 'calls')) as { calls: Array<{ endpoint: string; status: number }> };
    const api = calls.filter((c) => DISPLAY.has(c.endpoint));
    const refreshCalls = calls.filter((c) => c.endpoint === '/v2/oauth/token/').length;
    const requests = latencies.length;
    const ideal = perOp.reduce((sum, o, i) => sum + o.latencies.length * mix[i]!.tiktokCalls, 0) / Math.max(1, requests);
    const round3 = (v: number): number => Math.round(v * 1000) / 1000;
    return {
      clients,
      seconds,
      elapsedSeconds: Math.round(elapsedSeconds * 100) / 100,
      accessTokenSeconds,
      forceExpiryEverySeconds,
      forcedExpiries,
      requests,
      errors,
      errorSamples,
      requestsPerSecond: Math.round((requests / elapsedSeconds) * 10) / 10,
      latencyMs: summarise(latencies),
      serverCpuMsPerRequest: Math.round((cpuMs / Math.max(1, requests)) * 100) / 100,
      loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
      byReport: Object.fromEntries(
        mix.map((op, i) => [op.name, { requests: perOp[i]!.latencies.length, errors: perOp[i]!.errors, latencyMs: summarise(perOp[i]!.latencies), tiktokCallsEach: op.tiktokCalls }]),
      ),
      tiktok: {
        apiCalls: api.length,
        apiCallsFailed: api.filter((c) => c.status !== 200).length,
        refreshCalls,
        apiCallsPerRequest: round3(api.length / Math.max(1, requests)),
        refreshCallsPerRequest: round3(refreshCalls / Math.max(1, requests)),
        idealApiCallsPerRequest: round3(ideal),
      },
      machine: { cpus: os.cpus().length, node: process.version },
    };
  } finally {
    await stopServer(child);
  }
}
