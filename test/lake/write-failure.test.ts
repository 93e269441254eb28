/** A lake write that fails never fails the capture's commit, and it is counted (metric LakeWriteFailed, alarm). */
import { describe, expect, it } from 'vitest';
import { memoryCaptureStore } from '../../shared/history/memory-store.ts';
import { withLake } from '../../shared/lake/hook.ts';
import type { LakeStorage } from '../../shared/lake/storage.ts';

describe('lake write failures', () => {
  it('commits the history day, logs, and calls onWriteFailed once', async () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const store = memoryCaptureStore({ now: () => now });
    const broken = new Proxy({}, { get: () => () => Promise.reject(new Error('S3 down')) }) as unknown as LakeStorage;
    const history = { dynamo: { send: () => Promise.reject(new Error('store down')) }, tableName: 't', now: () => now } as never;
    const warnings: string[] = [];
    let failed = 0;
    const lake = withLake(store, { history, storage: broken, log: { warn: (m) => warnings.push(m) }, onWriteFailed: () => (failed += 1) });
    const status = await lake.days.commit({ tenantId: 't1', datasourceId: 'ds_1', day: '2026-12-01' }, { profile: { follower_count: 1 } as never, videos: [] });
    expect(status).toBe('captured');
    expect(await store.days.has('ds_1', '2026-12-01')).toBe(true);
    expect(failed).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/Lake write failed/)]);
  });
});
