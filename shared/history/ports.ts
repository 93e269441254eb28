/**
 * The capture's ports: everything the dispatcher sweep (sweep.ts) and the capture job
 * (capture-job.ts) persist or read goes through these, so the same code runs against DynamoDB
 * (dynamo-store.ts) in AWS and locally, and against memory (memory-store.ts) in the fleet
 * simulation and unit tests. README "Ports" describes them.
 */
import type { Day } from './days.ts';
import type { DayPlan } from './plan.ts';
import type { ProfileStats } from './store.ts';
import type { Counters } from './videos.ts';

export interface DatasourceRef {
  tenantId: string;
  datasourceId: string;
}

/** One datasource's entry in the due index. */
export interface DueEntry extends DatasourceRef {
  /** The day the pending capture is for. */
  day: Day;
  /** When it is due (its slot), or, while leased, when the lease ends. */
  dueAt: number;
  leaseUntil?: number;
  /** Last known number of public videos (the cost estimate). */
  videoCount: number;
  /** Days given up so far (never captured). */
  lostDays: number;
  /** Opaque optimistic-concurrency token (the index sort key as read). */
  version: string;
}

export interface DueIndexPort {
  /** Creates the entry when there is none: due at its slot today (or now, when `now` is set). */
  ensure(ref: DatasourceRef, nowMs: number, opts?: { now?: boolean; videoCount?: number }): Promise<boolean>;
  /** Due now for today (connected or re-authorised during the day), unless the capture of today is leased. */
  captureNow(ref: DatasourceRef, nowMs: number): Promise<void>;
  /** Entries of a shard due at or before nowMs, oldest first. */
  queryDue(shard: number, nowMs: number, limit: number): Promise<DueEntry[]>;
  /** Leases an entry read by queryDue (conditional on `version`): false when someone else moved it. */
  lease(entry: DueEntry, leaseUntil: number): Promise<boolean>;
  /** Keeps a running capture's lease alive (while it waits for quota or continues). */
  renew(datasourceId: string, day: Day, leaseUntil: number): Promise<void>;
  /** The day was captured: due next at `next` (conditional on the entry still naming `day`). */
  advance(datasourceId: string, day: Day, next: { day: Day; dueAt: number }, videoCount?: number): Promise<boolean>;
  /** The day was given up: lostDays + 1, due next at `next` (conditional on `day`: counted once). */
  markLost(datasourceId: string, day: Day, next: { day: Day; dueAt: number }, reason: string): Promise<boolean>;
  remove(datasourceId: string): Promise<void>;
  /** One bounded migration step (entries for datasources that have none); 0 when nothing is left. */
  backfill(nowMs: number, limit: number): Promise<number>;
  shards: readonly number[];
}

export interface PlanPort {
  get(day: Day): Promise<DayPlan | undefined>;
  /** Adds a capture to the day's plan. */
  addPlanned(day: Day, calls: number, bucket: number): Promise<void>;
  /** A planned capture finished (or was given up). */
  addDone(day: Day, calls: number): Promise<void>;
}

/** A captured video, compactly (counters already sanitised). */
export interface PartVideo {
  id: string;
  counters: Counters;
  title: string;
  createTime?: number;
  /** Metadata the lake's `videos` dataset keeps (not stored in the history itself). */
  details?: { description?: string; duration?: number; shareUrl?: string; embedLink?: string };
}

/** Resumable paging state of one (datasource, day). */
export interface CaptureProgress extends DatasourceRef {
  day: Day;
  /** Optimistic concurrency: every save is conditional on the version read. */
  version: number;
  profileDone: boolean;
  profile?: ProfileStats;
  /** video/list: the cursor to send next (undefined: from the newest). */
  cursor?: number;
  pages: number;
  /** true once has_more was false (or the listing was found broken). */
  videosDone: boolean;
  /** The listing could not be completed (repeated cursor): the day keeps its profile only. */
  videosIncomplete?: boolean;
  /** No video counters today: video.list not granted, or the capacity plan skipped them. */
  noVideos?: boolean;
  videos: number;
  /** Part ids holding the videos collected so far, in order. */
  parts: string[];
  /** Values clamped or skipped (absurd counters, bad ids). */
  badValues: number;
  /** Waits for quota so far (never counted as attempts). */
  waits: number;
}

export interface ProgressPort {
  get(datasourceId: string, day: Day): Promise<CaptureProgress | undefined>;
  /** Writes the part (if any), then the progress conditional on `expectedVersion` (0 = new); false when another try moved on. */
  save(progress: CaptureProgress, expectedVersion: number, part?: { id: string; videos: PartVideo[] }): Promise<boolean>;
  readParts(datasourceId: string, day: Day, partIds: readonly string[]): Promise<PartVideo[][]>;
  clear(progress: CaptureProgress): Promise<void>;
}

export interface DayCommitPort {
  has(datasourceId: string, day: Day): Promise<boolean>;
  /** Commits the day (delta/full encoding by the store): `exists` when already committed, `expired` when the day is over. */
  commit(target: DatasourceRef & { day: Day }, data: { profile?: ProfileStats; videos?: PartVideo[] }): Promise<'captured' | 'exists' | 'expired'>;
}

export interface CaptureStore {
  due: DueIndexPort;
  plan: PlanPort;
  progress: ProgressPort;
  days: DayCommitPort;
}

/** TikTok, as the capture sees it: one session per invocation (one token use). */
export interface CaptureSession {
  scopes: readonly string[];
  /** user/info stats (raw values: sanitised by the job). */
  userInfo(): Promise<Record<string, unknown>>;
  /** One video/list page, max_count 20. */
  listVideos(cursor: number | undefined): Promise<{ videos: Array<Record<string, unknown>>; cursor: number; hasMore: boolean }>;
}

export interface CaptureSource {
  /**
   * Opens the datasource (token) and runs fn with a session; every call inside is a background TikTok
   * call. `expectedCalls` (per endpoint path) lets the quota governor lease the permits at once.
   */
  open<T>(ref: DatasourceRef, fn: (session: CaptureSession) => Promise<T>, hint?: { expectedCalls?: Record<string, number> }): Promise<T>;
}
