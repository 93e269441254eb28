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
      expect(e.status).toBe(400);
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
