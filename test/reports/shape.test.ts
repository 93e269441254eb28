import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../shared/render/index.ts';
import { csvCell, neutraliseFormula, renderCsv } from '../../shared/reports/formats/csv.ts';
import { renderReport, reportFileName } from '../../shared/reports/index.ts';
import { columnsOf, flattenRow, tabulate } from '../../shared/report-result/shape.ts';
import type { ReportResult } from '../../shared/report-result/types.ts';

const result = (rows: Record<string, unknown>[]): ReportResult => ({
  rows,
  columns: columnsOf(rows),
  meta: { reportType: 'profile', datasourceId: 'ds/1', fetchedAt: '2024-06-01T10:20:30.456Z', pages: 1, cursor: null, hasMore: false },
});

describe('row and column shaping', () => {
  it('columns are the union of keys in first-seen order', () => {
    expect(columnsOf([{ b: 1, a: 2 }, { c: 3, a: 4 }, {}])).toEqual(['b', 'a', 'c']);
    expect(columnsOf([])).toEqual([]);
  });

  it('flattens nested plain objects to dotted keys, keeps arrays, dates and empty objects as one cell', () => {
    const d = new Date('2024-01-02T03:04:05Z');
    expect(flattenRow({ 'data.user': { follower_count: 5, nested: { x: null } }, tags: [1, { a: 2 }], d, empty: {} })).toEqual({
      'data.user.follower_count': 5,
      'data.user.nested.x': null,
      tags: [1, { a: 2 }],
      d,
      empty: {},
    });
  });

  it('tabulates rows with different shapes into one column list', () => {
    const t = tabulate([{ a: { b: 1 } }, { a: { c: 2 }, d: 3 }]);
    expect(t.columns).toEqual(['a.b', 'a.c', 'd']);
    expect(t.rows).toEqual([{ 'a.b': 1 }, { 'a.c': 2, d: 3 }]);
  });
});

describe('CSV rendering', () => {
  it('neutralises formulas behind a line feed, leading spaces, or in full-width forms', () => {
    for (const s of ['\n=1+1', '\r\n=1', ' =space first', '   +1', ' -2', ' @cmd', '\t=x', '＝SUM(A1)', '＋1', '－1', '＠cmd', '  ＝1']) {
      expect(neutraliseFormula(s), JSON.stringify(s)).toBe(`'${s}`);
    }
    const csv = renderCsv({ rows: [{ a: '\n=HYPERLINK("x")' }], columns: ['a'], meta: {} } as never).body;
    expect((parse(csv, { columns: true }) as Record<string, string>[])[0]!.a).toBe('\'\n=HYPERLINK("x")');
  });
  it('neutralises text cells that a spreadsheet would run as a formula', () => {
    for (const s of ['=SUM(A1)', '+1', '-2+3', '@cmd', '\tx', '\rx']) expect(neutraliseFormula(s)).toBe(`'${s}`);
    for (const s of ['plain', "'quoted", '1=1', '', '  plain', 'a\n=b']) expect(neutraliseFormula(s)).toBe(s);
    expect(csvCell(-5)).toBe('-5'); // numbers are data, never neutralised
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
    expect(csvCell([1, 'a'])).toBe('[1,"a"]');
  });

  it('writes RFC 4180 (CRLF, quoting) that csv-parse reads back to the same cells', () => {
    const rows = [
      { 'data.user': { display_name: 'Jane, "J" Doe', bio_description: 'line1\nline2', follower_count: 1520, is_verified: true } },
      { 'data.user': { display_name: '=HYPERLINK("x")', follower_count: null }, extra: ['a', 'b'] },
    ];
    const { body, contentType } = renderCsv(result(rows));
    expect(contentType).toBe('text/csv; charset=utf-8');
    expect(body.startsWith('data.user.display_name,data.user.bio_description,data.user.follower_count,data.user.is_verified,extra\r\n')).toBe(true);
    expect(body.endsWith('\r\n')).toBe(true);
    const parsed = parse(body, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(parsed).toEqual([
      {
        'data.user.display_name': 'Jane, "J" Doe',
        'data.user.bio_description': 'line1\nline2',
        'data.user.follower_count': '1520',
        'data.user.is_verified': 'true',
        extra: '',
      },
      {
        'data.user.display_name': `'=HYPERLINK("x")`,
        'data.user.bio_description': '',
        'data.user.follower_count': '',
        'data.user.is_verified': '',
        extra: '["a","b"]',
      },
    ]);
  });

  it('neutralises header names too, and renders no rows as an empty body', () => {
    expect(renderCsv(result([{ '=x': 1 }])).body).toBe("'=x\r\n1\r\n");
    expect(renderCsv(result([])).body).toBe('');
  });

  it('renders JSON as {rows, columns, meta} and names downloads safely', () => {
    const r = result([{ a: 1 }]);
    const json = renderReport(r, 'json');
    expect(json.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(json.body)).toEqual(r);
    expect(reportFileName(r, 'csv')).toBe('tiktok-profile-ds_1-20240601T102030Z.csv');
    expect(() => renderReport(r, 'xml')).toThrow(/Unknown report format/);
  });
});

describe('a __proto__ column', () => {
  const rows = JSON.parse('[{"__proto__": "p1", "a": 1, "n": {"__proto__": {"x": 2}}}]') as Record<string, unknown>[];
  it('survives CSV', () => {
    const csv = renderCsv({ rows, columns: ['__proto__', 'a', 'n'], meta: {} } as never).body;
    expect(csv.split('\r\n')[0]).toBe('__proto__,a,n.__proto__.x');
    expect(csv.split('\r\n')[1]).toBe('p1,1,2');
  });
  it('survives the HTML table', () => {
    const body = renderHtml({ rows, columns: ['__proto__', 'a'], meta: { reportType: 'video-list', datasourceId: 'ds_x', fetchedAt: '2024-01-01T00:00:00.000Z', pages: 1, cursor: null, hasMore: false } } as never).body;
    expect(body).toContain('<th scope="col">__proto__</th>');
    expect(body).toContain('>p1</td>');
  });
});
