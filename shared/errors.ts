/**
 * Typed application errors, transport-neutral (docs/architecture.md "Errors"). An AppError says what
 * went wrong as a `kind` (invalid, not_found, rate_limited, ...) and whether trying again can help
 * (`retryable`, and when: `retryAfterSeconds`), plus a stable machine-readable `code` (documented in
 * OpenAPI), a human `message`, and optionally the request `field` at fault and extra `details`.
 * No HTTP here: the edge (shared/http/error-translation.ts) maps a kind to a status and headers, and
 * background work (shared/failure.ts) decides on retries from `retryable`.
 */
import { routePath } from './topology/routes.ts';

/** What went wrong, as callers decide on it (answer, retry, give up). */
export type ErrorKind =
  /** The request is malformed or breaks a rule of the contract. */
  | 'invalid'
  /** The request is well-formed but its content cannot be evaluated (a Cloud9QL query). */
  | 'unprocessable'
  /** The request body is not in a format the service reads. */
  | 'unsupported_format'
  /** No valid credentials. */
  | 'unauthorized'
  /** Credentials are fine, but the grant does not cover this (a TikTok scope). */
  | 'forbidden'
  | 'not_found'
  /** The current state forbids it (a run exists, the authorisation must be renewed, ...). */
  | 'conflict'
  /** Over a size limit (request, response, export). */
  | 'too_large'
  /** A rate or quota is spent for now. */
  | 'rate_limited'
  /** The service itself is briefly busy (a token refresh in flight). */
  | 'unavailable'
  /** An upstream (TikTok) failed. */
  | 'upstream'
  /** An upstream (TikTok) did not answer in time. */
  | 'upstream_timeout';

/** Kinds that are transient: the same request later may well succeed. */
const TRANSIENT: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['rate_limited', 'unavailable', 'upstream', 'upstream_timeout']);

export interface AppErrorOptions {
  field?: string;
  details?: Record<string, unknown>;
  /** Defaults by kind: rate_limited, unavailable, upstream and upstream_timeout are retryable. */
  retryable?: boolean;
  /** When a retry makes sense; also reported in `details.retryAfterSeconds`. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;
  readonly field?: string;
  readonly details?: Record<string, unknown>;

  constructor(kind: ErrorKind, code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.retryable = options.retryable ?? TRANSIENT.has(kind);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.field = options.field;
    this.details = options.retryAfterSeconds === undefined ? options.details : { ...options.details, retryAfterSeconds: options.retryAfterSeconds };
  }
}

export class ValidationError extends AppError {
  constructor(message: string, field?: string, details?: Record<string, unknown>) {
    super('invalid', 'invalid_request', message, { field, details });
    this.name = 'ValidationError';
  }
}

/** No valid API key (the edge adds the Bearer challenge). */
export class UnauthorizedError extends AppError {
  constructor(message = 'A valid API key is required: send "Authorization: Bearer <api key>".') {
    super('unauthorized', 'unauthorized', message);
    this.name = 'UnauthorizedError';
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, code = 'not_found') {
    super('not_found', code, message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super('conflict', code, message, { details });
    this.name = 'ConflictError';
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('too_large', 'payload_too_large', `The request body is larger than the limit of ${limitBytes} bytes.`, {
      details: { limitBytes },
    });
    this.name = 'PayloadTooLargeError';
  }
}

/** The tenant's API requests-per-minute budget is spent (shared/auth/rate-limit.ts). */
export class RateLimitedError extends AppError {
  constructor(requestsPerMinute: number, retryAfterSeconds: number) {
    super(
      'rate_limited',
      'rate_limited',
      `This tenant's limit of ${requestsPerMinute} API requests per minute is reached; retry after ${retryAfterSeconds} seconds.`,
      { details: { requestsPerMinute }, retryAfterSeconds },
    );
    this.name = 'RateLimitedError';
  }
}

/** `response_too_large`: the answer would exceed what the API can return (see MAX_RESPONSE_BYTES). */
export class ResponseTooLargeError extends AppError {
  /** `exportPath`: the export route of the report's datasource, where the full result can be had as a file. */
  constructor(sizeBytes: number, limitBytes: number, exportPath = routePath('createExport')) {
    super(
      'too_large',
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
