import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { headerValue, type ApiEvent, type ApiResult } from '../request.ts';

export interface RequestIdOptions {
  /** Which caller-chosen ids are echoed as they are (anything else could smuggle text into logs). */
  safeId: RegExp;
  /** The id when neither the caller nor API Gateway gave one. */
  generate: () => string;
}

export const requestIdDefaults: RequestIdOptions = {
  safeId: /^[A-Za-z0-9._-]{1,64}$/,
  generate: randomUUID,
};

/** Takes a caller's `x-request-id` when it is safe to echo, else API Gateway's id, else a new one; echoes it back. */
export function requestId(opts: Partial<RequestIdOptions> = {}): MiddlewareObj<ApiEvent, ApiResult> {
  const options: RequestIdOptions = { ...requestIdDefaults, ...opts };
  return {
    before: (request) => {
      const event = request.event;
      const given = headerValue(event.headers, 'x-request-id');
      const id = given && options.safeId.test(given) ? given : event.requestContext?.requestId || options.generate();
      event.__api = { ...event.__api, requestId: id };
    },
    after: (request) => {
      const id = request.event.__api?.requestId;
      if (id && request.response) request.response.headers = { ...request.response.headers, 'x-request-id': id };
    },
  };
}
