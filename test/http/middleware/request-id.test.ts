/** requestId: which id a request carries, and that it is echoed on the answer. */
import { describe, expect, it } from 'vitest';
import { requestId, requestIdDefaults } from '../../../shared/http/middleware/request-id.ts';
import { bareHandler } from './bare.ts';

const idOf = (res: { body?: string }) => (JSON.parse(res.body!) as { requestId: string }).requestId;

describe('requestId middleware', () => {
  const call = bareHandler([requestId({ generate: () => 'generated-1' })]);

  it("takes a safe caller id (any header case) and echoes it", async () => {
    const res = await call({ headers: { 'X-Request-Id': 'abc.DEF_123-x' }, gatewayRequestId: 'gw-1' });
    expect(idOf(res)).toBe('abc.DEF_123-x');
    expect(res.headers?.['x-request-id']).toBe('abc.DEF_123-x');
  });

  it("refuses an unsafe caller id (spaces, newlines, too long) and falls back to API Gateway's", async () => {
    for (const bad of ['has space', 'line\nbreak', 'x'.repeat(65), '<script>']) {
      const res = await call({ headers: { 'x-request-id': bad }, gatewayRequestId: 'gw-1' });
      expect(idOf(res)).toBe('gw-1');
      expect(res.headers?.['x-request-id']).toBe('gw-1');
    }
  });

  it('generates one when neither the caller nor API Gateway gave an id', async () => {
    const res = await call();
    expect(idOf(res)).toBe('generated-1');
    expect(res.headers?.['x-request-id']).toBe('generated-1');
  });

  it('defaults: ids up to 64 safe characters; a random UUID otherwise', async () => {
    expect(requestIdDefaults.safeId.test('a'.repeat(64))).toBe(true);
    expect(requestIdDefaults.safeId.test('a'.repeat(65))).toBe(false);
    expect(idOf(await bareHandler([requestId()])())).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('a narrower safeId option echoes only what it allows', async () => {
    const strict = bareHandler([requestId({ safeId: /^[0-9]{1,8}$/, generate: () => 'gen' })]);
    expect(idOf(await strict({ headers: { 'x-request-id': '1234' } }))).toBe('1234');
    expect(idOf(await strict({ headers: { 'x-request-id': 'abc' } }))).toBe('gen');
  });
});
