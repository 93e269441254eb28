/** An embedded DynamoDB with the service's table, and history deps over it, for history unit tests. */
import type { CaptureDeps, CapturedVideo, SnapshotSource } from '../../shared/history/capture.ts';
import type { HistorySettings } from '../../shared/history/settings.ts';
import type { ProfileStats } from '../../shared/history/store.ts';
import type { Counters } from '../../shared/history/videos.ts';
import type { TestTable } from '../support/dynamo.ts';

export { startTestTable, type TestTable } from '../support/dynamo.ts';

export const DAY_MS = 86_400_000;

/** A settable clock. */
export function testClock(startIso: string) {
  let t = Date.parse(startIso);
  return {
    now: () => t,
    set: (iso: string) => {
      t = Date.parse(iso);
    },
    advanceDays: (n: number) => {
      t += n * DAY_MS;
    },
  };
}

export function captureDeps(table: TestTable, now: () => number, settings: Partial<HistorySettings> = {}): CaptureDeps {
  return {
    dynamo: table.dynamo,
    tableName: table.tableName,
    now,
    settings: { checkpointEveryDays: 7, chunkBytes: 300_000, ...settings },
  };
}

/** A scripted account: tests mutate `profile` and `videos` between days. */
export function fakeSource(init: { profile?: ProfileStats; videos?: Array<[string, Counters, string?]> }) {
  const state = {
    profile: init.profile as ProfileStats | undefined,
    videos: init.videos as Array<[string, Counters, string?]> | undefined,
    calls: 0,
  };
  const source: SnapshotSource = {
    profile: async () => {
      state.calls += 1;
      return state.profile ? { ...state.profile } : undefined;
    },
    videos: async () =>
      state.videos?.map(([id, counters, title]): CapturedVideo => ({ id, counters, title: title ?? `video ${id}`, createTime: 1_700_000_000 })),
  };
  return { state, source };
}
