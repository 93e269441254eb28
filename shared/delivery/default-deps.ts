/** The production wiring of a delivery: the app context, THE report code path, the queue's retry settings. */
import { randomUUID } from 'node:crypto';
import { appContext } from '../context.ts';
import { s3Client } from '../store/s3.ts';
import { REPORT_QUEUE_SETTINGS } from '../queue/index.ts';
import { renderReport, type ReportType } from '../reports/index.ts';
import { runReport } from '../reports/run.ts';
// The extension of a format lives with its renderer; the public entry does not export the lookup yet.
import { rendererFor } from '../reports/formats/registry.ts';
import type { DeliveryDeps, ReportPort } from './execute-run.ts';
import { renderParquet } from '../lake/report-parquet.ts';

/**
 * Lease of a try, renewed by the worker every RUN_LEASE_HEARTBEAT_MS while it runs (execute-run.ts),
 * so it can be short: a crashed worker's run is taken over once the lease plus LEASE_SWEEP_MARGIN_MS
 * (30 s) have passed, by the next dispatcher tick (re-send) or by SQS's redelivery, whichever is first:
 * within lease + margin + one dispatcher period (60 + 30 + 60 s locally; the rule's period in AWS).
 */
export const RUN_LEASE_MS = 60_000;
/** A third of the lease: two renewals may fail (a DynamoDB hiccup) before the lease runs out. */
export const RUN_LEASE_HEARTBEAT_MS = 20_000;

export const reportPort: ReportPort = {
  run: (args) => runReport({ ...args, reportType: args.reportType as ReportType }),
  // Parquet is a delivery format only (not an API answer): its writer stays out of the API functions.
  render: (result, format) => (format === 'parquet' ? renderParquet(result) : renderReport(result, format)),
  extension: (format) => (format === 'parquet' ? 'parquet' : rendererFor(format).extension),
};

export function defaultDeliveryDeps(): DeliveryDeps {
  const ctx = appContext();
  return {
    dynamo: ctx.dynamo,
    tableName: ctx.config.tableName,
    s3: s3Client(),
    bucketName: ctx.config.bucketName,
    now: () => appContext().clock.now(),
    newLeaseOwner: () => randomUUID(),
    reports: reportPort,
    leaseMs: RUN_LEASE_MS,
    heartbeatMs: RUN_LEASE_HEARTBEAT_MS,
    maxAttempts: REPORT_QUEUE_SETTINGS.maxReceiveCount,
  };
}
