import { describe, expect, it } from 'vitest';
import { Cloud9QLError, parseCloud9QL, printCloud9QL, runCloud9QL } from '../../shared/cloud9ql/index.ts';
import { translateError } from '../../shared/error-translation.ts';

function syntaxError(query: string): Cloud9QLError {
  try {
    parseCloud9QL(query);
  } catch (error) {
    expect(error).toBeInstanceOf(Cloud9QLError);
    return error as Cloud9QLError;
  }
  throw new Error(`expected a syntax error for: ${query}`);
}

describe('parser: statements', () => {
  it('parses the statement structure with every clause', () => {
    const [s] = parseCloud9QL('select distinct a, b as bee where a > 1 group by a, b having count(*) > 2 order by a desc, b limit 5').statements;
    expect(s!.distinct).toBe(true);
    expect(s!.items.map((i) => (i.kind === 'expr' ? i.name : i.kind))).toEqual(['a', 'bee']);
    expect(s!.where).toMatchObject({ kind: 'binary', op: '>' });
    expect(s!.groupBy).toHaveLength(2);
    expect(s!.having).toMatchObject({ kind: 'binary', op: '>', left: { kind: 'call', name: 'count', star: true } });
    expect(s!.orderBy.map((k) => k.desc)).toEqual([true, false]);
    expect(s!.limit).toBe(5);
  });

  it('makes select optional, and the select list too when a clause comes first', () => {
    expect(parseCloud9QL('a, b').statements[0]!.items).toHaveLength(2);
    const [s] = parseCloud9QL('where x = 1').statements;
    expect(s!.items).toEqual([{ kind: 'star', at: 0 }]);
  });

  it('is case-insensitive for keywords and function names, case-sensitive for fields', () => {
    const [s] = parseCloud9QL('SELECT Sum(Views) AS Total WHERE Views > 1 ORDER BY Total DESC').statements;
    expect(s!.items[0]).toMatchObject({ expr: { kind: 'call', name: 'sum', args: [{ kind: 'field', path: ['Views'] }] }, name: 'Total' });
  });

  it('splits statements on ";" and ignores blank ones and a trailing ";"', () => {
    expect(parseCloud9QL('select a;; select b;').statements).toHaveLength(2);
    expect(parseCloud9QL("select 'a;b'").statements).toHaveLength(1);
    expect(parseCloud9QL('  ;  ').statements).toHaveLength(0);
  });

  it('reads aliases with spaces up to the next comma or clause keyword', () => {
    const [s] = parseCloud9QL('select sent/100000 as sent rate, opened as Opened  Count where sent > 0').statements;
    expect(s!.items.map((i) => (i.kind === 'expr' ? i.name : ''))).toEqual(['sent rate', 'Opened Count']);
    const [q] = parseCloud9QL("select a as `order by`, b as 'x, y'").statements;
    expect(q!.items.map((i) => (i.kind === 'expr' ? i.name : ''))).toEqual(['order by', 'x, y']);
  });

  it('names unaliased columns by the expression text as written', () => {
    const [s] = parseCloud9QL('select data.user.display_name,  count( * ), like_count*1.0/view_count').statements;
    expect(s!.items.map((i) => (i.kind === 'expr' ? i.name : ''))).toEqual(['data.user.display_name', 'count( * )', 'like_count*1.0/view_count']);
  });

  it('parses *, ~field, paths, indexes and quoted names', () => {
    const [s] = parseCloud9QL('select *, ~Message_Type, data.videos[0].id, `Message Type`, [Sent Count], data.items[-1], a.order').statements;
    expect(s!.items[0]).toMatchObject({ kind: 'star' });
    expect(s!.items[1]).toMatchObject({ kind: 'exclude', path: ['Message_Type'] });
    expect(s!.items.slice(2).map((i) => (i.kind === 'expr' && i.expr.kind === 'field' ? i.expr.path : null))).toEqual([
      ['data', 'videos', 0, 'id'],
      ['Message Type'],
      ['Sent Count'],
      ['data', 'items', -1],
      ['a', 'order'],
    ]);
  });

  it('parses literals: strings with quotes, numbers, booleans, null, durations, date tokens', () => {
    const [s] = parseCloud9QL("select 'it''s', 42, 1.5, 1e3, true, false, null, 7d, $c9_today").statements;
    const exprs = s!.items.map((i) => (i.kind === 'expr' ? i.expr : null));
    expect(exprs.slice(0, 7).map((e) => (e?.kind === 'literal' ? e.value : undefined))).toEqual(["it's", 42, 1.5, 1000, true, false, null]);
    expect(exprs[7]).toMatchObject({ kind: 'duration', amount: 7, unit: 'd' });
    expect(exprs[8]).toMatchObject({ kind: 'dateToken', name: '$c9_today' });
  });

  it('gives operators their precedence: not > and > or, * over +, ^ right-assoc above unary minus', () => {
    const print = (q: string) => printCloud9QL(parseCloud9QL(q));
    expect(print('select a where x = 1 or y = 2 and not z = 3')).toBe('select a where x = 1 or y = 2 and not z = 3');
    expect(print('select (a + b) * c, a + b * c, 2 ^ 3 ^ 2, -2 ^ 2, (a - b) - c, a - (b - c)')).toBe(
      'select (a + b) * c, a + b * c, 2 ^ 3 ^ 2, -2 ^ 2, a - b - c as `(a - b) - c`, a - (b - c)',
    );
    const [s] = parseCloud9QL('select a where (x = 1 or y = 2) and z = 3').statements;
    expect(s!.where).toMatchObject({ op: 'and', left: { op: 'or' } });
  });

  it('parses like / not like / in / not in / is [not] null / [not] between / case', () => {
    const [s] = parseCloud9QL(
      "select a where a like 'x%' and b not like '_y' and c in (1, 2) and d not in ('a') and e is null and f is not null and g between 1 and 5 and h not between 1 and 2 and case when a > 1 then true else false end",
    ).statements;
    const kinds: string[] = [];
    let e = s!.where;
    while (e && e.kind === 'binary' && e.op === 'and') {
      kinds.unshift(e.right.kind + (('negated' in e.right && e.right.negated) ? '!' : ''));
      e = e.left;
    }
    kinds.unshift(e!.kind);
    expect(kinds).toEqual(['like', 'like!', 'in', 'in!', 'isNull', 'isNull!', 'between', 'between!', 'case']);
  });
});

