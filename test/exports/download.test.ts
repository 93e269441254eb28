import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSafeObjectKey, localDownloadSigner, localSigningKey, presignS3Get, verifyLocalDownload } from '../../shared/exports/download.ts';

describe('AWS presigned GET (SigV4 query string)', () => {
  it("matches AWS's documented example signature", () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    const url = presignS3Get({
      host: 'examplebucket.s3.amazonaws.com',
      key: 'test.txt',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      nowMs: Date.parse('2013-05-24T00:00:00Z'),
      expiresInSeconds: 86_400,
    });
    expect(url).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });
  it('signs the session token and keeps the key path readable', () => {
    const url = new URL(
      presignS3Get({
        host: 'b.s3.eu-west-1.amazonaws.com',
        key: 'tn_1/exports/2024/06/01/exp_x.csv',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'TOKEN+/=' },
        nowMs: Date.parse('2024-06-01T10:00:00Z'),
        expiresInSeconds: 3600,
      }),
    );
    expect(url.pathname).toBe('/tn_1/exports/2024/06/01/exp_x.csv');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('TOKEN+/=');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
  });
});

describe('local signed download URLs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tkc-dl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = path.join(dir, 'download-signing.key');
  const secret = localSigningKey(keyFile);
  const signer = localDownloadSigner({ baseUrl: 'http://127.0.0.1:3000/', secret: () => secret });
  const now = Date.parse('2024-06-01T10:00:00Z');
  const key = 'tn_1/exports/2024/06/01/exp_0lx3k2a1b0123456789abcdef.csv';
  const check = (url: string, at = now) => {
    const u = new URL(url);
    return verifyLocalDownload(secret, u.pathname, u.searchParams, at);
  };

  it('keeps its key owner-only and stable', () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(localSigningKey(keyFile).equals(secret)).toBe(true);
  });
  it('accepts its own link until it expires (one hour)', () => {
    const { downloadUrl, expiresAt } = signer.link(key, now);
    expect(downloadUrl.startsWith('http://127.0.0.1:3000/local/files/tn_1/exports/')).toBe(true);
    expect(expiresAt).toBe('2024-06-01T11:00:00.000Z');
    expect(check(downloadUrl)).toEqual({ ok: true, key });
    expect(check(downloadUrl, now + 3_599_000)).toEqual({ ok: true, key });
    expect(check(downloadUrl, now + 3_600_000)).toEqual({ ok: false, reason: 'expired' });
  });
  it('refuses a forged signature, another key, a moved expiry and another secret', () => {
    const { downloadUrl } = signer.link(key, now);
    const u = new URL(downloadUrl);
    const sig = u.searchParams.get('sig')!;
    const flipped = new URL(downloadUrl);
    flipped.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    expect(check(flipped.toString())).toEqual({ ok: false, reason: 'forged' });
    const otherKey = new URL(downloadUrl.replace('tn_1/', 'tn_2/'));
    expect(check(otherKey.toString())).toEqual({ ok: false, reason: 'forged' });
    const later = new URL(downloadUrl);
    later.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 86_400));
    expect(check(later.toString())).toEqual({ ok: false, reason: 'forged' });
    const stranger = localDownloadSigner({ baseUrl: 'http://127.0.0.1:3000', secret: () => Buffer.alloc(32, 7) }).link(key, now).downloadUrl;
    expect(check(stranger)).toEqual({ ok: false, reason: 'forged' });
  });
  it('refuses traversal and malformed links before looking at the signature', () => {
    for (const p of ['/local/files/../master.key', '/local/files/a/%2e%2e/b', '/local/files/a%2Fb', '/local/files/a//b', '/local/files/%5C..%5Cx', '/local/files/a/%00']) {
      expect(verifyLocalDownload(secret, p, new URLSearchParams('expires=9999999999&sig=' + 'A'.repeat(43)), now)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(verifyLocalDownload(secret, `/local/files/${key}`, new URLSearchParams('expires=abc&sig=x'), now)).toEqual({ ok: false, reason: 'malformed' });
    expect(isSafeObjectKey('a/./b')).toBe(false);
    expect(isSafeObjectKey(key)).toBe(true);
  });
});
