/**
 * TikTok client against the sandbox: calls and time for a full paging of the 437-video account
 * (baseline: a bare fetch loop over the same endpoint), and attempts per call under injected faults.
 */
import { collectVideos, createTikTokClient } from '../../shared/tiktok/index.ts';
import { startSandboxServer } from '../../shared/tiktok/sandbox/index.ts';
import { connect } from './sandbox-connect.ts';
import type { BenchResult } from './types.ts';

const FIELDS = ['id', 'create_time', 'title', 'view_count', 'like_count'];
const RUNS = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

export async function run(): Promise<BenchResult[]> {
  const server = await startSandboxServer({ clientKey: 'bench', clientSecret: 'bench-secret' });
  try {
    const { baseUrl, sandbox } = server;
    const client = createTikTokClient({
      clientKey: 'bench',
      clientSecret: 'bench-secret',
      authBaseUrl: baseUrl,
      apiBaseUrl: baseUrl,
      retry: { retries: 3, minDelayMs: 1, maxDelayMs: 5 },
    });
    const token = await connect(client, baseUrl, sandbox.accounts().find((a) => a.videoCount === 437)!.openId);
    const listCalls = () => sandbox.callLog().filter((c) => c.endpoint === '/v2/video/list/').length;

    // Full paging: the client (iterator, dedupe, envelope checks) vs a bare fetch loop.
    sandbox.resetCallLog();
    await collectVideos(client, token, FIELDS, { maxVideos: 10_000 });
    const calls = listCalls();
    const clientMs: number[] = [];
    const bareMs: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      clientMs.push(await timeIt(() => collectVideos(client, token, FIELDS, { maxVideos: 10_000 })));
      bareMs.push(await timeIt(() => bareLoop(baseUrl, token)));
    }

    // Attempts per call under injected faults (tiny backoff; counted from the sandbox call log).
    const countAttempts = async (fault: Parameters<typeof sandbox.injectFaults>[0]) => {
      sandbox.resetCallLog();
      sandbox.injectFaults({ endpoint: 'user/info', ...fault });
      const failed = await client.getUserInfo(token, ['open_id']).then(() => false, () => true);
      const n = sandbox.callLog().filter((c) => c.endpoint === '/v2/user/info/').length;
      sandbox.clearFaults();
      return { n, failed };
    };
    const one429 = await countAttempts({ status: 429, count: 1 });
    const two503 = await countAttempts({ status: 503, count: 2 });
    const always500 = await countAttempts({ status: 500, count: 100 });
    const badToken = await countAttempts({ errorCode: 'access_token_invalid', count: 100 });

    return [
      {
        name: 'tiktok: video/list calls to page 437 videos (max_count 20)',
        value: calls,
        unit: 'calls',
        baseline: { name: 'ceil(437 / 20)', value: Math.ceil(437 / 20) },
        ratio: calls / Math.ceil(437 / 20),
        target: '= 22',
        met: calls === 22,
      },
      {
        name: 'tiktok: full paging of 437 videos, median',
        value: median(clientMs),
        unit: 'ms',
        baseline: { name: 'bare fetch loop, same sandbox', value: median(bareMs) },
        ratio: median(clientMs) / median(bareMs),
        note: `${RUNS} runs each, local sandbox over 127.0.0.1`,
      },
      { name: 'tiktok: attempts, one injected 429', value: one429.n, unit: 'attempts', target: '= 2, succeeds', met: one429.n === 2 && !one429.failed },
      { name: 'tiktok: attempts, two injected 503', value: two503.n, unit: 'attempts', target: '= 3, succeeds', met: two503.n === 3 && !two503.failed },
      { name: 'tiktok: attempts, persistent 500 (retries 3)', value: always500.n, unit: 'attempts', target: '= 4, fails typed', met: always500.n === 4 && always500.failed },
      { name: 'tiktok: attempts, access_token_invalid', value: badToken.n, unit: 'attempts', target: '= 1 (not retried)', met: badToken.n === 1 && badToken.failed },
    ];
  } finally {
    await server.close();
  }
}

/** The least a caller could do: POST, parse, follow the cursor. No checks, no dedupe, no retries. */
async function bareLoop(baseUrl: string, token: string): Promise<number> {
  let cursor: number | undefined;
  let count = 0;
  for (;;) {
    const res = await fetch(`${baseUrl}/v2/video/list/?fields=${FIELDS.join(',')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cursor, max_count: 20 }),
    });
    const body = (await res.json()) as { data: { videos: unknown[]; cursor: number; has_more: boolean } };
    count += body.data.videos.length;
    if (!body.data.has_more) return count;
    cursor = body.data.cursor;
  }
}
