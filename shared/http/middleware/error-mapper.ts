import type { MiddlewareObj } from '@middy/core';
import { logger } from '../../logger.ts';
import { httpAnswerOf, translateError } from '../error-translation.ts';
import type { ApiEvent, ApiResult } from '../request.ts';
import { json } from '../responses.ts';

/**
 * The one place errors become responses: `{error:{code,message,field?,requestId,...details}}`.
 * Unknown errors are logged (redacted) and answered as a bare 500: never a stack trace or a token.
 */
export function errorMapper(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: (request) => {
      const requestId = request.event.__api?.requestId ?? 'unknown';
      const appError = translateError(request.error);
      if (!appError) {
        logger.error('Unhandled error', { requestId, error: request.error as Error });
        request.response = json(500, { error: { code: 'internal_error', message: 'Internal error.', requestId } }, { 'x-request-id': requestId });
        return;
      }
      const { status, headers } = httpAnswerOf(appError);
      if (status >= 500) logger.warn('Request failed', { requestId, code: appError.code, status });
      const body = {
        error: {
          code: appError.code,
          message: appError.message,
          ...(appError.field ? { field: appError.field } : {}),
          requestId,
          ...(appError.details ?? {}),
        },
      };
      request.response = json(status, body, { ...headers, 'x-request-id': requestId });
    },
  };
}
