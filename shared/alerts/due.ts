/**
 * The schedule dispatcher's side of alerts, apart from alerts.ts so the dispatcher does not bundle
 * Cloud9QL and the report schemas: due alerts (gsi1 `ALERTDUE`), each moved to its next run before
 * it is queued, so a slot is claimed once.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { nextRunAfter, parseScheduleExpression } from '../schedules/expression/index.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import type { ClockedTableDeps } from '../store/table.ts';

export const ALERT_DUE_PARTITION = 'ALERTDUE';

export const alertKey = (tenantId: string, id: string) => ({ pk: `TENANT#${tenantId}`, sk: `ALERT#${id}` });

export function nextAlertRun(def: { schedule: string; timezone: string }, fromMs: number, anchorMs: number): string | undefined {
  const next = nextRunAfter(parseScheduleExpression(def.schedule), fromMs, { timezone: def.timezone, anchorMs });
  return next === undefined ? undefined : new Date(next).toISOString();
}

export async function claimDueAlerts(deps: ClockedTableDeps, limit = 100): Promise<Array<{ tenantId: string; alertId: string; slot: string }>> {
  const nowIso = new Date(deps.now()).toISOString();
  const res = await deps.dynamo.send(
    new QueryCommand({ TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p AND gsi1sk <= :n', ExpressionAttributeValues: { ':p': ALERT_DUE_PARTITION, ':n': `${nowIso}#~` }, Limit: limit }),
  );
  const claimed: Array<{ tenantId: string; alertId: string; slot: string }> = [];
  for (const i of res.Items ?? []) {
    const a = i as { tenantId: string; id: string; enabled?: boolean; nextRunAt?: string; anchorAt: string; schedule: string; timezone: string };
    if (!a.enabled || !a.nextRunAt) continue;
    const next = nextAlertRun(a, Math.max(deps.now(), Date.parse(a.nextRunAt)), Date.parse(a.anchorAt));
    const ok = await unlessConditionFails(
      deps.dynamo.send(
        new UpdateCommand({
          TableName: deps.tableName,
          Key: alertKey(a.tenantId, a.id),
          ConditionExpression: 'nextRunAt = :expected AND enabled = :true',
          UpdateExpression: next ? 'SET nextRunAt = :next, gsi1sk = :sk' : 'REMOVE nextRunAt, gsi1pk, gsi1sk',
          ExpressionAttributeValues: { ':expected': a.nextRunAt, ':true': true, ...(next ? { ':next': next, ':sk': `${next}#${a.tenantId}#${a.id}` } : {}) },
        }),
      ),
    );
    if (ok) claimed.push({ tenantId: a.tenantId, alertId: a.id, slot: a.nextRunAt });
  }
  return claimed;
}

