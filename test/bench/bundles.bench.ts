/**
 * Lambda bundle size and cold import time per function, against a baseline handler that imports
 * only middy + Powertools Logger + the DynamoDB DocumentClient (test/infra/fixtures/bundle-probe.ts),
 * bundled in the same run with the same esbuild settings the stack deploys (infra/bundling.ts,
 * AWS SDK bundled). Cold import = `await import(bundle)` timed inside a fresh `node` process,
 * median of 9; rounds interleave the baseline with the functions so machine load hits both alike.
 * Targets (issue 16): cold import within 1.5x of the baseline for every function; bundle size within
 * 2x for the functions that run reports (they carry Cloud9QL and the renderers), 1.5x for the others.
 *
 * First query: for each function whose bundle holds the Cloud9QL engine, a probe entry re-exports the
 * handler and `runCloud9QL` (esbuild keeps one engine copy), and the same fresh process that timed
 * the probe's import then times its first query on a small dataset (and the second, for comparison):
 * what the first report request of a cold Lambda pays on top of the import. For these functions the
 * cold import is the probe's (within a few hundred bytes of the handler's bundle; the note says).
 * Entries not written yet are skipped.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleEntry, type BundleResult } from '../../infra/bundle.ts';
import { FUNCTIONS } from '../../shared/topology/functions.ts';
import type { BenchResult } from './types.ts';

const run$ = promisify(execFile);
const ROUNDS = 9;
const TARGET_RATIO = 1.5;
/** Functions that run reports carry Cloud9QL and the renderers: their size target is looser. */
const REPORT_SIZE_RATIO = 2;
const root = path.resolve(import.meta.dirname, '../..');
const BASELINE = { name: 'baseline (middy + logger + DocumentClient)', entry: path.join(root, 'test/infra/fixtures/bundle-probe.ts') };

/** What a function sees at import time in Lambda: the env contract, no credentials needed. */
const LAMBDA_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  STAGE: 'bench',
  TABLE_NAME: 'bench-table',
  BUCKET_NAME: 'bench-bucket',
  PUBLIC_BASE_URL: 'https://api.example.com',
  TIKTOK_SECRET_NAME: 'bench/tiktok-app',
  TOKEN_KEYRING: 'kms',
  KMS_KEY_ID: 'arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000',
  REPORT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/bench',
  POWERTOOLS_SERVICE_NAME: 'tiktok-connector',
  POWERTOOLS_METRICS_NAMESPACE: 'TikTokConnector',
  LOG_LEVEL: 'ERROR',
};

/** A typical report query (select/where/order by/limit) on a video/list-shaped answer of 40 videos. */
const FIRST_QUERY = 'select expand(data.videos); select title, view_count, like_count where view_count > 1000 order by view_count desc limit 10';
const FIRST_QUERY_DATA = {
  data: { videos: Array.from({ length: 40 }, (_, i) => ({ id: String(7300 + i), title: `Video ${i}`, view_count: (i * 7919) % 50_000, like_count: i * 13 })) },
};

interface ColdRun {
  importMs: number;
  /** First and second Cloud9QL query in the same process (probe bundles only). */
  firstQueryMs?: number;
  secondQueryMs?: number;
}

async function coldRun(file: string, query: boolean): Promise<ColdRun> {
  const url = JSON.stringify(pathToFileURL(file).href);
  const timeQuery = query
    ? `const q=${JSON.stringify(FIRST_QUERY)},d=${JSON.stringify(FIRST_QUERY_DATA)};` +
      't=performance.now();if(m.runCloud9QL(q,d).length!==10)throw new Error("query");const f=performance.now()-t;' +
      't=performance.now();m.runCloud9QL(q.replace("10","9"),d);const s=performance.now()-t;'
    : 'const f=undefined,s=undefined;';
  const script = `let t=performance.now();const m=await import(${url});const i=performance.now()-t;${timeQuery}process.stdout.write(JSON.stringify({importMs:i,firstQueryMs:f,secondQueryMs:s}));`;
  const { stdout } = await run$(process.execPath, ['--input-type=module', '-e', script], { env: LAMBDA_ENV, timeout: 30_000 });
  return JSON.parse(stdout) as ColdRun;
}

