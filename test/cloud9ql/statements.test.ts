import { describe, expect, it } from 'vitest';
import { runCloud9QL } from '../../shared/cloud9ql/index.ts';
import { campaigns, now } from './fixtures.ts';

const run = (q: string, data: unknown = campaigns) => runCloud9QL(q, data, { now });

describe('input model', () => {
  it('treats an array as rows and an object as one row', () => {
    expect(run('select a', [{ a: 1 }, { a: 2 }])).toEqual([{ a: 1 }, { a: 2 }]);
    expect(run('select a', { a: 1 })).toEqual([{ a: 1 }]);
  });
  it('wraps scalar array elements as {value}', () => {
    expect(run('select value * 2 as v', [1, 2])).toEqual([{ v: 2 }, { v: 4 }]);
  });
  it('rejects scalar input', () => {
    expect(() => run('select *', 42)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => run('select *', null)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
  it('never mutates the input and returns fresh row objects', () => {
    const data = [{ a: 1, b: { c: 2 } }];
    const copy = structuredClone(data);
    const out = run('select *', data);
    expect(out).toEqual(data);
    expect(out[0]).not.toBe(data[0]);
    run('select *, a + 1 as a, ~b', data);
    expect(data).toEqual(copy);
  });
});

describe('select', () => {
  it('select * and the optional select keyword', () => {
    expect(run('select *')).toEqual(campaigns);
    expect(run('Customer, Sent').slice(0, 1)).toEqual([{ Customer: 'Facebook', Sent: 250000 }]);
  });
  it('aliases, including aliases with spaces', () => {
    expect(run('select Sent as Sent Messages, Date limit 1')).toEqual([{ 'Sent Messages': 250000, Date: '2024-01-01' }]);
  });
  it('`*` with expressions appends and overwrites columns', () => {
    const [row] = run('select *, Sent/100000 as sent rate, Opened * 2 as Opened limit 1');
    expect(row).toEqual({ ...campaigns[0], 'sent rate': 2.5, Opened: 240000 });
    expect(Object.keys(row!).at(-1)).toBe('sent rate');
  });
  it('~field removes fields from * output', () => {
    expect(run('select *, ~Message_Type, ~Date limit 1')).toEqual([{ Customer: 'Facebook', Campaign: 'Summer', Sent: 250000, Opened: 120000 }]);
  });
  it('missing fields and paths through non-objects are null', () => {
    expect(run('select nope, a.b.c, a[3]', [{ a: 5 }])).toEqual([{ nope: null, 'a.b.c': null, 'a[3]': null }]);
  });
  it('never reads prototype members as fields', () => {
    expect(run('select constructor, toString, __proto__, a.constructor', [{ a: {} }])).toEqual([
      JSON.parse('{"constructor":null,"toString":null,"__proto__":null,"a.constructor":null}'),
    ]);
    const out = run('select x as __proto__', [{ x: 1 }]);
    expect(Object.getPrototypeOf(out[0])).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out[0], '__proto__')?.value).toBe(1);
  });
  it('nested paths, array indexes (negative from the end) and quoted names', () => {
    const data = [{ a: { b: [{ c: 1 }, { c: 2 }] }, 'x y': 3 }];
    expect(run('select a.b[0].c as first, a.b[-1].c as last, `x y`, [x y] as again', data)).toEqual([{ first: 1, last: 2, 'x y': 3, again: 3 }]);
  });
  it('selecting an object-valued path returns the object under the dotted name', () => {
    expect(run('select data.user', { data: { user: { id: 1 } } })).toEqual([{ 'data.user': { id: 1 } }]);
  });
  it('a literal dotted key from an earlier statement wins over path traversal', () => {
    const data = { data: { user: { id: 1, name: 'x' } } };
    expect(run('select data.user; select data.user.id', data)).toEqual([{ 'data.user.id': 1 }]);
    expect(run('select data.user; select data.user', data)).toEqual([{ 'data.user': { id: 1, name: 'x' } }]);
  });
  it('distinct on the selected columns and on *', () => {
    expect(run('select distinct Customer')).toEqual([{ Customer: 'Facebook' }, { Customer: 'Google' }, { Customer: 'Apple' }]);
    expect(run('select distinct *', [{ a: 1 }, { a: 1 }, { a: '1' }])).toEqual([{ a: 1 }, { a: '1' }]);
  });
});

describe('where', () => {
  const data = [
    { n: 1, s: 'Apple pie', t: null },
    { n: 2, s: 'banana', t: 'x' },
    { n: '3', s: 'Cherry_tart', t: 'y' },
    { n: null, s: null, t: 'z' },
  ];
  const ns = (q: string) => run(`select n ${q}`, data).map((r) => r.n);
  it('comparisons, with numeric text compared as numbers and null never matching', () => {
    expect(ns('where n = 2')).toEqual([2]);
    expect(ns('where n != 2')).toEqual([1, '3']);
    expect(ns('where n <> 2')).toEqual([1, '3']);
    expect(ns('where n > 1')).toEqual([2, '3']);
    expect(ns('where n >= 2')).toEqual([2, '3']);
    expect(ns('where n < 3')).toEqual([1, 2]);
    expect(ns('where n <= 3')).toEqual([1, 2, '3']);
    expect(ns("where n = '3'")).toEqual(['3']);
    expect(ns("where s = 'banana'")).toEqual([2]);
    expect(ns("where s > 'b'")).toEqual([2]);
  });
  it('like and not like: % and _, case-insensitive, substring without wildcards', () => {
    expect(ns("where s like 'apple%'")).toEqual([1]);
    expect(ns("where s like '%an_n%'")).toEqual([2]);
    expect(ns("where s like 'err'")).toEqual(['3']);
    expect(ns("where s like 'cherry_tart'")).toEqual(['3']);
    expect(ns("where s not like '%a%'")).toEqual([]);
    expect(ns("where s not like 'b%'")).toEqual([1, '3']);
  });
  it('in, not in, is null, is not null, between', () => {
    expect(ns('where n in (1, 3)')).toEqual([1, '3']);
    expect(ns("where s in ('banana', 'kiwi')")).toEqual([2]);
    expect(ns('where n not in (1)')).toEqual([2, '3']);
    expect(ns('where t is null')).toEqual([1]);
    expect(ns('where n is not null and t is not null')).toEqual([2, '3']);
    expect(ns('where n between 2 and 3')).toEqual([2, '3']);
    expect(ns('where n not between 2 and 3')).toEqual([1]);
  });
  it('and, or, not with precedence and parentheses', () => {
    expect(ns('where n = 1 or n = 2 and t is null')).toEqual([1]);
    expect(ns('where (n = 1 or n = 2) and t is not null')).toEqual([2]);
    expect(ns('where not n = 1')).toEqual([2, '3', null]);
    expect(ns('where not (n = 1 or t = \'y\')')).toEqual([2, null]);
  });
  it('Knowi documentation examples', () => {
    expect(run('select * where Opened > 100000').map((r) => r.Campaign)).toEqual(['Summer', 'Artists']);
    expect(run("select * where Campaign like 'artists'").map((r) => r.Customer)).toEqual(['Google', 'Apple']);
    expect(run("select * where Message_Type = 'Transactional' and Sent > 200000").map((r) => r.Customer)).toEqual(['Facebook', 'Google', 'Apple']);
  });
  it('compares dates with date text', () => {
    expect(run("select Customer where Date >= '2024-01-08' and Date < '2024-01-15'").map((r) => r.Customer)).toEqual(['Facebook', 'Apple']);
    expect(run("select n where date(t) > '2024-01-01'", [{ n: 1, t: '2024-01-02T10:00:00Z' }, { n: 2, t: '2023-12-31' }])).toEqual([{ n: 1 }]);
  });
});

describe('order by and limit', () => {
  const data = [
    { k: 'b', v: 2 },
    { k: 'a', v: null },
    { k: 'c', v: 2 },
    { k: 'a', v: 1 },
    { k: 'b', v: 10 },
  ];
  it('sorts ascending by default, desc on request, numbers numerically', () => {
    expect(run('select v order by v', data).map((r) => r.v)).toEqual([1, 2, 2, 10, null]);
    expect(run('select v order by v desc', data).map((r) => r.v)).toEqual([10, 2, 2, 1, null]);
  });
  it('puts nulls last in both directions', () => {
    expect(run('select v order by v desc limit 1', data)).toEqual([{ v: 10 }]);
    expect(run('select v order by v asc', data).at(-1)).toEqual({ v: null });
  });
  it('sorts by several keys and keeps equal rows in input order (stable)', () => {
    expect(run('select k, v order by k, v desc', data)).toEqual([
      { k: 'a', v: 1 },
      { k: 'a', v: null },
      { k: 'b', v: 10 },
      { k: 'b', v: 2 },
      { k: 'c', v: 2 },
    ]);
    expect(run('select k order by v', data).map((r) => r.k)).toEqual(['a', 'b', 'c', 'b', 'a']);
  });
  it('orders by aliases, by expressions and by fields that are not selected', () => {
    expect(run('select k, v * -1 as neg order by neg limit 2', data)).toEqual([{ k: 'b', neg: -10 }, { k: 'b', neg: -2 }]);
    expect(run('select k order by v * 2 desc limit 1', data)).toEqual([{ k: 'b' }]);
  });
  it('limit n returns the first n rows', () => {
    expect(run('select k limit 2', data)).toEqual([{ k: 'b' }, { k: 'a' }]);
    expect(run('select k limit 0', data)).toEqual([]);
    expect(run('select k limit 99', data)).toHaveLength(5);
  });
  it('Knowi example: where + order by desc + limit', () => {
    expect(run('select * where Opened > 50000 order by Opened desc limit 1')).toEqual([campaigns[4]]);
  });
  it('uses one total order, so limit (top-k) and the full sort agree on mixed kinds', () => {
    const rows = [{ v: '2' }, { v: null }, { v: 3 }, { v: false }, { v: '2' }, { v: false }, { v: '2' }, { v: '10' }, { v: 0 }, { v: 'x' }];
    const full = run('select v order by v desc', rows);
    expect(full.map((r) => r.v)).toEqual(['x', '10', 3, '2', '2', '2', 0, false, false, null]);
    expect(run('select v order by v desc limit 1', rows)).toEqual(full.slice(0, 1));
  });
  it('orders text by code unit, mixed kinds deterministically', () => {
    expect(run('select x order by x', [{ x: 'b' }, { x: 'B' }, { x: 'a' }]).map((r) => r.x)).toEqual(['B', 'a', 'b']);
    expect(run('select x order by x', [{ x: 'z' }, { x: true }, { x: 3 }, { x: [1] }]).map((r) => r.x)).toEqual([true, 3, 'z', [1]]);
  });
});

describe('arithmetic', () => {
  it('+ - * / ^ % with floating division and precedence', () => {
    expect(run('select 7 / 2 as a, 2 ^ 10 as b, 7 % 3 as c, 1 + 2 * 3 as d, (1 + 2) * 3 as e, -2 ^ 2 as f, 2 ^ 3 ^ 2 as g', [{}])).toEqual([
      { a: 3.5, b: 1024, c: 1, d: 7, e: 9, f: -4, g: 512 },
    ]);
  });
  it('never yields -0', () => {
    expect(Object.is(run('select -x as v', [{ x: 0 }])[0]!.v, 0)).toBe(true);
    expect(Object.is(run('select round(-0.4) as v, 0 * -1 as w', [{}])[0]!.w, 0)).toBe(true);
    expect(Object.is(run('select round(-0.4) as v', [{}])[0]!.v, 0)).toBe(true);
  });
  it('null in arithmetic gives null; division by zero gives null', () => {
    expect(run('select a + 1 as x, a * 2 as y, 1 / 0 as z, 5 % 0 as w', [{ a: null }])).toEqual([{ x: null, y: null, z: null, w: null }]);
  });
  it('+ concatenates text; numeric text does arithmetic', () => {
    expect(run("select a + b as x, a + ' ' + c as y, n + 1 as z", [{ a: 'foo', b: 'bar', c: 1, n: '41' }])).toEqual([{ x: 'foobar', y: 'foo 1', z: 42 }]);
  });
  it('Knowi example: (opened/sent)*100 as Open Rate', () => {
    expect(run('select (Opened/Sent)*100 as Open Rate, Customer limit 1')).toEqual([{ 'Open Rate': 48, Customer: 'Facebook' }]);
  });
});

describe('chaining', () => {
  it('runs each statement on the previous result', () => {
    expect(run('select Customer, Sent where Sent > 100000; select Customer order by Sent; select * limit 2')).toEqual([
      { Customer: 'Facebook' },
      { Customer: 'Apple' },
    ]);
  });
  it('ignores blank statements and a trailing ;', () => {
    expect(run('select Customer limit 1;;')).toEqual([{ Customer: 'Facebook' }]);
  });
});
