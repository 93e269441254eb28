import { describe, expect, it } from 'vitest';
import { runCloud9QL } from '../../shared/cloud9ql/index.ts';

/** Value of one expression on one row. */
const value = (expr: string, row: Record<string, unknown> = {}) => runCloud9QL(`select ${expr} as v`, [row])[0]!.v;

describe('math functions', () => {
  it.each([
    ['abs(-2.5)', 2.5], ['ceil(1.2)', 2], ['floor(-1.2)', -2], ['sqrt(16)', 4], ['cbrt(27)', 3],
    ['power(2, 10)', 1024], ['exp(0)', 1], ['log(1)', 0], ['log10(1000)', 3], ['sign(-3)', -1], ['mod(7, 3)', 1],
    ['cos(0)', 1], ['cosh(0)', 1], ['sin(0)', 0], ['tan(0)', 0], ['acos(1)', 0], ['asin(0)', 0], ['atan(0)', 0], ['sinh(0)', 0], ['tanh(0)', 0],
  ])('%s = %s', (expr, expected) => {
    expect(value(expr)).toBeCloseTo(expected as number, 12);
  });
  it('round: half away from zero, with digits, exact on decimal inputs', () => {
    expect(value('round(2.5)')).toBe(3);
    expect(value('round(-2.5)')).toBe(-3);
    expect(value('round(1.005, 2)')).toBe(1.01);
    expect(value('round(1234.5678, 2)')).toBe(1234.57);
    expect(value('round(1234.5678, -2)')).toBe(1200);
  });
  it('non-numbers and impossible results give null; numeric text converts', () => {
    expect(value("abs('x')")).toBeNull();
    expect(value('sqrt(-1)')).toBeNull();
    expect(value('abs(null)')).toBeNull();
    expect(value("abs('-4')")).toBe(4);
  });
});

describe('string functions', () => {
  const row = { s: '  Hello World  ', t: 'hello world', n: null, x: 42 };
  it.each([
    ["concat('a', 1, null, true)", 'a1true'],
    ['upper(t)', 'HELLO WORLD'],
    ["lower('ABC')", 'abc'],
    ['trim(s)', 'Hello World'],
    ['ltrim(s)', 'Hello World  '],
    ['rtrim(s)', '  Hello World'],
    ['length(t)', 11],
    ['substring(t, 6)', 'world'],
    ['substring(t, 0, 5)', 'hello'],
    ['substring(t, 8, 100)', 'rld'],
    ["replace(t, 'o', '0')", 'hell0 w0rld'],
    ["regex_replace(t, '(\\w+) (\\w+)', '$2 $1')", 'world hello'],
    ["regex_replace('a1b22', '[0-9]+', '#')", 'a#b#'],
    ["split('a,b,,c', ',')", ['a', 'b', '', 'c']],
    ["indexof(t, 'world')", 6],
    ["indexof(t, 'zzz')", -1],
    ["initcap('hELLO wORLD-wide')", 'Hello World-Wide'],
    ['length(x)', 2],
  ])('%s', (expr, expected) => {
    expect(value(expr, row)).toEqual(expected);
  });
  it('null in gives null out, except concat', () => {
    for (const fn of ['upper(n)', 'lower(n)', 'trim(n)', 'length(n)', 'substring(n, 1)', "replace(n, 'a', 'b')", "split(n, ',')", "indexof(n, 'a')", 'initcap(n)']) {
      expect(value(fn, row)).toBeNull();
    }
    expect(value('concat(n, n)', row)).toBe('');
  });
  it('refuses regular expressions that can backtrack exponentially', () => {
    expect(() => value("regex_replace(t, '(a+)+b', '')", row)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => value("regex_replace(t, '(', '')", row)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('conversion and conditional functions', () => {
  it('ifnull, coalesce, if, case', () => {
    expect(value('ifnull(n, 0)', { n: null })).toBe(0);
    expect(value('ifnull(n, 0)', { n: 5 })).toBe(5);
    expect(value('coalesce(a, b, 3)', { a: null })).toBe(3);
    expect(value('coalesce(a, b)', {})).toBeNull();
    expect(value("if(x > 1, 'big', 'small')", { x: 2 })).toBe('big');
    expect(value("case when x > 10 then 'a' when x > 1 then 'b' else 'c' end", { x: 5 })).toBe('b');
    expect(value("case when x > 10 then 'a' end", { x: 5 })).toBeNull();
    expect(value("case x when 1 then 'one' when 2 then 'two' else 'many' end", { x: 2 })).toBe('two');
  });
  it('to_number and to_string', () => {
    expect(value("to_number('42.5')")).toBe(42.5);
    expect(value("to_number('1,234.5')")).toBe(1234.5);
    expect(value("to_number('abc')")).toBeNull();
    expect(value('to_string(42)')).toBe('42');
    expect(value('to_string(a)', { a: { b: 1 } })).toBe('{"b":1}');
    expect(value("to_string(str_to_date('2024-01-02', 'yyyy-MM-dd'))")).toBe('2024-01-02T00:00:00.000Z');
  });
  it.each([
    ['#,##0.00', 1234567.891, '1,234,567.89'],
    ['#,###', 1234567.891, '1,234,568'],
    ['0.0', 2.25, '2.2'],
    ['0.0', 2.35, '2.4'],
    ['#.##', 0.456, '.46'],
    ['0.00', 0.5, '0.50'],
    ['000', 7, '007'],
    ['0.0%', 0.1234, '12.3%'],
    ['$#,##0.00', -1234.5, '-$1,234.50'],
    ["'#'0", 5, '#5'],
    ['#,##0.###', 1000, '1,000'],
  ])('number_format(x, %s) of %s = %s (DecimalFormat, HALF_EVEN)', (pattern, x, expected) => {
    expect(value(`number_format(x, '${pattern.replace(/'/g, "''")}')`, { x })).toBe(expected);
  });
  it('number_format rejects a pattern without digits', () => {
    expect(() => value("number_format(1, 'abc')")).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
  it('currency_format: US dollars by default, a currency code, or a Java locale', () => {
    expect(value('currency_format(1234.567)')).toBe('$1,234.57');
    expect(value('currency_format(-5)')).toBe('-$5.00');
    expect(value("currency_format(1234.5, 'EUR')")).toBe('€1,234.50');
    expect(value("currency_format(1234.5, 'de_DE')")).toBe('1.234,50\u00a0€');
    expect(value("currency_format(1234.5, 'en_GB', 'GBP')")).toBe('£1,234.50');
    expect(() => value("currency_format(1, 'xx_YY')")).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
