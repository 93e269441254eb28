/**
 * A per-tenant count with a limit (schedules, webhook subscriptions), kept in one counter item with
 * single-item conditional writes (no transactions: see docs/architecture.md "The table"). Creating
 * takes a slot first and gives it back if the item's own write fails, so a failed create never
 * leaves the tenant one slot short.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld } from './conditional-write.ts';
import type { TableDeps } from './table.ts';

type Key = { pk: string; sk: string };

export interface CountedCreate {
  /** The counter item's key. */
  counter: Key;
  limit: number;
  /** The counter item's `type` attribute, when its kind of item carries one. */
  counterType?: string;
  /** The error to throw when the tenant is at its limit. */
  full: () => Error;
}

/** Takes a slot under `limit`, runs `write`, and gives the slot back if `write` throws. */
export async function createCounted(deps: TableDeps, spec: CountedCreate, write: () => Promise<unknown>): Promise<void> {
  const taken = await conditionHeld(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: spec.counter,
        UpdateExpression: spec.counterType === undefined ? 'ADD #count :one' : 'ADD #count :one SET #type = :type',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', ...(spec.counterType === undefined ? {} : { '#type': 'type' }) },
        ExpressionAttributeValues: { ':one': 1, ':limit': spec.limit, ...(spec.counterType === undefined ? {} : { ':type': spec.counterType }) },
      }),
    ),
  );
  if (!taken) throw spec.full();
  try {
    await write();
  } catch (err) {
    await releaseCounted(deps, spec.counter);
    throw err;
  }
}

/** Gives a slot back (never below zero). Best effort: a lost decrement only leaves the count high, which a delete corrects no worse. */
export async function releaseCounted(deps: TableDeps, counter: Key): Promise<void> {
  await conditionHeld(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: counter,
        UpdateExpression: 'ADD #count :minus',
        ConditionExpression: '#count > :zero',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      }),
    ),
  ).catch(() => undefined);
}
