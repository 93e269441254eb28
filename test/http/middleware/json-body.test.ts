/** jsonBody: the size limit on the decoded bytes, JSON only, parse errors as 400 invalid_json. */
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../../shared/config.ts';
import { overrideAppContext, resetAppContext } from '../../../shared/context.ts';
import { errorMapper } from '../../../shared/http/middleware/error-mapper.ts';
import { jsonBody } from '../../../shared/http/middleware/json-body.ts';
import { bareHandler, errorBody } from './bare.ts';

const parsedOf = (res: { body?: string }) => (JSON.parse(res.body!) as { parsedBody?: unknown }).parsedBody;

describe('jsonBody middleware', () => {
  afterEach(() => resetAppContext());

  it('parses a JSON body (plain or base64) and leaves it on the event', async () => {
    const call = bareHandler([errorMapper(), jsonBody({ maxBytes: 100 })]);
    const body = JSON.stringify({ name: 'ünï', n: 1 });
    expect(parsedOf(await call({ body, headers: { 'Content-Type': 'application/json; charset=utf-8' } }))).toEqual({ name: 'ünï', n: 1 });
    expect(parsedOf(await call({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true }))).toEqual({ name: 'ünï', n: 1 });
    expect(parsedOf(await call({ body, headers: { 'content-type': 'application/merge-patch+json' } }))).toEqual({ name: 'ünï', n: 1 });
  });

  it('no body: nothing parsed, no error', async () => {
    const call = bareHandler([errorMapper(), jsonBody({ maxBytes: 1 })]);
    for (const body of [undefined, '']) {
      const res = await call(body === undefined ? {} : { body });
      expect(res.statusCode).toBe(200);
      expect(parsedOf(res)).toBeUndefined();
    }
  });

  it('over the limit in decoded bytes (not characters): 413 payload_too_large with the limit', async () => {
    const call = bareHandler([errorMapper(), jsonBody({ maxBytes: 10 })]);
    expect((await call({ body: '"abcdefgh"' })).statusCode).toBe(200); // 10 bytes
    const res = await call({ body: '"ééééé"' }); // 7 characters, 12 bytes
    expect(res.statusCode).toBe(413);
    expect(errorBody(res)).toMatchObject({ code: 'payload_too_large', limitBytes: 10 });
  });

  it('another content type: 415 unsupported_media_type naming the header', async () => {
    const res = await bareHandler([errorMapper(), jsonBody({ maxBytes: 100 })])({ body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(415);
    expect(errorBody(res)).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
  });

  it('not JSON: 400 invalid_json on the body field', async () => {
    const res = await bareHandler([errorMapper(), jsonBody({ maxBytes: 100 })])({ body: '{"a":' });
    expect(res.statusCode).toBe(400);
    expect(errorBody(res)).toMatchObject({ code: 'invalid_json', field: 'body' });
  });

  it('a limit given as a function is read per request; the default is MAX_BODY_BYTES from the config', async () => {
    let limit = 100;
    const call = bareHandler([errorMapper(), jsonBody({ maxBytes: () => limit })]);
    expect((await call({ body: '[1,2,3]' })).statusCode).toBe(200);
    limit = 3;
    expect((await call({ body: '[1,2,3]' })).statusCode).toBe(413);

    overrideAppContext({ config: readConfig({ TABLE_NAME: 'unit-test', MAX_BODY_BYTES: '4' }) });
    const byDefault = bareHandler([errorMapper(), jsonBody()]);
    expect((await byDefault({ body: '[1]' })).statusCode).toBe(200);
    expect(errorBody(await byDefault({ body: '[1,2]' }))).toMatchObject({ code: 'payload_too_large', limitBytes: 4 });
  });
});
