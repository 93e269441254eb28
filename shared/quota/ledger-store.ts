/**
 * Where ledgers live: one item per ledger key, replaced whole under an optimistic version check
 * (a single-item conditional write: no transactions, so the local store behaves like AWS).
 * DynamoDB in the service; in memory for unit tests and the fleet simulation.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld } from '../store/conditional-write.ts';
import { copyLedger, emptyLedger, type LedgerState } from './ledger.ts';
import type { ClockedTableDeps } from '../store/table.ts';

export interface VersionedLedger {
  state: LedgerState;
  /** 0: not stored yet. */
  version: number;
}

export interface LedgerStore {
  read(key: string): Promise<VersionedLedger>;
  /** Writes `state` as version `expected + 1` if the stored version is still `expected`; false otherwise. */
  write(key: string, state: LedgerState, expected: number): Promise<boolean>;
}

/** `QUOTA#<endpoint>` or `QUOTA#<endpoint>#<open_id>`: one item each (README "Data model"). */
export const ledgerItemKey = (key: string) => ({ pk: `QUOTA#${key}`, sk: 'QUOTA' });
/** Per-user ledgers of accounts that went quiet expire (a day after their last grant). */
const LEDGER_TTL_S = 86_400;

export function dynamoLedgerStore(deps: ClockedTableDeps): LedgerStore {
  return {
    async read(key) {
      const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: ledgerItemKey(key), ConsistentRead: true }));
      const item = res.Item;
      if (!item) return { state: emptyLedger(), version: 0 };
      const state: LedgerState = { g: Array.isArray(item.g) ? item.g : [], t: item.t ?? {}, w: item.w ?? {} };
      if (item.bo) state.bo = item.bo;
      if (typeof item.pt === 'number') state.pt = item.pt;
      return { state, version: Number(item.v ?? 0) };
    },
    async write(key, state, expected) {
      return conditionHeld(deps.dynamo.send(
        new PutCommand({
          TableName: deps.tableName,
          Item: { ...ledgerItemKey(key), type: 'quotaLedger', v: expected + 1, ...state, ttl: Math.floor(deps.now() / 1000) + LEDGER_TTL_S },
          ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'v = :v',
          ExpressionAttributeValues: expected === 0 ? undefined : { ':v': expected },
        }),
      ));
    },
  };
}

/** Same contract in memory; states are copied in and out so callers can't alias the stored one. */
export function memoryLedgerStore(): LedgerStore & { items: Map<string, VersionedLedger> } {
  const items = new Map<string, VersionedLedger>();
  const copy = copyLedger;
  return {
    items,
    async read(key) {
      const found = items.get(key);
      return found ? { state: copy(found.state), version: found.version } : { state: emptyLedger(), version: 0 };
    },
    async write(key, state, expected) {
      if ((items.get(key)?.version ?? 0) !== expected) return false;
      items.set(key, { state: copy(state), version: expected + 1 });
      return true;
    },
  };
}
