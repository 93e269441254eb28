/**
 * zod/mini loads no locale: without shared/zod-locale.ts every message would read "Invalid input".
 * The messages below are the ones classic zod gave (our 400s quote them), checked through the
 * runtime schemas without classic zod anywhere in this process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConnectLinkBody } from '../../shared/api/operations/connect.ts';
import { listDatasources } from '../../shared/api/operations/datasources.ts';
import { readConfig } from '../../shared/config.ts';
import { parseOrThrow } from '../../shared/http/validate.ts';
import { runMessageSchema } from '../../shared/queue/message.ts';

const root = path.resolve(import.meta.dirname, '../..');
const LOCALE = path.join(root, 'shared/zod-locale.ts');

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('zod messages (English locale)', () => {
  it.each([
    ['blank name', { name: ' ' }, 'Invalid name: Too small: expected string to have >=1 characters'],
    ['long name', { name: 'x'.repeat(101) }, 'Invalid name: Too big: expected string to have <=100 characters'],
    ['no name', {}, 'Invalid name: Invalid input: expected string, received undefined'],
    ['fraction', { name: 'a', expiresInHours: 1.5 }, 'Invalid expiresInHours: Invalid input: expected int, received number'],
    ['below min', { name: 'a', expiresInHours: 0 }, 'Invalid expiresInHours: Too small: expected number to be >=1'],
    ['above max', { name: 'a', expiresInHours: 721 }, 'Invalid expiresInHours: Too big: expected number to be <=720'],
  ])('request body: %s', (_label, body, message) => {
    expect(messageOf(() => parseOrThrow(createConnectLinkBody, body))).toBe(message);
  });

  it('coerced query parameters and strict objects', () => {
    expect(messageOf(() => parseOrThrow(listDatasources.query, { limit: 'abc' }))).toBe('Invalid limit: Invalid input: expected number, received NaN');
    expect(messageOf(() => parseOrThrow(runMessageSchema, { tenantId: 't', scheduleId: 's', slot: 'x', b: 1 }))).toBe('Invalid request: Unrecognized key: "b"');
  });

  it('environment variables', () => {
    expect(messageOf(() => readConfig({ PUBLIC_BASE_URL: 'nope' }))).toBe('Invalid environment variable PUBLIC_BASE_URL: Invalid URL');
    expect(messageOf(() => readConfig({ TOKEN_KEYRING: 'x' }))).toBe('Invalid environment variable TOKEN_KEYRING: Invalid option: expected one of "kms"|"local"');
    expect(messageOf(() => readConfig({ MAX_BODY_BYTES: '0' }))).toBe('Invalid environment variable MAX_BODY_BYTES: Too small: expected number to be >0');
  });
});

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(root, dir, f));
}

describe('zod-locale.ts', () => {
  it('is imported by every runtime module that imports zod/mini for its values', () => {
    const files = ['shared', 'functions', 'infra'].flatMap(sources).filter((f) => f !== LOCALE);
    const users = files.filter((f) => /^import \* as z from 'zod\/mini';$/m.test(readFileSync(f, 'utf8')));
    expect(users.length).toBeGreaterThan(20);
    const missing = users.filter((f) => {
      const rel = path.relative(path.dirname(f), LOCALE);
      const spec = rel.startsWith('.') ? rel : `./${rel}`;
      return !readFileSync(f, 'utf8').includes(`import '${spec}';`);
    });
    expect(missing.map((f) => path.relative(root, f))).toEqual([]);
  });
});
