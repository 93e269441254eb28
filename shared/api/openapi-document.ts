import { buildOpenApiDocument } from '../http/openapi.ts';
import { OPERATIONS } from './operations/index.ts';
import { API_VERSION } from './service.ts';

let cached: Record<string, unknown> | undefined;

/** The service's OpenAPI document, built once per process; the meta Lambda serves the generated file (infra/openapi.ts). */
export function openApiDocument(): Record<string, unknown> {
  cached ??= buildOpenApiDocument(OPERATIONS, {
    title: 'TikTok analytics connector API',
    version: API_VERSION,
    description:
      'Connect TikTok accounts with OAuth, run Profile & Stats, Video List and Video Query reports shaped with Cloud9QL, and schedule deliveries to S3.',
    // Paths carry the /v1 prefix; the host differs per deployment, hence a templated server.
    server: {
      url: '{baseUrl}',
      description: 'The deployment: PUBLIC_BASE_URL (the API URL or custom domain in AWS; the local runtime by default).',
      variables: { baseUrl: { default: 'http://127.0.0.1:3000', description: 'Scheme, host and port, without /v1.' } },
    },
  });
  return cached;
}
