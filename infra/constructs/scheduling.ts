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
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CAPTURE_QUEUE_SETTINGS } from '../../shared/queue/capture.ts';
import { REPORT_QUEUE_SETTINGS } from '../../shared/queue/index.ts';
import { SCHEDULES } from '../../shared/topology/schedules.ts';
import type { Functions } from './functions.ts';
import { consumeQueue, workQueue } from './work-queue.ts';

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
    ({ queue: this.reportQueue, deadLetterQueue: this.deadLetterQueue } = workQueue(this, {
      consumedBy: 'queue:consume',
      queueId: 'ReportRuns',
      deadLetterId: 'ReportDeadLetters',
      retentionDays: 4,
      dlqRetentionDays: REPORT_QUEUE_SETTINGS.dlqRetentionDays,
      maxReceiveCount: MAX_RECEIVE_COUNT,
      retainData: props.retainData,
    }));
    ({ queue: this.captureQueue, deadLetterQueue: this.captureDeadLetterQueue } = workQueue(this, {
      consumedBy: 'capture-queue:consume',
      queueId: 'SnapshotCaptures',
      deadLetterId: 'CaptureDeadLetters',
      retentionDays: 2,
      dlqRetentionDays: CAPTURE_QUEUE_SETTINGS.dlqRetentionDays,
      maxReceiveCount: CAPTURE_QUEUE_SETTINGS.maxReceiveCount,
      retainData: props.retainData,
    }));
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
    consumeQueue(functions, 'capture-queue:consume', this.captureQueue, {
      batchSize: CAPTURE_QUEUE_SETTINGS.batchSize,
      maxConcurrency: CAPTURE_QUEUE_SETTINGS.maxConcurrency,
    });
    // One run per invocation (a failure retries and dead-letters only that run); the concurrency
    // bound is the bound on concurrent report runs (TikTok rate limits, Lambda concurrency).
    consumeQueue(functions, 'queue:consume', this.reportQueue, { batchSize: REPORT_QUEUE_SETTINGS.batchSize, maxConcurrency: reportConcurrency });
  }
}