/** The probe entry of a function that runs Cloud9QL: its handler plus the engine's public run function. */
function writeQueryProbe(name: string, handlerEntry: string, dir: string): string {
  const file = path.join(dir, `${name}.ts`);
  const engine = path.join(root, 'shared/cloud9ql/index.ts');
  writeFileSync(file, `export { handler } from ${JSON.stringify(handlerEntry)};\nexport { runCloud9QL } from ${JSON.stringify(engine)};\n`);
  return file;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const runsCloud9QL = (b: BundleResult) => b.inputs.some((f) => f.endsWith('shared/cloud9ql/index.ts'));

export async function run(): Promise<BenchResult[]> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'bench-bundles-'));
  try {
    const baseline = await bundleEntry('baseline', BASELINE.entry, outDir);
    const results: BenchResult[] = [];
    const built: BundleResult[] = [];
    /** Function name -> its query probe bundle (functions that run Cloud9QL). */
    const probes = new Map<string, BundleResult>();
    const probeDir = path.join(outDir, 'probe-src');
    mkdirSync(probeDir, { recursive: true });
    for (const spec of FUNCTIONS) {
      const entry = path.join(root, spec.entry);
      if (!existsSync(entry)) {
        results.push({ name: `bundle: ${spec.name}`, value: 0, unit: 'KiB', note: `skipped: ${spec.entry} not written yet` });
        continue;
      }
      try {
        const bundle = await bundleEntry(spec.name, entry, outDir);
        built.push(bundle);
        if (runsCloud9QL(bundle)) probes.set(spec.name, await bundleEntry(`${spec.name}-query-probe`, writeQueryProbe(spec.name, entry, probeDir), outDir));
      } catch (err) {
        results.push({ name: `bundle: ${spec.name}`, value: 0, unit: 'KiB', met: false, note: `bundling failed: ${(err as Error).message.split('\n')[0]}` });
      }
    }

    const runs = new Map<string, ColdRun[]>([['baseline', []], ...built.map((b) => [b.name, []] as [string, ColdRun[]])]);
    const importErrors = new Map<string, string>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const b of [baseline, ...built]) {
        if (importErrors.has(b.name)) continue;
        const probe = probes.get(b.name);
        try {
          runs.get(b.name)!.push(await coldRun((probe ?? b).outfile, probe !== undefined));
        } catch (err) {
          importErrors.set(b.name, String((err as { stderr?: string }).stderr ?? (err as Error).message).split('\n').find((l) => /Error/.test(l)) ?? 'import failed');
        }
      }
    }
    if (importErrors.has('baseline')) throw new Error(`baseline bundle does not import: ${importErrors.get('baseline')}`);
    const baseMs = median(runs.get('baseline')!.map((r) => r.importMs));

    results.unshift(
      { name: 'bundle size: baseline', value: kib(baseline.bytes), unit: 'KiB', note: `${BASELINE.name}; gzip ${kib(baseline.gzipBytes)} KiB` },
      { name: 'cold import: baseline', value: round(baseMs, 1), unit: 'ms', note: `median of ${ROUNDS} fresh node processes (${process.version})` },
    );
    for (const b of built) {
      const probe = probes.get(b.name);
      const sizeTarget = probe ? REPORT_SIZE_RATIO : TARGET_RATIO;
      const sizeRatio = b.bytes / baseline.bytes;
      results.push({
        name: `bundle size: ${b.name}`,
        value: kib(b.bytes),
        unit: 'KiB',
        baseline: { name: 'baseline', value: kib(baseline.bytes) },
        ratio: round(sizeRatio),
        target: `<= ${sizeTarget}x baseline`,
        met: sizeRatio <= sizeTarget,
        note: `gzip ${kib(b.gzipBytes)} KiB${probe ? '; runs Cloud9QL' : ''}`,
      });
      const error = importErrors.get(b.name);
      if (error) {
        results.push({ name: `cold import: ${b.name}`, value: 0, unit: 'ms', met: false, note: `import failed: ${error}` });
        continue;
      }
      const fnRuns = runs.get(b.name)!;
      const ms = median(fnRuns.map((r) => r.importMs));
      results.push({
        name: `cold import: ${b.name}`,
        value: round(ms, 1),
        unit: 'ms',
        baseline: { name: 'baseline', value: round(baseMs, 1) },
        ratio: round(ms / baseMs),
        target: `<= ${TARGET_RATIO}x baseline`,
        met: ms / baseMs <= TARGET_RATIO,
        ...(probe ? { note: `query probe bundle (${probe.bytes - b.bytes >= 0 ? '+' : ''}${probe.bytes - b.bytes} bytes)` } : {}),
      });
      if (probe) {
        results.push({
          name: `first query: ${b.name}`,
          value: round(median(fnRuns.map((r) => r.firstQueryMs!)), 1),
          unit: 'ms',
          note: `first Cloud9QL query after the cold import, same process (second query: ${round(median(fnRuns.map((r) => r.secondQueryMs!)), 2)} ms)`,
        });
      }
    }
    return results;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
