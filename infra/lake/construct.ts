/**
 * The lake in AWS: its bucket (written by the capture lane under `lake/`), a Glue database with one
 * table per dataset using partition projection (tenant_id injected, dt a date range: no crawler,
 * no partition to register, and every query must name its tenant), an Athena workgroup that
 * enforces encrypted results in its own bucket and a bytes-scanned limit, and an analyst role that
 * can read only `lake/` through that workgroup. Columns come from shared/lake/schema.ts.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { AccountRootPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATASET_NAMES, DATASETS, glueType, LAKE_PREFIX, PARTITION_COLUMNS, STAGING_PREFIX, type DatasetName } from '../../shared/lake/schema.ts';

export interface LakeProps {
  stage: string;
  retainData: boolean;
  accessLogs: IBucket;
  /** Athena stops (and bills no more than) a query past this many bytes scanned. */
  bytesScannedCutoffPerQuery?: number;
  /** First day partition projection enumerates. */
  firstDay?: string;
}

export const DEFAULT_SCAN_LIMIT_BYTES = 10 * 1024 ** 3;

export class Lake extends Construct {
  readonly bucket: Bucket;
  readonly resultsBucket: Bucket;
  readonly databaseName: string;
  readonly tables: Record<DatasetName, CfnTable>;
  readonly workGroup: CfnWorkGroup;
  readonly analystRole: Role;

  constructor(scope: Construct, id: string, props: LakeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removal = props.retainData ? { removalPolicy: RemovalPolicy.RETAIN } : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };
    const secure = {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
    };

