import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { logger } from '../../logger.ts';
import { httpAnswerOf, translateError } from '../error-translation.ts';
import type { ApiEvent, ApiResult } from '../request.ts';
import { json } from '../responses.ts';

export interface ErrorMapperOptions {
  /** Where unknown errors (error) and 5xx answers (warn) are logged. Default: the service logger (redacting). */
  logger: Pick<Logger, 'error' | 'warn'>;
}

export const errorMapperDefaults: ErrorMapperOptions = { logger };

/**
 * The one place errors become responses: `{error:{code,message,field?,requestId,...details}}`.
 * Unknown errors are logged (redacted) and answered as a bare 500: never a stack trace or a token.
 */
export function errorMapper(opts: Partial<ErrorMapperOptions> = {}): MiddlewareObj<ApiEvent, ApiResult> {
  const options: ErrorMapperOptions = { ...errorMapperDefaults, ...opts };
  return {
    onError: (request) => {
      const requestId = request.event.__api?.requestId ?? 'unknown';
      const appError = translateError(request.error);
      if (!appError) {
        options.logger.error('Unhandled error', { requestId, error: request.error as Error });
        request.response = json(500, { error: { code: 'internal_error', message: 'Internal error.', requestId } }, { 'x-request-id': requestId });
        return;
      }
      const { status, headers } = httpAnswerOf(appError);
      if (status >= 500) options.logger.warn('Request failed', { requestId, code: appError.code, status });
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
