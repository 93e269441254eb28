import * as z from 'zod/mini';
import '../../zod-locale.ts';
import type { OperationDoc } from '../../http/operation.ts';

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  service: z.string(),
  version: z.string().check(z.meta({ description: "The service's release (package.json version)." })),
  stage: z.string(),
  time: z.string().check(z.meta({ description: 'Server time, ISO 8601 UTC.' })),
});

export const getHealth = {
  operationId: 'getHealth',
  summary: 'Liveness check',
  tags: ['meta'],
  responses: { 200: { description: 'The service is up.', schema: healthResponseSchema } },
} satisfies OperationDoc;

export const getOpenApi = {
  operationId: 'getOpenApi',
  summary: 'This OpenAPI 3.1 document',
  tags: ['meta'],
  responses: { 200: { description: 'OpenAPI 3.1 document, generated from the same schemas that validate requests.', schema: z.record(z.string(), z.unknown()) } },
} satisfies OperationDoc;

export const metaOperations: OperationDoc[] = [getHealth, getOpenApi];
