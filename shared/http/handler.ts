/**
 * Builds a Lambda handler for one API operation. The middleware chain reads like the request's
 * life: request id -> error mapping -> API-key auth (per the route table) -> the tenant's request
 * limit -> size-limited JSON body -> zod validation of params, query and body -> the domain function.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { logger } from '../logger.ts';
import { routeByOperationId, routeKey } from '../topology/routes.ts';
import { apiKeyAuth } from './middleware/api-key-auth.ts';
import { errorMapper } from './middleware/error-mapper.ts';
import { jsonBody } from './middleware/json-body.ts';
import { requestId } from './middleware/request-id.ts';
import { tenantRateLimit } from './middleware/tenant-rate-limit.ts';
import type { OperationDoc } from './operation.ts';
import { lowerCaseHeaders, type ApiEvent, type ApiRequest, type ApiResult } from './request.ts';
import { parseOrThrow } from './validate.ts';
import { NotFoundError } from '../errors.ts';
import { withWork } from '../quota/work.ts';
import { awaitingTokenRefreshes } from '../tokens/refresh-scope.ts';

type Out<S, Fallback> = S extends z.ZodMiniType ? z.output<S> : Fallback;

export type RequestOf<O extends OperationDoc> = ApiRequest<
  Out<O['params'], Record<string, string>>,
  Out<O['query'], Record<string, unknown>>,
  Out<O['body'], undefined>
>;

export type LambdaHttpHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/** Default cap on the raw body; routes may pass a smaller or larger one. */
export interface HttpHandlerOptions {
  maxBodyBytes?: number;
  /**
   * The function reads and bounds the body itself (rawBodyText) to answer a malformed one in its own
   * protocol's terms (MCP: JSON-RPC -32700, docs/mcp.md); operation.body then only documents it.
   */
  rawBody?: boolean;
}

export function httpHandler<O extends OperationDoc>(
  operation: O,
  fn: (request: RequestOf<O>) => Promise<ApiResult>,
  options: HttpHandlerOptions = {},
): LambdaHttpHandler {
  const route = routeByOperationId(operation.operationId);
  const base = async (event: ApiEvent, lambdaContext: Context): Promise<ApiResult> => {
    const state = event.__api ?? {};
    const params = operation.params ? parseOrThrow(operation.params, event.pathParameters ?? {}) : (event.pathParameters ?? {});
    const query = operation.query ? parseOrThrow(operation.query, event.queryStringParameters ?? {}) : (event.queryStringParameters ?? {});
    let body: unknown = undefined;
    if (operation.body && !options.rawBody) body = parseOrThrow(operation.body, state.parsedBody ?? {});
    const request = {
      requestId: state.requestId ?? lambdaContext.awsRequestId,
      tenantId: state.tenantId ?? '',
      params,
      query,
      body,
      headers: lowerCaseHeaders(event.headers),
      event,
      lambdaContext,
    } as RequestOf<O>;
    // A tenant's API call is interactive work: its TikTok calls take the first lane (docs/quota.md).
    const run = () => (request.tenantId ? withWork({ tenantId: request.tenantId, priority: 'interactive' }, () => fn(request)) : fn(request));
    // A token refresh the request gave up on still finishes before Lambda freezes (shared/tokens/refresh-scope.ts).
    return awaitingTokenRefreshes(run);
  };
  const chain = middy<ApiEvent, ApiResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestId())
    .use(errorMapper());
  if (route.auth === 'apiKey') chain.use(apiKeyAuth()).use(tenantRateLimit());
  if (!options.rawBody) chain.use(jsonBody(options.maxBodyBytes === undefined ? {} : { maxBytes: options.maxBodyBytes }));
  return chain.handler(base) as unknown as LambdaHttpHandler;
}

/** One Lambda serving several routes (e.g. list/get/delete): picks the operation by API Gateway's routeKey. */
export function routeDispatcher(handlers: Record<string, LambdaHttpHandler>): LambdaHttpHandler {
  const byRouteKey = new Map<string, LambdaHttpHandler>();
  for (const [operationId, h] of Object.entries(handlers)) byRouteKey.set(routeKey(routeByOperationId(operationId)), h);
  return async (event, context) => {
    const h = byRouteKey.get(event.routeKey);
    if (!h) {
      const err = new NotFoundError(`No route ${event.routeKey}.`);
      return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: err.code, message: err.message, requestId: context.awsRequestId } }) };
    }
    return h(event, context);
  };
}
