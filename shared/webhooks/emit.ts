/**
 * Datasource and run events, built where the fact happens. Also keeps the TikTok user -> datasource
 * pointers (`TTUSER#<open_id>` / `DS#<tenant>#<id>`) that TikTok's authorization.removed webhook is
 * resolved with: TikTok names only the open_id, and the same account may be connected by several tenants.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '../logger.ts';
import { makeEvent, type EventType } from './events.ts';
import { emitEvent } from './queue.ts';
import type { TableDeps } from '../store/table.ts';

export interface DatasourceLike {
  id: string;
  tenantId?: string;
  name: string;
  displayName?: string | null;
  openId: string;
  updatedAt?: string;
}

export function datasourceRef(ds: DatasourceLike): Record<string, unknown> {
  return { id: ds.id, name: ds.name, displayName: ds.displayName ?? null, openId: ds.openId };
}

export function emitDatasourceEvent(
  type: Extract<EventType, `datasource.${string}`>,
  tenantId: string,
  ds: DatasourceLike,
  idParts: Array<string | number>,
  extra: Record<string, unknown> = {},
  nowMs = Date.now(),
): Promise<void> {
  return emitEvent(tenantId, makeEvent(type, [tenantId, ds.id, ...idParts], { datasource: datasourceRef(ds), ...extra }, nowMs));
}

export const tiktokUserKey = (openId: string, tenantId: string, datasourceId: string) => ({ pk: `TTUSER#${openId}`, sk: `DS#${tenantId}#${datasourceId}` });

export async function rememberTikTokUser(deps: TableDeps, openId: string, tenantId: string, datasourceId: string): Promise<void> {
  try {
    await deps.dynamo.send(new PutCommand({ TableName: deps.tableName, Item: { ...tiktokUserKey(openId, tenantId, datasourceId), type: 'tiktokUser', tenantId, datasourceId } }));
  } catch (err) {
    logger.warn('Could not record the TikTok user pointer (authorization.removed will not find this datasource)', { tenantId, datasourceId, error: err as Error });
  }
}
