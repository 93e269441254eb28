/**
 * A middleware under test on a bare middy handler, invoked directly with a fake API Gateway event
 * and Lambda context (as middy tests its own middlewares): no server, no store.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResult } from '../../../shared/http/request.ts';

export const fakeContext = { awsRequestId: 'aws-req-1', functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

export interface FakeRequest {
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  /** API Gateway's request id (requestContext.requestId). */
  gatewayRequestId?: string;
  /** State an earlier middleware left on the event (e.g. apiKeyAuth's tenant). */
  api?: ApiEvent['__api'];
}

export function fakeEvent(req: FakeRequest = {}): ApiEvent {
  return {
    version: '2.0',
    routeKey: 'POST /v1/things',
    rawPath: '/v1/things',
    rawQueryString: '',
    headers: req.headers ?? {},
    body: req.body,
    isBase64Encoded: req.isBase64Encoded ?? false,
    requestContext: { requestId: req.gatewayRequestId ?? '' },
    ...(req.api ? { __api: req.api } : {}),
  } as unknown as ApiEvent;
}

/** Runs `middlewares` in order around `inner` (default: 200 echoing what the chain left on the event). */
export function bareHandler(
  middlewares: MiddlewareObj<ApiEvent, ApiResult>[],
  inner: (event: ApiEvent) => Promise<ApiResult> = async (event) => ({ statusCode: 200, body: JSON.stringify(event.__api ?? {}) }),
): (req?: FakeRequest) => Promise<ApiResult> {
  const h = middy<ApiEvent, ApiResult>();
  for (const m of middlewares) h.use(m);
  const handler = h.handler(inner);
  return (req) => handler(fakeEvent(req), fakeContext);
}

/** The `{error:{...}}` body the error mapper answers with. */
export function errorBody(res: ApiResult): Record<string, unknown> {
  return (JSON.parse(res.body ?? '{}') as { error: Record<string, unknown> }).error;
}
