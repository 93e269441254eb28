/** Property tests (fast-check): where, order by, limit, the printer round trip, and total error handling. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr, PathSegment, Query, SelectItem, Statement } from '../../shared/cloud9ql/ast.ts';
import { Cloud9QLError, parseCloud9QL, printCloud9QL, runCloud9QL } from '../../shared/cloud9ql/index.ts';
import { KEYWORD_WORDS } from '../../shared/cloud9ql/lexer.ts';
import { pathText } from '../../shared/cloud9ql/parser.ts';
import { printExpr } from '../../shared/cloud9ql/printer.ts';
import { functionNames } from '../../shared/cloud9ql/functions/catalogue.ts';

const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(null), fc.constantFrom('a', 'b', 'B', '10', '2'), fc.boolean());
const rowsArb = fc.array(fc.record({ k: value, v: value }), { maxLength: 40 }).map((rows) => rows.map((r, i) => ({ ...r, i })));

describe('properties of where, order by, limit', () => {
  it('where returns a subset of the rows, in their original order', () => {
    const ops = ['=', '!=', '<', '<=', '>', '>='];
    fc.assert(
      fc.property(rowsArb, fc.constantFrom(...ops), value, (rows, op, literal) => {
        const text = literal === null ? 'null' : typeof literal === 'string' ? `'${literal}'` : String(literal);
        const out = runCloud9QL(`select * where k ${op} ${text}`, rows);
        const indices = out.map((r) => r.i as number);
        expect(indices).toEqual([...indices].sort((a, b) => a - b));
        for (const r of out) expect(r).toEqual(rows[r.i as number]);
      }),
      { numRuns: 200 },
    );
  });

  it('order by is a stable sort with nulls last', () => {
    fc.assert(
      fc.property(rowsArb, fc.boolean(), (rows, desc) => {
        const out = runCloud9QL(`select k, i order by k${desc ? ' desc' : ''}`, rows);
        expect(out.map((r) => r.i).sort((a, b) => (a as number) - (b as number))).toEqual(rows.map((r) => r.i));
        for (let j = 1; j < out.length; j++) {
          const a = out[j - 1]!;
          const b = out[j]!;
          if (a.k === null) expect(b.k).toBeNull();
          // Equal keys keep input order.
          if (JSON.stringify(a.k) === JSON.stringify(b.k)) expect(a.i as number).toBeLessThan(b.i as number);
        }
        // Sorting again by the same key changes nothing.
        expect(runCloud9QL(`select k, i order by k${desc ? ' desc' : ''}`, out)).toEqual(out);
      }),
      { numRuns: 200 },
    );
  });

  it('limit n returns min(n, rows) rows, the first ones', () => {
    fc.assert(
      fc.property(rowsArb, fc.nat(60), (rows, n) => {
        const out = runCloud9QL(`select i limit ${n}`, rows);
        expect(out).toHaveLength(Math.min(n, rows.length));
        expect(out).toEqual(rows.slice(0, n).map((r) => ({ i: r.i })));
        // With order by, the limited result is the prefix of the full sort.
        expect(runCloud9QL(`select i order by v desc, k limit ${n}`, rows)).toEqual(runCloud9QL('select i order by v desc, k', rows).slice(0, n));
      }),
      { numRuns: 500 },
    );
  });
});

// ---- random ASTs for the printer round trip ----

const word = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/).filter((w) => !KEYWORD_WORDS.has(w.toLowerCase()));
const oddName = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/[`\]]/.test(s) && s.trim() === s && s.length > 0);
const segment: fc.Arbitrary<PathSegment> = fc.oneof(word, fc.constantFrom('order', 'Select', 'x y', '3'), fc.integer({ min: -3, max: 5 }));
const path: fc.Arbitrary<PathSegment[]> = fc.tuple(fc.oneof(word, oddName), fc.array(segment, { maxLength: 3 })).map(([first, rest]) => [first, ...rest]);
const number = fc.oneof(fc.nat(100000), fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true })).filter((n) => !Object.is(n, -0));
const callName = fc.oneof(fc.constantFrom(...functionNames()), word.map((w) => w.toLowerCase()));

const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      number.map((v): Expr => ({ kind: 'literal', value: v, at: 0 })),
      fc.string({ maxLength: 6 }).map((v): Expr => ({ kind: 'literal', value: v, at: 0 })),
      fc.constantFrom(true, false, null).map((v): Expr => ({ kind: 'literal', value: v, at: 0 })),
      path.map((p): Expr => ({ kind: 'field', path: p, at: 0 })),
      fc.tuple(fc.nat(30), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', 'M', 'q', 'y' as const)).map(([amount, unit]): Expr => ({ kind: 'duration', amount, unit, at: 0 })),
      fc.constantFrom('$c9_today', '$c9_lastweek', '$c9_now').map((name): Expr => ({ kind: 'dateToken', name, at: 0 })),
    ),
    fc.tuple(fc.constantFrom('-', 'not' as const), tie('expr')).map(([op, operand]): Expr => ({ kind: 'unary', op, operand, at: 0 })),
    fc
      .tuple(fc.constantFrom('+', '-', '*', '/', '%', '^', '=', '!=', '<', '<=', '>', '>=', 'and', 'or' as const), tie('expr'), tie('expr'))
      .map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, at: 0 })),
    fc.tuple(fc.boolean(), tie('expr'), tie('expr')).map(([negated, operand, pattern]): Expr => ({ kind: 'like', negated, operand, pattern, at: 0 })),
    fc.tuple(fc.boolean(), tie('expr'), fc.array(tie('expr'), { minLength: 1, maxLength: 3 })).map(([negated, operand, list]): Expr => ({ kind: 'in', negated, operand, list, at: 0 })),
    fc.tuple(fc.boolean(), tie('expr')).map(([negated, operand]): Expr => ({ kind: 'isNull', negated, operand, at: 0 })),
    fc.tuple(fc.boolean(), tie('expr'), tie('expr'), tie('expr')).map(([negated, operand, low, high]): Expr => ({ kind: 'between', negated, operand, low, high, at: 0 })),
    fc.tuple(callName, fc.array(tie('expr'), { maxLength: 3 }), fc.constantFrom('plain', 'star', 'distinct')).map(([name, args, mode]): Expr => ({
      kind: 'call',
      name,
      args: mode === 'star' ? [] : mode === 'distinct' && args.length === 0 ? [{ kind: 'literal', value: 1, at: 0 }] : args,
      star: mode === 'star',
      distinct: mode === 'distinct',
      at: 0,
    })),
    fc
      .tuple(fc.option(tie('expr'), { nil: null }), fc.array(fc.record({ when: tie('expr'), then: tie('expr') }), { minLength: 1, maxLength: 2 }), fc.option(tie('expr'), { nil: null }))
      .map(([operand, whens, otherwise]): Expr => ({ kind: 'case', operand, whens, otherwise, at: 0 })),
  ),
})).expr;

const alias = fc.oneof(
  fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' ')),
  oddName,
  fc.constantFrom('order by', "it's"),
);

const itemArb: fc.Arbitrary<SelectItem> = fc.oneof(
  { arbitrary: fc.constant<SelectItem>({ kind: 'star', at: 0 }), weight: 1 },
  { arbitrary: path.map((p): SelectItem => ({ kind: 'exclude', path: p, at: 0 })), weight: 1 },
  {
    arbitrary: fc.tuple(exprArb, fc.option(alias, { nil: null })).map(([expr, name]): SelectItem => {
      const implied = expr.kind === 'field' ? pathText(expr.path) : printExpr(expr);
      return { kind: 'expr', expr, name: name ?? implied, aliased: name !== null && name !== implied, at: 0 };
    }),
    weight: 6,
  },
);

const statementArb: fc.Arbitrary<Statement> = fc.record({
  distinct: fc.boolean(),
  items: fc.array(itemArb, { minLength: 1, maxLength: 4 }),
  where: fc.option(exprArb, { nil: null }),
  groupBy: fc.array(exprArb, { maxLength: 2 }),
  having: fc.option(exprArb, { nil: null }),
  orderBy: fc.array(fc.record({ expr: exprArb, desc: fc.boolean() }), { maxLength: 2 }),
  limit: fc.option(fc.nat(1000), { nil: null }),
  at: fc.constant(0),
});
const queryArb: fc.Arbitrary<Query> = fc.array(statementArb, { minLength: 1, maxLength: 3 }).map((statements) => ({ statements }));

/** The AST without positions. */
function strip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === 'at' ? undefined : v)));
}

