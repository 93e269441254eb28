/**
 * Writing one delivery to S3: the body is rendered completely in memory first and sent in ONE
 * PutObject with its length, so a reader sees the whole object or none (S3 never exposes a partial
 * PutObject). `If-None-Match: *` makes S3 refuse a second write of the same key (AWS answers 412;
 * the local s3rver ignores the header, which is why the run item, not S3, is the idempotency record).
 */
import { HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface DeliveryObject {
  bucket: string;
  key: string;
  body: Buffer;
  contentType: string;
  metadata: Record<string, string>;
}

export interface ExistingDelivery {
  bytes: number;
  rows?: number;
  metadata: Record<string, string>;
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/**
 * The object already at `key` (a previous try that wrote it and died before recording it), 'absent',
 * or 'unknown' when S3 will not say: without s3:GetObject on the key S3 answers 403 whether or not
 * the object exists. Then the conditional PutObject (If-None-Match) is what decides, in AWS.
 */
export async function headDelivery(s3: S3Client, bucket: string, key: string): Promise<ExistingDelivery | 'absent' | 'unknown'> {
  try {
    const res = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const metadata = res.Metadata ?? {};
    const rows = Number(metadata.rows);
    return { bytes: res.ContentLength ?? 0, metadata, ...(Number.isFinite(rows) ? { rows } : {}) };
  } catch (err) {
    if (err instanceof NotFound || err instanceof NoSuchKey || httpStatus(err) === 404) return 'absent';
    if (httpStatus(err) === 403) return 'unknown';
    throw err;
  }
}

/** Writes the object; 'exists' when S3 refused because the key was written meanwhile (AWS only). */
// Encrypted by the bucket's default encryption (SSE-S3, infra/constructs/delivery.ts).
export async function putDelivery(s3: S3Client, object: DeliveryObject): Promise<'written' | 'exists'> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        Body: object.body,
        ContentLength: object.body.byteLength,
        ContentType: object.contentType,
        Metadata: object.metadata,
        IfNoneMatch: '*',
      }),
    );
    return 'written';
  } catch (err) {
    if (httpStatus(err) === 412) return 'exists'; // PreconditionFailed: S3 has no exception class for it
    throw err;
  }
}
