/**
 * The lake's three datasets: one column list each, the single source for the Parquet schema
 * (parquet.ts), the Glue tables (infra/lake) and the DuckDB views (infra/lake/duckdb.ts), so Athena
 * and a laptop see the same names and types. `tenant_id` and `dt` are Hive partition columns: in the
 * path, never in the files.
 */
export type LakeColumnType = 'string' | 'int64' | 'int32' | 'timestamptz';

export interface LakeColumn {
  name: string;
  type: LakeColumnType;
  /** false: never null (Parquet REQUIRED). */
  nullable: boolean;
  comment: string;
}

export const DATASET_NAMES = ['profile_daily', 'video_daily', 'videos'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export const PARTITION_COLUMNS = [
  { name: 'tenant_id', comment: 'Tenant (partition; one prefix per tenant)' },
  { name: 'dt', comment: 'Snapshot day, YYYY-MM-DD UTC (partition)' },
] as const;

const col = (name: string, type: LakeColumnType, nullable: boolean, comment: string): LakeColumn => ({ name, type, nullable, comment });

/** Counters and their change since the previous day (null: the previous day has no snapshot). */
const counter = (name: string, what: string): LakeColumn[] => [
  col(name, 'int64', true, what),
  col(`${name}_delta`, 'int64', true, `${what}: change since the previous day (null when that day has no snapshot)`),
];

export const PROFILE_METRIC_COLUMNS = ['follower_count', 'following_count', 'likes_count', 'video_count'] as const;
export const VIDEO_TOTAL_COLUMNS = ['video_views', 'video_likes', 'video_comments', 'video_shares'] as const;
export const VIDEO_COUNTER_COLUMNS = ['view_count', 'like_count', 'comment_count', 'share_count'] as const;

export const DATASETS: Readonly<Record<DatasetName, { description: string; columns: readonly LakeColumn[] }>> = {
  profile_daily: {
    description: 'One row per datasource (connected account) per day: profile counters and sums over its public videos',
    columns: [
      col('datasource_id', 'string', false, 'Datasource id (ds_...)'),
      col('open_id', 'string', true, 'TikTok open_id of the account'),
      col('display_name', 'string', true, 'Account display name (as known when written)'),
      col('captured_at', 'timestamptz', false, 'When the snapshot was taken'),
      ...PROFILE_METRIC_COLUMNS.flatMap((c) => counter(c, c)),
      col('public_videos', 'int64', true, 'Public videos listed that day (null: no video data)'),
      ...VIDEO_TOTAL_COLUMNS.flatMap((c) => counter(c, `${c} (sum over public videos)`)),
    ],
  },
  video_daily: {
    description: 'One row per public video per day: counters and their day deltas',
    columns: [
      col('datasource_id', 'string', false, 'Datasource id'),
      col('video_id', 'string', false, 'TikTok video id'),
      col('create_time', 'timestamptz', true, 'When the video was posted'),
      ...VIDEO_COUNTER_COLUMNS.flatMap((c) => counter(c, c)),
    ],
  },
  videos: {
    description: 'The latest known metadata of each video present that day',
    columns: [
      col('datasource_id', 'string', false, 'Datasource id'),
      col('video_id', 'string', false, 'TikTok video id'),
      col('title', 'string', true, 'Title (first 150 characters)'),
      col('description', 'string', true, 'Description (null when the day was written from stored history only)'),
      col('duration', 'int32', true, 'Duration in seconds (null: unknown)'),
      col('share_url', 'string', true, 'Share URL (null: unknown)'),
      col('embed_link', 'string', true, 'Embed link (null: unknown)'),
      col('create_time', 'timestamptz', true, 'When the video was posted'),
    ],
  },
};

/** Values as the writer takes them: numbers (safe integers, epoch ms for timestamps), strings, null. */
export type LakeRow = Record<string, string | number | null>;

/** Glue/Athena type of a column. */
export function glueType(type: LakeColumnType): string {
  return { string: 'string', int64: 'bigint', int32: 'int', timestamptz: 'timestamp' }[type];
}

/** The object key of a dataset file (n: part number; one part per tenant-day today). */
export function lakeKey(dataset: DatasetName, tenantId: string, day: string, n = 0): string {
  return `${LAKE_PREFIX}${dataset}/tenant_id=${tenantId}/dt=${day}/part-${n}.parquet`;
}

export const LAKE_PREFIX = 'lake/';
/** Per-datasource staging of a day (JSON, gzip): compacted into the tenant-day files. Outside `lake/`: no engine reads it. */
export const STAGING_PREFIX = 'lake-staging/';

export function stagingDir(tenantId: string, day: string): string {
  return `${STAGING_PREFIX}tenant_id=${tenantId}/dt=${day}/`;
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Ids become path segments: anything else would break the Hive layout (or escape a tenant's prefix). */
export function assertPathId(kind: string, id: string): void {
  if (!SAFE_ID.test(id)) throw new Error(`Unsupported ${kind} for a lake path: ${JSON.stringify(id.slice(0, 80))}`);
}
