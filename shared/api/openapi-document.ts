import { buildOpenApiDocument, jsonSchema } from '../http/openapi.ts';
import { EVENT_DATA, eventEnvelope } from './operations/webhooks.ts';
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
  cached.webhooks = webhookEvents();
  return cached;
}

const SIGNATURE_HEADERS = [
  { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' }, description: 'The event id (msg_...): the same on every try, so receivers can drop duplicates.' },
  { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' }, description: 'Seconds since the epoch when this try was signed; reject old ones (5 minutes).' },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    schema: { type: 'string' },
    description: 'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the base64-decoded secret after whsec_ (two during a rotation). Standard Webhooks.',
  },
];

/** OpenAPI 3.1 `webhooks`: one POST per event type the service sends (docs/webhooks.md). */
function webhookEvents(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(EVENT_DATA).map(([type, doc]) => [
      type,
      {
        post: {
          summary: doc.summary,
          tags: ['webhooks'],
          parameters: SIGNATURE_HEADERS,
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(eventEnvelope(type, doc.data), 'output') } } },
          responses: { '2XX': { description: 'Received. Anything else (or no answer within 10 s) is retried.' } },
        },
      },
    ]),
  );
}
