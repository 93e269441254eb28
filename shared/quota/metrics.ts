/**
 * The governor's metrics (docs/quota.md "Metrics and alarms"). Counted in memory and published
 * through Powertools (EMF) at most every FLUSH_MS, so a busy process writes one metric line per
 * interval, not one per call. Per endpoint: permits granted, callers refused (our 429), time spent
 * waiting, TikTok's own 429s. Per tenant: TikTok calls used, as a `TenantId` dimension (one custom
 * metric per active tenant: the price of answering "who used the quota" without a log query).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { GovernorEvent } from './governor.ts';

export const QUOTA_METRICS = {
  namespace: 'TikTokConnector',
  granted: 'QuotaPermitsGranted',
  rejected: 'QuotaRejected',
  waitMs: 'QuotaWaitMs',
  throttled: 'TikTokThrottled',
  tenantCalls: 'TikTokCallsByTenant',
} as const;

const FLUSH_MS = 10_000;

interface Counts {
  granted: number;
  rejected: number;
  waitMs: number;
  throttled: number;
}

export function quotaMetricsSink(now: () => number = Date.now, metrics = new Metrics({ namespace: QUOTA_METRICS.namespace, serviceName: 'tiktok-connector' })) {
  let byEndpoint = new Map<string, Counts>();
  let byTenant = new Map<string, number>();
  let last = now();
  const counts = (endpoint: string) => {
    let c = byEndpoint.get(endpoint);
    if (!c) byEndpoint.set(endpoint, (c = { granted: 0, rejected: 0, waitMs: 0, throttled: 0 }));
    return c;
  };

  function flush(): void {
    const endpoints = byEndpoint;
    const tenants = byTenant;
    byEndpoint = new Map();
    byTenant = new Map();
    last = now();
    for (const [endpoint, c] of endpoints) {
      const m = metrics.singleMetric();
      m.addDimension('Endpoint', endpoint);
      m.addMetric(QUOTA_METRICS.granted, MetricUnit.Count, c.granted);
      m.addMetric(QUOTA_METRICS.rejected, MetricUnit.Count, c.rejected);
      m.addMetric(QUOTA_METRICS.waitMs, MetricUnit.Milliseconds, c.waitMs);
      m.addMetric(QUOTA_METRICS.throttled, MetricUnit.Count, c.throttled);
      m.publishStoredMetrics();
    }
    for (const [tenantId, n] of tenants) {
      const m = metrics.singleMetric();
      m.addDimension('TenantId', tenantId);
      m.addMetric(QUOTA_METRICS.tenantCalls, MetricUnit.Count, n);
      m.publishStoredMetrics();
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
      }
      if (e.type !== 'granted' && now() - last >= FLUSH_MS) flush();
    },
  };
}
