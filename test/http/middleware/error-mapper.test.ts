/** errorMapper: AppErrors become `{error:{...}}` with their status and headers; anything else a bare 500, logged. */
import { describe, expect, it, vi } from 'vitest';
import { AppError, RateLimitedError, ValidationError } from '../../../shared/errors.ts';
import { errorMapper, errorMapperDefaults } from '../../../shared/http/middleware/error-mapper.ts';
import { logger } from '../../../shared/logger.ts';
import { bareHandler, errorBody } from './bare.ts';

function failing(err: unknown) {
  const log = { error: vi.fn(), warn: vi.fn() };
  const call = bareHandler([errorMapper({ logger: log })], async () => {
    throw err;
  });
  return { log, call: () => call({ api: { requestId: 'req-9' } }) };
}

describe('errorMapper middleware', () => {
  it('an AppError: its status, code, message, field, details and headers, with the request id', async () => {
    const { call, log } = failing(new RateLimitedError(5, 42));
    const res = await call();
    expect(res.statusCode).toBe(429);
    expect(res.headers).toMatchObject({ 'retry-after': '42', 'x-request-id': 'req-9', 'content-type': 'application/json; charset=utf-8' });
    expect(errorBody(res)).toEqual({
      code: 'rate_limited',
      message: expect.stringContaining('5 API requests per minute'),
      requestId: 'req-9',
      requestsPerMinute: 5,
      retryAfterSeconds: 42,
    });
    expect(log.warn).not.toHaveBeenCalled();
    expect(log.error).not.toHaveBeenCalled();

    const invalid = await failing(new ValidationError('Too long.', 'name')).call();
    expect(invalid.statusCode).toBe(400);
    expect(errorBody(invalid)).toMatchObject({ code: 'invalid_request', field: 'name', requestId: 'req-9' });
  });

  it('a 5xx AppError is answered as such and logged as a warning (code and status only)', async () => {
    const { call, log } = failing(new AppError('unavailable', 'upstream_unavailable', 'TikTok is not answering.'));
    const res = await call();
    expect(res.statusCode).toBe(503);
    expect(errorBody(res)).toMatchObject({ code: 'upstream_unavailable', requestId: 'req-9' });
    expect(log.warn).toHaveBeenCalledWith('Request failed', { requestId: 'req-9', code: 'upstream_unavailable', status: 503 });
  });

  it('an unknown error: a bare 500 without its message or stack, and the error logged', async () => {
    const boom = new Error('secret-token-abc at /var/task/index.js:1');
    const { call, log } = failing(boom);
    const res = await call();
    expect(res.statusCode).toBe(500);
    expect(errorBody(res)).toEqual({ code: 'internal_error', message: 'Internal error.', requestId: 'req-9' });
    expect(res.body).not.toContain('secret-token-abc');
    expect(log.error).toHaveBeenCalledWith('Unhandled error', { requestId: 'req-9', error: boom });
  });

  it("without a request id (the error came before requestId ran) it says 'unknown'; the default logger is the service's", async () => {
    const call = bareHandler([errorMapper({ logger: { error: vi.fn(), warn: vi.fn() } })], async () => {
      throw new ValidationError('x');
    });
    expect(errorBody(await call())).toMatchObject({ requestId: 'unknown' });
    expect(errorMapperDefaults.logger).toBe(logger);
  });
});
