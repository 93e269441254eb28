/**
 * The DynamoDB CaptureStore (ports.ts), single-item conditional writes only:
 *
 * - due entry `DS#<id>` / `CAPDUE`: day, dueAt, leaseUntil, videoCount, lostDays; in gsi1 under
 *   `CAPDUE#<shard>` with sort key `<due or lease end ISO>#<datasourceId>` (the sort key read is
 *   the version a lease is conditional on);
 * - day plan `CAPPLAN#<day>` / `CAPPLAN`: plannedCalls, doneCalls, `b<bucket>` (atomic ADDs);
 * - progress `DS#<id>` / `SNAPPROG#<day>` and parts `DS#<id>` / `SNAPPART#<day>#<part>` (ids,
 *   varint counters, titles), with a short TTL so abandoned ones go;
 * - migration cursor `CAPBACKFILL` / `CAPBACKFILL` over gsi2 (every active datasource).
 * The day itself is committed by captureSnapshot (capture.ts): delta/full encoding, marker last.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TOKEN_EXPIRY_PARTITION } from '../datasources/model.ts';
import { isConditionFailed } from '../store/conditional-write.ts';
import { captureSnapshot } from './capture.ts';
import { decodeUints, encodeUints } from './codec.ts';
import { dayOf, type Day } from './days.ts';
import { captureCalls, captureSlotMs, sizeBucket, stableHash, type DayPlan } from './plan.ts';
import type { CaptureProgress, CaptureStore, DatasourceRef, DueEntry, PartVideo } from './ports.ts';
import type { HistorySettings } from './settings.ts';
import { getMarker } from './store.ts';
import type { ClockedTableDeps } from '../store/table.ts';

export const CAPTURE_SHARDS = [0, 1, 2, 3] as const;
/** Progress and parts outlive their day by this much (then TTL). */
const PROGRESS_TTL_S = 3 * 86_400;
const PLAN_TTL_S = 35 * 86_400;

export interface DynamoCaptureStoreDeps extends ClockedTableDeps {
  settings: HistorySettings;
}

const dueKey = (datasourceId: string) => ({ pk: `DS#${datasourceId}`, sk: 'CAPDUE' });
const shardOf = (datasourceId: string) => stableHash(`shard:${datasourceId}`) % CAPTURE_SHARDS.length;
const indexKey = (datasourceId: string, atMs: number) => ({ gsi1pk: `CAPDUE#${shardOf(datasourceId)}`, gsi1sk: `${new Date(atMs).toISOString()}#${datasourceId}` });
const progressKey = (datasourceId: string, day: Day) => ({ pk: `DS#${datasourceId}`, sk: `SNAPPROG#${day}` });
const partKey = (datasourceId: string, day: Day, id: string) => ({ pk: `DS#${datasourceId}`, sk: `SNAPPART#${day}#${id}` });
const planKey = (day: Day) => ({ pk: `CAPPLAN#${day}`, sk: 'CAPPLAN' });
const BACKFILL_KEY = { pk: 'CAPBACKFILL', sk: 'CAPBACKFILL' };

