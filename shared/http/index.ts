/** The HTTP layer: one public entry. */
export { httpHandler, routeDispatcher, type LambdaHttpHandler, type RequestOf } from './handler.ts';
export type { OperationDoc, ResponseDoc } from './operation.ts';
export type { ApiRequest, ApiResult, ApiEvent } from './request.ts';
export { rawBodyText } from './request.ts';
export { json, html, text, noContent, redirect, assertFitsResponse, MAX_RESPONSE_BYTES } from './responses.ts';
export { parseOrThrow } from './validate.ts';
export { translateError } from './error-translation.ts';
export { errorBodySchema, buildOpenApiDocument } from './openapi.ts';
