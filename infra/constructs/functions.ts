/**
 * Every function of the function table (shared/topology/functions.ts) as a NodejsFunction bundled
 * with THE esbuild settings (infra/bundling.ts), each with its own role that grants exactly what
 * its `uses` declaration lists, its own log group, and the env contract of shared/config.ts.
 */
import path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Alias, Architecture, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { FUNCTIONS, type FunctionName, type FunctionPermission, type FunctionSpec } from '../../shared/topology/functions.ts';
import { cdkBundlingOptions, LAMBDA_RUNTIME } from '../bundling.ts';
import type { StageConfig } from '../stage-config.ts';
import { SERVICE_NAME } from '../../shared/api/service.ts';

/** The token vault's KMS encryption context (shared/tokens): both keys required, no others. */
export const TOKEN_CONTEXT_KEYS = ['tenantId', 'datasourceId'] as const;

/** Powertools Metrics namespace and service dimension every function emits under. */
export const METRICS_NAMESPACE = 'TikTokConnector';
export { SERVICE_NAME };

export interface FunctionsProps {
  config: StageConfig;
  projectRoot: string;
  table: Table;
  indexArns: string[];
  dataKey: Key;
  tokenKey: Key;
  bucket: Bucket;
  reportQueue: Queue;
  /** Runs that failed every try are sent here by report-generate itself (their message may be a re-send). */
  reportDeadLetterQueue: Queue;
  captureQueue: Queue;
  /** Events and webhook retries (infra/constructs/notifications.ts). */
  webhookQueue: Queue;
  webhookDeadLetterQueue: Queue;
  tiktokSecret: ISecret;
  /** The base URL users reach (custom domain or the API endpoint); builds the OAuth redirect_uri. */
  publicBaseUrl: string;
  logRetention: RetentionDays;
  /** The data lake (infra/lake): its bucket for LAKE_BUCKET, its writer grants for `lake:write`. */
  lake?: { bucket: Bucket; writerStatements(): PolicyStatement[] };
}

export interface DeployedFunction {
  spec: FunctionSpec;
  fn: NodejsFunction;
  role: Role;
  /** What API routes, rules and the queue invoke: the `live` alias when provisioned concurrency is set. */
  target: IFunction;
}

