/**
 * The meta Lambda serves shared/api/openapi.json, written by `npm run openapi` from the zod schemas
 * that validate requests. A schema change without regenerating the file fails here, so the document
 * clients see can never drift from what the API accepts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE, openApiFileText } from '../../infra/openapi.ts';
import { openApiBody } from '../../shared/api/openapi-body.ts';
import { startTestRuntime } from '../support/runtime.ts';

describe('the committed OpenAPI document', () => {
  it('is exactly what the schemas generate (run `npm run openapi` after changing a schema)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiFileText());
  });

  it('is what the compact form the meta Lambda bundles unpacks to (run `npm run openapi` after changing a schema)', () => {
    // Compared decompressed: Brotli's bytes may differ between zlib versions, the document may not.
    expect(openApiBody()).toBe(JSON.stringify(JSON.parse(openApiFileText())));
  });

  it('is what GET /v1/openapi.json serves', async () => {
    const rt = await startTestRuntime();
    try {
      const res = await fetch(`${rt.baseUrl}/v1/openapi.json`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(JSON.parse(openApiFileText()));
    } finally {
      await rt.stop();
    }
  });
});

describe('the OpenAPI servers entry', () => {
  it('names a templated server whose default is the local runtime (paths carry /v1)', () => {
    const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { servers?: Array<{ url: string; variables?: Record<string, { default: string }> }>; paths: Record<string, unknown> };
    expect(doc.servers).toEqual([expect.objectContaining({ url: '{baseUrl}', variables: { baseUrl: expect.objectContaining({ default: 'http://127.0.0.1:3000' }) } })]);
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/v1/'))).toBe(true);
  });
});
