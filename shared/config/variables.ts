/** Every environment variable the service reads, from the validated readers' schemas: README "Configuration" documents each. */
import { envSchema } from '../config.ts';
import { downloadsEnv } from './downloads.ts';
import { variablesOf } from './env.ts';
import { exportsEnv } from './exports.ts';
import { historyEnv } from './history.ts';
import { lakeEnv } from './lake.ts';
import { loggingEnv } from './logging.ts';
import { webhooksEnv } from './webhooks.ts';

export const CONFIG_VARIABLES: readonly string[] = [
  ...new Set([envSchema, loggingEnv, historyEnv, lakeEnv, exportsEnv, downloadsEnv, webhooksEnv].flatMap(variablesOf)),
].sort();
