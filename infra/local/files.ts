/**
 * `GET /local/files/<key>?expires=&sig=`: the local runtime's stand-in for a presigned S3 URL
 * (shared/exports/download.ts signs them). Refuses a malformed, forged or expired link with 403
 * (the same answer for each, as S3 does), then serves the object from the local S3 with its
 * content type, as an attachment.
 */
import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { localSigningKey, verifyLocalDownload } from '../../shared/exports/download.ts';
import { appContext } from '../../shared/context.ts';
import { s3Client } from '../../shared/store/s3.ts';

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify({ error: { code, message, requestId: 'local' } }));
}

export async function serveLocalFile(req: IncomingMessage, res: ServerResponse, url: URL, opts: { keyFile: string; now: () => number }): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method_not_allowed', 'Only GET.');
  const verdict = verifyLocalDownload(localSigningKey(opts.keyFile), url.pathname, url.searchParams, opts.now());
  if (!verdict.ok) return refuse(res, 403, 'access_denied', verdict.reason === 'expired' ? 'This download link has expired; read the export or run again for a new one.' : 'Invalid download link.');
  let object;
  try {
    object = await s3Client().send(new GetObjectCommand({ Bucket: appContext().config.bucketName, Key: verdict.key }));
  } catch (err) {
    if (err instanceof NoSuchKey || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return refuse(res, 404, 'not_found', 'No such file.');
    }
    throw err;
  }
  const body = Buffer.from(await object.Body!.transformToByteArray());
  const name = verdict.key.split('/').pop()!.replace(/[^A-Za-z0-9._-]/g, '_');
  res.writeHead(200, {
    'content-type': object.ContentType ?? 'application/octet-stream',
    'content-length': String(body.byteLength),
    'content-disposition': `attachment; filename="${name}"`,
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
    // An HTML report is self-contained: nothing to load, nothing to run.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
