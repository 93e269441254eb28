/**
 * Daily snapshots end to end on the local runtime: the sandbox account grows day by day (simulated
 * clock), the dispatcher leases each day's capture from the due index, history-capture takes it on
 * the capture queue (the background lane), and the history
 * report answers over HTTP. Covers a deleted video, counters going down, three days of needed
 * re-authorisation (shown as missing, never zero), HTML output, and a scheduled history delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, eachDay } from '../../shared/history/days.ts';
import { profileOnDay, videoOnDay } from '../../shared/tiktok/sandbox/growth.ts';
import { seedAccounts } from '../../shared/tiktok/sandbox/index.ts';
import { connectAccount } from '../support/connect.ts';
import { readJson } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const DAY0 = '2024-06-03'; // a Monday
const DAYS = 14;
const DELETED_ON = 2;
const REAUTH_FROM = 4; // the refresh token is revoked: days 4, 5, 6 are missing
const RECONNECT_ON = 7;
const creator = seedAccounts()[2]!;
const deletedId = creator.videos[1]!.id;

let t = Date.parse(`${DAY0}T00:02:00Z`);
const clock = { now: () => t };
const at = (d: number, time = '00:02:00') => Date.parse(`${addDays(DAY0, d)}T${time}Z`);

/** What TikTok showed on day d, from the sandbox's known series. */
function expected(d: number) {
  const videos = creator.videos
    .map((v, rank) => ({ v, rank }))
    .filter(({ v }) => d < DELETED_ON || v.id !== deletedId)
    .map(({ v, rank }) => videoOnDay(v, rank, d));
  const user = profileOnDay(creator.user, videos, d);
  return {
    follower_count: user.follower_count,
    following_count: user.following_count,
    likes_count: user.likes_count,
    video_count: user.video_count,
    video_views: videos.reduce((s, v) => s + v.view_count, 0),
    videos,
  };
}

let rt: TestRuntime;
let dsId: string;
const dispatches: unknown[] = [];

async function history(body: Record<string, unknown>) {
  const res = await rt.api(`/v1/datasources/${dsId}/reports/history`, { method: 'POST', json: body });
  return res;
}

beforeAll(async () => {
  rt = await startTestRuntime({ clock });
  dsId = await connectAccount(rt, { account: 'sandbox.creator' });
  rt.sandbox!.growth.enable(clock.now());
  for (let d = 0; d < DAYS; d += 1) {
    t = at(d);
    if (d === DELETED_ON) rt.sandbox!.growth.deleteVideo(deletedId, t);
    if (d === REAUTH_FROM) {
      rt.sandbox!.revokeRefreshTokens(creator.user.open_id);
      rt.sandbox!.expireAccessTokens(creator.user.open_id);
    }
    // Day 0: connected at 00:02, captured at once (the baseline). Later days: after the capture window.
    if (d > 0) t = at(d, '20:05:00');
    if (d === RECONNECT_ON) expect(await connectAccount(rt, { account: 'sandbox.creator' })).toBe(dsId);
    dispatches.push(await rt.scheduler.fire('schedule-dispatch'));
    await rt.captureQueue.drain();
    if (d === 1) {
      // A second tick the same day queues nothing new.
      t = at(d, '20:10:00');
      dispatches.push(await rt.scheduler.fire('schedule-dispatch'));
      await rt.captureQueue.drain();
    }
  }
  t = at(DAYS - 1, '12:00:00');
}, 240_000);

afterAll(async () => {
  await rt?.stop();
});

