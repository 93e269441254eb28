import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { ApiEvent, ApiResult } from '../request.ts';

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Takes a caller's `x-request-id` when it is safe to echo, else API Gateway's id, else a new one; echoes it back. */
export function requestId(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: (request) => {
      const event = request.event;
      const header = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'x-request-id')?.[1];
      const id = header && SAFE_ID.test(header) ? header : event.requestContext?.requestId || randomUUID();
      event.__api = { ...event.__api, requestId: id };
    },
    after: (request) => {
      const id = request.event.__api?.requestId;
      if (id && request.response) request.response.headers = { ...request.response.headers, 'x-request-id': id };
    },
  };
}
