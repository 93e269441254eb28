import { describe, expect, it } from 'vitest';
import { buildUpdate } from '../../shared/store/update-expression.ts';

describe('buildUpdate', () => {
  it('puts every attribute name behind a placeholder and keeps the condition names and values', () => {
    const parts = buildUpdate({ status: 'failed', name: 'x' }, ['leaseOwner'], { names: { '#v': 'version' }, values: { ':expected': 3 } });
    expect(parts.UpdateExpression).toBe('SET #s0 = :s0, #s1 = :s1 REMOVE #r0');
    expect(parts.ExpressionAttributeNames).toEqual({ '#v': 'version', '#s0': 'status', '#s1': 'name', '#r0': 'leaseOwner' });
    expect(parts.ExpressionAttributeValues).toEqual({ ':expected': 3, ':s0': 'failed', ':s1': 'x' });
  });

  it('writes only the clauses it has', () => {
    expect(buildUpdate({}, ['a']).UpdateExpression).toBe('REMOVE #r0');
    expect(buildUpdate({ a: 1 }).UpdateExpression).toBe('SET #s0 = :s0');
  });
});
