/**
 * The single DynamoDB table: its key schema (shared by the CDK stack and the local runtime, so
 * both create the same table) and the key builders for every item type. README "Data model"
 * lists the items. Only single-item atomic operations are used (no transactions): the embedded
 * store lacks them.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every store takes: the document client and the table's name (wired by shared/context.ts tableAccess). */
export interface TableDeps {
  dynamo: DynamoDBDocumentClient;
  tableName: string;
}

/** TableDeps and the app clock (epoch ms), for stores that stamp times or check TTLs. */
export interface ClockedTableDeps extends TableDeps {
  now(): number;
}
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** TTL attribute (epoch seconds). DynamoDB deletes late, and the local store never: readers also check it. */
  ttlAttribute: 'ttl',
  gsis: [
    /** Due work by time: enabled schedules by next run time (gsi1pk `DUE#<shard>`, gsi1sk `<iso time>#...`). */
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Datasources by access-token expiry, for the refresh sweep (gsi2pk `TOKENEXP`, gsi2sk `<iso time>#...`). */
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export const keys = {
  apiKey: (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
  tenant: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'TENANT' }),
  tenantKey: (tenantId: string, keyId: string) => ({ pk: `TENANT#${tenantId}`, sk: `KEY#${keyId}` }),
  connectLink: (linkId: string) => ({ pk: `LINK#${linkId}`, sk: 'LINK' }),
  oauthState: (stateHash: string) => ({ pk: `STATE#${stateHash}`, sk: 'STATE' }),
  datasource: (tenantId: string, datasourceId: string) => ({ pk: `TENANT#${tenantId}`, sk: `DS#${datasourceId}` }),
  schedule: (tenantId: string, scheduleId: string) => ({ pk: `TENANT#${tenantId}`, sk: `SCHED#${scheduleId}` }),
  run: (scheduleId: string, slot: string) => ({ pk: `SCHED#${scheduleId}`, sk: `RUN#${slot}` }),
  /** A tenant's API request counter for one minute (shared/auth/rate-limit.ts). */
  requestWindow: (tenantId: string, epochMinute: number) => ({ pk: `RATE#${tenantId}`, sk: `MIN#${epochMinute}` }),
  snapshot: (datasourceId: string, day: string) => ({ pk: `DS#${datasourceId}`, sk: `SNAP#${day}` }),
  // history (shared/history/store.ts): per-video chunks of a day's snapshot, video titles, the daily snapshot claims
  snapshotVideos: (datasourceId: string, day: string, attempt: string, chunk: number) => ({ pk: `DS#${datasourceId}`, sk: `VSNAP#${day}#${attempt}#${String(chunk).padStart(3, '0')}` }),
  videoMeta: (datasourceId: string, chunk: number) => ({ pk: `DS#${datasourceId}`, sk: `VMETA#${String(chunk).padStart(4, '0')}` }),
  snapshotRun: (datasourceId: string, day: string) => ({ pk: `DS#${datasourceId}`, sk: `SNAPRUN#${day}` }),
  snapshotSweep: (day: string) => ({ pk: `SNAPSWEEP#${day}`, sk: 'SNAPSWEEP' }),
};

/** Epoch seconds for the TTL attribute. */
export function ttlFromMs(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}
