/**
 * A short load run (test/load/harness.ts) for `npm run bench`: 8 clients for 6 s; tokens enter the
 * refresh window every 8 s and are expired at TikTok every 2 s. The full run is `npm run load` (16 clients x 20 s), which writes test/bench/results/load.json.
 */
import { runLoad } from '../load/harness.ts';
import type { BenchResult } from './types.ts';

export async function run(): Promise<BenchResult[]> {
  const r = await runLoad({ clients: 8, seconds: 6, forceExpiryEverySeconds: 2 });
  const setup = `${r.clients} clients x ${r.seconds} s, mixed reports, every token expired at TikTok ${r.forcedExpiries} times`;
  return [
    { name: 'load: requests/s', value: r.requestsPerSecond, unit: 'req/s', note: `${setup}; ${r.requests} requests` },
    {
      name: 'load: server CPU per request',
      value: r.serverCpuMsPerRequest,
      unit: 'ms',
      note: `≈ ${Math.round(1000 / r.serverCpuMsPerRequest)} req/s per free core; one process: handlers + sandbox + embedded stores; load average ${r.loadAverage} on ${r.machine.cpus} cores`,
    },
    { name: 'load: latency p50', value: r.latencyMs.p50, unit: 'ms' },
    { name: 'load: latency p95', value: r.latencyMs.p95, unit: 'ms' },
    { name: 'load: latency p99', value: r.latencyMs.p99, unit: 'ms' },
    { name: 'load: errors', value: r.errors, unit: 'requests', target: '= 0', met: r.errors === 0, note: r.errorSamples[0] },
    {
      name: 'load: TikTok API calls per request',
      value: r.tiktok.apiCallsPerRequest,
      unit: 'calls',
      baseline: { name: 'minimum for the mix', value: r.tiktok.idealApiCallsPerRequest },
      ratio: r.tiktok.apiCallsPerRequest / r.tiktok.idealApiCallsPerRequest,
      note: `${r.tiktok.apiCallsFailed} answered non-200 (expired between check and call)`,
    },
    {
      name: 'load: TikTok refresh calls',
      value: r.tiktok.refreshCalls,
      unit: 'calls',
      baseline: { name: 'forced expiries x 2 datasources', value: r.forcedExpiries * 2 },
      note: `${r.tiktok.refreshCallsPerRequest} per request; proactive refreshes add ~1 per datasource every 8 s`,
    },
  ];
}
