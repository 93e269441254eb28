import { describe, expect, it } from 'vitest';
import { createPkceVerifier, isPkceVerifier, pkceChallenge } from '../../shared/tiktok/index.ts';

describe('PKCE S256', () => {
  it('matches the RFC 7636 Appendix B test vector (base64url)', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'base64url')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('hex-encodes the same digest when asked (TikTok desktop sample)', () => {
    const hex = pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'hex');
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(hex, 'hex').toString('base64url')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('creates 43-character verifiers from the unreserved alphabet, different every time', () => {
    const a = createPkceVerifier();
    const b = createPkceVerifier();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isPkceVerifier(a)).toBe(true);
    expect(a).not.toBe(b);
  });

  it('rejects verifiers outside RFC 7636 §4.1', () => {
    expect(() => pkceChallenge('short')).toThrow(TypeError);
    expect(() => pkceChallenge('x'.repeat(129))).toThrow(TypeError);
    expect(() => pkceChallenge(`${'a'.repeat(42)} `)).toThrow(TypeError);
    expect(pkceChallenge('a'.repeat(128), 'hex')).toHaveLength(64);
  });
});
