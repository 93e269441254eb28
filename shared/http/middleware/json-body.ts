import type { MiddlewareObj } from '@middy/core';
import { appContext } from '../../context.ts';
import { AppError, PayloadTooLargeError } from '../../errors.ts';
import { headerValue, type ApiEvent, type ApiResult } from '../request.ts';

/**
 * Size-limited JSON body parsing. The limit is checked on the decoded byte length before any
 * parsing work. Bodies are only accepted as JSON; a missing content type is tolerated (curl).
 */
export interface JsonBodyOptions {
  /** Largest decoded body, in bytes (read per request when a function). Default: MAX_BODY_BYTES. */
  maxBytes: number | (() => number);
}

export const jsonBodyDefaults: JsonBodyOptions = {
  maxBytes: () => appContext().config.maxBodyBytes,
};

export function jsonBody(opts: Partial<JsonBodyOptions> = {}): MiddlewareObj<ApiEvent, ApiResult> {
  const options: JsonBodyOptions = { ...jsonBodyDefaults, ...opts };
  return {
    before: (request) => {
      const maxBytes = typeof options.maxBytes === 'function' ? options.maxBytes() : options.maxBytes;
      const event = request.event;
      if (event.body === undefined || event.body === null || event.body === '') return;
      const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
      if (raw.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
      const contentType = headerValue(event.headers, 'content-type');
      if (contentType && !/^application\/([a-z.+-]*\+)?json\b/i.test(contentType.trim())) {
        throw new AppError('unsupported_format', 'unsupported_media_type', `Send the body as application/json (got "${contentType.slice(0, 80)}").`, {
          field: 'content-type',
        });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        throw new AppError('invalid', 'invalid_json', `The request body is not valid JSON: ${(err as Error).message}`, { field: 'body' });
      }
      event.__api = { ...event.__api, parsedBody: parsed };
    },
  };
}
