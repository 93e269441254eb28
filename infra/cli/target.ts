/**
 * Where the tenant CLI reads and writes: the deployed table (name from the stack outputs, the
 * caller's own AWS credentials), a local DynamoDB endpoint, or the local runtime's DATA_DIR opened
 * directly (an embedded dynalite on <dir>/dynamodb, which only one process can hold at a time).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamo } from '../local/dynamodb.ts';
import { OUTPUTS } from '../outputs.ts';
import type { TargetOptions } from './args.ts';
import type { TableDeps } from '../../shared/store/table.ts';

/** The local runtime's default table name (infra/local/runtime.ts). */
const LOCAL_TABLE = 'tiktok-connector';
/** Local stand-ins accept any credentials; these never leave the machine. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface TableTarget extends TableDeps {
  /** For messages: where the table is. */
  where: string;
  close(): Promise<void>;
}

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

export interface TargetDeps {
  env?: NodeJS.ProcessEnv;
  /** Injected in tests. */
  cloudFormation?: Pick<CloudFormationClient, 'send'>;
}

export async function openTarget(options: TargetOptions, deps: TargetDeps = {}): Promise<TableTarget> {
  const env = deps.env ?? process.env;
  switch (options.kind) {
    case 'endpoint': {
      const tableName = options.table ?? env.TABLE_NAME ?? LOCAL_TABLE;
      return connect(options.endpoint, options.region ?? 'us-east-1', tableName, `${tableName} at ${options.endpoint}`, async () => undefined);
    }
    case 'data-dir': {
      const dbPath = path.join(path.resolve(options.dataDir), 'dynamodb');
      if (!existsSync(dbPath)) throw new TargetError(`No local database in ${dbPath}: start the local runtime (npm start) once, or check --data-dir.`);
      await assertNotLocked(dbPath);
      const local = await startLocalDynamo(dbPath);
      const tableName = options.table ?? env.TABLE_NAME ?? LOCAL_TABLE;
      return connect(local.endpoint, 'us-east-1', tableName, `${tableName} in ${options.dataDir}`, () => local.close());
    }
    case 'aws': {
      const tableName = options.table ?? (await tableFromStack(options.stackName, options.region, deps.cloudFormation));
      const client = new DynamoDBClient({ region: options.region });
      const dynamo = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
      return { dynamo, tableName, where: options.table ? tableName : `${tableName} (stack ${options.stackName})`, close: async () => client.destroy() };
    }
  }
}

/**
 * LevelDB lets one process hold a database directory. dynalite opens it lazily and, when the
 * directory is held, fails each request later with "Database is closed" (and cannot shut down
 * cleanly), so probe first with the same `level` package dynalite uses.
 */
async function assertNotLocked(dbPath: string): Promise<void> {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = requireFromDynalite('level') as { Level: new (p: string) => { open(): Promise<void>; close(): Promise<void> } };
  const db = new Level(dbPath);
  try {
    await db.open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new TargetError(`${dbPath} is in use (is npm start running?). Stop the local runtime first, then retry.`);
    }
    throw err;
  }
  await db.close();
}

async function connect(endpoint: string, region: string, tableName: string, where: string, onClose: () => Promise<void>): Promise<TableTarget> {
  const client = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  const close = async () => {
    client.destroy();
    await onClose();
  };
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (err) {
    await close();
    if (err instanceof ResourceNotFoundException) throw new TargetError(`No table ${tableName} at ${endpoint} (set --table).`);
    throw new TargetError(`Cannot reach DynamoDB at ${endpoint}: ${(err as Error).message}`);
  }
  return { dynamo: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName, where, close };
}

/** The table name from the stack's `TableName` output. */
export async function tableFromStack(stackName: string, region: string | undefined, injected?: Pick<CloudFormationClient, 'send'>): Promise<string> {
  const cfn = injected ?? new CloudFormationClient({ region });
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const value = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === OUTPUTS.tableName)?.OutputValue;
    if (!value) throw new TargetError(`Stack ${stackName} has no ${OUTPUTS.tableName} output (deployed with this repository's stack?).`);
    return value;
  } catch (err) {
    if (err instanceof TargetError) throw err;
    const e = err as Error;
    // CloudFormation's ValidationError is not a modelled exception: the SDK has no class for it, only the name.
    if (e.name === 'ValidationError' && /does not exist/.test(e.message)) {
      throw new TargetError(`Stack ${stackName} does not exist in this account/region (deploy it, or pass --stack / --stage / --region).`);
    }
    throw new TargetError(`Cannot read stack ${stackName}: ${e.name}: ${e.message}`);
  } finally {
    if (!injected) (cfn as CloudFormationClient).destroy();
  }
}
