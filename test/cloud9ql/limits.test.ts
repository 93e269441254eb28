import { describe, expect, it } from 'vitest';
import { Cloud9QLError, DEFAULT_LIMITS, parseCloud9QL, runCloud9QL } from '../../shared/cloud9ql/index.ts';

const limitError = expect.objectContaining({ code: 'limit_exceeded' });

describe('limits', () => {
  it('defaults: 10,000 characters, 50 statements, 100,000 rows in and out', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxQueryLength: 10_000, maxStatements: 50, maxRowsIn: 100_000, maxRowsOut: 100_000 });
  });
  it('rejects long queries before parsing them', () => {
    expect(() => runCloud9QL(`select ${'a'.repeat(10_001)}`, [])).toThrow(limitError);
    expect(() => runCloud9QL('select abc', [], { maxQueryLength: 5 })).toThrow(limitError);
  });
  it('rejects too many statements, also for a query compiled earlier under other limits', () => {
    const query = 'select a; select a; select a';
    expect(runCloud9QL(query, [{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(() => runCloud9QL(query, [{ a: 1 }], { maxStatements: 2 })).toThrow(limitError);
    expect(() => parseCloud9QL(query, { maxStatements: 2 })).toThrow(limitError);
  });
  it('rejects too many input rows', () => {
    expect(() => runCloud9QL('select *', [{}, {}, {}], { maxRowsIn: 2 })).toThrow(limitError);
  });
  it('rejects statements that produce too many rows (expand)', () => {
    const data = { items: Array.from({ length: 50 }, (_, i) => ({ i })) };
    expect(() => runCloud9QL('select expand(items)', data, { maxRowsOut: 10 })).toThrow(limitError);
    expect(runCloud9QL('select expand(items); select count(*) as n', data, { maxRowsOut: 50 })).toEqual([{ n: 50 }]);
  });
  it('stops work beyond the step budget', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ i }));
    expect(() => runCloud9QL('select i * 2 + 1 as a where i > 0 order by a desc', rows, { maxSteps: 1000 })).toThrow(limitError);
    expect(runCloud9QL('select i * 2 + 1 as a where i > 0 order by a desc limit 1', rows, { maxSteps: 100_000 })).toEqual([{ a: 1999 }]);
  });
  it('throws errors that carry message, line, column and code', () => {
    try {
      runCloud9QL('select *', [{}, {}], { maxRowsIn: 1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Cloud9QLError);
      const e = error as Cloud9QLError;
      expect(e.message).toContain('limit of 1');
      expect(e.line).toBe(1);
      expect(e.column).toBe(1);
    }
  });
  it('validates option values', () => {
    expect(() => runCloud9QL('select *', [], { maxSteps: -1 })).toThrow(TypeError);
  });
  it('like patterns with many wildcards stay linear-time (no regex backtracking)', () => {
    const text = 'a'.repeat(5000);
    const pattern = `${'%a'.repeat(30)}%b`;
    expect(runCloud9QL(`select x where x like '${pattern}'`, [{ x: text }])).toEqual([]);
  });
});

describe('text budget: string length per value and total text built', () => {
  const tooBig = expect.objectContaining({ code: 'limit_exceeded', name: 'Cloud9QLError', message: expect.stringContaining('characters') });
  const grow = (inner: string, levels: number, fn: (x: string) => string) => Array.from({ length: levels }).reduce<string>((x) => fn(x), inner);
  it('defaults: 1 MB per value, 64 MB in total', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxStringLength: 1_000_000, maxTextTotal: 64_000_000 });
  });
  it('stops nested replace of a column before it builds hundreds of MB', () => {
    const query = `select ${grow('t', 6, (x) => `replace(${x}, 'a', 'aaaaaaaaaa')`)} as big`;
    expect(() => runCloud9QL(query, [{ t: 'a'.repeat(100) }])).toThrow(tooBig);
    expect(runCloud9QL(query, [{ t: 'b' }])).toEqual([{ big: 'b' }]);
  });
  it('stops nested replace of a constant while folding it', () => {
    expect(() => runCloud9QL(`select ${grow("'aaaaaaaaaa'", 7, (x) => `replace(${x}, 'a', 'aaaaaaaaaa')`)} as big`, [{}])).toThrow(tooBig);
  });
  it('stops concat, + and regex_replace growth', () => {
    const t = 'x'.repeat(1000);
    expect(() => runCloud9QL(`select ${grow('t', 11, (x) => `concat(${x}, ${x})`)} as big`, [{ t }])).toThrow(tooBig);
    expect(() => runCloud9QL(`select ${grow('t', 11, (x) => `(${x} + ${x})`)} as big`, [{ t }])).toThrow(tooBig);
    expect(() => runCloud9QL(`select ${grow('t', 4, (x) => `regex_replace(${x}, 'x', 'xxxxxxxxxxxxxxxxxxxx')`)} as big`, [{ t }])).toThrow(tooBig);
    expect(runCloud9QL(`select ${grow('t', 2, (x) => `regex_replace(${x}, 'x', 'yy')`)} as r`, [{ t: 'xx' }])).toEqual([{ r: 'yyyy' }]);
  });
  it('stops a query whose text adds up past the total budget', () => {
    const rows = Array.from({ length: 20 }, () => ({ t: 'x'.repeat(50) }));
    expect(() => runCloud9QL('select concat(t, t) as a', rows, { maxTextTotal: 1000 })).toThrow(tooBig);
    expect(runCloud9QL('select concat(t, t) as a', rows, { maxTextTotal: 2000 })).toHaveLength(20);
    expect(() => runCloud9QL('select concat(t, t) as a', rows, { maxStringLength: 99 })).toThrow(tooBig);
  });
});