    this.bucket = new Bucket(this, 'Data', {
      ...secure,
      serverAccessLogsPrefix: 'lake/',
      versioned: true,
      lifecycleRules: [
        // A rerun replaces a day: the replaced versions are not needed for long.
        { id: 'expire-replaced-files', noncurrentVersionExpiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Staged datasource-days only feed the day's compaction (and a backfill's video details).
        { id: 'expire-staging', prefix: STAGING_PREFIX, expiration: Duration.days(35) },
      ],
      ...removal,
    });
    this.resultsBucket = new Bucket(this, 'QueryResults', {
      ...secure,
      serverAccessLogsPrefix: 'lake-results/',
      lifecycleRules: [{ id: 'expire-results', expiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      ...removal,
    });

    this.databaseName = `tiktok_connector_${props.stage.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
    const database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'TikTok connector data lake (Parquet, Hive-partitioned by tenant_id and dt)' },
    });

    const firstDay = props.firstDay ?? '2024-01-01';
    const tables = {} as Record<DatasetName, CfnTable>;
    for (const name of DATASET_NAMES) {
      const location = `s3://${this.bucket.bucketName}/${LAKE_PREFIX}${name}/`;
      const table = new CfnTable(this, `Table-${name}`, {
        catalogId: stack.account,
        databaseName: this.databaseName,
        tableInput: {
          name,
          description: DATASETS[name].description,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            EXTERNAL: 'TRUE',
            classification: 'parquet',
            'parquet.compression': 'SNAPPY',
            'projection.enabled': 'true',
            // Tenant ids are not enumerable: every query names its tenant (per-tenant by construction).
            'projection.tenant_id.type': 'injected',
            'projection.dt.type': 'date',
            'projection.dt.format': 'yyyy-MM-dd',
            'projection.dt.range': `${firstDay},NOW`,
            'projection.dt.interval': '1',
            'projection.dt.interval.unit': 'DAYS',
            'storage.location.template': `${location}tenant_id=\${tenant_id}/dt=\${dt}/`,
          },
          partitionKeys: PARTITION_COLUMNS.map((p) => ({ name: p.name, type: 'string', comment: p.comment })),
          storageDescriptor: {
            location,
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
            columns: DATASETS[name].columns.map((c) => ({ name: c.name, type: glueType(c.type), comment: c.comment })),
          },
        },
      });
      table.addResourceDependency(database);
      tables[name] = table;
    }
    this.tables = tables;

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `tiktok-connector-${props.stage}-lake`,
      description: 'Queries over the TikTok connector lake: encrypted results, bytes-scanned limit',
      recursiveDeleteOption: !props.retainData,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? DEFAULT_SCAN_LIMIT_BYTES,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/athena/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.name });
    const catalogArn = stack.formatArn({ service: 'glue', resource: 'catalog' });
    const databaseArn = stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName });
    const tableArns = DATASET_NAMES.map((n) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${n}` }));

    this.analystRole = new Role(this, 'AnalystRole', {
      assumedBy: new AccountRootPrincipal(),
      description: 'Reads the lake (lake/ prefix only) through the lake Athena workgroup; nothing else',
      maxSessionDuration: Duration.hours(4),
    });
    const statements = [
      new PolicyStatement({
        sid: 'AthenaLakeWorkGroup',
        actions: ['athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:GetQueryRuntimeStatistics', 'athena:GetWorkGroup', 'athena:ListQueryExecutions', 'athena:BatchGetQueryExecution'],
        resources: [workGroupArn],
      }),
      new PolicyStatement({
        sid: 'GlueLakeTables',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [catalogArn, databaseArn, ...tableArns],
      }),
      new PolicyStatement({ sid: 'LakeObjects', actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${LAKE_PREFIX}*`)] }),
      new PolicyStatement({
        sid: 'LakeList',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${LAKE_PREFIX}*`] } },
      }),
      new PolicyStatement({ sid: 'LakeBucketLocation', actions: ['s3:GetBucketLocation'], resources: [this.bucket.bucketArn, this.resultsBucket.bucketArn] }),
      new PolicyStatement({
        sid: 'QueryResults',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.resultsBucket.arnForObjects('athena/*')],
      }),
      new PolicyStatement({ sid: 'QueryResultsList', actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [this.resultsBucket.bucketArn] }),
    ];
    for (const s of statements) this.analystRole.addToPolicy(s);
  }

  /** cdk-nag IAM5: object keys under a prefix are only known at run time (tenant, day); each grant is one prefix of one bucket. */
  acknowledgeFindings(writerRoles: readonly Role[]): void {
    const stack = Stack.of(this);
    const lake = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const results = stack.getLogicalId(this.resultsBucket.node.defaultChild as CfnBucket);
    const ack = (scope: Construct, resource: string, reason: string) =>
      Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`, reason });
    ack(this.analystRole, `<${lake}.Arn>/${LAKE_PREFIX}*`, 'The analyst reads lake files whose keys are only known at query time (lake/<dataset>/tenant_id=<t>/dt=<day>/part-<n>.parquet); s3:GetObject only, on the lake/ prefix of the lake bucket only (never staging, never deliveries).');
    ack(this.analystRole, `<${results}.Arn>/athena/*`, 'Athena writes and reads query results under athena/ of the workgroup\'s own results bucket with the caller\'s credentials; result keys are query execution ids, unknown in advance.');
    for (const role of writerRoles) {
      ack(role, `<${lake}.Arn>/${LAKE_PREFIX}*`, 'The capture lane writes (and replaces on rerun) one Parquet file per tenant, dataset and day under lake/; keys are only known at run time. Get/Put/Delete on objects under lake/ of the lake bucket only.');
      ack(role, `<${lake}.Arn>/${STAGING_PREFIX}*`, 'The capture lane stages each datasource-day under lake-staging/ and reads them back to compact the tenant-day file; keys are only known at run time. Objects under lake-staging/ of the lake bucket only.');
    }
  }

  /** What the capture lane needs: write, read and list the lake and its staging area, delete replaced days. */
  writerStatements(): PolicyStatement[] {
    const prefixes = [LAKE_PREFIX, STAGING_PREFIX];
    return [
      new PolicyStatement({
        sid: 'LakeWrite',
        actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        resources: prefixes.map((p) => this.bucket.arnForObjects(`${p}*`)),
      }),
      new PolicyStatement({
        sid: 'LakeStagingList',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${STAGING_PREFIX}*`] } },
      }),
    ];
  }
}
