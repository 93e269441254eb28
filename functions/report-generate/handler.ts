/**
 * SQS consumer (report queue, batch size 1, ReportBatchItemFailures on): scheduled runs, export
 * steps and alert evaluations (shared/workers/report-queue.ts decides what becomes of each record).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { addCounts, eventHandler, SERVICE_METRICS_NAMESPACE } from '../../shared/lambda/handler.ts';
import { batchResponse, queueRecords } from '../../shared/lambda/sqs.ts';
import { consumeReportBatch } from '../../shared/workers/report-queue.ts';
import { reportWorkerDeps } from '../../shared/workers/report-queue-deps.ts';

const metrics = new Metrics({ namespace: SERVICE_METRICS_NAMESPACE, serviceName: 'tiktok-connector' });

export const handler = eventHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const result = await consumeReportBatch(reportWorkerDeps(), queueRecords(event), () => context.getRemainingTimeInMillis());
  addCounts(metrics, result.counts);
  return batchResponse(result.failed);
}, { metrics });
