/**
 * The few process-wide dependencies every handler needs, created lazily on first use (never at
 * import time) so tests and the local runtime can swap them: `overrideAppContext({ clock })`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { readConfig, type Config } from './config.ts';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface AppContext {
  config: Config;
  clock: Clock;
  dynamo: DynamoDBDocumentClient;
  s3: S3Client;
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
  const s3 =
    overrides.s3 ??
    new S3Client({ region: config.region, endpoint: config.s3Endpoint, forcePathStyle: Boolean(config.s3Endpoint) });
  return { config, clock: overrides.clock ?? systemClock, dynamo, s3 };
}

export function appContext(): AppContext {
  current ??= build();
  return current;
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
