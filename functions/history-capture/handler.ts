/**
 * SQS consumer of the capture queue (batch size 1): one daily snapshot capture per message
 * (shared/workers/capture-queue.ts decides what becomes of each record).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SNAPSHOT_METRICS } from '../../shared/history/metrics.ts';
import { addCounts, eventHandler } from '../../shared/lambda/handler.ts';
import { batchResponse, queueRecords } from '../../shared/lambda/sqs.ts';
import { consumeCaptureBatch } from '../../shared/workers/capture-queue.ts';
import { captureWorkerDeps } from '../../shared/workers/capture-queue-deps.ts';

const metrics = new Metrics({ namespace: SNAPSHOT_METRICS.namespace, serviceName: SNAPSHOT_METRICS.service });

export const handler = eventHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const result = await consumeCaptureBatch(captureWorkerDeps(), queueRecords(event), () => context.getRemainingTimeInMillis());
  addCounts(metrics, result.counts);
  return batchResponse(result.failed);
}, { metrics });
