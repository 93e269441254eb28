/**
 * Typed application errors. Every error the API can answer with is an AppError: a stable `code`
 * (machine-readable, documented in OpenAPI), an HTTP `status`, a human `message`, and optionally
 * the request `field` at fault and extra `details`. The HTTP error mapper (shared/http) turns any
 * AppError into `{error:{code,message,field?,requestId,...details}}`; anything else becomes a 500
 * with no internals exposed.
 */
import { routePath } from './topology/routes.ts';
export interface AppErrorOptions {
  field?: string;
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field?: string;
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(status: number, code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.field = options.field;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, field?: string, details?: Record<string, unknown>) {
    super(400, 'invalid_request', message, { field, details });
    this.name = 'ValidationError';
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid API key is required: send "Authorization: Bearer <api key>".') {
    super(401, 'unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } });
    this.name = 'UnauthorizedError';
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, code = 'not_found') {
    super(404, code, message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(409, code, message, { details });
    this.name = 'ConflictError';
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body is larger than the limit of ${limitBytes} bytes.`, {
      details: { limitBytes },
    });
    this.name = 'PayloadTooLargeError';
  }
}

/** The tenant's API requests-per-minute budget is spent (shared/auth/rate-limit.ts). */
export class RateLimitedError extends AppError {
  constructor(requestsPerMinute: number, retryAfterSeconds: number) {
    super(
      429,
      'rate_limited',
      `This tenant's limit of ${requestsPerMinute} API requests per minute is reached; retry after ${retryAfterSeconds} seconds.`,
      { details: { requestsPerMinute, retryAfterSeconds }, headers: { 'retry-after': String(retryAfterSeconds) } },
    );
    this.name = 'RateLimitedError';
  }
}

/** 413 `response_too_large`: the answer would exceed what the API can return (see MAX_RESPONSE_BYTES). */
export class ResponseTooLargeError extends AppError {
  /** `exportPath`: the export route of the report's datasource, where the full result can be had as a file. */
  constructor(sizeBytes: number, limitBytes: number, exportPath = routePath('createExport')) {
    super(
      413,
      'response_too_large',
      `The response would be ${sizeBytes} bytes, more than the API can return (${limitBytes} bytes). ` +
        'Ask for less: page (maxVideos and cursor), narrow the result with a Cloud9QL select and limit, ' +
        `or export the full report to a file: POST ${exportPath} with the same body plus "reportType" (POST ${routePath('createExport')}), ` +
        `then GET ${routePath('getExport')} for its downloadUrl.`,
      { details: { sizeBytes, limitBytes, exportPath } },
    );
    this.name = 'ResponseTooLargeError';
  }
}
