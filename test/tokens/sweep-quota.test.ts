/** The refresh sweep under a full token-endpoint lane: refreshes left for later, not failures. */
import { describe, expect, it } from 'vitest';
import type { DatasourceStoreDeps } from '../../shared/datasources/store.ts';
import { QuotaExhaustedError } from '../../shared/quota/index.ts';
import { sweepExpiringTokens, type TokenService } from '../../shared/tokens/index.ts';

const items = Array.from({ length: 6 }, (_, i) => ({ tenantId: 't1', id: `ds_${i}`, tokenVersion: 1 }));

describe('token refresh sweep and the quota', () => {
  it('stops starting refreshes once the lane is full; the rest are deferred, none counted failed', async () => {
    const deps = { dynamo: { send: async () => ({ Items: items }) }, tableName: 't', now: () => Date.parse('2026-12-01T00:00:00Z') } as unknown as DatasourceStoreDeps;
    const called: string[] = [];
    const service = {
      refresh: async (ref: { datasourceId: string }) => {
        called.push(ref.datasourceId);
        if (called.length >= 3) throw new QuotaExhaustedError({ endpoint: '/v2/oauth/token/', priority: 'background', retryAfterSeconds: 20, reason: 'window_full' });
        return { refreshed: true, record: {} };
      },
    } as unknown as TokenService;
    const summary = await sweepExpiringTokens(deps, service, { concurrency: 1 });
    expect(summary).toMatchObject({ due: 6, succeeded: 2, failed: 0, deferred: 4, failures: [] });
    // The first refusal stops the run: TikTok is not asked for the rest.
    expect(called).toEqual(['ds_0', 'ds_1', 'ds_2']);
  });
});
