/**
 * `npm run lake:backfill -- [--tenant <id>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--data-dir <dir> | --stack <name> [--region r]]`:
 * writes the lake from the history already stored (shared/lake/backfill.ts). Locally (default
 * DATA_DIR or .data; stop npm start first) into <dir>/lake; with --stack into the stack's lake bucket
 * (output LakeBucketName) with the caller's credentials. Idempotent: a rerun replaces.
 */
import { DescribeStacksCommand, CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, dayOf, isDay } from '../../shared/history/days.ts';
import { backfillLake } from '../../shared/lake/backfill.ts';
import { fileLakeStorage, s3LakeStorage, type LakeStorage } from '../../shared/lake/storage.ts';
import { openTarget, type TableTarget } from '../cli/target.ts';
import { OUTPUTS } from '../outputs.ts';

async function datasourcesByTenant(target: TableTarget, tenant: string | undefined): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let start: Record<string, unknown> | undefined;
  do {
    const input = { TableName: target.tableName, ExclusiveStartKey: start };
    const res = tenant
      ? await target.dynamo.send(new QueryCommand({ ...input, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ds)', ExpressionAttributeValues: { ':pk': `TENANT#${tenant}`, ':ds': 'DS#' } }))
      : await target.dynamo.send(new ScanCommand({ ...input, FilterExpression: 'begins_with(pk, :t) AND begins_with(sk, :ds)', ExpressionAttributeValues: { ':t': 'TENANT#', ':ds': 'DS#' } }));
    for (const item of res.Items ?? []) {
      const t = String(item.tenantId ?? String(item.pk).slice('TENANT#'.length));
      out.set(t, [...(out.get(t) ?? []), String(item.id ?? String(item.sk).slice(3))]);
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

async function lakeBucketOf(stack: string, region: string | undefined): Promise<string> {
  const cfn = new CloudFormationClient({ region });
  try {
    const res = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const v = res.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === OUTPUTS.lakeBucketName)?.OutputValue;
    if (!v) throw new Error(`Stack ${stack} has no ${OUTPUTS.lakeBucketName} output`);
    return v;
  } finally {
    cfn.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { tenant: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'data-dir': { type: 'string' }, stack: { type: 'string' }, region: { type: 'string' }, table: { type: 'string' } },
  });
  const to = values.to ?? dayOf(Date.now());
  const from = values.from ?? addDays(to, -364);
  if (!isDay(from) || !isDay(to) || from > to) throw new Error(`--from/--to must be days YYYY-MM-DD with from <= to (got ${from} .. ${to})`);
  let target: TableTarget;
  let storage: LakeStorage;
  if (values.stack) {
    target = await openTarget({ kind: 'aws', stackName: values.stack, region: values.region, table: values.table });
    storage = s3LakeStorage(await lakeBucketOf(values.stack, values.region), new S3Client({ region: values.region }));
  } else {
    const dataDir = path.resolve(values['data-dir'] ?? process.env.DATA_DIR ?? '.data');
    target = await openTarget({ kind: 'data-dir', dataDir, table: values.table });
    storage = fileLakeStorage(dataDir);
  }
  try {
    const tenants = await datasourcesByTenant(target, values.tenant);
    if (tenants.size === 0) console.log('No datasources found.');
    for (const [tenantId, ids] of tenants) {
      const r = await backfillLake({ history: { dynamo: target.dynamo, tableName: target.tableName, now: () => Date.now() }, storage }, tenantId, ids, from, to, (m) => console.log(`  ${m}`));
      console.log(`${tenantId}: ${r.datasources} datasources, ${r.days} days, ${r.files} files, ${r.bytes} bytes, rows ${JSON.stringify(r.rows)} in ${r.ms} ms -> ${storage.describe()}`);
    }
    return 0;
  } finally {
    await target.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