describe('printer', () => {
  it('parse(print(ast)) == ast for random ASTs', () => {
    fc.assert(
      fc.property(queryArb, (ast) => {
        const text = printCloud9QL(ast);
        const reparsed = parseCloud9QL(text);
        expect(strip(reparsed)).toEqual(strip(ast));
        expect(printCloud9QL(reparsed)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('parse -> print -> parse is stable for hand-written queries', () => {
    for (const query of [
      'select expand(data.videos); select title, view_count where view_count > 1000 order by view_count desc limit 10',
      "SELECT Sent as Sent Messages, sum(x)*1.0/count(*) as rate, ~Message_Type, * WHERE a LIKE 'x%' AND NOT b IN (1,2) OR c IS NOT NULL GROUP BY y HAVING count(distinct z) > 2 ORDER BY 1 DESC LIMIT 3",
      "select case when a between 1 and 2 then 'x' else -b ^ 2 end, $c9_today - 7d, data.videos[0].id, `Message Type`, [x]",
    ]) {
      const once = parseCloud9QL(query);
      const text = printCloud9QL(once);
      expect(strip(parseCloud9QL(text))).toEqual(strip(once));
    }
  });
});

// ---- robustness: nothing but Cloud9QLError escapes ----

const TOKENS = [
  'select', 'distinct', 'where', 'group by', 'having', 'order by', 'asc', 'desc', 'limit', 'as', 'and', 'or', 'not', 'like', 'in', 'is', 'null',
  'between', 'case', 'when', 'then', 'else', 'end', 'true', 'false', '*', '~', ',', ';', '(', ')', '.', '+', '-', '/', '%', '^', '=', '!=', '<>',
  '<', '>', '<=', '>=', "'x'", "'", '`a b`', '[0]', '[k]', '7d', '$c9_today', '$c9_bogus', '0', '1', '2.5', '-1', '1e400', 'a', 'b', 'k', 'v', 'data', 'videos',
  "'yyyy-MM-dd'", "'bad%pattern'", "'America/New_York'", "'(a+)+'", '"q"', '#', '\n', ...functionNames(),
];
const soup = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 25 }).map((ts) => ts.join(' '));
const jsonInput = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.dictionary(fc.constantFrom('a', 'b', 'k', 'v', 'data', 'videos', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 2 })), { maxLength: 8 }),
);

function onlyCloud9QLErrors(query: string, input: unknown): void {
  try {
    const out = runCloud9QL(query, input, { maxSteps: 200_000, maxRowsOut: 5_000, now: () => 0 });
    expect(Array.isArray(out)).toBe(true);
    // Output is plain JSON data.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  } catch (error) {
    if (!(error instanceof Cloud9QLError)) throw new Error(`non-Cloud9QL error for ${JSON.stringify(query)}: ${(error as Error).stack}`);
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeGreaterThanOrEqual(1);
  }
}

describe('robustness', () => {
  it('random token soups on random JSON throw nothing but Cloud9QLError', () => {
    fc.assert(fc.property(soup, jsonInput, onlyCloud9QLErrors), { numRuns: 600 });
  });
  it('random well-formed queries on random JSON throw nothing but Cloud9QLError', () => {
    fc.assert(fc.property(queryArb, jsonInput, (ast, input) => onlyCloud9QLErrors(printCloud9QL(ast), input)), { numRuns: 400 });
  });
  it('random text throws nothing but Cloud9QLError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => onlyCloud9QLErrors(text, [{ a: 1 }])), { numRuns: 300 });
  });
});
