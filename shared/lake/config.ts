/**
 * Where the lake is, from the environment: LAKE_DIR (local runtime: a directory DuckDB reads) or
 * LAKE_BUCKET (AWS). Neither: the lake is off and commits write nothing.
 */
import { s3Client } from '../store/s3.ts';
import { fileLakeStorage, s3LakeStorage, type LakeStorage } from './storage.ts';

export function lakeStorageFromEnv(env: NodeJS.ProcessEnv = process.env): LakeStorage | undefined {
  if (env.LAKE_DIR) return fileLakeStorage(env.LAKE_DIR);
  if (env.LAKE_BUCKET) return s3LakeStorage(env.LAKE_BUCKET, s3Client());
  return undefined;
}
