/**
 * The scheduled refresh sweep: finds active datasources whose access token expires within the window
 * through gsi2 (a Query, never a Scan), refreshes each with bounded concurrency, and counts outcomes.
 * One datasource's failure never stops the others.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { QuotaExhaustedError } from '../quota/errors.ts';
import { withWork } from '../quota/work.ts';
import pLimit from 'p-limit';
import { AppError } from '../errors.ts';
import { TOKEN_EXPIRY_PARTITION, type DatasourceRef } from '../datasources/model.ts';
import type { DatasourceStoreDeps } from '../datasources/store.ts';
import { logger } from '../logger.ts';
import { isTikTokError } from '../tiktok/index.ts';
import type { TokenService } from './service.ts';

/** Metric names: the CDK alarm watches TokenRefreshFailed. */
export const TOKEN_REFRESH_METRICS = {
  namespace: 'TikTokConnector',
  succeeded: 'TokenRefreshSucceeded',
  failed: 'TokenRefreshFailed',
  needsReauth: 'TokenRefreshNeedsReauth',
  /** Left for a later sweep or an on-demand refresh: the token endpoint's background quota share was in use. */
  deferred: 'TokenRefreshDeferred',
  /** The sweep itself failed (e.g. the store was down); TokenRefreshFailed is bumped as well. */
  sweepFailed: 'TokenRefreshSweepFailed',
} as const;

export interface SweepOptions {
  /** Refresh tokens expiring within this window (default 60 min: 2-hour tokens, a sweep every 15 min). */
  windowMs?: number;
  concurrency?: number;
  /** Safety bound on one run (default 5000 datasources). */
  maxItems?: number;
}

export interface SweepFailure {
  datasourceId: string;
  tenantId: string;
  code: string;
}

export interface SweepSummary {
  due: number;
  succeeded: number;
  /** Already refreshed by someone else, deleted, or re-connected meanwhile. */
  skipped: number;
  needsReauth: number;
  failed: number;
  /**
   * Left for later: the token endpoint's background share of the TikTok quota was in use. Not a
   * failure: they stay due for the next sweep, and a call that needs one refreshes it on demand.
   * (At 100,000 accounts, 2-hour tokens would need ~830 refreshes a minute: more than the quota.)
   */
  deferred: number;
  failures: SweepFailure[];
}

interface DueItem extends DatasourceRef {
  tokenVersion: number;
}

async function* dueDatasources(deps: DatasourceStoreDeps, upperIso: string, maxItems: number): AsyncGenerator<DueItem> {
  let startKey: Record<string, unknown> | undefined;
  let seen = 0;
  do {
    const res = await deps.dynamo.send(
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :p AND gsi2sk < :upper',
        ExpressionAttributeValues: { ':p': TOKEN_EXPIRY_PARTITION, ':upper': upperIso },
        ProjectionExpression: 'tenantId, id, tokenVersion',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of res.Items ?? []) {
      if (seen++ >= maxItems) return;
      yield { tenantId: String(item.tenantId), datasourceId: String(item.id), tokenVersion: Number(item.tokenVersion ?? 0) };
    }
    startKey = res.LastEvaluatedKey;
  } while (startKey);
}

export async function sweepExpiringTokens(deps: DatasourceStoreDeps, service: TokenService, options: SweepOptions = {}): Promise<SweepSummary> {
  const windowMs = options.windowMs ?? 60 * 60_000;
  const limit = pLimit(options.concurrency ?? 5);
  const summary: SweepSummary = { due: 0, succeeded: 0, skipped: 0, needsReauth: 0, failed: 0, deferred: 0, failures: [] };
  let quotaFull = false;
  const upperIso = new Date(deps.now() + windowMs).toISOString();
  const work: Array<Promise<void>> = [];
  for await (const item of dueDatasources(deps, upperIso, options.maxItems ?? 5_000)) {
    summary.due += 1;
    work.push(
      limit(async () => {
        if (quotaFull) {
          summary.deferred += 1;
          return;
        }
        try {
          // Ahead of expiry, nobody waits on it: the background lane (docs/quota.md).
          const outcome = await withWork({ tenantId: item.tenantId, priority: 'background' }, () => service.refresh(item, item.tokenVersion));
          if (outcome.refreshed) summary.succeeded += 1;
          else summary.skipped += 1;
        } catch (err) {
          if (err instanceof QuotaExhaustedError) {
            // The lane is full for now: stop starting refreshes in this run (TikTok was not called).
            quotaFull = true;
            summary.deferred += 1;
            return;
          }
          const code = err instanceof AppError ? err.code : isTikTokError(err) ? `tiktok_${err.kind}` : 'internal_error';
          if (code === 'needs_reauth') summary.needsReauth += 1;
          else if (code === 'not_found') summary.skipped += 1;
          else {
            summary.failed += 1;
            summary.failures.push({ datasourceId: item.datasourceId, tenantId: item.tenantId, code });
            logger.warn('Token refresh failed', { tenantId: item.tenantId, datasourceId: item.datasourceId, code, error: err as Error });
          }
        }
      }),
    );
  }
  await Promise.all(work);
  return summary;
}
