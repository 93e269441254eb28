/**
 * The embedded DynamoDB (dynalite, infra/local/dynamodb.ts) with the service's table, for tests of
 * store code: the real conditional writes, not expression strings. Faults go in through the client's
 * middleware stack (test/faults/inject-aws.ts, `injectDynamoFault(spec, table.dynamo)`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startLocalDynamo, type LocalDynamo } from '../../infra/local/dynamodb.ts';

export interface TestTable {
  /** What the store modules take (marshalling as the app context's). */
  dynamo: DynamoDBDocumentClient;
  tableName: string;
  close(): Promise<void>;
}

export interface TestTableOptions {
  /** SDK attempts per call (default the SDK's 3); 1 makes one injected fault fail one call. */
  maxAttempts?: number;
}

let counter = 0;

export async function startTestTable(options: TestTableOptions = {}): Promise<TestTable> {
  const local: LocalDynamo = await startLocalDynamo(undefined);
  const raw = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: local.endpoint,
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  const tableName = `test-${process.pid}-${counter++}`;
  await ensureTable(raw, tableName);
  const dynamo = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    dynamo,
    tableName,
    close: async () => {
      dynamo.destroy();
      await local.close();
    },
  };
}

/** The low-level commands a client sends (GetItemCommand, UpdateItemCommand, ...), in order. */
export function recordCommands(dynamo: DynamoDBDocumentClient): { readonly names: string[]; count(name: string): number; stop(): void } {
  const names: string[] = [];
  const name = `recordCommands-${counter++}`;
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      names.push(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    names,
    count: (command) => names.filter((n) => n === command).length,
    stop: () => {
      dynamo.middlewareStack.remove(name);
    },
  };
}
