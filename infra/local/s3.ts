/**
 * Embedded S3-compatible store (s3rver) persisted under DATA_DIR. Listing with pagination needs
 * the process started with --openssl-legacy-provider (s3rver builds continuation tokens with DES);
 * `npm start` and the test config pass it.
 */
import S3rver from 's3rver';

export interface LocalS3 {
  endpoint: string;
  close(): Promise<void>;
}

export async function startLocalS3(directory: string, bucketName: string): Promise<LocalS3> {
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: bucketName, configs: [] }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await server.close();
    },
  };
}
