import { describe, expect, it } from 'vitest';
import { httpAnswerOf, translateError } from '../../shared/http/error-translation.ts';
import { QuotaExhaustedError, type GovernorEvent } from '../../shared/quota/index.ts';
import { governorOn, maxInWindow, memoryLedgerStore, settings, virtualClock } from './support.ts';

describe('quota governor', () => {
  it('many instances racing on one store never let more than the quota through in any 60 s window', async () => {
    const clock = virtualClock();
    const store = memoryLedgerStore();
    const s = settings({ perMinute: 60, maxWaitMs: { interactive: 0, scheduled: 0, background: 0 } });
    const instances = Array.from({ length: 12 }, () => governorOn(store, clock, s));
    const sent: number[] = [];
    let refused = 0;
    // 5 minutes in 100 ms steps; every instance tries a call each step for one of 5 tenants and lanes.
    for (let step = 0; step < 3_000; step += 1) {
      await Promise.all(
        instances.map(async (g, i) => {
          const priority = (['interactive', 'scheduled', 'background'] as const)[(i + step) % 3];
          try {
            await g.acquire({ endpoint: '/v2/video/list/', tenantId: `t${(i * 7 + step) % 5}`, priority });
            sent.push(clock.now());
          } catch (err) {
            expect(err).toBeInstanceOf(QuotaExhaustedError);
            refused += 1;
          }
        }),
      );
      clock.advance(100);
    }
    expect(maxInWindow(sent)).toBeLessThanOrEqual(60);
    // And the quota is used, not starved: roughly 60 per 63 s (lease + margin) over 5 minutes.
    expect(sent.length).toBeGreaterThan(250);
    expect(refused).toBeGreaterThan(0);
  });

  it('permits leased by a crashed instance come back once the window has passed', async () => {
    const clock = virtualClock();
    const store = memoryLedgerStore();
    const s = settings({ perMinute: 10, tenantShare: 1, maxBatch: 8 });
    const crashing = governorOn(store, clock, s);
    // Four quick calls make it lease 1 + 2 + 4 permits, then it dies holding the unused ones.
    for (let i = 0; i < 4; i += 1) await crashing.acquire({ endpoint: '/v2/user/info/', tenantId: 'a', priority: 'interactive' });
    const other = governorOn(store, clock, s);
    await expect(other.acquire({ endpoint: '/v2/user/info/', tenantId: 'b', priority: 'interactive', maxWaitMs: 0 })).resolves.toBeUndefined();
    // The window plus lease and margin (63 s), plus the 10 s granularity of per-tenant counts.
    clock.advance(73_000);
    for (let i = 0; i < 10; i += 1) await other.acquire({ endpoint: '/v2/user/info/', tenantId: 'b', priority: 'interactive', maxWaitMs: 0 });
  });

  it('an interactive caller waits up to its budget, then gets quota_exhausted with Retry-After and no call', async () => {
    const clock = virtualClock();
    const s = settings({ perMinute: 4, tenantShare: 1 });
    const events: GovernorEvent[] = [];
    const g = governorOn(memoryLedgerStore(), clock, s, events);
    for (let i = 0; i < 4; i += 1) await g.acquire({ endpoint: '/v2/user/info/', tenantId: 'a', priority: 'interactive' });
    const before = clock.now();
    const err = await g.acquire({ endpoint: '/v2/user/info/', tenantId: 'a', priority: 'interactive' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    const q = err as QuotaExhaustedError;
    const app = translateError(q)!;
    expect(app).toMatchObject({ kind: 'rate_limited', code: 'quota_exhausted', retryable: true, retryAfterSeconds: q.retryAfterSeconds });
    expect(httpAnswerOf(app)).toEqual({ status: 429, headers: { 'retry-after': String(q.retryAfterSeconds) } });
    expect(q.retryAfterSeconds).toBeGreaterThan(55);
    // It did not sleep for nothing: the permit frees up far later than the 2 s budget.
    expect(clock.now() - before).toBe(0);
    expect(events.filter((e) => e.type === 'rejected')).toHaveLength(1);
  });

  it("TikTok's 429 backs the endpoint off for every instance, honours Retry-After, then recovers gradually", async () => {
    const clock = virtualClock();
    const store = memoryLedgerStore();
    const s = settings({ perMinute: 100, tenantShare: 1, recoveryMs: 120_000, maxWaitMs: { interactive: 0, scheduled: 0, background: 0 } });
    const a = governorOn(store, clock, s);
    const b = governorOn(store, clock, s);
    await a.acquire({ endpoint: '/v2/video/list/', tenantId: 't', priority: 'background' });
    await a.throttled('/v2/video/list/', undefined, 20);
    const refused = await b.acquire({ endpoint: '/v2/video/list/', tenantId: 'u', priority: 'interactive' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ reason: 'backoff', retryAfterSeconds: 20 });
    // Other endpoints are not affected.
    await b.acquire({ endpoint: '/v2/user/info/', tenantId: 'u', priority: 'interactive' });
    clock.advance(20_000);
    // Half the limit right after the back-off (50), growing back to 100 over recoveryMs.
    let granted = 0;
    for (let i = 0; i < 100; i += 1) {
      try {
        await b.acquire({ endpoint: '/v2/video/list/', tenantId: 'u', priority: 'interactive' });
        granted += 1;
      } catch {
        break;
      }
    }
    expect(granted).toBeGreaterThanOrEqual(49);
    expect(granted).toBeLessThanOrEqual(51);
    clock.advance(200_000);
    granted = 0;
    for (let i = 0; i < 100; i += 1) {
      try {
        await b.acquire({ endpoint: '/v2/video/list/', tenantId: 'v', priority: 'interactive' });
        granted += 1;
      } catch {
        break;
      }
    }
    expect(granted).toBe(100);
  });

  it('a bursting tenant cannot starve another: the second tenant is served while the first is refused', async () => {
    const clock = virtualClock();
    const store = memoryLedgerStore();
    const s = settings({ perMinute: 60, maxWaitMs: { interactive: 0, scheduled: 0, background: 0 } });
    const g1 = governorOn(store, clock, s);
    const g2 = governorOn(store, clock, s);
    let aGranted = 0;
    for (let i = 0; i < 180; i += 1) {
      try {
        await g1.acquire({ endpoint: '/v2/user/info/', tenantId: 'a', priority: 'interactive' });
        aGranted += 1;
      } catch {
        /* refused */
      }
    }
    expect(aGranted).toBe(30);
    for (let i = 0; i < 10; i += 1) await g2.acquire({ endpoint: '/v2/user/info/', tenantId: 'b', priority: 'interactive' });
  });

  it('leases in growing batches: a busy instance pays far less than one store write per call', async () => {
    const clock = virtualClock();
    const events: GovernorEvent[] = [];
    const g = governorOn(memoryLedgerStore(), clock, settings({ perMinute: 600 }), events);
    for (let i = 0; i < 200; i += 1) {
      await g.acquire({ endpoint: '/v2/video/list/', tenantId: 'a', priority: 'background' });
      clock.advance(150);
    }
    const ops = events.reduce((n, e) => n + (e.type === 'leased' ? e.storeOps : 0), 0);
    expect(ops / 200).toBeLessThan(0.4);
  });

  it('user scope keeps one window per open_id for Display endpoints, the app window for token calls', async () => {
    const clock = virtualClock();
    const store = memoryLedgerStore();
    const s = settings({ perMinute: 2, scope: 'user', maxWaitMs: { interactive: 0, scheduled: 0, background: 0 } });
    const g = governorOn(store, clock, s);
    for (const openId of ['u1', 'u2']) for (let i = 0; i < 2; i += 1) await g.acquire({ endpoint: '/v2/video/list/', tenantId: 'a', priority: 'interactive', openId });
    await expect(g.acquire({ endpoint: '/v2/video/list/', tenantId: 'a', priority: 'interactive', openId: 'u1' })).rejects.toBeInstanceOf(QuotaExhaustedError);
    expect([...store.items.keys()].sort()).toEqual(['/v2/video/list/#u1', '/v2/video/list/#u2']);
    await g.acquire({ endpoint: '/v2/oauth/token/', tenantId: 'a', priority: 'interactive', openId: 'u1' });
    expect(store.items.has('/v2/oauth/token/')).toBe(true);
  });
});
