/**
 * PKCE (RFC 7636) with the S256 method. TikTok's desktop sample reportedly hex-encodes the SHA-256
 * digest instead of base64url (docs/tiktok.md §1), so the challenge encoding is a parameter; the RFC's
 * base64url is the default.
 */
import { createHash, randomBytes } from 'node:crypto';

export type PkceEncoding = 'base64url' | 'hex';

/** RFC 7636 §4.1: 43-128 characters from the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** A fresh verifier: 32 random bytes, base64url (43 characters, 256 bits). */
export function createPkceVerifier(): string {
  return randomBytes(32).toString('base64url');
}

export function isPkceVerifier(value: string): boolean {
  return VERIFIER.test(value);
}

/** Both encodings of a SHA-256 digest (43 base64url or 64 hex characters) fit the verifier alphabet. */
export function isPkceChallenge(value: string): boolean {
  return VERIFIER.test(value);
}

/** The S256 challenge of a verifier: SHA-256 of its ASCII bytes, encoded as asked. */
export function pkceChallenge(verifier: string, encoding: PkceEncoding = 'base64url'): string {
  if (!isPkceVerifier(verifier)) {
    throw new TypeError('PKCE code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)');
  }
  if (encoding !== 'base64url' && encoding !== 'hex') throw new TypeError(`Unknown PKCE challenge encoding: ${String(encoding)}`);
  return createHash('sha256').update(verifier, 'ascii').digest(encoding);
}
