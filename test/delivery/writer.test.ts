/**
 * The S3 write: one PutObject with the whole body, its length, content type and metadata,
 * If-None-Match so AWS refuses a second write of the key (no SSE header: the bucket's default encryption); and
 * HeadObject telling "no object" from a real error.
 */
import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { headDelivery, putDelivery } from '../../shared/delivery/index.ts';

const s3Mock = mockClient(S3Client);
afterEach(() => s3Mock.reset());

const object = {
  bucket: 'b',
  key: 'tn/sch/2030/01/01/20300101T000100Z.csv',
  body: Buffer.from('a,b\r\n1,2\r\n'),
  contentType: 'text/csv; charset=utf-8',
  metadata: { 'report-type': 'profile', rows: '1', 'datasource-id': 'ds', 'schedule-id': 'sch', slot: '20300101T000100Z' },
};

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });
}

describe('putDelivery', () => {
  it('writes the whole body in one PutObject, conditional on the key being new', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    expect(await putDelivery(new S3Client({ region: 'us-east-1' }), object)).toBe('written');
    const calls = s3Mock.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      Bucket: 'b',
      Key: object.key,
      Body: object.body,
      ContentLength: object.body.byteLength,
      ContentType: 'text/csv; charset=utf-8',
      Metadata: object.metadata,
      IfNoneMatch: '*',
    });
  });

  it('reports an object written meanwhile (412) as existing, and other errors as errors', async () => {
    s3Mock.on(PutObjectCommand).rejectsOnce(s3Error('PreconditionFailed', 412)).rejectsOnce(s3Error('SlowDown', 503));
    const client = new S3Client({ region: 'us-east-1' });
    expect(await putDelivery(client, object)).toBe('exists');
    await expect(putDelivery(client, object)).rejects.toThrow('SlowDown');
  });
});

describe('headDelivery', () => {
  it('reads the size and row count of an existing object', async () => {
    s3Mock.on(HeadObjectCommand).resolves({ ContentLength: 11, Metadata: { rows: '7', slot: 's' } });
    expect(await headDelivery(new S3Client({ region: 'us-east-1' }), 'b', 'k')).toEqual({ bytes: 11, rows: 7, metadata: { rows: '7', slot: 's' } });
  });

  it('404 is absent; 403 (no s3:GetObject) is unknown, left to the conditional put; other errors throw', async () => {
    s3Mock.on(HeadObjectCommand).rejectsOnce(s3Error('NotFound', 404)).rejectsOnce(s3Error('Forbidden', 403)).rejectsOnce(s3Error('InternalError', 500));
    const client = new S3Client({ region: 'us-east-1' });
    expect(await headDelivery(client, 'b', 'k')).toBe('absent');
    expect(await headDelivery(client, 'b', 'k')).toBe('unknown');
    await expect(headDelivery(client, 'b', 'k')).rejects.toThrow('InternalError');
  });
});
