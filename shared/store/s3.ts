/**
 * The S3 client, created on first use and only in the functions that import this module (the
 * S3 client is ~150 KiB of bundle; most functions never touch S3). Rebuilt when the app context is
 * (a restarted local runtime has another endpoint).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { appContext, type AppContext } from '../context.ts';
import { registerCache } from '../lambda/caches.ts';

let client: { for: AppContext['config']; s3: S3Client } | undefined;
registerCache('store.s3Client', { clear: () => (client = undefined) });

export function s3Client(): S3Client {
  const { config } = appContext();
  if (client?.for !== config) {
    const s3 = new S3Client({
      region: config.region,
      endpoint: config.s3Endpoint,
      forcePathStyle: Boolean(config.s3Endpoint),
    });
    client = { for: config, s3 };
  }
  return client.s3;
}