describe('daily snapshots through the dispatcher', () => {
  it('queues each datasource capture once a day on the capture lane; re-auth days are given up and counted', () => {
    const snaps = dispatches.map((r) => (r as { snapshots: { day: string; queued: number; requeued: number; daysLost: number } }).snapshots);
    expect(snaps[0]).toMatchObject({ day: DAY0, queued: 1 }); // connected at 00:02: captured at once
    expect(snaps[1]).toMatchObject({ day: addDays(DAY0, 1), queued: 1 });
    expect(snaps[2]).toMatchObject({ day: addDays(DAY0, 1), queued: 0, requeued: 0 }); // the second tick of day 1
    expect(snaps.reduce((s, x) => s + x.queued + x.requeued, 0)).toBe(DAYS); // once a day, re-auth days included (they fail in the capture)
    expect(rt.reportQueue.stats().sent).toBe(0); // captures never ride the report queue
    expect(rt.captureQueue.inner.deadLetters).toEqual([]);
  });

  it('reports each day from the known series; the re-auth gap is null, never zero', async () => {
    const res = await history({ from: DAY0, to: addDays(DAY0, DAYS - 1), metrics: 'follower_count,following_count,likes_count,video_count,video_views' });
    expect(res.status).toBe(200);
    const body = (await readJson(res)) as { rows: Array<Record<string, number | null | string | boolean>>; meta: Record<string, unknown> };
    expect(body.rows.map((r) => r.period)).toEqual(eachDay(DAY0, addDays(DAY0, DAYS - 1)));
    const missing = new Set([REAUTH_FROM, REAUTH_FROM + 1, REAUTH_FROM + 2]);
    let wentDown = 0;
    body.rows.forEach((row, d) => {
      const e = expected(d);
      for (const m of ['follower_count', 'following_count', 'likes_count', 'video_count', 'video_views'] as const) {
        expect(row[m], `${m} day ${d}`).toBe(missing.has(d) ? null : e[m]);
        const delta = d === 0 || missing.has(d) || missing.has(d - 1) ? null : e[m] - expected(d - 1)[m];
        expect(row[`${m}_delta`], `${m}_delta day ${d}`).toBe(delta);
        if (typeof delta === 'number' && delta < 0) wentDown += 1;
      }
    });
    expect(wentDown).toBeGreaterThan(2); // following goes down, and the deleted video takes its views and likes along
    expect(body.rows[DELETED_ON]!.video_count_delta).toBe(-1);
    expect(body.meta).toMatchObject({ reportType: 'history', datasourceId: dsId, pages: 0 });
  });

  it('rolls weeks up from the days, flags the incomplete ones, and ranks videos by views gained', async () => {
    const res = await history({ from: DAY0, to: addDays(DAY0, DAYS - 1), metrics: ['follower_count'], granularity: 'week', topVideos: 5 });
    const body = (await readJson(res)) as { rows: Array<Record<string, unknown>>; meta: { history: { topVideos: Array<{ id: string; views_gained: number }>; topVideosFrom: string } } };
    expect(body.rows.map((r) => [r.period, r.days_with_data, r.complete])).toEqual([
      ['2024-W23', 4, false],
      ['2024-W24', 7, false],
    ]);
    expect(body.rows[0]!.follower_count).toBe(expected(3).follower_count);
    expect(body.rows[1]!.follower_count_delta).toBe(expected(13).follower_count - expected(3).follower_count);
    const top = await readJson(await history({ from: addDays(DAY0, 8), to: addDays(DAY0, 13), metrics: 'follower_count', topVideos: 5 }));
    const gained = expected(13).videos
      .map((v) => ({ id: v.id, views_gained: v.view_count - expected(7).videos.find((x) => x.id === v.id)!.view_count }))
      .sort((a, b) => b.views_gained - a.views_gained || (a.id < b.id ? -1 : 1))
      .slice(0, 5);
    expect(top.meta.history.topVideosFrom).toBe(addDays(DAY0, 7));
    expect(top.meta.history.topVideos.map((v: { id: string; views_gained: number }) => ({ id: v.id, views_gained: v.views_gained }))).toEqual(gained);
    expect(top.meta.history.topVideos.map((v: { id: string }) => v.id)).not.toContain(deletedId);
  });

  it('runs Cloud9QL on the history data, renders HTML, and validates input', async () => {
    const q = await history({ from: addDays(DAY0, 8), to: addDays(DAY0, 13), topVideos: 3, cloud9ql: 'select expand(data.top_videos); select rank, id, views_gained' });
    expect(q.status).toBe(200);
    const rows = (await readJson(q)).rows as Array<Record<string, unknown>>;
    expect(rows.map((r) => Object.keys(r))).toEqual([['rank', 'id', 'views_gained'], ['rank', 'id', 'views_gained'], ['rank', 'id', 'views_gained']]);

    const page = await history({ from: DAY0, to: addDays(DAY0, DAYS - 1), format: 'html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('TikTok Growth history report');
    expect(html).toContain('Cora Creator');
    expect(html.match(/<svg /g)!.length).toBe(8 + 1); // one line chart per metric + the top videos

    const bad = async (body: Record<string, unknown>, field: string | undefined, message?: string) => {
      const res = await history(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = await readJson(res);
      expect(error.field).toBe(field);
      if (message) expect(error.message).toContain(message);
    };
    await bad({ from: '2024-06-10', to: '2024-06-01' }, 'from');
    await bad({ from: '2024-02-30' }, 'from');
    await bad({ metrics: ['followers'] }, 'metrics');
    await bad({ granularity: 'year' }, 'granularity');
    await bad({ topVideos: 51 }, 'topVideos');
    await bad({ metrics: 'follower_count,nope' }, 'metrics', 'Valid metrics: follower_count, following_count');
    await bad({ fields: ['follower_count'] }, undefined, 'Unknown member "fields" in the history report request');
    const other = await rt.api('/v1/datasources/ds_unknown/reports/history', { method: 'POST', json: {} });
    expect(other.status).toBe(404);
    const c9 = await history({ cloud9ql: 'select from where' });
    expect(c9.status).toBe(422);
  });

  it('renders the other report types as HTML too', async () => {
    const list = await rt.api(`/v1/datasources/${dsId}/reports/video-list`, {
      method: 'POST',
      json: { fields: 'id,title,view_count,create_time', requestBody: { max_count: 20, cursor: 0 }, format: 'html' },
    });
    expect(list.status, await list.clone().text()).toBe(200);
    expect(list.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(list.headers.get('content-disposition')).toBeNull(); // shown inline, under the page CSP
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await list.text();
    expect(page).toContain('TikTok Video List report');
    expect(page).toContain('Top videos by views');
    expect(page).not.toMatch(/<script/i);
    const profile = await rt.api(`/v1/datasources/${dsId}/reports/profile`, { method: 'POST', json: { fields: 'display_name,username,follower_count', format: 'html' } });
    expect(await profile.text()).toContain('Cora Creator (@sandbox.creator)');
  });

  it('is schedulable like the other report types, delivered as HTML', async () => {
    const created = await rt.api('/v1/schedules', {
      method: 'POST',
      json: { name: 'weekly growth', datasourceId: dsId, reportType: 'history', schedule: 'rate(7 days)', format: 'html', granularity: 'week', metrics: ['follower_count'] },
    });
    expect(created.status).toBe(201);
    const { id } = await readJson(created);
    expect((await rt.api(`/v1/schedules/${id}/run`, { method: 'POST' })).status).toBe(202);
    await rt.reportQueue.drain();
    const runs = await readJson(await rt.api(`/v1/schedules/${id}/runs`));
    expect(runs.items[0]).toMatchObject({ status: 'succeeded' });
    expect(runs.items[0].s3Key).toMatch(/\.html$/);
  });
});
