/**
 * /v1/health reports the release in package.json, through a generated constant (shared/api/version.ts,
 * written by `npm run openapi`) so no Lambda bundles package.json. A version bump without regenerating fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION_FILE, versionFileText } from '../../infra/openapi.ts';
import { startTestRuntime } from '../support/runtime.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('the service version', () => {
  it('the generated constant is current (run `npm run openapi` after changing package.json version)', () => {
    expect(readFileSync(VERSION_FILE, 'utf8')).toBe(versionFileText());
  });

  it("GET /v1/health reports package.json's version", async () => {
    const rt = await startTestRuntime();
    try {
      const res = await fetch(`${rt.baseUrl}/v1/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', version: pkg.version });
    } finally {
      await rt.stop();
    }
  });
});