export class Functions extends Construct {
  readonly byName: ReadonlyMap<FunctionName, DeployedFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { config } = props;
    const environment: Record<string, string> = {
      STAGE: config.stage,
      LOG_LEVEL: config.logLevel,
      TABLE_NAME: props.table.tableName,
      BUCKET_NAME: props.bucket.bucketName,
      PUBLIC_BASE_URL: props.publicBaseUrl,
      // The ARN: an exact SecretId (GetSecretValue takes a name or an ARN).
      TIKTOK_SECRET_NAME: props.tiktokSecret.secretArn,
      TIKTOK_AUTH_BASE_URL: config.tiktokAuthBaseUrl,
      TIKTOK_API_BASE_URL: config.tiktokApiBaseUrl,
      TIKTOK_QUOTA_PER_MINUTE: String(config.tiktokQuotaPerMinute),
      TIKTOK_QUOTA_SCOPE: config.tiktokQuotaScope,
      ...(config.tiktokQuotaOverrides ? { TIKTOK_QUOTA_OVERRIDES: config.tiktokQuotaOverrides } : {}),
      TOKEN_KEYRING: 'kms',
      KMS_KEY_ID: props.tokenKey.keyArn,
      REPORT_QUEUE_URL: props.reportQueue.queueUrl,
      REPORT_DLQ_URL: props.reportDeadLetterQueue.queueUrl,
      CAPTURE_QUEUE_URL: props.captureQueue.queueUrl,
      WEBHOOK_QUEUE_URL: props.webhookQueue.queueUrl,
      WEBHOOK_DLQ_URL: props.webhookDeadLetterQueue.queueUrl,
      ...(props.lake ? { LAKE_BUCKET: props.lake.bucket.bucketName } : {}),
      HISTORY_CHECKPOINT_DAYS: String(config.historyCheckpointDays),
      ...(config.historyRetentionDays ? { HISTORY_RETENTION_DAYS: String(config.historyRetentionDays) } : {}),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      // Minified bundles ship a .map; with this flag stack traces in logs point at the sources.
      ...(config.sourceMapStackTraces ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
    };

    const byName = new Map<FunctionName, DeployedFunction>();
    for (const spec of FUNCTIONS) {
      const tuning = config.functions[spec.name] ?? {};
      const logGroup = new LogGroup(this, `${spec.name}-logs`, {
        retention: props.logRetention,
        removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      const role = new Role(this, `${spec.name}-role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `TikTok connector ${spec.name}: ${spec.uses.join(', ') || 'logs only'}`,
      });
      // Own log group, own statement: no AWSLambdaBasicExecutionRole (which allows every log group).
      role.addToPolicy(
        new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      );
      for (const statement of statementsFor(spec.uses, props)) role.addToPolicy(statement);
      if ((spec.uses as readonly FunctionPermission[]).includes('lake:write') && props.lake) for (const statement of props.lake.writerStatements()) role.addToPolicy(statement);

      const fn = new NodejsFunction(this, spec.name, {
        description: spec.description,
        entry: path.join(props.projectRoot, spec.entry),
        handler: 'handler',
        projectRoot: props.projectRoot,
        depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
        runtime: LAMBDA_RUNTIME,
        architecture: Architecture.ARM_64,
        memorySize: spec.memoryMb,
        timeout: Duration.seconds(spec.timeoutSeconds),
        role,
        logGroup,
        environment,
        reservedConcurrentExecutions: tuning.reservedConcurrency,
        bundling: cdkBundlingOptions(),
      });
      const target = tuning.provisionedConcurrency
        ? new Alias(this, `${spec.name}-live`, {
            aliasName: 'live',
            version: fn.currentVersion,
            provisionedConcurrentExecutions: tuning.provisionedConcurrency,
          })
        : fn;
      byName.set(spec.name, { spec, fn, role, target });
    }
    this.byName = byName;
  }

  get(name: FunctionName): DeployedFunction {
    const f = this.byName.get(name);
    if (!f) throw new Error(`No function ${name}`);
    return f;
  }

  all(): DeployedFunction[] {
    return [...this.byName.values()];
  }
}

/** The IAM statements for a `uses` list; every resource is named (no `*` where a resource can be named). */
export function statementsFor(uses: readonly FunctionPermission[], props: Pick<FunctionsProps, 'table' | 'indexArns' | 'dataKey' | 'tokenKey' | 'bucket' | 'reportQueue' | 'reportDeadLetterQueue' | 'captureQueue' | 'webhookQueue' | 'webhookDeadLetterQueue' | 'tiktokSecret'>): PolicyStatement[] {
  const has = (p: FunctionPermission) => uses.includes(p);
  const statements: PolicyStatement[] = [];
  const region = Stack.of(props.table).region;
  // DynamoDB uses the table's key on the caller's behalf; the role cannot use it directly.
  const viaDynamo = { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } };

  if (has('table:read')) {
    statements.push(
      new PolicyStatement({
        sid: 'TableRead',
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
        resources: [props.table.tableArn, ...props.indexArns],
      }),
    );
  }
  if (has('table:write')) {
    statements.push(
      new PolicyStatement({
        sid: 'TableWrite',
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources: [props.table.tableArn],
      }),
    );
  }
  if (has('table:count-requests') && !has('table:write')) {
    // A read-only function still counts its API requests: UpdateItem on the counter items, nothing else.
    statements.push(
      new PolicyStatement({
        sid: 'RequestCounters',
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
      }),
    );
  }
  const writes = has('table:write') || has('table:count-requests');
  if (has('table:read') || writes) {
    statements.push(
      new PolicyStatement({
        sid: 'TableKeyViaDynamoDB',
        actions: ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])],
        resources: [props.dataKey.keyArn],
        conditions: viaDynamo,
      }),
    );
  }

  // Token vault: envelope encryption bound to the tenant and datasource. Null=false requires both
  // context keys; ForAllValues restricts the context to exactly these keys.
  const tokenContext = {
    Null: Object.fromEntries(TOKEN_CONTEXT_KEYS.map((k) => [`kms:EncryptionContext:${k}`, 'false'])),
    'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...TOKEN_CONTEXT_KEYS] },
  };
  if (has('tokens:encrypt')) {
    statements.push(
      new PolicyStatement({ sid: 'TokenKeyEncrypt', actions: ['kms:GenerateDataKey'], resources: [props.tokenKey.keyArn], conditions: tokenContext }),
    );
  }
  if (has('tokens:decrypt')) {
    statements.push(
      new PolicyStatement({ sid: 'TokenKeyDecrypt', actions: ['kms:Decrypt'], resources: [props.tokenKey.keyArn], conditions: tokenContext }),
    );
  }
  if (has('bucket:write')) {
    statements.push(
      new PolicyStatement({ sid: 'DeliveryWrite', actions: ['s3:PutObject'], resources: [props.bucket.arnForObjects('*')] }),
    );
  }
  if (has('bucket:read')) {
    statements.push(
      new PolicyStatement({ sid: 'DeliveryHead', actions: ['s3:GetObject'], resources: [props.bucket.arnForObjects('*')] }),
      new PolicyStatement({ sid: 'DeliveryList', actions: ['s3:ListBucket'], resources: [props.bucket.bucketArn] }),
    );
  }
  if (has('bucket:download') && !has('bucket:read')) {
    // Presigned GETs only: no ListBucket, no writes.
    statements.push(new PolicyStatement({ sid: 'DeliveryDownload', actions: ['s3:GetObject'], resources: [props.bucket.arnForObjects('*')] }));
  }
  if (has('queue:send')) {
    statements.push(
      new PolicyStatement({ sid: 'ReportQueueSend', actions: ['sqs:SendMessage'], resources: [props.reportQueue.queueArn] }),
    );
  }
  if (has('capture-queue:send')) {
    statements.push(
      new PolicyStatement({ sid: 'CaptureQueueSend', actions: ['sqs:SendMessage'], resources: [props.captureQueue.queueArn] }),
    );
  }
  if (has('queue:consume')) {
    // A run that failed for good is dead-lettered explicitly: after quota waits its message is a
    // re-send whose receive count says nothing about the tries spent (docs/quota.md).
    statements.push(
      new PolicyStatement({ sid: 'ReportDeadLetterSend', actions: ['sqs:SendMessage'], resources: [props.reportDeadLetterQueue.queueArn] }),
    );
  }
  if (has('webhook-queue:send') || has('webhook-queue:consume')) {
    statements.push(new PolicyStatement({ sid: 'WebhookQueueSend', actions: ['sqs:SendMessage'], resources: [props.webhookQueue.queueArn] }));
  }
  if (has('webhook-queue:consume')) {
    // A delivery out of tries is dead-lettered explicitly (its message is a re-send with a receive count of its own).
    statements.push(new PolicyStatement({ sid: 'WebhookDeadLetterSend', actions: ['sqs:SendMessage'], resources: [props.webhookDeadLetterQueue.queueArn] }));
  }
  // queue:consume and capture-queue:consume are granted by the SQS event source (infra/constructs/scheduling.ts) on the queue ARN.
  if (has('secret:read')) {
    statements.push(
      new PolicyStatement({
        sid: 'TikTokSecretRead',
        effect: Effect.ALLOW,
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.tiktokSecret.secretArn],
      }),
    );
  }
  return statements;
}
