/**
 * The governor's metrics (docs/quota.md "Metrics and alarms"). Counted in memory and published
 * through Powertools (EMF) at most every FLUSH_MS, so a busy process writes one metric line per
 * interval, not one per call. Per endpoint: permits granted, callers refused (our 429), time spent
 * waiting, TikTok's own 429s. Per tenant: TikTok calls used, as a `TenantId` dimension (one custom
 * metric per active tenant: the price of answering "who used the quota" without a log query).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from '../logger.ts';
import type { GovernorEvent } from './governor.ts';

export const QUOTA_METRICS = {
  namespace: 'TikTokConnector',
  granted: 'QuotaPermitsGranted',
  rejected: 'QuotaRejected',
  waitMs: 'QuotaWaitMs',
  throttled: 'TikTokThrottled',
  storeUnavailable: 'QuotaStoreUnavailable',
  tenantCalls: 'TikTokCallsByTenant',
} as const;

const FLUSH_MS = 10_000;

interface Counts {
  granted: number;
  rejected: number;
  waitMs: number;
  throttled: number;
  storeUnavailable: number;
}

export function quotaMetricsSink(now: () => number = Date.now, metrics = new Metrics({ namespace: QUOTA_METRICS.namespace, serviceName: 'tiktok-connector' })) {
  let byEndpoint = new Map<string, Counts>();
  let byTenant = new Map<string, number>();
  let last = now();
  const counts = (endpoint: string) => {
    let c = byEndpoint.get(endpoint);
    if (!c) byEndpoint.set(endpoint, (c = { granted: 0, rejected: 0, waitMs: 0, throttled: 0, storeUnavailable: 0 }));
    return c;
  };

  function flush(): void {
    const endpoints = byEndpoint;
    const tenants = byTenant;
    byEndpoint = new Map();
    byTenant = new Map();
    last = now();
    // One EMF line per dimension value; publishing clears the dimension for the next one.
    for (const [endpoint, c] of endpoints) {
      metrics.addDimension('Endpoint', endpoint);
      metrics.addMetric(QUOTA_METRICS.granted, MetricUnit.Count, c.granted);
      metrics.addMetric(QUOTA_METRICS.rejected, MetricUnit.Count, c.rejected);
      metrics.addMetric(QUOTA_METRICS.waitMs, MetricUnit.Milliseconds, c.waitMs);
      metrics.addMetric(QUOTA_METRICS.throttled, MetricUnit.Count, c.throttled);
      if (c.storeUnavailable > 0) metrics.addMetric(QUOTA_METRICS.storeUnavailable, MetricUnit.Count, c.storeUnavailable);
      metrics.publishStoredMetrics();
    }
    for (const [tenantId, n] of tenants) {
      metrics.addDimension('TenantId', tenantId);
      metrics.addMetric(QUOTA_METRICS.tenantCalls, MetricUnit.Count, n);
      metrics.publishStoredMetrics();
    }
  }

  return {
    flush,
    onEvent(e: GovernorEvent): void {
      if (e.type === 'granted') {
        const c = counts(e.endpoint);
        c.granted += 1;
        c.waitMs += e.waitedMs;
        byTenant.set(e.tenantId, (byTenant.get(e.tenantId) ?? 0) + 1);
      } else if (e.type === 'rejected') {
        const c = counts(e.endpoint);
        c.rejected += 1;
        c.waitMs += e.waitedMs;
      } else if (e.type === 'throttled') {
        counts(e.endpoint).throttled += 1;
      } else if (e.type === 'store_unavailable') {
        if (counts(e.endpoint).storeUnavailable++ === 0) logger.warn('Quota ledger unavailable; granting from the small per-process allowance', { endpoint: e.endpoint, error: e.error as Error });
      }
      if (e.type !== 'granted' && now() - last >= FLUSH_MS) flush();
    },
  };
}