describe('parser: errors', () => {
  it.each([
    ['select (a', 'Unbalanced parentheses', 1, 10],
    ['select a)', 'Unbalanced parentheses', 1, 9],
    ["select 'abc", 'Unterminated string', 1, 8],
    ['select a where', 'Expected an expression after "where"', 1, 15],
    ['select a order by', 'Expected an expression after "by"', 1, 18],
    ['select a limit ten', '"limit" needs a whole number', 1, 16],
    ['select a limit 1.5', '"limit" needs a whole number', 1, 16],
    ['select a b c', 'Unexpected "b"', 1, 10],
    ['select a from t', 'no "from"', 1, 10],
    ['select a\nwhere x = = 1', 'Expected an expression', 2, 11],
    ['select', 'Expected a select item', 1, 7],
    ['select a # b', 'Unexpected character "#"', 1, 10],
    ['select 1e400', 'out of range', 1, 8],
  ])('%s -> %s at %i:%i', (query, message, line, column) => {
    const error = syntaxError(query);
    expect(error.code).toBe('syntax_error');
    expect(error.message).toContain(message);
    expect([error.line, error.column]).toEqual([line, column]);
    expect(translateError(error)).toMatchObject({ kind: 'unprocessable', code: 'cloud9ql_error', details: { line, column, reason: 'syntax_error' } });
  });

  it('reports unknown functions by name, with a suggestion, at their position', () => {
    expect(() => runCloud9QL('select\n  date_fromat(x, "y")', [])).toThrow(
      expect.objectContaining({ code: 'unknown_function', line: 2, column: 3, message: expect.stringContaining('"date_fromat" (did you mean "date_format"?)') }),
    );
    expect(() => runCloud9QL('select frobnicate(1)', [])).toThrow(expect.objectContaining({ code: 'unknown_function', message: expect.stringContaining('frobnicate') }));
  });

  it('reports wrong argument counts', () => {
    expect(() => runCloud9QL('select round()', [])).toThrow(expect.objectContaining({ code: 'wrong_arguments', message: expect.stringContaining('round() takes 1 to 2 arguments, got 0') }));
    expect(() => runCloud9QL('select upper(a, b)', [])).toThrow(expect.objectContaining({ code: 'wrong_arguments' }));
    expect(() => runCloud9QL('select sum(*)', [])).toThrow(expect.objectContaining({ code: 'wrong_arguments' }));
    expect(() => runCloud9QL('select sum(distinct a)', [])).toThrow(expect.objectContaining({ code: 'wrong_arguments' }));
  });

  it('rejects expand next to other items and aggregates in where', () => {
    expect(() => runCloud9QL('select expand(data.videos), title', {})).toThrow(expect.objectContaining({ code: 'invalid_query', column: 29 }));
    expect(() => runCloud9QL('select a where sum(a) > 1', [])).toThrow(expect.objectContaining({ code: 'invalid_query', message: expect.stringContaining('not allowed in where (use having)') }));
    expect(() => runCloud9QL('select a having a > 1', [])).toThrow(expect.objectContaining({ code: 'invalid_query' }));
    expect(() => runCloud9QL('select sum(count(*))', [])).toThrow(expect.objectContaining({ code: 'invalid_query' }));
    expect(() => runCloud9QL('select a where accumulate(a) > 1', [])).toThrow(expect.objectContaining({ code: 'invalid_query' }));
    expect(() => runCloud9QL('select upper(expand(a))', [])).toThrow(expect.objectContaining({ code: 'invalid_query' }));
  });
});
