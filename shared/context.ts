/**
 * The few process-wide dependencies every handler needs, created lazily on first use (never at
 * import time) so tests and the local runtime can swap them: `overrideAppContext({ clock })`.
 * The S3 client lives in shared/store/s3.ts so that only the functions using S3 bundle it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readConfig, type Config } from './config.ts';
import type { ClockedTableDeps } from './store/table.ts';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface AppContext {
  config: Config;
  clock: Clock;
  dynamo: DynamoDBDocumentClient;
}

let current: AppContext | undefined;
let overrides: Partial<AppContext> = {};

function build(): AppContext {
  const config = overrides.config ?? readConfig();
  const dynamo =
    overrides.dynamo ??
    DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: config.region, endpoint: config.dynamodbEndpoint, maxAttempts: 3 }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
  return { config, clock: overrides.clock ?? systemClock, dynamo };
}

export function appContext(): AppContext {
  current ??= build();
  return current;
}

/** The table, its client and the app clock: what every store module takes (shared/store/table.ts TableDeps). */
export function tableAccess(): ClockedTableDeps {
  const ctx = appContext();
  return { dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => ctx.clock.now() };
}

/** Replace some dependencies (tests, local runtime). Takes effect on the next `appContext()` call. */
export function overrideAppContext(partial: Partial<AppContext>): void {
  overrides = { ...overrides, ...partial };
  current = undefined;
}

/** Forget everything built so far (e.g. after the environment changed). */
export function resetAppContext(): void {
  overrides = {};
  current = undefined;
}
