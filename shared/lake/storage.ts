/**
 * Where the lake lives: S3 in AWS (LAKE_BUCKET), a directory locally (LAKE_DIR, read directly by
 * DuckDB). Keys are the same in both (`lake/...`, `lake-staging/...`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';

export interface LakeObject {
  key: string;
  /** Changes whenever the object is rewritten (S3 ETag; locally mtime + size). */
  etag: string;
  size: number;
}

export interface LakeStorage {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<LakeObject[]>;
  delete(key: string): Promise<void>;
  describe(): string;
}

export function fileLakeStorage(root: string): LakeStorage {
  const file = (key: string) => {
    const p = path.resolve(root, key);
    if (!p.startsWith(path.resolve(root) + path.sep)) throw new Error(`Key outside the lake root: ${key}`);
    return p;
  };
  return {
    describe: () => root,
    async put(key, body) {
      const p = file(key);
      await mkdir(path.dirname(p), { recursive: true });
      // Write then rename: a reader (DuckDB) never sees half a file.
      const tmp = `${p}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, p);
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(file(key)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async list(prefix) {
      // Walk from the prefix's directory, keep the keys that start with the prefix.
      const base = path.dirname(file(`${prefix}x`));
      const out: LakeObject[] = [];
      const walk = async (d: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(d, { withFileTypes: true });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw err;
        }
        for (const e of entries) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) await walk(p);
          else if (!e.name.endsWith('.tmp')) {
            const key = path.relative(root, p).split(path.sep).join('/');
            if (!key.startsWith(prefix)) continue;
            const s = await stat(p, { bigint: true });
            out.push({ key, etag: `${s.mtimeNs}-${s.size}`, size: Number(s.size) });
          }
        }
      };
      await walk(base);
      return out.sort((a, b) => (a.key < b.key ? -1 : 1));
    },
    async delete(key) {
      await rm(file(key), { force: true });
    },
  };
}

/** The minimal S3 surface used (the SDK client in AWS; kept structural so tests can pass a fake). */
export interface S3Like {
  send(command: unknown): Promise<unknown>;
}

export function s3LakeStorage(bucket: string, s3: S3Like): LakeStorage {
  return {
    describe: () => `s3://${bucket}`,
    async put(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.byteLength, ContentType: contentType }));
    },
    async get(key) {
      try {
        const res = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))) as { Body?: { transformToByteArray(): Promise<Uint8Array> } };
        return res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
        throw err;
      }
    },
    async list(prefix) {
      const out: LakeObject[] = [];
      let token: string | undefined;
      do {
        const res = (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))) as {
          Contents?: Array<{ Key?: string; ETag?: string; Size?: number }>;
          NextContinuationToken?: string;
        };
        for (const o of res.Contents ?? []) if (o.Key) out.push({ key: o.Key, etag: o.ETag ?? '', size: o.Size ?? 0 });
        token = res.NextContinuationToken;
      } while (token);
      return out;
    },
    async delete(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
