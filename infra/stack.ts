/**
 * The TikTok connector stack, composed of one construct per concern. Functions, routes and rules
 * come from the topology tables in shared/topology (the local runtime reads the same tables).
 */
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { routeByOperationId } from '../shared/topology/routes.ts';
import { Api } from './constructs/api.ts';
import { Data } from './constructs/data.ts';
import { Delivery } from './constructs/delivery.ts';
import { Functions } from './constructs/functions.ts';
import { Lake } from './lake/construct.ts';
import { Observability } from './constructs/observability.ts';
import { Notifications } from './constructs/notifications.ts';
import { Scheduling } from './constructs/scheduling.ts';
import { Secrets } from './constructs/secrets.ts';
import { acknowledgeFindings } from './nag-acknowledgements.ts';
import { OUTPUTS } from './outputs.ts';
import { quotaSettingsOf, type StageConfig } from './stage-config.ts';

export interface ConnectorStackProps extends StackProps {
  config: StageConfig;
  /** Repository root (function entries, package-lock.json). */
  projectRoot: string;
}

export class ConnectorStack extends Stack {
  readonly data: Data;
  readonly secrets: Secrets;
  readonly delivery: Delivery;
  readonly scheduling: Scheduling;
  readonly api: Api;
  readonly functions: Functions;
  readonly observability: Observability;
  readonly notifications: Notifications;
  readonly lake: Lake;

  constructor(scope: Construct, id: string, props: ConnectorStackProps) {
    super(scope, id, props);
    const { config } = props;
    // Dashboards: the CDK's resource spec knows Tags, cfn-lint's CloudFormation schema does not; skip them.
    const tagOptions = { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] };
    Tags.of(this).add('service', 'tiktok-connector', tagOptions);
    Tags.of(this).add('stage', config.stage, tagOptions);
    const logRetention = toRetentionDays(config.logRetentionDays);

    this.data = new Data(this, 'Data', { retainData: config.retainData });
    this.secrets = new Secrets(this, 'Secrets', { stage: config.stage, retainData: config.retainData });
    this.delivery = new Delivery(this, 'Delivery', { retainData: config.retainData, retentionDays: config.deliveryRetentionDays });
    this.lake = new Lake(this, 'Lake', { stage: config.stage, retainData: config.retainData, accessLogs: this.delivery.accessLogs });
    this.scheduling = new Scheduling(this, 'Scheduling', { retainData: config.retainData });
    this.api = new Api(this, 'Api', { config, logRetention });
    this.notifications = new Notifications(this, 'Notifications', { retainData: config.retainData });
    this.functions = new Functions(this, 'Functions', {
      config,
      projectRoot: props.projectRoot,
      table: this.data.table,
      indexArns: this.data.indexArns,
      dataKey: this.data.dataKey,
      tokenKey: this.data.tokenKey,
      bucket: this.delivery.bucket,
      reportQueue: this.scheduling.reportQueue,
      reportDeadLetterQueue: this.scheduling.deadLetterQueue,
      captureQueue: this.scheduling.captureQueue,
      webhookQueue: this.notifications.webhookQueue,
      webhookDeadLetterQueue: this.notifications.webhookDeadLetterQueue,
      tiktokSecret: this.secrets.tiktokApp,
      publicBaseUrl: this.api.publicBaseUrl,
      logRetention,
      lake: this.lake,
    });
    this.api.addRoutes(this.functions);
    this.scheduling.connect(this.functions, config.reportConcurrency);
    this.observability = new Observability(this, 'Observability', {
      stage: config.stage,
      functions: this.functions,
      httpApi: this.api.httpApi,
      reportQueue: this.scheduling.reportQueue,
      deadLetterQueue: this.scheduling.deadLetterQueue,
      captureQueue: this.scheduling.captureQueue,
      captureDeadLetterQueue: this.scheduling.captureDeadLetterQueue,
      topicKey: this.data.dataKey,
      quota: quotaSettingsOf(config),
      alarmEmail: config.alarmEmail,
    });
    this.notifications.connect(this.functions, this.observability.topic);

    const output = (name: string, value: string, description: string) => new CfnOutput(this, name, { value, description });
    output(OUTPUTS.apiUrl, this.api.publicBaseUrl, 'API base URL (routes start with /v1)');
    output(OUTPUTS.redirectUri, `${this.api.publicBaseUrl}${routeByOperationId('oauthCallback').path}`, 'Register this exact Redirect URI in the TikTok developer portal (Login Kit)');
    output(OUTPUTS.tableName, this.data.table.tableName, 'DynamoDB table (tenants, keys, datasources, schedules, runs)');
    output(OUTPUTS.bucketName, this.delivery.bucket.bucketName, 'S3 bucket scheduled reports are delivered to');
    output(OUTPUTS.tiktokSecretName, this.secrets.tiktokApp.secretName, 'Secrets Manager secret for {"clientKey","clientSecret"}');
    output(OUTPUTS.tiktokSecretArn, this.secrets.tiktokApp.secretArn, 'ARN of that secret (what the functions read)');
    output(OUTPUTS.tokenKeyArn, this.data.tokenKey.keyArn, 'KMS key of the token vault');
    output(OUTPUTS.reportQueueUrl, this.scheduling.reportQueue.queueUrl, 'Queue of scheduled report runs');
    output(OUTPUTS.deadLetterQueueUrl, this.scheduling.deadLetterQueue.queueUrl, 'Report runs that failed every retry');
    output(OUTPUTS.alarmTopicArn, this.observability.topic.topicArn, 'SNS topic of the alarms (subscribe e-mail, chat, paging)');
    output(OUTPUTS.dashboardName, this.observability.dashboard.dashboardName, 'CloudWatch dashboard');
    output(OUTPUTS.lakeBucketName, this.lake.bucket.bucketName, 'S3 bucket of the data lake (Parquet under lake/<dataset>/tenant_id=<t>/dt=<day>/)');
    output(OUTPUTS.lakeDatabaseName, this.lake.databaseName, 'Glue database of the lake tables (profile_daily, video_daily, videos)');
    output(OUTPUTS.lakeWorkGroupName, this.lake.workGroup.name, 'Athena workgroup for lake queries (encrypted results, bytes-scanned limit)');
    output(OUTPUTS.lakeResultsBucketName, this.lake.resultsBucket.bucketName, 'S3 bucket of the Athena query results');
    output(OUTPUTS.lakeAnalystRoleArn, this.lake.analystRole.roleArn, 'Role that may query the lake through the workgroup, and read nothing else');

    acknowledgeFindings(this);
  }
}

function toRetentionDays(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) throw new Error(`logRetentionDays ${days} is not a CloudWatch Logs retention (one of ${allowed.join(', ')})`);
  return days as RetentionDays;
}