describe('regular expressions from query text run in linear time (RE2)', () => {
  const argError = (construct: string) => expect.objectContaining({ code: 'invalid_argument', name: 'Cloud9QLError', message: expect.stringContaining(construct) });
  it('regex_replace with patterns that backtrack exponentially in a JavaScript RegExp', () => {
    const t = `${'a'.repeat(30)}!`;
    const started = performance.now();
    expect(runCloud9QL("select regex_replace(t, '((a)+)+$', 'x') as r", [{ t }])).toEqual([{ r: t }]);
    expect(runCloud9QL("select regex_replace(t, '(a|a)+$', 'x') as r", [{ t }])).toEqual([{ r: t }]);
    expect(runCloud9QL("select regex_replace(t, '(a|a)+!$', 'x') as r", [{ t }])).toEqual([{ r: 'x' }]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
  it('str_to_date patterns with adjacent text fields', () => {
    const started = performance.now();
    expect(runCloud9QL(`select str_to_date(t, '${'MMMMEEEE'.repeat(5)}') as d`, [{ t: `${'a'.repeat(70)}!` }])).toEqual([{ d: null }]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
  it('names the constructs RE2 does not support', () => {
    expect(() => runCloud9QL("select regex_replace(t, '(a)\\1', '')", [{ t: 'aa' }])).toThrow(argError('back-references (\\1)'));
    for (const look of ['(?=', '(?!', '(?<=', '(?<!']) {
      expect(() => runCloud9QL(`select regex_replace(t, 'a${look}b)', '')`, [{ t: 'ab' }])).toThrow(argError(`lookaround (${look}`));
    }
    expect(runCloud9QL("select regex_replace(t, '[(?=]', '-') as r", [{ t: 'a=b' }])).toEqual([{ r: 'a-b' }]);
    expect(runCloud9QL("select regex_replace(t, '\\\\1', '-') as r", [{ t: 'a\\1' }])).toEqual([{ r: 'a-' }]);
  });
});

describe('nesting', () => {
  it('refuses parentheses, case blocks or prefix operators nested deeper than 100 levels', () => {
    expect(() => runCloud9QL(`select ${'- '.repeat(101)}1`, {})).toThrow(expect.objectContaining({ code: 'limit_exceeded' }));
    expect(() => runCloud9QL(`select ${'case when true then '.repeat(101)}1${' end'.repeat(101)}`, {})).toThrow(expect.objectContaining({ code: 'limit_exceeded' }));
    expect(runCloud9QL(`select ${'- '.repeat(100)}1 as v`, {})).toEqual([{ v: 1 }]);
    expect(() => runCloud9QL(`select ${'('.repeat(101)}1${')'.repeat(101)}`, {})).toThrow(expect.objectContaining({ code: 'limit_exceeded', column: 108 }));
    expect(runCloud9QL(`select ${'('.repeat(100)}1${')'.repeat(100)} as v`, {})).toEqual([{ v: 1 }]);
  });
  it('turns stack exhaustion from deep data into a Cloud9QLError', () => {
    expect(() => runCloud9QL(`select ${'- '.repeat(4000)}1`, {})).toThrow(limitError);
    expect(runCloud9QL('select 1 + 1 as v', {})).toEqual([{ v: 2 }]);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => runCloud9QL('select distinct a', [{ a: deep }])).toThrow(limitError);
  });
});
