/**
 * Scheduled deliveries on the local runtime (dynalite, s3rver, the TikTok sandbox, the local report
 * queue at its deployed concurrency): 200 rate(1 minute) profile schedules fall due at once and one
 * dispatcher handles the tick.
 *
 * The runtime's clock runs in real time with an offset, so each round jumps to the instant the
 * slot is due and fires the dispatcher right then: a run's `finishedAt - dueAt` (recorded after its
 * PutObject) is the real delay from due time to object landed. In production the dispatcher rule's
 * period adds its tick alignment on top (0-5 min in AWS, 0-1 min locally).
 * Baseline (same run, same concurrency): the same 200 reports through runReport alone, i.e. what
 * the delivery pipeline (claims, queue, lease, S3 write, run records) costs on top of the report.
 */
import pLimit from 'p-limit';
import { ensureTenant, storeApiKey } from '../../shared/auth/api-keys.ts';
import { appContext } from '../../shared/context.ts';
import { REPORT_QUEUE_SETTINGS } from '../../shared/queue/index.ts';
import { runReport } from '../../shared/reports/run.ts';
import { createSchedule, defaultScheduleServiceDeps, listRuns, scheduleBodySchema, type DispatchSummary } from '../../shared/schedules/index.ts';
import { parseOrThrow } from '../../shared/validation/index.ts';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime } from '../support/runtime.ts';
import type { BenchResult } from './types.ts';

const SCHEDULES = 200;
/** A tenant may have 100 schedules: the 200 are spread over two tenants, each with its own datasource. */
const TENANTS = 2;
const ROUNDS = 3; // the first warms up the JIT and the handlers' modules; the others are measured

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function run(): Promise<BenchResult[]> {
  process.env.LOG_LEVEL ??= 'ERROR';
  let offset = 0;
  const rt = await startTestRuntime({ clock: { now: () => Date.now() + offset }, reportQueue: { delayScale: 0 } });
  try {
    const ctx = appContext();
    const tenants: Array<{ tenantId: string; ds: string }> = [{ tenantId: rt.tenantId, ds: await connectAccount(rt, { account: 'sandbox.creator' }) }];
    for (let i = 1; i < TENANTS; i += 1) {
      const tenantId = `tn_bench_${i}`;
      const keyDeps = { dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => Date.now() };
      await ensureTenant(keyDeps, tenantId, tenantId);
      const { apiKey } = await storeApiKey(keyDeps, tenantId);
      tenants.push({ tenantId, ds: await connectAccount({ ...rt, api: (p, init = {}) => rt.api(p, { ...init, auth: apiKey }) }, { account: 'sandbox.creator' }) });
    }
    const deps = defaultScheduleServiceDeps();
    const fields = 'display_name,follower_count,video_count';
    const ids: string[] = [];
    const create = pLimit(10);
    await Promise.all(
      Array.from({ length: SCHEDULES }, (_, i) =>
        create(async () => {
          const t = tenants[i % TENANTS]!;
          const body = parseOrThrow(scheduleBodySchema(), { name: 'bench', datasourceId: t.ds, reportType: 'profile', fields, format: 'csv', schedule: 'rate(1 minute)' });
          ids.push((await createSchedule(deps, t.tenantId, body)).id);
        }),
      ),
    );
    const store = { dynamo: ctx.dynamo, tableName: ctx.config.tableName };

    const delays: number[] = [];
    const throughput: number[] = [];
    const dispatchMs: number[] = [];
    let failed = 0;
    let delivered = 0;
    let nextDue = Math.ceil((Date.now() + offset) / 60_000) * 60_000 + 60_000; // every schedule is anchored in this minute or the last
    for (let round = 0; round < ROUNDS; round += 1) {
      // Jump to the instant the next slot is due, and fire right then.
      offset = nextDue - Date.now();
      const started = performance.now();
      const summary = (await rt.scheduler.fire('schedule-dispatch')) as DispatchSummary;
      const dispatched = performance.now();
      await rt.reportQueue.drain();
      const elapsed = performance.now() - started;
      if (summary.claimed !== SCHEDULES) throw new Error(`round ${round}: claimed ${summary.claimed} of ${SCHEDULES}`);
      if (round > 0) {
        throughput.push((SCHEDULES / elapsed) * 60_000);
        dispatchMs.push(dispatched - started);
        for (const id of ids) {
          const { items } = await listRuns(store, id, { limit: 1, nowMs: Date.now() + offset });
          const r = items[0]!;
          if (r.status !== 'succeeded' || !r.finishedAt) failed += 1;
          else {
            delivered += 1;
            delays.push(Date.parse(r.finishedAt) - Date.parse(r.dueAt));
          }
        }
      }
      nextDue += 60_000 * Math.ceil((Date.now() + offset - nextDue + 1) / 60_000);
    }

    // Baseline: the same reports through runReport alone, at the same concurrency.
    const limit = pLimit(REPORT_QUEUE_SETTINGS.maxConcurrency);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: SCHEDULES }, () =>
        limit(() => runReport({ tenantId: tenants[0]!.tenantId, datasourceId: tenants[0]!.ds, reportType: 'profile', request: { fields, format: 'csv' } })),
      ),
    );
    const reportOnlyPerMinute = (SCHEDULES / (performance.now() - t0)) * 60_000;

    delays.sort((a, b) => a - b);
    const perMinute = throughput.reduce((a, b) => a + b, 0) / throughput.length;
    const dispatchAvg = dispatchMs.reduce((a, b) => a + b, 0) / dispatchMs.length;
    const setup = `${SCHEDULES} due rate(1 minute) profile schedules (${TENANTS} tenants), CSV, queue concurrency ${REPORT_QUEUE_SETTINGS.maxConcurrency}, mean of ${ROUNDS - 1} warm rounds`;
    return [
      {
        name: 'schedules: runs delivered per minute (one dispatcher, local)',
        value: perMinute,
        unit: 'runs/min',
        baseline: { name: 'runReport alone, same concurrency', value: reportOnlyPerMinute },
        ratio: perMinute / reportOnlyPerMinute,
        note: setup,
      },
      {
        name: 'schedules: dispatcher claims per minute',
        value: (SCHEDULES / dispatchAvg) * 60_000,
        unit: 'claims/min',
        note: `claim + send + advance for ${SCHEDULES} due slots took ${dispatchAvg.toFixed(0)} ms (with the runs already executing beside it)`,
      },
      { name: 'schedules: due -> object landed p50', value: percentile(delays, 50), unit: 'ms', note: 'dispatch fired at the due instant; add the rule period alignment (AWS 0-5 min)' },
      { name: 'schedules: due -> object landed p99', value: percentile(delays, 99), unit: 'ms', note: `${delays.length} runs` },
      { name: 'schedules: failed or missing runs', value: failed, unit: 'runs', target: '= 0', met: failed === 0, note: `${delivered} delivered` },
    ];
  } finally {
    await rt.stop();
  }
}
