import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ValidationError } from '../../shared/errors.ts';
import { fieldPath, parseOrThrow } from '../../shared/http/validate.ts';

describe('parseOrThrow', () => {
  const schema = z.object({
    name: z.string().check(z.minLength(1)),
    requestBody: z.object({ max_count: z.number().check(z.int(), z.lte(20)) }),
    ids: z.array(z.string()),
  });

  it('returns parsed data', () => {
    expect(parseOrThrow(schema, { name: 'a', requestBody: { max_count: 3 }, ids: [] })).toEqual({ name: 'a', requestBody: { max_count: 3 }, ids: [] });
  });

  it('names a nested field in the error', () => {
    try {
      parseOrThrow(schema, { name: 'a', requestBody: { max_count: 21 }, ids: [] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      const e = err as ValidationError;
      expect(e.kind).toBe('invalid');
      expect(e.code).toBe('invalid_request');
      expect(e.field).toBe('requestBody.max_count');
      expect(e.message).toContain('requestBody.max_count');
    }
  });

  it('names array elements with brackets and prefixes the location', () => {
    expect(fieldPath(['ids', 2], undefined)).toBe('ids[2]');
    expect(fieldPath(['id'], 'params')).toBe('params.id');
    expect(fieldPath([], 'body')).toBe('body');
  });
});

describe('__proto__ members', () => {
  it('a JSON body with an own __proto__ member is refused with 400 naming it, also under a loose or strict object', () => {
    for (const schema of [z.strictObject({ name: z.optional(z.string()) }), z.looseObject({ name: z.optional(z.string()) })]) {
      const body = JSON.parse('{"name": "x", "__proto__": {"enabled": false}}') as unknown;
      expect(() => parseOrThrow(schema, body)).toThrow(expect.objectContaining({ kind: 'invalid', field: '__proto__', message: expect.stringContaining('"__proto__"') }));
    }
    const nested = JSON.parse('{"requestBody": {"filters": [{"__proto__": 1}]}}') as unknown;
    expect(() => parseOrThrow(z.any(), nested)).toThrow(expect.objectContaining({ field: 'requestBody.filters[0].__proto__' }));
  });
  it('the schedule PATCH schema refuses it', async () => {
    const { schedulePatchSchema } = await import('../../shared/schedules/definition.ts');
    expect(() => parseOrThrow(schedulePatchSchema, JSON.parse('{"__proto__": {"name": "sneaky"}}'))).toThrow(expect.objectContaining({ kind: 'invalid', field: '__proto__' }));
    expect(parseOrThrow(schedulePatchSchema, { name: 'ok' })).toEqual({ name: 'ok' });
  });
});
