import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_MAX_BODY_BYTES } from '../../infra/local/gateway.ts';
import { PortInUseError, startLocalRuntime } from '../../infra/local/runtime.ts';
import { ensureTenant, storeApiKey } from '../../shared/auth/api-keys.ts';
import { readJson } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

describe('local runtime over real HTTP', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime();
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('answers GET /v1/health without a key', async () => {
    const res = await rt.api('/v1/health', { auth: false });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({ status: 'ok', service: 'tiktok-connector', stage: 'local' });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('echoes a safe caller request id and replaces an unsafe one', async () => {
    const ok = await rt.api('/v1/health', { auth: false, headers: { 'x-request-id': 'abc-123' } });
    expect(ok.headers.get('x-request-id')).toBe('abc-123');
    const bad = await rt.api('/v1/health', { auth: false, headers: { 'x-request-id': 'a b<script>' } });
    expect(bad.headers.get('x-request-id')).not.toContain('<');
  });

  it('rejects a protected route without a key, with a wrong key, and with a malformed header (401)', async () => {
    for (const auth of [false, 'tkc_wrong', 'x'.repeat(500)] as const) {
      const res = await rt.api('/v1/connect-links', { method: 'POST', auth, json: { name: 'x' } });
      expect(res.status).toBe(401);
      const body = await readJson(res);
      expect(body.error).toMatchObject({ code: 'unauthorized' });
      expect(body.error.requestId).toBeTruthy();
    }
    const basic = await rt.api('/v1/datasources', { auth: false, headers: { authorization: `Basic ${rt.apiKey}` } });
    expect(basic.status).toBe(401);
  });

  it('answers invalid JSON with 400 naming the body', async () => {
    const res = await rt.api('/v1/connect-links', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    const body = await readJson(res);
    expect(body.error).toMatchObject({ code: 'invalid_json', field: 'body' });
  });

  it('answers a body over the limit with 413 before parsing it', async () => {
    const res = await rt.api('/v1/connect-links', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(70 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect((await readJson(res)).error).toMatchObject({ code: 'payload_too_large' });
  });

  it('answers a malformed percent-escape in the path with 400 in the usual error shape', async () => {
    for (const bad of ['/v1/datasources/%E0%A4%A', '/v1/datasources/%zz']) {
      const res = await rt.api(bad);
      expect(res.status, bad).toBe(400);
      const body = await readJson(res);
      expect(body.error).toMatchObject({ code: 'invalid_request' });
      expect(body.error.requestId).toBeTruthy();
    }
  });

  it('answers a body over the gateway cap with 413 rather than resetting the connection', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await rt.api('/v1/connect-links', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"name":"${'x'.repeat(GATEWAY_MAX_BODY_BYTES + 1024 * 1024)}"}`,
      });
      expect(res.status).toBe(413);
      expect((await readJson(res)).error).toMatchObject({ code: 'payload_too_large' });
    }
  });

  it('rejects a non-JSON content type with 415', async () => {
    const res = await rt.api('/v1/connect-links', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'name=x' });
    expect(res.status).toBe(415);
    expect((await readJson(res)).error).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await rt.api('/v1/nope', { auth: false });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await readJson(res)).error).toMatchObject({ code: 'not_found' });
    const wrongMethod = await rt.api('/v1/health', { method: 'DELETE', auth: false });
    expect(wrongMethod.status).toBe(404);
  });

  it('serves a valid OpenAPI 3.1 document describing every route', async () => {
    const res = await rt.api('/v1/openapi.json', { auth: false });
    expect(res.status).toBe(200);
    const doc = await readJson(res);
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.paths['/v1/health'].get.operationId).toBe('getHealth');
  });
});

describe('local runtime lifecycle', () => {
  it('keeps DynamoDB data across a restart on the same DATA_DIR', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tkc-persist-'));
    try {
      const first = await startLocalRuntime({ port: 0, dataDir, scheduler: false });
      const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
      const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }));
      const deps = { dynamo: doc, tableName: process.env.TABLE_NAME!, now: () => Date.now() };
      await ensureTenant(deps, 'tn_persist', 'Persisted tenant');
      const { apiKey } = await storeApiKey(deps, 'tn_persist');
      const devKey = first.apiKey;
      doc.destroy();
      await first.close();

      const second = await startLocalRuntime({ port: 0, dataDir, scheduler: false });
      try {
        expect(second.apiKey).toBe(devKey); // generated once, kept in DATA_DIR
        // The key stored before the restart still authenticates (a protected route past auth answers 400, not 401).
        const res = await fetch(`${second.baseUrl}/v1/connect-links`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(res.status).toBe(400);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('fails with a clear error when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tkc-port-'));
    try {
      await expect(startLocalRuntime({ port, dataDir, scheduler: false, inMemory: true })).rejects.toThrow(PortInUseError);
      await expect(startLocalRuntime({ port, dataDir, scheduler: false, inMemory: true })).rejects.toThrow(`Port ${port} is already in use`);
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('DATA_DIR permissions', () => {
  it('DATA_DIR and DATA_DIR/s3 are owner-only (0700), also when DATA_DIR existed with 0755', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tkc-perm-'));
    chmodSync(dataDir, 0o755);
    try {
      const rt = await startLocalRuntime({ port: 0, dataDir, scheduler: false, inMemory: true });
      try {
        expect(statSync(dataDir).mode & 0o777).toBe(0o700);
        expect(statSync(path.join(dataDir, 's3')).mode & 0o077).toBe(0);
      } finally {
        await rt.close();
      }
      const fresh = path.join(dataDir, 'nested', 'data');
      const rt2 = await startLocalRuntime({ port: 0, dataDir: fresh, scheduler: false, inMemory: true });
      await rt2.close();
      expect(statSync(fresh).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
