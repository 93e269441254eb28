/** The load harness's own arithmetic and guards (the run itself is `npm run load` / the load bench). */
import { describe, expect, it } from 'vitest';
import { LIMITS, percentile, runLoad, summarise } from './harness.ts';

describe('load harness', () => {
  it('percentiles are nearest-rank over the sorted latencies', () => {
    const sorted = Array.from({ length: 100 }, (_v, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  it('summarise sorts, and reports mean and max', () => {
    expect(summarise([30, 10, 20, 40])).toEqual({ p50: 20, p95: 40, p99: 40, max: 40, mean: 25 });
  });

  it('refuses clients and durations outside the bounds before starting anything', async () => {
    await expect(runLoad({ clients: LIMITS.maxClients + 1 })).rejects.toThrow(/clients must be an integer in 1\.\.64/);
    await expect(runLoad({ clients: 0 })).rejects.toThrow(RangeError);
    await expect(runLoad({ seconds: LIMITS.maxSeconds + 1 })).rejects.toThrow(/seconds must be an integer in 1\.\.120/);
    await expect(runLoad({ seconds: 2.5 })).rejects.toThrow(RangeError);
  });
});
