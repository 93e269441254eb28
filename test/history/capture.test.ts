import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureSnapshot } from '../../shared/history/capture.ts';
import { addDays, dayOf } from '../../shared/history/days.ts';
import { videoStateAt } from '../../shared/history/replay.ts';
import { getMarker, queryMarkers } from '../../shared/history/store.ts';
import type { Counters } from '../../shared/history/videos.ts';
import { captureDeps, fakeSource, startTestTable, testClock, type TestTable } from './support.ts';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.close();
});

async function allItems(datasourceId: string) {
  const res = await table.dynamo.send(
    new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `DS#${datasourceId}` } }),
  );
  return res.Items ?? [];
}

const profile = (f: number) => ({ follower_count: f, following_count: 10, likes_count: 100, video_count: 2 });

describe('captureSnapshot', () => {
  it('stores one marker per day, idempotently, and refuses a day that is over', async () => {
    const clock = testClock('2024-06-01T00:05:00Z');
    const deps = captureDeps(table, clock.now);
    const { source } = fakeSource({ profile: profile(100), videos: [['1', [10, 1, 0, 0]]] });
    const target = { tenantId: 't1', datasourceId: 'ds_idem', day: '2024-06-01' };
    const first = await captureSnapshot(target, source, deps);
    expect(first).toMatchObject({ status: 'captured', videoKind: 'full', videos: 1 });
    const again = await captureSnapshot(target, source, deps);
    expect(again.status).toBe('exists');
    // Racing captures of the same day: exactly one commits, the loser's chunks are removed.
    const racers = await Promise.all([1, 2, 3].map(() => captureSnapshot({ ...target, day: '2024-06-01' }, source, deps)));
    expect(racers.every((r) => r.status === 'exists')).toBe(true);
    clock.set('2024-06-02T10:00:00Z');
    const race2 = await Promise.all([1, 2, 3].map(() => captureSnapshot({ ...target, day: '2024-06-02' }, source, deps)));
    expect(race2.filter((r) => r.status === 'captured')).toHaveLength(1);
    const items = await allItems('ds_idem');
    expect(items.filter((i) => String(i.sk).startsWith('SNAP#')).map((i) => i.day)).toEqual(['2024-06-01', '2024-06-02']);
    expect(items.filter((i) => String(i.sk).startsWith('VSNAP#2024-06-02'))).toHaveLength(1);
    // The job for yesterday arriving late must not label today's numbers as yesterday's.
    expect((await captureSnapshot({ ...target, day: '2024-06-01' }, source, deps)).status).toBe('expired');
    expect(await getMarker(deps, 'ds_idem', '2024-06-02')).toMatchObject({ profile: profile(100), videoKind: 'delta', videoPrev: '2024-06-01' });
  });

  it('replays deltas over gaps, deletions, counters going down and checkpoints, chunked', async () => {
    const clock = testClock('2024-01-01T01:00:00Z');
    const deps = captureDeps(table, clock.now, { checkpointEveryDays: 4, chunkBytes: 40 });
    const vids = new Map<string, Counters>();
    for (let i = 0; i < 12; i += 1) vids.set(String(7_000_000_000_000_000_000n + BigInt(i)), [1000 * (i + 1), 100, 10, 1]);
    const { state, source } = fakeSource({ profile: profile(500), videos: [] });
    const expected = new Map<string, Map<string, Counters>>();
    const skipped = new Set(['2024-01-05', '2024-01-06', '2024-01-07']);
    for (let d = 0; d < 16; d += 1) {
      const day = dayOf(clock.now());
      // day 3: a video is deleted; day 8: a video's likes go down; every day the newest three gain views
      if (d === 3) vids.delete(String(7_000_000_000_000_000_005n));
      if (d === 8) vids.set(String(7_000_000_000_000_000_001n), [2000, 90, 10, 1]);
      if (d === 10) vids.set('7999999999999999999', [0, 0, 0, 0]);
      for (const id of [...vids.keys()].slice(-3)) {
        const c = vids.get(id)!;
        vids.set(id, [c[0] + 7 * d, c[1] + d, c[2], c[3]]);
      }
      state.videos = [...vids].map(([id, c]) => [id, c]);
      state.profile = profile(500 + d);
      if (!skipped.has(day)) {
        const r = await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_chain', day }, source, deps);
        expect(r.status).toBe('captured');
        expected.set(day, new Map(vids));
      }
      clock.advanceDays(1);
    }
    const markers = await queryMarkers(deps, 'ds_chain', '2024-01-01', '2024-01-31');
    expect(markers.map((m) => m.day)).toEqual([...expected.keys()]);
    // A checkpoint at least every 4 days of chain; chunks under the 40-byte budget means several per day.
    expect(markers.filter((m) => m.videoKind === 'full').map((m) => m.day)).toEqual(['2024-01-01', '2024-01-08', '2024-01-12', '2024-01-16']);
    expect(markers.find((m) => m.day === '2024-01-08')).toMatchObject({ videoKind: 'full' });
    expect(markers.find((m) => m.day === '2024-01-09')).toMatchObject({ videoKind: 'delta', videoPrev: '2024-01-08' });
    expect(Math.max(...markers.map((m) => m.videoChunks))).toBeGreaterThan(3);
    for (const [day, videos] of expected) {
      const replayed = await videoStateAt(deps, 'ds_chain', day);
      expect(replayed?.day).toBe(day);
      expect(replayed?.state.present()).toEqual(videos);
      const m = markers.find((x) => x.day === day)!;
      expect(m.videoCount).toBe(videos.size);
      expect(m.videoTotals?.[0]).toBe([...videos.values()].reduce((s, c) => s + c[0], 0));
    }
    // A day inside the gap resolves to the last stored day before it.
    expect((await videoStateAt(deps, 'ds_chain', '2024-01-06'))?.day).toBe('2024-01-04');
  });

  it('skips a day whose chunks were lost: the next capture differs from the last good day', async () => {
    const clock = testClock('2024-09-01T00:10:00Z');
    const deps = captureDeps(table, clock.now);
    const { state, source } = fakeSource({ profile: profile(1), videos: [['1', [10, 0, 0, 0]], ['2', [20, 0, 0, 0]]] });
    await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_lost', day: '2024-09-01' }, source, deps);
    clock.advanceDays(1);
    state.videos = [['1', [11, 0, 0, 0]], ['2', [25, 0, 0, 0]]];
    await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_lost', day: '2024-09-02' }, source, deps);
    for (const item of (await allItems('ds_lost')).filter((i) => String(i.sk).startsWith('VSNAP#2024-09-02'))) {
      await table.dynamo.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: item.pk, sk: item.sk } }));
    }
    expect((await videoStateAt(deps, 'ds_lost', '2024-09-02'))?.day).toBe('2024-09-01');
    clock.advanceDays(1);
    state.videos = [['1', [12, 0, 0, 0]], ['3', [1, 0, 0, 0]]];
    const r = await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_lost', day: '2024-09-03' }, source, deps);
    expect(r.videoKind).toBe('delta');
    expect(await getMarker(deps, 'ds_lost', '2024-09-03')).toMatchObject({ videoPrev: '2024-09-01' });
    const s3 = await videoStateAt(deps, 'ds_lost', '2024-09-03');
    expect(s3?.day).toBe('2024-09-03');
    expect(s3?.state.present()).toEqual(new Map([['1', [12, 0, 0, 0]], ['3', [1, 0, 0, 0]]]));
  });

  it('records a day without video data when video.list was not granted, and without profile stats when stats were not', async () => {
    const clock = testClock('2024-03-01T00:10:00Z');
    const deps = captureDeps(table, clock.now);
    const { source } = fakeSource({ profile: undefined, videos: undefined });
    const r = await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_scopes', day: '2024-03-01' }, source, deps);
    expect(r).toMatchObject({ status: 'captured', videoKind: 'none' });
    const m = await getMarker(deps, 'ds_scopes', '2024-03-01');
    expect(m?.profile).toBeUndefined();
    expect(m?.videoTotals).toBeUndefined();
  });

  it('writes a TTL when a retention is set, checkpoints outliving their deltas, and hides expired items', async () => {
    const clock = testClock('2024-05-01T00:10:00Z');
    const deps = captureDeps(table, clock.now, { retentionDays: 30, checkpointEveryDays: 7 });
    const { source } = fakeSource({ profile: profile(1), videos: [['1', [1, 1, 1, 1]]] });
    await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_ttl', day: '2024-05-01' }, source, deps);
    clock.advanceDays(1);
    await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_ttl', day: '2024-05-02' }, source, deps);
    const items = await allItems('ds_ttl');
    const ttlOf = (prefix: string) => items.find((i) => String(i.sk).startsWith(prefix))?.ttl as number;
    expect(ttlOf('SNAP#2024-05-02')).toBe(Date.parse('2024-06-01T00:00:00Z') / 1000);
    expect(ttlOf('VSNAP#2024-05-01')).toBe(Date.parse('2024-06-07T00:00:00Z') / 1000);
    expect(items.filter((i) => String(i.sk).startsWith('VMETA#')).every((i) => i.ttl === undefined)).toBe(true);
    clock.set('2024-06-01T00:00:01Z');
    expect((await queryMarkers(deps, 'ds_ttl', '2024-05-01', '2024-05-31')).map((m) => m.day)).toEqual(['2024-05-01']);
    clock.set('2024-06-08T00:00:00Z');
    expect(await queryMarkers(deps, 'ds_ttl', '2024-05-01', '2024-05-31')).toEqual([]);
  });

  it('keeps video titles once, updating only changed ones', async () => {
    const clock = testClock('2024-07-01T00:10:00Z');
    const deps = captureDeps(table, clock.now);
    const { state, source } = fakeSource({ profile: profile(1), videos: [['1', [1, 0, 0, 0], 'first'], ['2', [1, 0, 0, 0], '<b>two</b>']] });
    const r1 = await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_meta', day: '2024-07-01' }, source, deps);
    clock.advanceDays(1);
    const r2 = await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_meta', day: addDays('2024-07-01', 1) }, source, deps);
    expect(r1.items).toBe(3); // marker, one chunk, one title item
    expect(r2.items).toBe(2); // marker, one chunk: titles unchanged
    state.videos = [['1', [2, 0, 0, 0], 'renamed']];
    clock.advanceDays(1);
    const r3 = await captureSnapshot({ tenantId: 't1', datasourceId: 'ds_meta', day: '2024-07-03' }, source, deps);
    expect(r3.items).toBe(3);
    const meta = (await allItems('ds_meta')).filter((i) => String(i.sk).startsWith('VMETA#'));
    expect(meta).toHaveLength(1);
    expect(meta[0]!.m).toEqual({ '1': ['renamed', 1_700_000_000], '2': ['<b>two</b>', 1_700_000_000] });
  });
});
