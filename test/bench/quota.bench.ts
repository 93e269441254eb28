/**
 * The quota governor's cost per TikTok call: DynamoDB operations and added latency, measured by
 * paging the sandbox's 437-video account (22 video/list calls) through a governed client and an
 * ungoverned one in the same run. The ledger lives in an embedded DynamoDB (dynalite over
 * loopback: each operation costs more here than in AWS, so the added latency is an upper bound).
 * Also: operations per call with four processes sharing one endpoint's ledger.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startLocalDynamo } from '../../infra/local/dynamodb.ts';
import { createGovernor, DEFAULT_QUOTA_SETTINGS, dynamoLedgerStore, withWork, type LedgerStore } from '../../shared/quota/index.ts';
import { governedGate } from '../../shared/quota/gate.ts';
import { collectVideos, createTikTokClient, type TikTokClient } from '../../shared/tiktok/index.ts';
import { startSandboxServer } from '../../shared/tiktok/sandbox/index.ts';
import { connect } from './sandbox-connect.ts';
import type { BenchResult } from './types.ts';

const FIELDS = ['id', 'view_count'];
const RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function counting(store: LedgerStore) {
  const c = { ops: 0 };
  const wrapped: LedgerStore = {
    read: (k) => ((c.ops += 1), store.read(k)),
    write: (k, s, v) => ((c.ops += 1), store.write(k, s, v)),
  };
  return { store: wrapped, c };
}

export async function run(): Promise<BenchResult[]> {
  const local = await startLocalDynamo(undefined);
  const raw = new DynamoDBClient({ region: 'us-east-1', endpoint: local.endpoint, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  await ensureTable(raw, 'quota-bench');
  const dynamo = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const server = await startSandboxServer({ clientKey: 'bench', clientSecret: 'bench-secret', rateLimitPerMinute: 1_000_000 });
  try {
    const { baseUrl, sandbox } = server;
    // A quota far above what the bench uses: the figure is the bookkeeping, not waiting.
    const settings = { ...DEFAULT_QUOTA_SETTINGS, perMinute: 1_000_000 };
    const governed = (store: LedgerStore) =>
      createTikTokClient({
        clientKey: 'bench',
        clientSecret: 'bench-secret',
        authBaseUrl: baseUrl,
        apiBaseUrl: baseUrl,
        gate: governedGate(createGovernor({ store, settings, now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) })),
      });
    const bare = createTikTokClient({ clientKey: 'bench', clientSecret: 'bench-secret', authBaseUrl: baseUrl, apiBaseUrl: baseUrl });
    const token = await connect(bare, baseUrl, sandbox.accounts().find((a) => a.videoCount === 437)!.openId);
    const one = counting(dynamoLedgerStore({ dynamo, tableName: 'quota-bench', now: Date.now }));
    const client = governed(one.store);
    const page = (c: TikTokClient) => withWork({ tenantId: 'tn_bench', priority: 'background' }, () => collectVideos(c, token, FIELDS, { maxVideos: 10_000 }));

    await page(client);
    await page(bare);
    sandbox.resetCallLog();
    one.c.ops = 0;
    const governedMs: number[] = [];
    const bareMs: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      let t = performance.now();
      await page(client);
      governedMs.push(performance.now() - t);
      t = performance.now();
      await page(bare);
      bareMs.push(performance.now() - t);
    }
    const calls = sandbox.callLog().length / 2;
    const opsPerCall = one.c.ops / calls;
    const callsPerPaging = calls / RUNS;
    const addedPerCall = (median(governedMs) - median(bareMs)) / callsPerPaging;

    // Four processes (governors) sharing one ledger, paging at once.
    const four = Array.from({ length: 4 }, () => counting(dynamoLedgerStore({ dynamo, tableName: 'quota-bench', now: Date.now })));
    const clients = four.map((f) => governed(f.store));
    sandbox.resetCallLog();
    await Promise.all(clients.map((c) => page(c).then(() => page(c))));
    const sharedOps = four.reduce((n, f) => n + f.c.ops, 0) / sandbox.callLog().length;

    return [
      {
        name: 'quota: DynamoDB operations per TikTok call (one process paging)',
        value: opsPerCall,
        unit: 'ops/call',
        target: '< 0.5',
        met: opsPerCall < 0.5,
        note: `${RUNS} pagings of 437 videos (${callsPerPaging} calls each); leases of up to ${settings.maxBatch} permits`,
      },
      {
        name: 'quota: DynamoDB operations per TikTok call (4 processes, one ledger)',
        value: sharedOps,
        unit: 'ops/call',
        note: 'conflicting conditional writes included',
      },
      {
        name: 'quota: full paging of 437 videos through the governor, median',
        value: median(governedMs),
        unit: 'ms',
        baseline: { name: 'same client without the governor', value: median(bareMs) },
        ratio: median(governedMs) / median(bareMs),
        note: `added ${addedPerCall.toFixed(2)} ms per TikTok call (ledger on dynalite over loopback)`,
      },
    ];
  } finally {
    await server.close();
    dynamo.destroy();
    await local.close();
  }
}
