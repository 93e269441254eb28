/**
 * EventBridge rules from THE schedule table, and the report queue between the dispatcher and
 * report-generate.
 *
 * Why a queue (dispatch -> SQS -> report-generate) rather than the dispatcher invoking
 * report-generate itself: retries with backoff (visibility timeout), a dead-letter queue after
 * `maxReceiveCount` failures and a hard bound on concurrent runs (the event source's
 * `maxConcurrency`) are native to SQS + Lambda, with no code of ours and no run lost when a Lambda
 * times out mid-run. Runs are idempotent per (schedule, slot), so SQS's at-least-once delivery is
 * safe.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CAPTURE_QUEUE_SETTINGS } from '../../shared/queue/capture.ts';
import { REPORT_QUEUE_SETTINGS } from '../../shared/queue/index.ts';
import { SCHEDULES } from '../../shared/topology/schedules.ts';
import type { Functions } from './functions.ts';

/** Deliveries before a run message moves to the DLQ: the same setting the local queue stand-in uses. */
export const MAX_RECEIVE_COUNT = REPORT_QUEUE_SETTINGS.maxReceiveCount;

export interface SchedulingProps {
  retainData: boolean;
}

export class Scheduling extends Construct {
  readonly reportQueue: Queue;
  readonly deadLetterQueue: Queue;
  /** The background lane: daily snapshot captures (shared/queue/capture.ts), never behind report runs. */
  readonly captureQueue: Queue;
  readonly captureDeadLetterQueue: Queue;
  readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: SchedulingProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'ReportDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(REPORT_QUEUE_SETTINGS.dlqRetentionDays),
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.reportQueue = new Queue(this, 'ReportRuns', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // 6x report-generate's timeout, from the function table (shared/topology/queues.ts): the local stand-in uses it too.
      visibilityTimeout: Duration.seconds(REPORT_QUEUE_SETTINGS.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.captureDeadLetterQueue = new Queue(this, 'CaptureDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(CAPTURE_QUEUE_SETTINGS.dlqRetentionDays),
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.captureQueue = new Queue(this, 'SnapshotCaptures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(CAPTURE_QUEUE_SETTINGS.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(2),
      deadLetterQueue: { queue: this.captureDeadLetterQueue, maxReceiveCount: CAPTURE_QUEUE_SETTINGS.maxReceiveCount },
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }

  /** Wires the rules and the queue consumer to the deployed functions. */
  connect(functions: Functions, reportConcurrency: number): void {
    for (const spec of SCHEDULES) {
      const target = functions.get(spec.target).target;
      this.rules.push(
        new Rule(this, `rule-${spec.rule}`, {
          description: spec.description,
          schedule: Schedule.expression(spec.schedule),
          targets: [new LambdaFunction(target, { retryAttempts: 2, maxEventAge: Duration.minutes(15) })],
        }),
      );
    }
    for (const f of functions.all()) {
      if ((f.spec.uses as readonly string[]).includes('capture-queue:consume')) {
        f.target.addEventSource(
          new SqsEventSource(this.captureQueue, {
            batchSize: CAPTURE_QUEUE_SETTINGS.batchSize,
            reportBatchItemFailures: true,
            maxConcurrency: CAPTURE_QUEUE_SETTINGS.maxConcurrency,
          }),
        );
      }
      if (!(f.spec.uses as readonly string[]).includes('queue:consume')) continue;
      f.target.addEventSource(
        new SqsEventSource(this.reportQueue, {
          // One run per invocation: a failure retries (and dead-letters) only that run.
          batchSize: REPORT_QUEUE_SETTINGS.batchSize,
          reportBatchItemFailures: true,
          // The bound on concurrent report runs (TikTok rate limits, Lambda concurrency).
          maxConcurrency: reportConcurrency,
        }),
      );
    }
  }
}
