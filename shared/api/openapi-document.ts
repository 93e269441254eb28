import { buildOpenApiDocument } from '../http/openapi.ts';
import { OPERATIONS } from './operations/index.ts';

export const SERVICE_NAME = 'tiktok-connector';
export const API_VERSION = '1.0.0';

let cached: Record<string, unknown> | undefined;

/** The service's OpenAPI document (built once per container). */
export function openApiDocument(): Record<string, unknown> {
  cached ??= buildOpenApiDocument(OPERATIONS, {
    title: 'TikTok analytics connector API',
    version: API_VERSION,
    description:
      'Connect TikTok accounts with OAuth, run Profile & Stats, Video List and Video Query reports shaped with Cloud9QL, and schedule deliveries to S3.',
  });
  return cached;
}
