/** The minimum subset for the TikTok connector (docs/cloud9ql.md §6), on TikTok-shaped responses. */
import { describe, expect, it } from 'vitest';
import { Cloud9QLError, runCloud9QL } from '../../shared/cloud9ql/index.ts';
import { now, userInfo, videoList } from './fixtures.ts';

const videos = videoList.data.videos;
const run = (q: string, data: unknown = videoList) => runCloud9QL(q, data, { now });

describe('TikTok subset (§10)', () => {
  it('1. dot paths to any depth, with aliases', () => {
    expect(run('select data.user.display_name as name, data.user.follower_count as followers', userInfo)).toEqual([{ name: 'Jane', followers: 1520 }]);
    expect(run('select error.code', userInfo)).toEqual([{ 'error.code': 'ok' }]);
  });
  it('the default queries: select data.user; and select expand(data.videos);', () => {
    expect(run('select data.user;', userInfo)).toEqual([{ 'data.user': userInfo.data.user }]);
    expect(run('select expand(data.videos);')).toEqual(videos);
  });
  it('2. expand a map (one row) and an array of maps (rows in order)', () => {
    expect(run('select expand(data.user)', userInfo)).toEqual([{ error: userInfo.error, ...userInfo.data.user }]);
    expect(run('select expand(data.videos)').map((r) => r.id)).toEqual(videos.map((v) => v.id));
  });
  it('3. chaining post-processes expanded rows', () => {
    expect(run('select expand(data.videos); select id, view_count order by view_count desc limit 2')).toEqual([
      { id: '7301234567890123456', view_count: 10234 },
      { id: '7298765432109876543', view_count: 5120 },
    ]);
  });
  it('4. *, ~field, distinct, where operators and parentheses', () => {
    expect(Object.keys(run('select expand(data.videos); select *, ~id, ~create_time limit 1')[0]!)).toEqual(['title', 'view_count', 'like_count', 'comment_count', 'share_count']);
    expect(run('select expand(data.videos); select distinct share_count > 0 as shared')).toEqual([{ shared: true }, { shared: false }]);
    const titles = (where: string) => run(`select expand(data.videos); select title where ${where}`).map((r) => r.title);
    expect(titles("title = 'Recap'")).toEqual(['Recap']);
    expect(titles('view_count != 0 and view_count <> 880')).toEqual(['New year', 'Recap', 'Travel vlog']);
    expect(titles('view_count > 5120 or view_count < 1')).toEqual(['New year', 'Dance']);
    expect(titles('view_count >= 5120')).toEqual(['New year', 'Recap']);
    expect(titles('view_count <= 880 and not view_count = 0')).toEqual(['Cooking pasta']);
    expect(titles("title like '%a%' and (view_count > 1000 or comment_count is null)")).toEqual(['New year', 'Recap', 'Cooking pasta', 'Travel vlog']);
    expect(titles("id in ('7298765432109876543', '7270000000000000003')")).toEqual(['Recap', 'Dance']);
    expect(titles('comment_count is null')).toEqual(['Cooking pasta']);
  });
  it('5. order by several keys asc/desc, limit', () => {
    expect(run('select expand(data.videos); select title order by share_count, view_count desc limit 3').map((r) => r.title)).toEqual(['Cooking pasta', 'Dance', 'Recap']);
  });
  it('6. group by with count(*), count(x), count(distinct x), sum, avg, min, max, median, arithmetic over aggregates, having', () => {
    const out = run(
      "select expand(data.videos); select date_format(create_time*1000, 'yyyy-MM') as month, count(*) as videos, count(comment_count) as with_comments, count(distinct share_count) as share_levels, sum(view_count) as views, avg(like_count) as avg_likes, min(view_count) as min_views, max(view_count) as max_views, median(view_count) as median_views, sum(like_count)*1.0/sum(view_count) as rate group by month having videos > 0 order by month",
    );
    expect(out).toEqual([
      { month: '2023-11', videos: 1, with_comments: 1, share_levels: 1, views: 0, avg_likes: 0, min_views: 0, max_views: 0, median_views: 0, rate: null },
      { month: '2023-12', videos: 3, with_comments: 2, share_levels: 3, views: 8500, avg_likes: 797 / 3, min_views: 880, max_views: 5120, median_views: 2500, rate: 797 / 8500 },
      { month: '2024-01', videos: 1, with_comments: 1, share_levels: 1, views: 10234, avg_likes: 811, min_views: 10234, max_views: 10234, median_views: 10234, rate: 811 / 10234 },
    ]);
    expect(run("select expand(data.videos); select date_format(create_time*1000, 'yyyy-MM') as month, count(*) as n group by month having n > 1")).toEqual([{ month: '2023-12', n: 3 }]);
  });
  it('7. arithmetic with floating division, round, null-safe ifnull', () => {
    const out = run(
      'select expand(data.videos); select like_count*1.0/view_count as engagement_rate, round((like_count+ifnull(comment_count, 0)+share_count)/view_count, 3) as er, round(view_count/3, 2) as third limit 3',
    );
    expect(out).toEqual([
      { engagement_rate: 811 / 10234, er: 0.084, third: 3411.33 },
      { engagement_rate: 402 / 5120, er: 0.081, third: 1706.67 },
      { engagement_rate: 95 / 880, er: 0.108, third: 293.33 },
    ]);
    expect(run("select expand(data.videos); select like_count/view_count as r where title = 'Dance'")).toEqual([{ r: null }]);
  });
  it('8. dates of unix-seconds create_time, in UTC; epoch_secs; grouping by day', () => {
    expect(run("select expand(data.videos); select date_format(create_time*1000, 'yyyy-MM-dd') as d, date_format(create_time*1000, 'yyyy-MM-dd HH:mm:ss') as t, epoch_secs(create_time*1000) as s limit 1")).toEqual([
      { d: '2024-01-01', t: '2024-01-01 00:00:00', s: 1704067200 },
    ]);
    expect(run("select expand(data.videos); select date_format(create_time*1000, 'yyyy-MM-dd') as day, count(*) as n group by day").map((r) => r.n)).toEqual([1, 1, 1, 1, 1]);
  });
  it('9. string helpers', () => {
    expect(run("select expand(data.videos); select concat(upper(title), ' / ', lower(title)) as a, length(title) as l, substring(title, 0, 3) as s, replace(title, ' ', '_') as r, trim(concat('  ', title, '  ')) as t limit 1")).toEqual([
      { a: 'NEW YEAR / new year', l: 8, s: 'New', r: 'New_year', t: 'New year' },
    ]);
  });
  it('10. accumulate over sorted rows', () => {
    expect(run('select expand(data.videos); select create_time, view_count order by create_time; select create_time, accumulate(view_count) as total').map((r) => r.total)).toEqual([
      0, 2500, 3380, 8500, 18734,
    ]);
  });
  it('11. clear errors for malformed queries', () => {
    for (const [query, code] of [
      ['select expand(data.videos', 'syntax_error'],
      ["select title where title = 'x", 'syntax_error'],
      ['select expand(data.videos); select titel(title)', 'unknown_function'],
      ['select expand(data.videos); select title order by', 'syntax_error'],
      ['select expand(data.videos); select title limit ten', 'syntax_error'],
    ] as const) {
      let error: unknown;
      try {
        run(query);
      } catch (e) {
        error = e;
      }
      expect(error, query).toBeInstanceOf(Cloud9QLError);
      expect((error as Cloud9QLError).code, query).toBe(code);
      expect((error as Cloud9QLError).line, query).toBe(1);
    }
  });
  it('keeps 19-digit ids as text', () => {
    expect(run('select expand(data.videos); select id where id = \'7301234567890123456\'')).toEqual([{ id: '7301234567890123456' }]);
  });
});
