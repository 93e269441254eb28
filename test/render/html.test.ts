import { describe, expect, it } from 'vitest';
import { barChart, buildView, esc, lineChart, renderHtml } from '../../shared/render/index.ts';
import type { ReportResult } from '../../shared/report-result/types.ts';
import { XSS_TITLE, historyResult, videoListResult } from './fixtures.ts';

describe('escaping', () => {
  it('escapes markup characters and drops characters XML forbids', () => {
    expect(esc(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(esc('a\u0000b\u001Fc\uD800d')).toBe('abcd');
    expect(esc(null)).toBe('');
  });

  it('never lets user content open a tag, in the table, the charts or the title', () => {
    const body = renderHtml(historyResult()).body;
    expect(body).not.toContain('<script');
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i); // no tag carries an event handler attribute
    expect(body).toContain(esc(XSS_TITLE)); // the bar chart's tooltip keeps the whole title, escaped
    expect(body).toContain('Cora Creator &lt;b&gt;');
    const list = renderHtml(videoListResult()).body;
    expect(list).not.toContain('<script');
    expect(list).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('the page', () => {
  it('is self-contained: no script, no external reference, a CSP that forbids loading anything', () => {
    const { body, contentType } = renderHtml(historyResult());
    expect(contentType).toBe('text/html; charset=utf-8');
    expect(body.startsWith('<!doctype html>')).toBe(true);
    expect(body).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(body).not.toMatch(/<(script|link|iframe|object|embed|img)\b/i);
    // Nothing that loads: no src/href attribute on any tag, no CSS url(), no @import.
    expect(body).not.toMatch(/<[a-z][^>]*\s(src|href|xlink:href|srcset|action)\s*=/i);
    expect(body).not.toMatch(/url\(|@import/i);
  });

  it('shows title, account, period, one line chart per metric, the top videos and the table', () => {
    const view = buildView(historyResult());
    expect(view.title).toBe('TikTok Growth history report');
    expect(view.account).toBe('Cora Creator <b> (@sandbox.creator)');
    expect(view.period).toBe('2024-06-01 to 2024-08-29, by day');
    expect(view.lineCharts.map((c) => c.title)).toEqual(['Followers', 'Views (all videos)']);
    expect(view.lineCharts[0]!.points.filter((p) => p.y === null).map((p) => p.x)).toEqual(['2024-07-11', '2024-07-12', '2024-07-13']);
    expect(view.barCharts[0]!.items).toHaveLength(10);
    expect(view.barCharts[0]!.items[0]).toEqual({ label: XSS_TITLE, value: 900_000 });
    const body = renderHtml(historyResult()).body;
    expect(body.match(/<svg /g)).toHaveLength(3);
    expect(body.match(/<tr>/g)).toHaveLength(91); // header + 90 days
    // 3 missing days x 2 values; null deltas x 2 metrics: the first day, the 3 missing days and the day after
    expect(body.match(/class="missing"/g)!.length).toBe(3 * 2 + 5 * 2);
  });

  it('charts a video list by views and a profile report as a table only', () => {
    const list = buildView(videoListResult());
    expect(list.lineCharts).toEqual([]);
    expect(list.barCharts[0]!.items.map((i) => i.value)).toEqual([...videoListResult().rows.map((r) => r.view_count as number)].sort((a, b) => b - a).slice(0, 10));
    const profile: ReportResult = {
      rows: [{ display_name: 'Casey', username: 'sandbox.casual', follower_count: 321 }],
      columns: ['display_name', 'username', 'follower_count'],
      meta: { reportType: 'profile', datasourceId: 'ds_1', fetchedAt: '2024-06-01T00:00:00.000Z', pages: 1, cursor: null, hasMore: false },
    };
    const view = buildView(profile);
    expect(view.account).toBe('Casey (@sandbox.casual)');
    expect(view.lineCharts).toEqual([]);
    expect(view.barCharts).toEqual([]);
    expect(renderHtml(profile).body).toContain('<td class="number" title="321">321</td>');
    // the default profile query keeps the user nested: {"data.user": {...}}
    expect(buildView({ ...profile, rows: [{ 'data.user': { display_name: 'Casey', username: 'sandbox.casual' } }], columns: ['data.user'] }).account).toBe('Casey (@sandbox.casual)');
  });
});

describe('charts', () => {
  it('breaks the line at a missing value instead of drawing zero, and marks lone points', () => {
    const svg = lineChart({
      id: 'c',
      title: 'Followers',
      points: [
        { x: '2024-01-01', y: 10 },
        { x: '2024-01-02', y: 12 },
        { x: '2024-01-03', y: null },
        { x: '2024-01-04', y: 15 },
        { x: '2024-01-05', y: null },
        { x: '2024-01-06', y: 16 },
        { x: '2024-01-07', y: 18 },
      ],
    });
    const d = /<path class="series" d="([^"]+)"/.exec(svg)![1]!;
    expect(d.match(/M/g)).toHaveLength(3); // three segments: [1-2], [4], [6-7]
    expect(svg.match(/<rect class="gap"/g)).toHaveLength(2);
    expect(svg).toContain('2024-01-03: no snapshot');
    expect(svg).toContain('2 missing (shaded)');
    expect(svg).toMatch(/<circle class="dot"[^>]+r="3"><title>2024-01-04: 15<\/title>/);
    // the y axis starts near the data, not at a fake zero
    expect(svg).not.toContain('>0</text>');
  });

  it('draws every bar in proportion, negative values to the left of zero', () => {
    const svg = barChart({ id: 'b', title: 'Top', items: [{ label: 'a', value: 100 }, { label: 'b', value: 50 }, { label: 'c', value: -25 }] });
    const widths = [...svg.matchAll(/<rect class="(pos|neg)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [m[1], Number(m[2]), Number(m[3])] as const);
    expect(widths.map((w) => w[0])).toEqual(['pos', 'pos', 'neg']);
    expect(widths[0]![2] / widths[1]![2]).toBeCloseTo(2, 1);
    expect(widths[1]![2] / widths[2]![2]).toBeCloseTo(2, 1);
    expect(widths[2]![1] + widths[2]![2]).toBeCloseTo(widths[0]![1], 0);
    expect(barChart({ id: 'e', title: 'Top', items: [] })).toContain('No data in this period.');
  });
});

describe('bad timestamps', () => {
  it('one create_time out of range (1e20) or an invalid Date renders the page, the value as text', () => {
    const result = videoListResult();
    result.rows[0] = { ...result.rows[0], create_time: 1e20, shot_at: new Date(Number.NaN) };
    const { body } = renderHtml(result);
    expect(body).toContain('100,000,000,000,000,000,000');
  });
});

describe('bidirectional controls', () => {
  it('esc shows them as visible [U+....] text instead of passing them into the page', () => {
    const controls = ['\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
    const out = esc(`evil${controls.join('')}txt.exe`);
    for (const c of controls) expect(out).not.toContain(c);
    expect(out).toContain('[U+202E]');
    expect(out).toContain('[U+2069]');
  });
  it('no report page carries them (titles, table, charts)', () => {
    const result = historyResult();
    const top = (result.meta as unknown as { history: { topVideos: { title: string }[] } }).history.topVideos;
    top[1]!.title = 'gnp.\u202Eexe';
    result.rows[0] = { ...result.rows[0], note: 'a\u2066b\u2069' };
    const { body } = renderHtml(result);
    expect(body).not.toMatch(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
    expect(body).toContain('gnp.[U+202E]exe');
  });
});


describe('wide tables', () => {
  it('scroll inside their box on screen and fit the page in print', () => {
    const { body } = renderHtml(historyResult());
    expect(body).toMatch(/<div class="table-wrap"><table>/);
    expect(body).toMatch(/\.table-wrap\{[^}]*overflow-x:auto[^}]*max-width:100%/);
    const print = /@media print\{([\s\S]*?)\n\}/.exec(body)?.[1] ?? '';
    expect(print).toMatch(/table\{[^}]*table-layout:fixed/);
    expect(print).toMatch(/th,td\{[^}]*white-space:normal[^}]*word-break:break-word/);
    expect(print).toMatch(/font-size:9px/);
  });
});
