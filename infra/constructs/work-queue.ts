/**
 * The shape of every work queue here (report runs, snapshot captures, webhook deliveries): SQS with
 * SSE and TLS only, a dead-letter queue after `maxReceiveCount` receives, the visibility timeout
 * derived from the consumer's timeout in the function table (shared/topology/queues.ts: the local
 * stand-ins use the same number), and the consumer wired with partial batch failures and a
 * concurrency bound.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { consumerTiming, type ConsumePermission } from '../../shared/topology/queues.ts';
import type { Functions } from './functions.ts';

export interface WorkQueueProps {
  /** The `uses` entry of the function that consumes it (shared/topology/functions.ts). */
  consumedBy: ConsumePermission;
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
  const { visibilityTimeoutSeconds } = consumerTiming(props.consumedBy);
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
    visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds),
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
