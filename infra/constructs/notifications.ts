/**
 * Webhooks in AWS (docs/webhooks.md): the webhook queue and its DLQ, webhook-deliver's event source,
 * and the alarms: deliveries dead-lettered, and subscriptions disabled after failing for days.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_QUEUE_SETTINGS } from '../../shared/webhooks/queue.ts';
import { METRICS_NAMESPACE, SERVICE_NAME, type Functions } from './functions.ts';

export class Notifications extends Construct {
  readonly webhookQueue: Queue;
  readonly webhookDeadLetterQueue: Queue;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: { retainData: boolean }) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.webhookDeadLetterQueue = new Queue(this, 'WebhookDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(WEBHOOK_QUEUE_SETTINGS.dlqRetentionDays),
      removalPolicy,
    });
    this.webhookQueue = new Queue(this, 'WebhookDeliveries', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(WEBHOOK_QUEUE_SETTINGS.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.webhookDeadLetterQueue, maxReceiveCount: WEBHOOK_QUEUE_SETTINGS.maxReceiveCount },
      removalPolicy,
    });
  }

  connect(functions: Functions, topic: ITopic): void {
    for (const f of functions.all()) {
      if (!(f.spec.uses as readonly string[]).includes('webhook-queue:consume')) continue;
      f.target.addEventSource(
        new SqsEventSource(this.webhookQueue, {
          batchSize: WEBHOOK_QUEUE_SETTINGS.batchSize,
          reportBatchItemFailures: true,
          maxConcurrency: WEBHOOK_QUEUE_SETTINGS.maxConcurrency,
        }),
      );
    }
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
