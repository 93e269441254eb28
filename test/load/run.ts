/**
 * `npm run load [-- --clients 16 --seconds 20 --access-ttl 308 --expire-every 5]`: the load test (test/load/harness.ts)
 * against a local runtime on 127.0.0.1. Prints the figures and writes test/bench/results/load.json.
 * Exits non-zero when any request failed: under load the error count must be 0.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LIMITS, runLoad, type LoadResult } from './harness.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: process.env.LOAD_CLIENTS ?? '16' },
    seconds: { type: 'string', default: process.env.LOAD_SECONDS ?? '20' },
    'access-ttl': { type: 'string', default: process.env.LOAD_ACCESS_TTL },
    'expire-every': { type: 'string', default: process.env.LOAD_EXPIRE_EVERY },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`npm run load -- [--clients N (${LIMITS.minClients}..${LIMITS.maxClients}, 16)] [--seconds T (${LIMITS.minSeconds}..${LIMITS.maxSeconds}, 20)] [--access-ttl S (refresh margin + 8)] [--expire-every S (5; 0 = never)]`);
  process.exit(0);
}

function formatLoadResult(r: LoadResult): string {
  const rows: Array<[string, string]> = [
    ['clients x duration', `${r.clients} x ${r.seconds} s (elapsed ${r.elapsedSeconds} s), access tokens live ${r.accessTokenSeconds} s (refresh window entered 8 s after issue), all expired at TikTok every ${r.forceExpiryEverySeconds} s (${r.forcedExpiries} times)`],
    ['requests', String(r.requests)],
    ['requests/s', String(r.requestsPerSecond)],
    ['latency p50 / p95 / p99 / max', `${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} / ${r.latencyMs.max} ms`],
    ['server CPU per request', `${r.serverCpuMsPerRequest} ms (≈ ${Math.round(1000 / r.serverCpuMsPerRequest)} req/s per free core; handlers + sandbox + embedded stores)`],
    ['machine', `${r.machine.cpus} cores, load average ${r.loadAverage} at the end (req/s and latency shrink/grow with it)`],
    ['errors', String(r.errors)],
    ['TikTok API calls per request', `${r.tiktok.apiCallsPerRequest} (minimum for this mix ${r.tiktok.idealApiCallsPerRequest}; ${r.tiktok.apiCallsFailed} answered non-200)`],
    ['TikTok refresh calls', `${r.tiktok.refreshCalls} (${r.tiktok.refreshCallsPerRequest} per request)`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`);
  const per = Object.entries(r.byReport).map(
    ([name, s]) => `    ${name.padEnd(44)} ${String(s.requests).padStart(6)} req  p50 ${s.latencyMs.p50} ms  p95 ${s.latencyMs.p95} ms  errors ${s.errors}`,
  );
  return [...lines, '  per report:', ...per, ...(r.errorSamples.length ? ['  error samples:', ...r.errorSamples.map((e) => `    ${e}`)] : [])].join('\n');
}

const result = await runLoad({
  clients: Number(values.clients),
  seconds: Number(values.seconds),
  accessTokenSeconds: values['access-ttl'] === undefined ? undefined : Number(values['access-ttl']),
  forceExpiryEverySeconds: values['expire-every'] === undefined ? undefined : Number(values['expire-every']),
  log: (line) => console.log(line),
});
console.log(`\n${formatLoadResult(result)}\n`);
const outDir = path.join(import.meta.dirname, '..', 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, 'load.json');
writeFileSync(file, `${JSON.stringify({ generatedAt: new Date().toISOString(), ...result }, null, 2)}\n`);
console.log(`written ${path.relative(process.cwd(), file)}`);
if (result.errors > 0) process.exitCode = 1;
