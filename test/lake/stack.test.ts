/**
 * The lake in the stack: Glue tables with partition projection over tenant_id and dt (no crawler),
 * the Athena workgroup (encrypted results in its own bucket, bytes-scanned limit), the analyst role
 * limited to the lake prefix and the workgroup, the capture lane's write grant, and the outputs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorStack } from '../../infra/stack.ts';
import { readStageConfig } from '../../infra/stage-config.ts';
import { DATASET_NAMES, DATASETS } from '../../shared/lake/schema.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cdkContext = (JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

describe('the lake in the stack', () => {
  let outdir: string;
  let stack: ConnectorStack;
  let template: Template;
  let app: App;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'cdk-lake-'));
    app = new App({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
    const config = readStageConfig((key) => app.node.tryGetContext(key));
    stack = new ConnectorStack(app, 'LakeTest', { config, projectRoot: root, env: { account: '111111111111', region: 'eu-west-1' } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    app.synth();
    template = Template.fromStack(stack);
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  const policyOf = (roleId: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

  it('has one Glue table per dataset, Parquet, partitioned by tenant_id and dt with projection (injected tenant, date range)', () => {
    const tables = Object.values(template.findResources('AWS::Glue::Table'));
    expect(tables.map((t) => t.Properties.TableInput.Name).sort()).toEqual([...DATASET_NAMES].sort());
    for (const t of tables) {
      const input = t.Properties.TableInput;
      expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'tenant_id', Type: 'string' }), expect.objectContaining({ Name: 'dt', Type: 'string' })]);
      expect(input.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.tenant_id.type': 'injected',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        classification: 'parquet',
      });
      expect(JSON.stringify(input.Parameters['storage.location.template'])).toContain(`/lake/${input.Name}/tenant_id=\${tenant_id}/dt=\${dt}/`);
      expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
      const cols = input.StorageDescriptor.Columns as Array<{ Name: string; Type: string }>;
      expect(cols.map((c) => c.Name)).toEqual(DATASETS[input.Name as (typeof DATASET_NAMES)[number]].columns.map((c) => c.name));
    }
    const daily = tables.find((t) => t.Properties.TableInput.Name === 'video_daily')!.Properties.TableInput.StorageDescriptor.Columns as Array<{ Name: string; Type: string }>;
    expect(Object.fromEntries(daily.map((c) => [c.Name, c.Type]))).toMatchObject({ view_count: 'bigint', create_time: 'timestamp', video_id: 'string' });
    expect(template.findResources('AWS::Glue::Crawler')).toEqual({});
    template.resourceCountIs('AWS::Glue::Database', 1);
  });

  it('has an Athena workgroup enforcing encrypted results in its own bucket and a bytes-scanned limit', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' }, OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack.lake.resultsBucket) }, '/athena/']] } },
      },
    });
    expect(stack.lake.resultsBucket).not.toBe(stack.lake.bucket);
  });

  it('limits the analyst role to the lake prefix, the lake tables and the workgroup', () => {
    const statements = policyOf(logicalId(stack.lake.analystRole));
    const json = JSON.stringify(statements);
    const lakeId = logicalId(stack.lake.bucket);
    const byAction = (a: string) => statements.filter((s) => list(s.Action).includes(a));
    // Objects: lake/ of the lake bucket only (never staging, never the delivery bucket).
    expect(byAction('s3:GetObject').flatMap((s) => list(s.Resource)).map((r) => JSON.stringify(r))).toEqual([
      JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [lakeId, 'Arn'] }, '/lake/*']] }),
      JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack.lake.resultsBucket), 'Arn'] }, '/athena/*']] }),
    ]);
    const lakeList = statements.find((s) => s.Sid === 'LakeList')!;
    expect(lakeList.Condition).toEqual({ StringLike: { 's3:prefix': ['lake/*'] } });
    expect(json).not.toContain(logicalId(stack.delivery.bucket));
    expect(json).not.toContain('lake-staging');
    // Athena: the lake workgroup only; Glue: the lake database and its tables.
    for (const s of statements.filter((x) => list(x.Action).some((a) => a.startsWith('athena:')))) expect(JSON.stringify(s.Resource)).toContain(':workgroup/tiktok-connector-');
    for (const s of statements) for (const a of list(s.Action)) expect(a).not.toContain('*');
    for (const s of statements) for (const r of list(s.Resource)) expect(r).not.toBe('*');
    expect(json).toContain(`:table/${stack.lake.databaseName}/video_daily`);
  });

  it('lets only history-capture write the lake, under lake/ and lake-staging/', () => {
    const lakeId = logicalId(stack.lake.bucket);
    for (const [name, fn] of stack.functions.byName) {
      const writes = JSON.stringify(policyOf(logicalId(fn.role))).includes(lakeId);
      expect(writes, name).toBe(name === 'history-capture');
    }
    const s = policyOf(logicalId(stack.functions.get('history-capture').role)).find((x) => x.Sid === 'LakeWrite')!;
    expect(JSON.stringify(s.Resource)).toContain('/lake/*');
    expect(JSON.stringify(s.Resource)).toContain('/lake-staging/*');
  });

  it('names the database and the workgroup in the outputs, and passes cdk-nag', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.LakeDatabaseName!.Value).toBe(stack.lake.databaseName);
    expect(outputs.LakeWorkGroupName!.Value).toBe(stack.lake.workGroup.name);
    expect(outputs.LakeBucketName).toBeDefined();
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: Array<{ pluginName: string; violations: unknown[] }> };
    expect(report.pluginReports.find((p) => p.pluginName === 'AwsSolutions')!.violations).toEqual([]);
  });
});
