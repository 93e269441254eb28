/**
 * Reading the environment: every variable the service reads is declared in a zod schema in this
 * folder or in shared/config.ts (README "Configuration" lists them all; test/config/env-docs.test.ts
 * checks it), and a bad value fails with an error naming the variable.
 */
import type * as z from 'zod/mini';
import '../zod-locale.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The environment the process runs with (Lambda sets it before the first import). */
export const processEnv = (): NodeJS.ProcessEnv => process.env;

export function parseEnv<T extends z.ZodMiniObject>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Names of the variables a schema reads (for the docs check). */
export const variablesOf = (schema: z.ZodMiniObject): string[] => Object.keys(schema.shape);
