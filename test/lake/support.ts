/** The sandbox's 437-video creator account, day by day (growth series), committed through the capture store. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoCaptureStore } from '../../shared/history/dynamo-store.ts';
import type { CaptureStore, PartVideo } from '../../shared/history/ports.ts';
import { keys } from '../../shared/store/table.ts';
import { SandboxGrowth } from '../../shared/tiktok/sandbox/growth.ts';
import { seedAccounts, type SandboxAccount } from '../../shared/tiktok/sandbox/index.ts';
import type { TestTable } from '../history/support.ts';

export const TENANT = 'tn_lake';
export const START = Date.parse('2024-06-01T10:00:00Z');
export const DAY_MS = 86_400_000;

export function creator(): SandboxAccount {
  return seedAccounts()[2]!;
}

export function partVideos(account: SandboxAccount): PartVideo[] {
  return account.videos.map((v) => ({
    id: v.id,
    counters: [v.view_count, v.like_count, v.comment_count, v.share_count] as const,
    title: v.title,
    createTime: v.create_time,
    details: { description: v.video_description, duration: v.duration, shareUrl: v.share_url, embedLink: v.embed_link },
  }));
}

export async function putDatasource(table: TestTable, datasourceId: string, account: SandboxAccount): Promise<void> {
  await table.dynamo.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { ...keys.datasource(TENANT, datasourceId), type: 'datasource', id: datasourceId, tenantId: TENANT, openId: `open_${datasourceId}`, displayName: account.user.display_name, status: 'active' },
    }),
  );
}

/** A capture store over the test table with a settable clock. */
export function storeAt(table: TestTable, clock: { now: () => number }): CaptureStore {
  return dynamoCaptureStore({ dynamo: table.dynamo, tableName: table.tableName, now: clock.now, settings: { checkpointEveryDays: 28, chunkBytes: 300_000 } });
}

/** Commits days [0, n) of the growing account for one datasource; `commit` may be wrapped (withLake). */
export async function commitDays(store: () => CaptureStore, clock: { set(ms: number): void }, datasourceId: string, days: readonly number[]): Promise<void> {
  const growth = new SandboxGrowth();
  growth.enable(START);
  const base = creator();
  for (const n of days) {
    const t = START + n * DAY_MS;
    clock.set(t);
    const acc = growth.apply(base, t);
    const day = new Date(t).toISOString().slice(0, 10);
    const { follower_count, following_count, likes_count, video_count } = acc.user;
    const status = await store().days.commit({ tenantId: TENANT, datasourceId, day }, { profile: { follower_count: follower_count!, following_count: following_count!, likes_count: likes_count!, video_count: video_count! }, videos: partVideos(acc) });
    if (status !== 'captured') throw new Error(`day ${day}: ${status}`);
  }
}
