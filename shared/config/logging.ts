/** LOG_LEVEL: read by the logger when it is created (module load), so it cannot wait for readConfig. */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { parseEnv, processEnv } from './env.ts';

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const loggingEnv = z.object({
  LOG_LEVEL: z._default(z.enum(LOG_LEVELS), 'INFO'),
});

export function readLogLevel(env: NodeJS.ProcessEnv = processEnv()): LogLevel {
  return parseEnv(loggingEnv, env).LOG_LEVEL;
}
