/**
 * The one place where errors become HTTP (docs/architecture.md "Errors"): a kind is a status, a
 * `retryAfterSeconds` is a Retry-After header, a missing API key is a Bearer challenge. Domain code
 * never sees a status; the error mapper and the MCP adapter both answer through here.
 */
import { translateError } from '../error-translation.ts';
import { UnauthorizedError, type AppError, type ErrorKind } from '../errors.ts';

export { translateError };

const STATUS: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_format: 415,
  unprocessable: 422,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
  upstream_timeout: 504,
};

export function httpStatusOf(kind: ErrorKind): number {
  return STATUS[kind];
}

/** The status and headers an AppError is answered with. */
export function httpAnswerOf(err: AppError): { status: number; headers: Record<string, string> } {
  return {
    status: STATUS[err.kind],
    headers: {
      ...(err.retryAfterSeconds === undefined ? {} : { 'retry-after': String(err.retryAfterSeconds) }),
      // RFC 9110 §11.6.1: a 401 names the scheme; the API key is a Bearer token (a TikTok webhook's bad signature is no such challenge).
      ...(err instanceof UnauthorizedError ? { 'www-authenticate': 'Bearer' } : {}),
    },
  };
}
