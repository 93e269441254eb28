/**
 * What matters in the synthesized stack: least-privilege roles per function (from the `uses`
 * declarations), table and bucket protection, alarms, routes and rules wired from the topology
 * tables, cdk-nag passing with a reason for every acknowledgement, stage settings, and one bundle
 * configuration shared by CDK and `npm run build`. Bundling is skipped except in the bundle test.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { QUOTA_ENDPOINTS } from '../../shared/quota/endpoints.ts';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cdkBundlingOptions, LAMBDA_RUNTIME } from '../../infra/bundling.ts';
import { bundleEntry } from '../../infra/bundle.ts';
import { createLocalCaptureQueue } from '../../infra/local/capture-queue.ts';
import { createLocalReportQueue } from '../../infra/local/queue.ts';
import { createLocalWebhookQueue } from '../../infra/local/webhook-queue.ts';
import { ConnectorStack } from '../../infra/stack.ts';
import { readStageConfig, StageConfigError } from '../../infra/stage-config.ts';
import { CONFIG_VARIABLES } from '../../shared/config/variables.ts';
import { CAPTURE_QUEUE_SETTINGS } from '../../shared/queue/capture.ts';
import { REPORT_QUEUE_SETTINGS } from '../../shared/queue/index.ts';
import { FUNCTIONS, type FunctionName, type FunctionPermission } from '../../shared/topology/functions.ts';
import { VISIBILITY_TIMEOUT_FACTOR } from '../../shared/topology/queues.ts';
import { WEBHOOK_QUEUE_SETTINGS } from '../../shared/webhooks/queue.ts';
import { ROUTES } from '../../shared/topology/routes.ts';
import { SCHEDULES } from '../../shared/topology/schedules.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cdkContext = (JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

interface Synth {
  stack: ConnectorStack;
  template: Template;
  outdir: string;
}

function synth(extraContext: Record<string, unknown> = {}, nag = false): Synth {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'cdk-test-'));
  const app = new App({ outdir, context: { ...cdkContext, ...extraContext, 'aws:cdk:bundling-stacks': [] } });
  const config = readStageConfig((key) => app.node.tryGetContext(key));
  const stack = new ConnectorStack(app, `Test-${config.stage}`, { config, projectRoot: root, env: { account: '111111111111', region: 'eu-west-1' } });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  app.synth();
  return { stack, template: Template.fromStack(stack), outdir };
}

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

describe('dev stack', () => {
  let dev: Synth;
  let template: Template;
  let stack: ConnectorStack;
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnRole);

  beforeAll(() => {
    dev = synth({}, true);
    ({ template, stack } = dev);
  });
  afterAll(() => dev && rmSync(dev.outdir, { recursive: true, force: true }));

  function statementsOf(name: FunctionName): Statement[] {
    const roleId = id(stack.functions.get(name).role);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
    );
    return policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  }
  const functionsWith = (pred: (s: Statement) => boolean) =>
    FUNCTIONS.filter((f) => statementsOf(f.name).some(pred))
      .map((f) => f.name)
      .sort();
  const declaring = (...perms: FunctionPermission[]) =>
    FUNCTIONS.filter((f) => perms.some((p) => (f.uses as readonly string[]).includes(p)))
      .map((f) => f.name)
      .sort();

  describe('IAM: one role per function, only what its `uses` declares', () => {
    it('gives every function its own role with no managed policies', () => {
      const roles = new Set(FUNCTIONS.map((f) => id(stack.functions.get(f.name).role)));
      expect(roles.size).toBe(FUNCTIONS.length);
      for (const f of FUNCTIONS) {
        const role = template.findResources('AWS::IAM::Role')[id(stack.functions.get(f.name).role)]!;
        expect(role.Properties.ManagedPolicyArns, f.name).toBeUndefined();
        expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
          expect.objectContaining({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        ]);
      }
    });

    it('uses no wildcard actions and no "*" resources in any function role', () => {
      for (const f of FUNCTIONS) {
        for (const s of statementsOf(f.name)) {
          for (const a of actionsOf(s)) expect(a, `${f.name} ${a}`).not.toContain('*');
          for (const r of resourcesOf(s)) expect(r, `${f.name} ${s.Sid}`).not.toBe('*');
        }
      }
    });

    it('lets only report-generate write objects, and only into the delivery bucket', () => {
      const bucketId = stack.getLogicalId(stack.delivery.bucket.node.defaultChild as CfnBucket);
      const s3Users = functionsWith((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
      // The lake writer (lake:write) writes the lake bucket only: test/lake/stack.test.ts.
      expect(s3Users).toEqual(['report-generate', ...declaring('bucket:download'), ...declaring('lake:write')].sort());
      // Download URL signers (presigned GET) get s3:GetObject on objects, nothing else.
      expect(declaring('bucket:download')).toEqual(['exports', 'mcp', 'schedules']);
      for (const name of declaring('bucket:download')) {
        const own = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
        expect(own, name).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [arnOf(stack.getLogicalId(stack.delivery.bucket.node.defaultChild as CfnBucket)), '/*']] } })]);
      }
      const s3 = statementsOf('report-generate').filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
      const objects = { 'Fn::Join': ['', [arnOf(bucketId), '/*']] };
      expect(s3).toHaveLength(3);
      expect(s3).toEqual(expect.arrayContaining([
        // HEAD before writing; ListBucket so a missing key answers 404, not 403.
        expect.objectContaining({ Action: 's3:GetObject', Resource: objects }),
        expect.objectContaining({ Action: 's3:ListBucket', Resource: arnOf(bucketId) }),
        expect.objectContaining({ Action: 's3:PutObject', Resource: objects }),
      ]));
      const putsDeliveries = (s: Statement) => actionsOf(s).includes('s3:PutObject') && JSON.stringify(resourcesOf(s)).includes(bucketId);
      expect(functionsWith(putsDeliveries)).toEqual(['report-generate']);
    });

    it('grants the token key only to token users, bound to the {tenantId, datasourceId} encryption context', () => {
      const tokenKey = arnOf(stack.getLogicalId(stack.data.tokenKey.node.defaultChild as CfnRole));
      const onTokenKey = (action: string) => (s: Statement) =>
        actionsOf(s).includes(action) && JSON.stringify(resourcesOf(s)) === JSON.stringify([tokenKey]);
      expect(functionsWith(onTokenKey('kms:GenerateDataKey'))).toEqual(declaring('tokens:encrypt'));
      expect(functionsWith(onTokenKey('kms:Decrypt'))).toEqual(declaring('tokens:decrypt'));
      // alerts: evaluate runs reports, which may refresh a token (shared/alerts).
      expect(declaring('tokens:encrypt')).toEqual(
        ['alerts', 'history-capture', 'mcp', 'oauth-callback', 'report-generate', 'report-profile', 'report-video-list', 'report-video-query', 'token-refresh'].sort(),
      );
      expect(declaring('tokens:decrypt')).toContain('datasources');
      expect(declaring('tokens:decrypt')).not.toContain('report-history');
      expect(declaring('tokens:encrypt')).not.toContain('datasources');

      for (const f of FUNCTIONS) {
        for (const s of statementsOf(f.name).filter((st) => JSON.stringify(resourcesOf(st)).includes(JSON.stringify(tokenKey)))) {
          expect(s.Condition, `${f.name} ${s.Sid}`).toEqual({
            Null: { 'kms:EncryptionContext:tenantId': 'false', 'kms:EncryptionContext:datasourceId': 'false' },
            'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenantId', 'datasourceId'] },
          });
        }
      }
      // Any other KMS permission is on the table's key and only usable through DynamoDB.
      for (const f of FUNCTIONS) {
        for (const s of statementsOf(f.name).filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')) && !JSON.stringify(st.Resource).includes(JSON.stringify(tokenKey)))) {
          expect(s.Condition, f.name).toEqual({ StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } });
        }
      }
    });

    it('matches the other permissions to the declarations', () => {
      const has = (prefix: string) => (s: Statement) => actionsOf(s).some((a) => a === prefix || a.startsWith(prefix));
      expect(functionsWith(has('secretsmanager:'))).toEqual(declaring('secret:read'));
      expect(functionsWith(has('sqs:SendMessage'))).toEqual(declaring('queue:send', 'capture-queue:send', 'webhook-queue:send', 'webhook-queue:consume'));
      expect(functionsWith(has('sqs:ReceiveMessage'))).toEqual(declaring('queue:consume', 'capture-queue:consume', 'webhook-queue:consume'));
      // Each queue only to its own senders: the capture lane never gets the report queue, nor the reverse.
      const captureQueueArn = JSON.stringify(arnOf(stack.getLogicalId(stack.scheduling.captureQueue.node.defaultChild as CfnRole)));
      const sendsTo = (arn: string) => (s: Statement) => actionsOf(s).includes('sqs:SendMessage') && JSON.stringify(resourcesOf(s)) === `[${arn}]`;
      expect(functionsWith(sendsTo(captureQueueArn))).toEqual(declaring('capture-queue:send'));
      expect(declaring('capture-queue:send')).toEqual(['history-capture', 'schedule-dispatch']);
      expect(declaring('queue:send')).not.toContain('history-capture');
      expect(functionsWith(has('dynamodb:PutItem'))).toEqual(declaring('table:write'));
      expect(functionsWith(has('dynamodb:GetItem'))).toEqual(declaring('table:read'));
      // Every function serving an API-key route may count requests; a read-only one only on RATE# items.
      const apiKeyFunctions = [...new Set(ROUTES.filter((r) => r.auth === 'apiKey').map((r) => r.functionName))].sort();
      expect(declaring('table:count-requests')).toEqual(apiKeyFunctions);
      expect(functionsWith(has('dynamodb:UpdateItem'))).toEqual(declaring('table:write', 'table:count-requests'));
      const counters = statementsOf('report-history').find((s) => s.Sid === 'RequestCounters')!;
      expect(actionsOf(counters)).toEqual(['dynamodb:UpdateItem']);
      expect(counters.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } });
      // Indexes by name, never index/*.
      const read = statementsOf('token-refresh').find((s) => s.Sid === 'TableRead')!;
      expect(JSON.stringify(read.Resource)).toContain('/index/gsi2');
      expect(JSON.stringify(read.Resource)).not.toContain('index/*');
      // meta only writes its own logs.
      expect(statementsOf('meta')).toEqual([
        expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(stack.getLogicalId(stack.functions.get('meta').fn.logGroup.node.defaultChild as CfnRole)) }),
      ]);
    });
  });

  describe('data and delivery', () => {
    it('encrypts the table with the customer-managed key, with PITR, TTL, on-demand and both GSIs', () => {
      const dataKey = stack.getLogicalId(stack.data.dataKey.node.defaultChild as CfnRole);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(dataKey) },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }] }),
          Match.objectLike({ IndexName: 'gsi2', KeySchema: [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }, { AttributeName: 'gsi2sk', KeyType: 'RANGE' }] }),
        ],
      });
      const keys = Object.values(template.findResources('AWS::KMS::Key'));
      expect(keys).toHaveLength(2);
      for (const k of keys) expect(k.Properties.EnableKeyRotation).toBe(true);
      // dev: data goes with the stack
      template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    });

    it('blocks public access and requires TLS on both buckets; versions and expires deliveries; logs access', () => {
      const buckets = template.findResources('AWS::S3::Bucket');
      // Deliveries, access logs, and the lake's data and query-results buckets (infra/lake).
      expect(Object.keys(buckets)).toHaveLength(4);
      for (const b of Object.values(buckets)) {
        expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
        expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBeDefined();
      }
      const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
      expect(policies).toHaveLength(4);
      for (const p of policies) {
        expect(p.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        );
      }
      const deliveries = buckets[stack.getLogicalId(stack.delivery.bucket.node.defaultChild as CfnBucket)]!;
      const logs = stack.getLogicalId(stack.delivery.accessLogs.node.defaultChild as CfnBucket);
      expect(deliveries.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(deliveries.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logs }, LogFilePrefix: 'deliveries/' });
      expect(deliveries.Properties.LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({ ExpirationInDays: (cdkContext.stages as { dev: { deliveryRetentionDays: number } }).dev.deliveryRetentionDays, Status: 'Enabled' }),
      );
    });
  });

  describe('functions, routes and rules come from the topology tables', () => {
    it('creates exactly the function table: Node 24 on arm64 with the env contract', () => {
      // Besides ours, only CDK's own provider for autoDeleteObjects (dev) is a Lambda function.
      const ours = Object.keys(template.findResources('AWS::Lambda::Function')).filter((logicalId) => !logicalId.startsWith('CustomS3AutoDeleteObjects'));
      expect(ours.sort()).toEqual(FUNCTIONS.map((f) => stack.getLogicalId(stack.functions.get(f.name).fn.node.defaultChild as CfnRole)).sort());
      for (const spec of FUNCTIONS) {
        const f = template.findResources('AWS::Lambda::Function')[stack.getLogicalId(stack.functions.get(spec.name).fn.node.defaultChild as CfnRole)]!;
        expect(f.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: spec.memoryMb, Timeout: spec.timeoutSeconds });
        expect(Object.keys(f.Properties.Environment.Variables).sort()).toEqual(
          ['BUCKET_NAME', 'CAPTURE_QUEUE_URL', 'HISTORY_CHECKPOINT_DAYS', 'KMS_KEY_ID', 'LAKE_BUCKET', 'LOG_LEVEL', 'NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'PUBLIC_BASE_URL', 'REPORT_DLQ_URL', 'REPORT_QUEUE_URL', 'STAGE', 'TABLE_NAME', 'TIKTOK_API_BASE_URL', 'TIKTOK_AUTH_BASE_URL', 'TIKTOK_QUOTA_PER_MINUTE', 'TIKTOK_QUOTA_SCOPE', 'TIKTOK_SECRET_NAME', 'TOKEN_KEYRING', 'WEBHOOK_DLQ_URL', 'WEBHOOK_QUEUE_URL'].sort(),
        );
        expect(f.Properties.Environment.Variables).toMatchObject({ TOKEN_KEYRING: 'kms', POWERTOOLS_METRICS_NAMESPACE: 'TikTokConnector', STAGE: 'dev', HISTORY_CHECKPOINT_DAYS: '28' });
        // No retention configured for dev: snapshots are kept forever (no HISTORY_RETENTION_DAYS).
        expect(f.Properties.Environment.Variables.HISTORY_RETENTION_DAYS).toBeUndefined();
        // Every variable the stack passes is one the validated config reads (Powertools and Node read theirs).
        const ofOthers = /^(POWERTOOLS_|NODE_OPTIONS$)/;
        expect(Object.keys(f.Properties.Environment.Variables).filter((v) => !ofOthers.test(v) && !CONFIG_VARIABLES.includes(v))).toEqual([]);
      }
      expect(LAMBDA_RUNTIME.name).toBe('nodejs24.x');
    });

    it('wires every route of the route table to its function with payload 2.0', () => {
      const routes = template.findResources('AWS::ApiGatewayV2::Route');
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
      expect(Object.keys(routes)).toHaveLength(ROUTES.length);
      for (const spec of ROUTES) {
        const route = Object.values(routes).find((r) => r.Properties.RouteKey === `${spec.method} ${spec.path}`);
        expect(route, `${spec.method} ${spec.path}`).toBeDefined();
        const target = route!.Properties.Target['Fn::Join'][1] as unknown[];
        const integrationId = (target[1] as { Ref: string }).Ref;
        const integration = integrations[integrationId]!;
        expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
        const fnId = stack.getLogicalId(stack.functions.get(spec.functionName).fn.node.defaultChild as CfnRole);
        expect(integration.Properties.IntegrationUri, `${spec.method} ${spec.path}`).toEqual(arnOf(fnId));
      }
    });

    it('throttles the default stage and writes JSON access logs without raw paths', () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      expect(stage.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
      const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
      expect(Object.values(format)).not.toContain('$context.path');
      const logGroupId = stack.getLogicalId(stack.api.accessLogs.node.defaultChild as CfnRole);
      expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual(arnOf(logGroupId));
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    });

    it('creates one rule per schedule, targeting its function', () => {
      const rules = Object.values(template.findResources('AWS::Events::Rule'));
      expect(rules).toHaveLength(SCHEDULES.length);
      for (const spec of SCHEDULES) {
        const fnId = stack.getLogicalId(stack.functions.get(spec.target).fn.node.defaultChild as CfnRole);
        const rule = rules.find((r) => r.Properties.ScheduleExpression === spec.schedule && JSON.stringify(r.Properties.Targets).includes(fnId));
        expect(rule, spec.rule).toBeDefined();
        expect(rule!.Properties.Targets).toEqual([expect.objectContaining({ Arn: arnOf(fnId), RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 2 }) })]);
      }
    });

    it('feeds report-generate from the queue one message at a time, bounded, with a DLQ after 3 receives', () => {
      const fnId = stack.getLogicalId(stack.functions.get('report-generate').fn.node.defaultChild as CfnRole);
      // report queue, capture queue, webhook queue
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId },
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
      const dlqId = stack.getLogicalId(stack.scheduling.deadLetterQueue.node.defaultChild as CfnRole);
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId), maxReceiveCount: 3 },
        // AWS guidance: 6x the consumer's timeout, the consumer's timeout from the function table.
        VisibilityTimeout: 6 * FUNCTIONS.find((f) => f.name === 'report-generate')!.timeoutSeconds,
        SqsManagedSseEnabled: true,
      });
    });

    it('keeps the report queue a standard queue: a fair queue by MessageGroupId, not FIFO', () => {
      for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
        expect(queue.Properties?.FifoQueue).toBeUndefined();
      }
    });

    it('feeds history-capture from its own queue (the background lane), bounded by CAPTURE_QUEUE_SETTINGS, with its own DLQ', () => {
      const fnId = stack.getLogicalId(stack.functions.get('history-capture').fn.node.defaultChild as CfnRole);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId },
        EventSourceArn: arnOf(stack.getLogicalId(stack.scheduling.captureQueue.node.defaultChild as CfnRole)),
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 10 },
      });
      const dlqId = stack.getLogicalId(stack.scheduling.captureDeadLetterQueue.node.defaultChild as CfnRole);
      template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId), maxReceiveCount: 5 }, SqsManagedSseEnabled: true });
    });
  });

  describe('queue timing: one source (the function table) for the stack and the local stand-ins', () => {
    type Local = { send(): Promise<void>; deadLetters(): number; close(): Promise<void> };
    const failing = (received: number[]) => async (event: SQSEvent) => {
      received.push(Date.now());
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    };
    const queues: Array<{
      name: string;
      consumer: FunctionName;
      settings: { consumer: string; visibilityTimeoutSeconds: number; maxReceiveCount: number; maxConcurrency: number };
      queue: () => Queue;
      local: (received: number[]) => Local;
    }> = [
      {
        name: 'report',
        consumer: 'report-generate',
        settings: REPORT_QUEUE_SETTINGS,
        queue: () => stack.scheduling.reportQueue,
        local: (received) => {
          const q = createLocalReportQueue(failing(received));
          return { send: () => q.send([{ tenantId: 't', scheduleId: 's', slot: '20300101T000000Z' }]), deadLetters: () => q.deadLetters.length, close: q.close };
        },
      },
      {
        name: 'capture',
        consumer: 'history-capture',
        settings: CAPTURE_QUEUE_SETTINGS,
        queue: () => stack.scheduling.captureQueue,
        local: (received) => {
          const q = createLocalCaptureQueue(failing(received));
          return { send: () => q.send([{ kind: 'capture', tenantId: 't', datasourceId: 'ds', day: '2030-01-01', attempt: 0 }]), deadLetters: () => q.inner.deadLetters.length, close: q.close };
        },
      },
      {
        name: 'webhook',
        consumer: 'webhook-deliver',
        settings: WEBHOOK_QUEUE_SETTINGS,
        queue: () => stack.notifications.webhookQueue,
        local: (received) => {
          const q = createLocalWebhookQueue(failing(received));
          const event = { id: `msg_${'0'.repeat(24)}`, type: 'webhook.test' as const, timestamp: '2030-01-01T00:00:00Z', data: {} };
          return { send: () => q.send({ kind: 'event', tenantId: 't', event }), deadLetters: () => q.inner.deadLetters.length, close: q.close };
        },
      },
    ];

    for (const q of queues) {
      it(`${q.name} queue: the template's visibility timeout and receives are the settings derived from ${q.consumer}'s timeout`, () => {
        const timeout = FUNCTIONS.find((f) => f.name === q.consumer)!.timeoutSeconds;
        expect(q.settings.consumer).toBe(q.consumer);
        expect(q.settings.visibilityTimeoutSeconds).toBe(VISIBILITY_TIMEOUT_FACTOR * timeout);
        const props = template.findResources('AWS::SQS::Queue')[stack.getLogicalId(q.queue().node.defaultChild as CfnRole)]!.Properties;
        expect(props.VisibilityTimeout).toBe(q.settings.visibilityTimeoutSeconds);
        expect(props.RedrivePolicy.maxReceiveCount).toBe(q.settings.maxReceiveCount);
        const fnId = stack.getLogicalId(stack.functions.get(q.consumer).fn.node.defaultChild as CfnRole);
        const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).find((m) => m.Properties.FunctionName.Ref === fnId)!;
        expect(mapping.Properties.EventSourceArn).toEqual(arnOf(stack.getLogicalId(q.queue().node.defaultChild as CfnRole)));
        // The report queue's bound is the stage's reportConcurrency (cdk.json); the others are fixed.
        if (q.name !== 'report') expect(mapping.Properties.ScalingConfig.MaximumConcurrency).toBe(q.settings.maxConcurrency);
      });

      it(`${q.name} queue: the local stand-in redelivers a failed message after that same visibility timeout, and dead-letters after the same receives`, async () => {
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
        const received: number[] = [];
        const local = q.local(received);
        try {
          await local.send();
          await vi.advanceTimersByTimeAsync(0);
          expect(received).toHaveLength(1);
          const visibilityMs = q.settings.visibilityTimeoutSeconds * 1000;
          await vi.advanceTimersByTimeAsync(visibilityMs - 1);
          expect(received).toHaveLength(1);
          await vi.advanceTimersByTimeAsync(1);
          expect(received).toHaveLength(2);
          await vi.advanceTimersByTimeAsync(visibilityMs * q.settings.maxReceiveCount);
          expect(received).toHaveLength(q.settings.maxReceiveCount);
          expect(received.slice(1).map((t, i) => t - received[i]!)).toEqual(Array(q.settings.maxReceiveCount - 1).fill(visibilityMs));
          expect(local.deadLetters()).toBe(1);
        } finally {
          await local.close();
          vi.useRealTimers();
        }
      });
    }
  });

  describe('alarms', () => {
    const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const alarmOn = (metricName: string, dimensions?: unknown) =>
      alarms().filter((a) => a.Properties.MetricName === metricName && (dimensions === undefined || JSON.stringify(a.Properties.Dimensions) === JSON.stringify(dimensions)));

    it('alarms on errors and throttles of every function', () => {
      for (const spec of FUNCTIONS) {
        const fnId = stack.getLogicalId(stack.functions.get(spec.name).fn.node.defaultChild as CfnRole);
        const dims = [{ Name: 'FunctionName', Value: { Ref: fnId } }];
        expect(alarmOn('Errors', dims), spec.name).toHaveLength(1);
        expect(alarmOn('Throttles', dims), spec.name).toHaveLength(1);
      }
    });

    it('alarms on DLQ depth, token refresh failures and API 5xx, all notifying the topic', () => {
      const dlqId = stack.getLogicalId(stack.scheduling.deadLetterQueue.node.defaultChild as CfnRole);
      expect(alarmOn('ApproximateNumberOfMessagesVisible', [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }])).toHaveLength(1);
      const refresh = alarmOn('TokenRefreshFailed');
      expect(refresh).toHaveLength(1);
      expect(refresh[0]!.Properties).toMatchObject({ Namespace: 'TikTokConnector', Dimensions: [{ Name: 'service', Value: 'tiktok-connector' }], Statistic: 'Sum' });
      expect(alarmOn('5xx')).toHaveLength(1);
      const topicId = stack.getLogicalId(stack.observability.topic.node.defaultChild as CfnRole);
      for (const a of alarms()) expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      // The capture lane: its DLQ, and "the snapshot backlog cannot finish within its day".
      const captureDlqId = stack.getLogicalId(stack.scheduling.captureDeadLetterQueue.node.defaultChild as CfnRole);
      expect(alarmOn('ApproximateNumberOfMessagesVisible', [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [captureDlqId, 'QueueName'] } }])).toHaveLength(1);
      expect(alarmOn('SnapshotBacklogOverrunCalls')[0]?.Properties).toMatchObject({ Namespace: 'TikTokConnector', Dimensions: [{ Name: 'service', Value: 'tiktok-connector' }] });
      // The shared TikTok quota: each counted endpoint above 90 % of its limit for 15 minutes.
      const quota = alarmOn('QuotaPermitsGranted');
      expect(quota.map((a) => (a.Properties.Dimensions as Array<{ Name: string; Value: string }>).find((d) => d.Name === 'Endpoint')!.Value).sort()).toEqual([...QUOTA_ENDPOINTS].sort());
      for (const a of quota) expect(a.Properties).toMatchObject({ Threshold: 540, Period: 60, EvaluationPeriods: 15, DatapointsToAlarm: 15, Statistic: 'Sum' });
      // A committed day the lake could not take.
      expect(alarmOn('LakeWriteFailed')[0]?.Properties).toMatchObject({ Statistic: 'Sum', Period: 3600, Threshold: 1 });
      // + the webhook DLQ and disabled-subscription alarms (infra/constructs/notifications.ts)
      expect(alarms()).toHaveLength(2 * FUNCTIONS.length + 6 + QUOTA_ENDPOINTS.length + 2);
    });
  });

  it('passes cdk-nag AwsSolutions, with a written reason for every acknowledgement', () => {
    const report = JSON.parse(readFileSync(path.join(dev.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations: Array<{ ruleName: string; reason: string }> }>;
    };
    const nag = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions')!;
    expect(nag.violations).toEqual([]);
    expect(nag.conclusion).toBe('success');
    for (const s of nag.suppressedViolations) expect(s.reason.length, s.ruleName).toBeGreaterThan(80);
    expect(new Set(nag.suppressedViolations.map((s) => s.ruleName.replace(/\[.*$/, '')))).toEqual(new Set(['AwsSolutions-APIG4', 'AwsSolutions-SMG4', 'AwsSolutions-IAM5']));
  });

  it('outputs what the README and the tenant CLI need', () => {
    const outputs = template.findOutputs('*');
    for (const name of ['ApiUrl', 'RedirectUri', 'TableName', 'BucketName', 'TikTokSecretName', 'TikTokSecretArn', 'AlarmTopicArn']) expect(outputs[name], name).toBeDefined();
    // Functions read the secret by its exact ARN.
    const secretId = stack.getLogicalId(stack.secrets.tiktokApp.node.defaultChild as CfnRole);
    const anyFn = template.findResources('AWS::Lambda::Function')[stack.getLogicalId(stack.functions.get('connect').fn.node.defaultChild as CfnRole)]!;
    expect(anyFn.Properties.Environment.Variables.TIKTOK_SECRET_NAME).toEqual({ Ref: secretId });
    expect(JSON.stringify(outputs.RedirectUri!.Value)).toContain('/v1/oauth/callback');
  });
});

describe('prod stage settings', () => {
  let prod: Synth;
  beforeAll(() => {
    prod = synth({
      stage: 'prod',
      domainName: 'api.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc',
      alarmEmail: 'ops@example.com',
      stages: {
        ...(cdkContext.stages as Record<string, object>),
        prod: {
          ...(cdkContext.stages as Record<string, Record<string, unknown>>).prod,
          historyRetentionDays: 730,
          functions: { 'report-profile': { provisionedConcurrency: 2, reservedConcurrency: 20 } },
        },
      },
    });
  });
  afterAll(() => prod && rmSync(prod.outdir, { recursive: true, force: true }));

  it('leaves source-map stack traces off (cold start) where the stage says so', () => {
    for (const f of Object.values(prod.template.findResources('AWS::Lambda::Function'))) {
      if (f.Properties.Environment) expect(f.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    }
  });

  it('passes a configured history retention to the functions', () => {
    for (const f of Object.values(prod.template.findResources('AWS::Lambda::Function'))) {
      if (f.Properties.Environment?.Variables?.TABLE_NAME) expect(f.Properties.Environment.Variables.HISTORY_RETENTION_DAYS).toBe('730');
    }
  });

  it('retains data and protects the table', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    for (const b of Object.values(prod.template.findResources('AWS::S3::Bucket'))) expect(b.DeletionPolicy).toBe('Retain');
    prod.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('uses the custom domain for the redirect URI and routes through the provisioned alias', () => {
    const { template, stack } = prod;
    expect(template.findOutputs('RedirectUri').RedirectUri!.Value).toBe('https://api.example.com/v1/oauth/callback');
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'api.example.com' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const fnId = stack.getLogicalId(stack.functions.get('report-profile').fn.node.defaultChild as CfnRole);
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 20 });
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    const aliasId = stack.getLogicalId(stack.functions.get('report-profile').target.node.defaultChild as CfnRole);
    const uris = Object.values(template.findResources('AWS::ApiGatewayV2::Integration')).map((i) => JSON.stringify(i.Properties.IntegrationUri));
    expect(uris).toContain(JSON.stringify({ Ref: aliasId }));
    expect(uris).not.toContain(JSON.stringify(arnOf(fnId)));
  });

  it('rejects invalid stage context', () => {
    const ctx = (extra: Record<string, unknown>) => (key: string) => ({ ...cdkContext, ...extra })[key];
    expect(() => readStageConfig(ctx({ stage: 'staging' }))).toThrow(StageConfigError);
    expect(() => readStageConfig(ctx({ domainName: 'api.example.com' }))).toThrow(/go together/);
    expect(() => readStageConfig(ctx({ stages: { dev: { ...(cdkContext.stages as { dev: object }).dev, functions: { nope: {} } } } }))).toThrow(/functions/);
    expect(() => readStageConfig(ctx({ stages: { dev: { ...(cdkContext.stages as { dev: object }).dev, retainData: 'no' } } }))).toThrow(/retainData/);
    expect(readStageConfig(ctx({ reportConcurrency: '7' })).reportConcurrency).toBe(7);
  });
});

describe('bundling', () => {
  it('CDK and npm run build produce the same bundle, with the AWS SDK inside it', async () => {
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'cdk-bundle-'));
    try {
      const entry = path.join(root, 'test/infra/fixtures/bundle-probe.ts');
      const app = new App({ outdir });
      const stack = new Stack(app, 'BundleProbe');
      new NodejsFunction(stack, 'Probe', { entry, runtime: LAMBDA_RUNTIME, projectRoot: root, depsLockFilePath: path.join(root, 'package-lock.json'), bundling: cdkBundlingOptions() });
      app.synth();
      const assetDir = readdirSync(outdir).find((d) => d.startsWith('asset.'))!;
      const fromCdk = readFileSync(path.join(outdir, assetDir, 'index.mjs'));

      const built = await bundleEntry('probe', entry, path.join(outdir, 'dist'));
      const fromBuild = readFileSync(built.outfile);
      expect(fromBuild.equals(fromCdk)).toBe(true);

      const code = fromBuild.toString('utf8');
      expect(code.startsWith("import{createRequire}from'module';const require=createRequire(import.meta.url);")).toBe(true);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(code).toContain('GetItem');
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000); // two esbuild runs; slow only on a loaded machine
});
