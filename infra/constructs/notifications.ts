/**
 * Webhooks in AWS (docs/webhooks.md): the webhook queue and its DLQ, webhook-deliver's event source,
 * and the alarms: deliveries dead-lettered, and subscriptions disabled after failing for days.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_QUEUE_SETTINGS } from '../../shared/webhooks/queue.ts';
import { METRICS_NAMESPACE, SERVICE_NAME, type Functions } from './functions.ts';
import { consumeQueue, workQueue } from './work-queue.ts';

export class Notifications extends Construct {
  readonly webhookQueue: Queue;
  readonly webhookDeadLetterQueue: Queue;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: { retainData: boolean }) {
    super(scope, id);
    ({ queue: this.webhookQueue, deadLetterQueue: this.webhookDeadLetterQueue } = workQueue(this, {
      consumedBy: 'webhook-queue:consume',
      queueId: 'WebhookDeliveries',
      deadLetterId: 'WebhookDeadLetters',
      retentionDays: 4,
      dlqRetentionDays: WEBHOOK_QUEUE_SETTINGS.dlqRetentionDays,
      maxReceiveCount: WEBHOOK_QUEUE_SETTINGS.maxReceiveCount,
      retainData: props.retainData,
    }));
  }

  connect(functions: Functions, topic: ITopic): void {
    consumeQueue(functions, 'webhook-queue:consume', this.webhookQueue, {
      batchSize: WEBHOOK_QUEUE_SETTINGS.batchSize,
      maxConcurrency: WEBHOOK_QUEUE_SETTINGS.maxConcurrency,
    });
    const action = new SnsAction(topic);
    const alarm = (id: string, metric: Metric, description: string) => {
      const a = new Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };
    alarm(
      'webhook-dlq-depth',
      this.webhookDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      'Webhook deliveries ran out of tries and sit in the webhook dead-letter queue (docs/webhooks.md)',
    );
    alarm(
      'webhook-subscriptions-disabled',
      new Metric({ namespace: METRICS_NAMESPACE, metricName: 'WebhookSubscriptionsDisabled', dimensionsMap: { service: SERVICE_NAME }, statistic: 'Sum', period: Duration.hours(1) }),
      'A webhook subscription was disabled after failing for days (docs/webhooks.md)',
    );
  }
}