export function dynamoCaptureStore(deps: DynamoCaptureStoreDeps): CaptureStore {
  const { dynamo, tableName } = deps;
  const update = async (input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<boolean> => {
    try {
      await dynamo.send(new UpdateCommand({ ...input, TableName: tableName }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  };
  const ttlAfter = (day: Day, seconds: number) => Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + seconds;

  const addPlanned = async (day: Day, calls: number, bucket: number) => {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: planKey(day),
        UpdateExpression: 'ADD plannedCalls :c, #b :c SET #t = :t, #ty = :ty',
        ExpressionAttributeNames: { '#b': `b${bucket}`, '#t': 'ttl', '#ty': 'type' },
        ExpressionAttributeValues: { ':c': calls, ':t': ttlAfter(day, PLAN_TTL_S), ':ty': 'capturePlan' },
      }),
    );
  };

  const ensure = async (ref: DatasourceRef, nowMs: number, opts: { now?: boolean; videoCount?: number } = {}): Promise<boolean> => {
    const day = dayOf(nowMs);
    const dueAt = opts.now ? nowMs : captureSlotMs(ref.datasourceId, day);
    const videoCount = opts.videoCount ?? 0;
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...dueKey(ref.datasourceId), ...indexKey(ref.datasourceId, dueAt), type: 'captureDue', ...ref, day, dueAt, videoCount, lostDays: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
    const calls = captureCalls(videoCount);
    await addPlanned(day, calls, sizeBucket(calls));
    return true;
  };

  const moveTo = (next: { day: Day; dueAt: number }, datasourceId: string) => ({
    ':nd': next.day,
    ':due': next.dueAt,
    ':sk': indexKey(datasourceId, next.dueAt).gsi1sk,
  });

  return {
    due: {
      shards: CAPTURE_SHARDS,
      ensure,
      async captureNow(ref, nowMs) {
        const ik = indexKey(ref.datasourceId, nowMs);
        await dynamo.send(
          new UpdateCommand({
            TableName: tableName,
            Key: dueKey(ref.datasourceId),
            UpdateExpression:
              'SET #ty = :ty, tenantId = :t, datasourceId = :d, #day = :day, dueAt = :now, gsi1pk = :pk, gsi1sk = :sk, videoCount = if_not_exists(videoCount, :zero), lostDays = if_not_exists(lostDays, :zero) REMOVE leaseUntil',
            ExpressionAttributeNames: { '#ty': 'type', '#day': 'day' },
            ExpressionAttributeValues: { ':ty': 'captureDue', ':t': ref.tenantId, ':d': ref.datasourceId, ':day': dayOf(nowMs), ':now': nowMs, ':pk': ik.gsi1pk, ':sk': ik.gsi1sk, ':zero': 0 },
          }),
        );
      },
      async queryDue(shard, nowMs, limit) {
        const out: DueEntry[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const res = await dynamo.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :p AND gsi1sk <= :t',
              ExpressionAttributeValues: { ':p': `CAPDUE#${shard}`, ':t': `${new Date(nowMs).toISOString()}#~` },
              Limit: Math.min(1_000, limit - out.length),
              ExclusiveStartKey: start,
            }),
          );
          for (const i of res.Items ?? []) {
            out.push({
              tenantId: String(i.tenantId),
              datasourceId: String(i.datasourceId),
              day: String(i.day),
              dueAt: Date.parse(String(i.gsi1sk).split('#')[0]!),
              ...(typeof i.leaseUntil === 'number' ? { leaseUntil: i.leaseUntil } : {}),
              videoCount: typeof i.videoCount === 'number' ? i.videoCount : 0,
              lostDays: typeof i.lostDays === 'number' ? i.lostDays : 0,
              version: String(i.gsi1sk),
            });
          }
          start = res.LastEvaluatedKey;
        } while (start && out.length < limit);
        return out;
      },
      lease: (entry, leaseUntil) =>
        update({
          Key: dueKey(entry.datasourceId),
          UpdateExpression: 'SET leaseUntil = :l, gsi1sk = :sk ADD leases :one',
          ConditionExpression: 'gsi1sk = :seen AND #day = :day',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ':l': leaseUntil, ':sk': indexKey(entry.datasourceId, leaseUntil).gsi1sk, ':seen': entry.version, ':day': entry.day, ':one': 1 },
        }),
      async renew(datasourceId, day, leaseUntil) {
        await update({
          Key: dueKey(datasourceId),
          UpdateExpression: 'SET leaseUntil = :l, gsi1sk = :sk',
          ConditionExpression: '#day = :day',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ':l': leaseUntil, ':sk': indexKey(datasourceId, leaseUntil).gsi1sk, ':day': day },
        });
      },
      advance: (datasourceId, day, next, videoCount) =>
        update({
          Key: dueKey(datasourceId),
          UpdateExpression: `SET #day = :nd, dueAt = :due, gsi1sk = :sk, lastCaptured = :day${videoCount !== undefined ? ', videoCount = :vc' : ''} REMOVE leaseUntil`,
          ConditionExpression: '#day = :day',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ...moveTo(next, datasourceId), ':day': day, ...(videoCount !== undefined ? { ':vc': videoCount } : {}) },
        }),
      markLost: (datasourceId, day, next, reason) =>
        update({
          Key: dueKey(datasourceId),
          UpdateExpression: 'SET #day = :nd, dueAt = :due, gsi1sk = :sk, lastLostDay = :day, lastLostReason = :r ADD lostDays :one REMOVE leaseUntil',
          ConditionExpression: '#day = :day',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ...moveTo(next, datasourceId), ':day': day, ':r': reason, ':one': 1 },
        }),
      async remove(datasourceId) {
        await dynamo.send(new DeleteCommand({ TableName: tableName, Key: dueKey(datasourceId) }));
      },
      async backfill(nowMs, limit) {
        const state = await dynamo.send(new GetCommand({ TableName: tableName, Key: BACKFILL_KEY, ConsistentRead: true }));
        if (state.Item?.status === 'done') return 0;
        const cursor = typeof state.Item?.cursor === 'string' ? (JSON.parse(state.Item.cursor) as Record<string, unknown>) : undefined;
        const res = await dynamo.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :p',
            ExpressionAttributeValues: { ':p': TOKEN_EXPIRY_PARTITION },
            ExpressionAttributeNames: { '#id': 'id', '#t': 'tenantId', '#s': 'status' },
            ProjectionExpression: '#id, #t, #s, pk, sk, gsi2pk, gsi2sk',
            Limit: limit,
            ExclusiveStartKey: cursor,
          }),
        );
        let created = 0;
        for (const item of res.Items ?? []) {
          if (item.status !== 'active' || typeof item.id !== 'string' || typeof item.tenantId !== 'string') continue;
          if (await ensure({ tenantId: item.tenantId, datasourceId: item.id }, nowMs)) created += 1;
        }
        await dynamo.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...BACKFILL_KEY, type: 'captureBackfill', status: res.LastEvaluatedKey ? 'running' : 'done', at: nowMs, ...(res.LastEvaluatedKey ? { cursor: JSON.stringify(res.LastEvaluatedKey) } : {}) },
          }),
        );
        return created;
      },
    },
    plan: {
      async get(day) {
        const res = await dynamo.send(new GetCommand({ TableName: tableName, Key: planKey(day) }));
        if (!res.Item) return undefined;
        const buckets: Record<number, number> = {};
        for (const [k, v] of Object.entries(res.Item)) if (/^b\d+$/.test(k) && typeof v === 'number') buckets[Number(k.slice(1))] = v;
        return { day, plannedCalls: Number(res.Item.plannedCalls ?? 0), doneCalls: Number(res.Item.doneCalls ?? 0), buckets } satisfies DayPlan;
      },
      addPlanned,
      async addDone(day, calls) {
        await dynamo.send(
          new UpdateCommand({
            TableName: tableName,
            Key: planKey(day),
            UpdateExpression: 'ADD doneCalls :c SET #t = :t',
            ExpressionAttributeNames: { '#t': 'ttl' },
            ExpressionAttributeValues: { ':c': calls, ':t': ttlAfter(day, PLAN_TTL_S) },
          }),
        );
      },
    },
    progress: {
      async get(datasourceId, day) {
        const res = await dynamo.send(new GetCommand({ TableName: tableName, Key: progressKey(datasourceId, day), ConsistentRead: true }));
        if (!res.Item) return undefined;
        return JSON.parse(String(res.Item.state)) as CaptureProgress;
      },
      async save(progress, expectedVersion, part) {
        const ttl = ttlAfter(progress.day, PROGRESS_TTL_S);
        if (part) {
          const data: number[] = [];
          for (const v of part.videos) data.push(...v.counters, v.createTime !== undefined ? v.createTime + 1 : 0);
          await dynamo.send(
            new PutCommand({
              TableName: tableName,
              Item: {
                ...partKey(progress.datasourceId, progress.day, part.id),
                type: 'capturePart',
                ids: part.videos.map((v) => v.id).join(','),
                data: encodeUints(data),
                titles: JSON.stringify(part.videos.map((v) => v.title)),
                details: JSON.stringify(part.videos.map((v) => v.details ?? {})),
                ttl,
              },
            }),
          );
        }
        try {
          await dynamo.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...progressKey(progress.datasourceId, progress.day), type: 'captureProgress', version: progress.version, state: JSON.stringify(progress), ttl },
              ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
              ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
            }),
          );
          return true;
        } catch (err) {
          if (isConditionFailed(err)) return false;
          throw err;
        }
      },
      async readParts(datasourceId, day, partIds) {
        const found = new Map<string, PartVideo[]>();
        let start: Record<string, unknown> | undefined;
        const prefix = `SNAPPART#${day}#`;
        do {
          const res = await dynamo.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
              ExpressionAttributeValues: { ':pk': `DS#${datasourceId}`, ':p': prefix },
              ExclusiveStartKey: start,
            }),
          );
          for (const item of res.Items ?? []) {
            const ids = String(item.ids ?? '') === '' ? [] : String(item.ids).split(',');
            const nums = decodeUints(item.data instanceof Uint8Array ? item.data : new Uint8Array());
            const titles = JSON.parse(String(item.titles ?? '[]')) as string[];
            const details = JSON.parse(String(item.details ?? '[]')) as Array<PartVideo['details']>;
            found.set(
              String(item.sk).slice(prefix.length),
              ids.map((id, i) => {
                const o = i * 5;
                const ct = nums[o + 4]!;
                return { id, counters: [nums[o]!, nums[o + 1]!, nums[o + 2]!, nums[o + 3]!] as const, title: titles[i] ?? '', ...(ct > 0 ? { createTime: ct - 1 } : {}), ...(details[i] ? { details: details[i] } : {}) };
              }),
            );
          }
          start = res.LastEvaluatedKey;
        } while (start);
        return partIds.map((id) => {
          const p = found.get(id);
          if (!p) throw new Error(`Capture part ${id} of ${datasourceId} ${day} is missing`);
          return p;
        });
      },
      async clear(progress) {
        let start: Record<string, unknown> | undefined;
        do {
          const res = await dynamo.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
              ExpressionAttributeValues: { ':pk': `DS#${progress.datasourceId}`, ':p': `SNAPPART#${progress.day}#` },
              ProjectionExpression: 'pk, sk',
              ExclusiveStartKey: start,
            }),
          );
          for (const item of res.Items ?? []) await dynamo.send(new DeleteCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk } }));
          start = res.LastEvaluatedKey;
        } while (start);
        await dynamo.send(new DeleteCommand({ TableName: tableName, Key: progressKey(progress.datasourceId, progress.day) }));
      },
    },
    days: {
      has: async (datasourceId, day) => (await getMarker(deps, datasourceId, day)) !== undefined,
      async commit(target, data) {
        const result = await captureSnapshot(target, { profile: async () => data.profile, videos: async () => data.videos }, deps);
        return result.status;
      },
    },
  };
}
