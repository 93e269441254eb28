/**
 * The shape of every work queue here (report runs, snapshot captures, webhook deliveries): SQS with
 * SSE and TLS only, a dead-letter queue after `maxReceiveCount` receives, a visibility timeout of
 * six times the consumer's timeout (AWS guidance for Lambda event sources: a message is not
 * redelivered while a retried invocation may still be working on it), and the consumer wired with
 * partial batch failures and a concurrency bound.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUNCTIONS } from '../../shared/topology/functions.ts';
import type { Functions } from './functions.ts';

export interface WorkQueueProps {
  /** The `uses` entry of the function that consumes it (shared/topology/functions.ts). */
  consumedBy: string;
  /** Construct ids (kept stable: they name the deployed queues). */
  queueId: string;
  deadLetterId: string;
  retentionDays: number;
  dlqRetentionDays: number;
  maxReceiveCount: number;
  retainData: boolean;
}

export interface WorkQueue {
  queue: Queue;
  deadLetterQueue: Queue;
}

export function workQueue(scope: Construct, props: WorkQueueProps): WorkQueue {
  const consumer = FUNCTIONS.find((f) => (f.uses as readonly string[]).includes(props.consumedBy));
  if (!consumer) throw new Error(`No function consumes the ${props.queueId} queue (uses: ${props.consumedBy})`);
  const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  const deadLetterQueue = new Queue(scope, props.deadLetterId, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(props.dlqRetentionDays),
    removalPolicy,
  });
  const queue = new Queue(scope, props.queueId, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(consumer.timeoutSeconds * 6),
    retentionPeriod: Duration.days(props.retentionDays),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    removalPolicy,
  });
  return { queue, deadLetterQueue };
}

/** Every deployed function whose `uses` has `consumedBy` reads `queue`, reporting per-message failures. */
export function consumeQueue(functions: Functions, consumedBy: string, queue: Queue, options: { batchSize: number; maxConcurrency: number }): void {
  for (const f of functions.all()) {
    if (!(f.spec.uses as readonly string[]).includes(consumedBy)) continue;
    f.target.addEventSource(new SqsEventSource(queue, { batchSize: options.batchSize, reportBatchItemFailures: true, maxConcurrency: options.maxConcurrency }));
  }
}
