/** The lake's storage, where the validated config says it is (shared/config/lake.ts). */
import { readLakeLocation } from '../config/lake.ts';
import { s3Client } from '../store/s3.ts';
import { fileLakeStorage, s3LakeStorage, type LakeStorage } from './storage.ts';

export function lakeStorageFromEnv(env?: NodeJS.ProcessEnv): LakeStorage | undefined {
  const where = readLakeLocation(env);
  if (!where) return undefined;
  return where.kind === 'dir' ? fileLakeStorage(where.dir) : s3LakeStorage(where.bucket, s3Client());
}
