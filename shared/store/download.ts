/**
 * Download URLs for delivered files (exports and scheduled runs): short-lived links a client can
 * hand to a browser or curl without the API key.
 *
 *   AWS     a SigV4 query-presigned S3 GET (what @aws-sdk/s3-request-presigner produces; that package
 *           is not a dependency, and node:crypto is all it takes, so no S3 client rides in the
 *           bundle). The URL carries the signing role's authority: the function needs s3:GetObject
 *           (`bucket:download`), and it stops working when the role's session does, even before expiry.
 *   local   `<base>/local/files/<key>?expires=&sig=`: HMAC-SHA256 with a key kept under DATA_DIR,
 *           checked and served by the local runtime itself (infra/local/files.ts).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { readLocalFilesKeyFile, runtimeCredentials } from '../config/downloads.ts';
import { registerCache } from '../lambda/caches.ts';

/** How long a download URL works. */
export const DOWNLOAD_URL_TTL_SECONDS = 3_600;
/** SigV4's longest presign. */
const MAX_PRESIGN_SECONDS = 604_800;
export const LOCAL_FILES_PREFIX = '/local/files/';

export interface DownloadLink {
  downloadUrl: string;
  /** ISO 8601 UTC. */
  expiresAt: string;
}

export interface DownloadSigner {
  link(key: string, nowMs: number, ttlSeconds?: number): DownloadLink;
}

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const encodeKeyPath = (key: string) => key.split('/').map(rfc3986).join('/');
const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** SigV4 query presign of `GET https://<host>/<key>` for S3 (UNSIGNED-PAYLOAD, only `host` signed). */
export function presignS3Get(args: {
  host: string;
  key: string;
  region: string;
  credentials: AwsCredentials;
  nowMs: number;
  expiresInSeconds: number;
}): string {
  const amzDate = new Date(args.nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${args.region}/s3/aws4_request`;
  const params: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${args.credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(Math.max(1, Math.min(MAX_PRESIGN_SECONDS, Math.floor(args.expiresInSeconds)))),
    'X-Amz-SignedHeaders': 'host',
    ...(args.credentials.sessionToken ? { 'X-Amz-Security-Token': args.credentials.sessionToken } : {}),
  };
  const query = Object.keys(params)
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(params[k]!)}`)
    .join('&');
  const path = `/${encodeKeyPath(args.key)}`;
  const canonical = ['GET', path, query, `host:${args.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let signingKey = hmac(`AWS4${args.credentials.secretAccessKey}`, day);
  for (const part of [args.region, 's3', 'aws4_request']) signingKey = hmac(signingKey, part);
  const signature = createHmac('sha256', signingKey).update(toSign, 'utf8').digest('hex');
  return `https://${args.host}${path}?${query}&X-Amz-Signature=${signature}`;
}

export function awsDownloadSigner(opts: { bucket: string; region: string; credentials: () => AwsCredentials | undefined }): DownloadSigner {
  return {
    link(key, nowMs, ttlSeconds = DOWNLOAD_URL_TTL_SECONDS) {
      const credentials = opts.credentials();
      if (!credentials) throw new Error('No AWS credentials in the environment to presign a download URL.');
      const host = `${opts.bucket}.s3.${opts.region}.amazonaws.com`;
      return {
        downloadUrl: presignS3Get({ host, key, region: opts.region, credentials, nowMs, expiresInSeconds: ttlSeconds }),
        expiresAt: new Date(nowMs + ttlSeconds * 1000).toISOString(),
      };
    },
  };
}

/** The local signing key: 32 random bytes in `file` (owner-only), created on first use. */
export function localSigningKey(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another caller created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file);
}

const localMac = (secret: Buffer, key: string, expires: number) => createHmac('sha256', secret).update(`GET\n${key}\n${expires}`, 'utf8').digest('base64url');

export function localDownloadSigner(opts: { baseUrl: string; secret: () => Buffer }): DownloadSigner {
  return {
    link(key, nowMs, ttlSeconds = DOWNLOAD_URL_TTL_SECONDS) {
      const expires = Math.floor(nowMs / 1000) + ttlSeconds;
      const sig = localMac(opts.secret(), key, expires);
      return {
        downloadUrl: `${opts.baseUrl.replace(/\/+$/, '')}${LOCAL_FILES_PREFIX}${encodeKeyPath(key)}?expires=${expires}&sig=${sig}`,
        expiresAt: new Date(expires * 1000).toISOString(),
      };
    },
  };
}

/** A delivery key as the signers produce them: no empty, `.` or `..` segment, no backslash or control character. */
export function isSafeObjectKey(key: string): boolean {
  if (key.length === 0 || key.length > 1024 || key.includes('\\') || [...key].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return false;
  return key.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

export type LocalVerdict = { ok: true; key: string } | { ok: false; reason: 'malformed' | 'expired' | 'forged' };

/** Checks a `/local/files/<key>?expires=&sig=` request: well-formed key, not expired, HMAC matches (constant time). */
export function verifyLocalDownload(secret: Buffer, pathname: string, search: URLSearchParams, nowMs: number): LocalVerdict {
  if (!pathname.startsWith(LOCAL_FILES_PREFIX)) return { ok: false, reason: 'malformed' };
  let key: string;
  try {
    key = pathname.slice(LOCAL_FILES_PREFIX.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  // A segment that decoded to something holding '/' would change the key's shape.
  if (!isSafeObjectKey(key) || key.split('/').length !== pathname.slice(LOCAL_FILES_PREFIX.length).split('/').length) return { ok: false, reason: 'malformed' };
  const expiresRaw = search.get('expires') ?? '';
  const sig = search.get('sig') ?? '';
  if (!/^\d{1,12}$/.test(expiresRaw) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(localMac(secret, key, Number(expiresRaw)), 'utf8');
  const given = Buffer.from(sig, 'utf8');
  // Signature first, so an expired forged link says "forged"; both are refused alike.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  if (Number(expiresRaw) * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, key };
}

let cached: { id: string; signer: DownloadSigner | undefined } | undefined;
registerCache('store.downloadSigner', { clear: () => (cached = undefined) });

/**
 * The signer of this environment: local when the local runtime set LOCAL_FILES_KEY_FILE, else AWS
 * with the function's own credentials; undefined when neither is possible (then no downloadUrl).
 */
export function defaultDownloadSigner(config: { bucketName: string; region: string; publicBaseUrl: string }): DownloadSigner | undefined {
  const keyFile = readLocalFilesKeyFile();
  const id = JSON.stringify([keyFile, config.bucketName, config.region, config.publicBaseUrl]);
  if (cached?.id === id) return cached.signer;
  let signer: DownloadSigner | undefined;
  if (keyFile) {
    let secret: Buffer | undefined;
    signer = localDownloadSigner({ baseUrl: config.publicBaseUrl, secret: () => (secret ??= localSigningKey(keyFile)) });
  } else if (config.bucketName && config.region) {
    signer = awsDownloadSigner({
      bucket: config.bucketName,
      region: config.region,
      // Lambda puts the role's session credentials in the environment; read at signing time.
      credentials: () => runtimeCredentials(),
    });
  }
  cached = { id, signer };
  return signer;
}

/** A link for `key`, or nothing when this environment cannot sign (never fails the answer it decorates). */
export function tryLink(signer: DownloadSigner | undefined, key: string | undefined, nowMs: number): DownloadLink | undefined {
  if (!signer || !key) return undefined;
  try {
    return signer.link(key, nowMs);
  } catch {
    return undefined;
  }
}
