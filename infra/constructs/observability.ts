/**
 * Alarms (to one SNS topic, optional e-mail) and a small dashboard.
 *
 * Alarms: each function's unhandled errors and throttles, messages in the report dead-letter queue,
 * token refresh failures (a custom metric, below) and API 5xx responses.
 *
 * Token refresh failures: the token-refresh Lambda emits Powertools Metrics
 * `TokenRefreshFailed` (Count) in namespace `TikTokConnector`. Powertools adds the `service`
 * dimension from POWERTOOLS_SERVICE_NAME, which the stack sets to `tiktok-connector` on every
 * function; the alarm watches exactly that metric + dimension.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SNAPSHOT_METRICS } from '../../shared/history/metrics.ts';
import { limitFor, type QuotaSettings } from '../../shared/quota/settings.ts';
import { QUOTA_METRICS } from '../../shared/quota/metrics.ts';
import { QUOTA_ENDPOINTS } from '../../shared/quota/endpoints.ts';
import { METRICS_NAMESPACE, SERVICE_NAME, type Functions } from './functions.ts';

export const TOKEN_REFRESH_FAILED_METRIC = 'TokenRefreshFailed';

export interface ObservabilityProps {
  stage: string;
  functions: Functions;
  httpApi: HttpApi;
  reportQueue: Queue;
  deadLetterQueue: Queue;
  captureQueue: Queue;
  captureDeadLetterQueue: Queue;
  /** Encrypts the alarm topic; CloudWatch is allowed to use it to publish. */
  topicKey: Key;
  /** The governor's settings: the quota alarms fire at 90 % of each endpoint's limit. */
  quota: QuotaSettings;
  alarmEmail?: string;
}

export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    // CloudWatch alarms publish to an encrypted topic only if the key lets CloudWatch use it
    // (AWS knowledge center "cloudwatch-configure-alarm-sns"; the AWS-managed aws/sns key cannot).
    // In a key policy, Resource "*" means this key.
    props.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseKeyForAlarmTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Alarms', {
      displayName: `TikTok connector ${props.stage} alarms`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy, which replaces the default one: allow this account's alarms.
    const { account, region, partition } = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` } },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (alarmId: string, metric: IMetric, description: string, threshold = 1): Alarm => {
      const a = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    for (const { spec, fn } of props.functions.all()) {
      alarm(`${spec.name}-errors`, fn.metricErrors(fiveMinutes), `${spec.name}: unhandled errors (failed invocations) in 5 minutes`);
      alarm(`${spec.name}-throttles`, fn.metricThrottles(fiveMinutes), `${spec.name}: throttled invocations in 5 minutes`);
    }
    const dlqDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
    alarm('report-dlq-depth', dlqDepth, 'Scheduled report runs failed every retry and sit in the dead-letter queue');

    const refreshFailed = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: TOKEN_REFRESH_FAILED_METRIC,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      // The sweep's period: every run publishes it, failed runs included (functions/token-refresh).
      period: Duration.minutes(15),
    });
    alarm('token-refresh-failed', refreshFailed, 'TikTok token refreshes failed (datasources may need re-auth)');

    // The shared TikTok quota: an endpoint granting above 90 % of its limit for 15 minutes running
    // means the fleet lives at the edge (waits and quota_exhausted answers follow; docs/quota.md).
    for (const endpoint of QUOTA_ENDPOINTS) {
      const limit = limitFor(props.quota, endpoint);
      const granted = new Metric({
        namespace: QUOTA_METRICS.namespace,
        metricName: QUOTA_METRICS.granted,
        dimensionsMap: { service: SERVICE_NAME, Endpoint: endpoint },
        statistic: 'Sum',
        period: Duration.minutes(1),
      });
      const name = endpoint.replace(/^\/v2\//, '').replace(/\/$/, '').replace(/\//g, '-');
      const a = new Alarm(this, `quota-high-${name}`, {
        metric: granted,
        threshold: Math.ceil(limit * 0.9),
        evaluationPeriods: 15,
        datapointsToAlarm: 15,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `TikTok ${endpoint}: above 90 % of its ${limit}/min quota for 15 minutes (docs/operations.md)`,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
    }

    // The capture lane: dead letters (captures whose invocations kept crashing), and the capacity
    // plan's verdict that today's remaining captures need more TikTok calls than the background share
    // can make before midnight (the dispatcher publishes it every tick; the largest accounts then
    // alternate their video counters, see shared/history/README.md).
    const captureDlqDepth = props.captureDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
    alarm('capture-dlq-depth', captureDlqDepth, 'Snapshot captures failed every delivery and sit in the capture dead-letter queue');
    const overrun = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: SNAPSHOT_METRICS.overrunCalls,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Minimum',
      period: Duration.minutes(15),
    });
    alarm('snapshot-backlog-overrun', overrun, 'The snapshot backlog cannot finish within its day (calls needed exceed the background TikTok capacity left)');

    // The lake: a committed day whose Parquet files could not be written (docs/operations.md).
    const lakeFailed = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: SNAPSHOT_METRICS.lakeWriteFailed,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      period: Duration.hours(1),
    });
    alarm('lake-write-failed', lakeFailed, 'A committed snapshot day could not be written to the data lake (run npm run lake:backfill for that day)');

    const api5xx = props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' });
    alarm('api-5xx', api5xx, 'API answered 5 or more 5xx responses in 5 minutes (includes TikTok 502/504)', 5);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `tiktok-connector-${props.stage}`,
      defaultInterval: Duration.hours(6),
    });
    const fns = props.functions.all();
    const sumOf = (metrics: IMetric[], label: string) =>
      new MathExpression({
        expression: metrics.map((_, i) => `m${i}`).join('+'),
        usingMetrics: Object.fromEntries(metrics.map((m, i) => [`m${i}`, m])),
        label,
        period: Duration.minutes(5),
      });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: `# TikTok connector (${props.stage})`, width: 24, height: 1 }),
      new GraphWidget({
        title: 'API requests and errors',
        left: [props.httpApi.metricCount(fiveMinutes), props.httpApi.metricClientError(fiveMinutes), api5xx],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (p50, p99)',
        left: [
          props.httpApi.metricLatency({ period: Duration.minutes(5), statistic: 'p50' }),
          props.httpApi.metricLatency({ period: Duration.minutes(5), statistic: 'p99' }),
        ],
        width: 12,
      }),
      new GraphWidget({ title: 'Function errors', left: fns.map((f) => f.fn.metricErrors({ ...fiveMinutes, label: f.spec.name })), width: 12 }),
      new GraphWidget({
        title: 'Function duration p95 (ms)',
        left: fns.map((f) => f.fn.metricDuration({ period: Duration.minutes(5), statistic: 'p95', label: f.spec.name })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Report queue',
        left: [
          props.reportQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
          dlqDepth,
        ],
        right: [props.reportQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' })],
        width: 12,
      }),
      new GraphWidget({
        title: 'Throttles and token refresh failures',
        left: [sumOf(fns.map((f) => f.fn.metricThrottles(fiveMinutes)), 'All function throttles')],
        right: [refreshFailed],
        width: 12,
      }),
    );
  }
}
