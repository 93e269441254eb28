import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, redactSecrets, REDACTED } from '../../shared/logger.ts';

describe('log redaction', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('redacts secret-looking keys at any depth and token-like strings anywhere', () => {
    const input = {
      headers: { Authorization: 'Bearer tkc_secret', 'content-type': 'application/json' },
      tokens: { access_token: 'act.abcdef123', refresh_token: 'rft.zyx987654' },
      code: 'oauth-code-1',
      client_secret: 'shh',
      message: 'refreshed act.abcdef123 for user',
      count: 3,
    };
    const out = JSON.parse(JSON.stringify(input, redactSecrets));
    expect(out.headers.Authorization).toBe(REDACTED);
    expect(out.headers['content-type']).toBe('application/json');
    expect(out.tokens.access_token).toBe(REDACTED);
    expect(out.tokens.refresh_token).toBe(REDACTED);
    expect(out.code).toBe(REDACTED);
    expect(out.client_secret).toBe(REDACTED);
    expect(out.message).toBe(`refreshed act.${REDACTED} for user`);
    expect(out.count).toBe(3);
  });

  it('keeps error codes readable while redacting OAuth codes under the same key', () => {
    const out = JSON.parse(JSON.stringify({ a: { code: 'ECONNREFUSED' }, b: { code: 'invalid_grant' }, c: { code: 'Xk9_aQ-71bZ' } }, redactSecrets));
    expect(out.a.code).toBe('ECONNREFUSED');
    expect(out.b.code).toBe('invalid_grant');
    expect(out.c.code).toBe(REDACTED);
  });

  it('keeps the service\'s own error codes with digits (cloud9ql_error), still redacting token-shaped codes', () => {
    const out = JSON.parse(JSON.stringify({ a: { code: 'cloud9ql_error' }, b: { code: 'x9k2Lm7Qa' }, c: { code: '9ql_error' }, d: { code: 'ab12cd34ef' } }, redactSecrets));
    expect(out.a.code).toBe('cloud9ql_error');
    expect(out.b.code).toBe(REDACTED);
    expect(out.c.code).toBe(REDACTED);
    expect(out.d.code).toBe(REDACTED);
  });

  it('never writes a secret through the Powertools logger', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    vi.stubEnv('LOG_LEVEL', 'INFO'); // test/vitest.config.ts silences logs by default
    const log = createLogger('redaction-test');
    log.info('token exchange', { authorization: 'Bearer tkc_live_key', accessToken: 'act.secretvalue', state: 'state-value', tenantId: 'tn_1' });
    const all = lines.join('');
    expect(all).toContain('tn_1');
    expect(all).not.toContain('tkc_live_key');
    expect(all).not.toContain('act.secretvalue');
    expect(all).not.toContain('state-value');
  });
});
