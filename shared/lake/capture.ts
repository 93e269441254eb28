/** The capture lane's wiring with the lake (functions/history-capture): the commit also writes the lake when it is configured. */
import { appContext } from '../context.ts';
import type { CaptureJobDeps } from '../history/capture-job.ts';
import { logger } from '../logger.ts';
import { lakeStorageFromEnv } from './config.ts';
import { withLake } from './hook.ts';

export function withLakeCommits(deps: CaptureJobDeps, onWriteFailed?: () => void): CaptureJobDeps {
  const storage = lakeStorageFromEnv();
  if (!storage) return deps;
  const ctx = appContext();
  return {
    ...deps,
    store: withLake(deps.store, {
      history: { dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => appContext().clock.now() },
      storage,
      log: { warn: (m, e) => logger.warn(m, { ...e }), info: (m, e) => logger.info(m, { ...e }) },
      ...(onWriteFailed ? { onWriteFailed } : {}),
    }),
  };
}
