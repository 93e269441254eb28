/** The one nextToken format: round trip, and refusal of anything the list would not have issued. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { pagingToken } from '../../shared/store/paging-token.ts';

describe('pagingToken', () => {
  const token = pagingToken('sk', (sk) => sk.startsWith('DS#'));

  it('round-trips a position as opaque base64url JSON', () => {
    const t = token.encode('DS#ds_1');
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(t, 'base64url').toString('utf8'))).toEqual({ sk: 'DS#ds_1' });
    expect(token.decode(t)).toBe('DS#ds_1');
  });

  it('refuses a forged, foreign or garbled token with 400 on nextToken', () => {
    const forged = [
      Buffer.from(JSON.stringify({ sk: 'TENANT#other' })).toString('base64url'), // a position outside the list
      Buffer.from(JSON.stringify({ id: 'DS#ds_1' })).toString('base64url'), // another list's field
      Buffer.from(JSON.stringify({ sk: 42 })).toString('base64url'),
      'not json at all',
      '',
    ];
    for (const t of forged) {
      const err = (() => {
        try {
          token.decode(t);
        } catch (e) {
          return e;
        }
      })();
      expect(err, t).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ kind: 'invalid', field: 'nextToken' });
    }
  });
});
