/**
 * The OpenAPI document as GET /v1/openapi.json sends it (compact JSON), unpacked from the generated
 * Brotli form (openapi-compact.ts, written by `npm run openapi` beside openapi.json) on first use:
 * the bundle carries 18 KiB of base64 instead of 218 KiB of JSON evaluated at every cold start.
 */
import { brotliDecompressSync } from 'node:zlib';
import { OPENAPI_BROTLI_BASE64 } from './openapi-compact.ts';

let body: string | undefined;

export function openApiBody(): string {
  body ??= brotliDecompressSync(Buffer.from(OPENAPI_BROTLI_BASE64, 'base64')).toString('utf8');
  return body;
}
