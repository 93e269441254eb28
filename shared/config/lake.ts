/**
 * Where the lake is (docs/lake.md): LAKE_DIR (local runtime: a directory DuckDB reads) or LAKE_BUCKET
 * (AWS: the stack sets it). Neither: the lake is off and commits write nothing.
 */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { parseEnv, processEnv } from './env.ts';

export const lakeEnv = z.object({
  LAKE_DIR: z.optional(z.string()),
  LAKE_BUCKET: z.optional(z.string().check(z.regex(/^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'))),
});

export type LakeLocation = { kind: 'dir'; dir: string } | { kind: 'bucket'; bucket: string } | undefined;

export function readLakeLocation(env: NodeJS.ProcessEnv = processEnv()): LakeLocation {
  const e = parseEnv(lakeEnv, env);
  if (e.LAKE_DIR) return { kind: 'dir', dir: e.LAKE_DIR };
  if (e.LAKE_BUCKET) return { kind: 'bucket', bucket: e.LAKE_BUCKET };
  return undefined;
}
