/**
 * Lambda bundle size and cold import time per function, against a baseline handler that imports
 * only middy + Powertools Logger + the DynamoDB DocumentClient (test/infra/fixtures/bundle-probe.ts),
 * bundled in the same run with the same esbuild settings the stack deploys (infra/bundling.ts,
 * AWS SDK bundled). Cold import = `await import(bundle)` timed inside a fresh `node` process,
 * median of 9; rounds interleave the baseline with the functions so machine load hits both alike.
 * Target: every function within 1.5x of the baseline on both. Entries not written yet are skipped.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

async function coldImportMs(file: string): Promise<number> {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const { stdout } = await run$(process.execPath, ['--input-type=module', '-e', script], { env: LAMBDA_ENV, timeout: 30_000 });
  return Number(stdout);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(): Promise<BenchResult[]> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'bench-bundles-'));
  try {
    const baseline = await bundleEntry('baseline', BASELINE.entry, outDir);
    const results: BenchResult[] = [];
    const built: BundleResult[] = [];
    for (const spec of FUNCTIONS) {
      const entry = path.join(root, spec.entry);
      if (!existsSync(entry)) {
        results.push({ name: `bundle: ${spec.name}`, value: 0, unit: 'KiB', note: `skipped: ${spec.entry} not written yet` });
        continue;
      }
      try {
        built.push(await bundleEntry(spec.name, entry, outDir));
      } catch (err) {
        results.push({ name: `bundle: ${spec.name}`, value: 0, unit: 'KiB', met: false, note: `bundling failed: ${(err as Error).message.split('\n')[0]}` });
      }
    }

    const times = new Map<string, number[]>([['baseline', []], ...built.map((b) => [b.name, []] as [string, number[]])]);
    const importErrors = new Map<string, string>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const b of [baseline, ...built]) {
        if (importErrors.has(b.name)) continue;
        try {
          times.get(b.name)!.push(await coldImportMs(b.outfile));
        } catch (err) {
          importErrors.set(b.name, String((err as { stderr?: string }).stderr ?? (err as Error).message).split('\n').find((l) => /Error/.test(l)) ?? 'import failed');
        }
      }
    }
    if (importErrors.has('baseline')) throw new Error(`baseline bundle does not import: ${importErrors.get('baseline')}`);
    const baseMs = median(times.get('baseline')!);

    results.unshift(
      { name: 'bundle size: baseline', value: kib(baseline.bytes), unit: 'KiB', note: `${BASELINE.name}; gzip ${kib(baseline.gzipBytes)} KiB` },
      { name: 'cold import: baseline', value: round(baseMs, 1), unit: 'ms', note: `median of ${ROUNDS} fresh node processes (${process.version})` },
    );
    for (const b of built) {
      const sizeRatio = b.bytes / baseline.bytes;
      results.push({
        name: `bundle size: ${b.name}`,
        value: kib(b.bytes),
        unit: 'KiB',
        baseline: { name: 'baseline', value: kib(baseline.bytes) },
        ratio: round(sizeRatio),
        target: `<= ${TARGET_RATIO}x baseline`,
        met: sizeRatio <= TARGET_RATIO,
        note: `gzip ${kib(b.gzipBytes)} KiB`,
      });
      const error = importErrors.get(b.name);
      if (error) {
        results.push({ name: `cold import: ${b.name}`, value: 0, unit: 'ms', met: false, note: `import failed: ${error}` });
        continue;
      }
      const ms = median(times.get(b.name)!);
      results.push({
        name: `cold import: ${b.name}`,
        value: round(ms, 1),
        unit: 'ms',
        baseline: { name: 'baseline', value: round(baseMs, 1) },
        ratio: round(ms / baseMs),
        target: `<= ${TARGET_RATIO}x baseline`,
        met: ms / baseMs <= TARGET_RATIO,
      });
    }
    return results;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
