/**
 * Expression compiler: each AST node becomes a closure, built once per query, so rows are evaluated
 * without walking the AST or dispatching on strings. Constant sub-expressions are folded. Closures take
 * the scope's subject (a row, a group, or an output row) and an auxiliary value (the source row when
 * ordering output rows).
 */
import type { CallExpr, Expr, FieldExpr } from '../ast.ts';
import { boundedMemo } from '../cache.ts';
import { dateTokenResolver } from '../dates/tokens.ts';
import type { ErrorFactory } from '../errors.ts';
import { closestFunction, lookupFunction } from '../functions/catalogue.ts';
import { makeDate } from '../functions/dates.ts';
import { NOT_CONSTANT, type BindContext, type ConstArg, type RunEnv, type ScalarImpl } from '../functions/types.ts';
import { compare, Duration, equals, toText, truthy, type Value } from '../values.ts';
import { arithmetic, numberOp, type ArithmeticOperator } from './operators.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fn = (subject: any, aux?: any) => Value;

export interface Compiled {
  fn: Fn;
  isConst: boolean;
  value: Value;
  /** Nodes in the expression: the step budget charges this much per evaluated row. */
  cost: number;
}

/** How names, aggregates and window functions resolve where an expression sits. */
export interface Scope {
  /** Clause name used in error messages ("where", "order by"...). */
  readonly clause: string;
  field(node: FieldExpr): Fn;
  /** Present in grouped statements; returns the reader of the aggregate's value for a group. */
  aggregate?(node: CallExpr): Fn;
  /** Present in the select list of an ungrouped statement. */
  window?(node: CallExpr): Fn;
}

const constant = (value: Value): Compiled => ({ fn: () => value, isConst: true, value, cost: 1 });

export class ExpressionCompiler {
  constructor(
    readonly errors: ErrorFactory,
    readonly env: RunEnv,
  ) {}

  compile(expr: Expr, scope: Scope): Compiled {
    switch (expr.kind) {
      case 'literal':
        return constant(expr.value);
      case 'duration':
        this.env.sawDate = true;
        return constant(new Duration(expr.amount, expr.unit));
      case 'dateToken':
        return this.dateToken(expr.name, expr.at);
      case 'field':
        return { fn: scope.field(expr), isConst: false, value: null, cost: 1 };
      case 'unary':
        return expr.op === 'not' ? this.not(expr.operand, scope) : this.negate(expr.operand, scope);
      case 'binary':
        if (expr.op === 'and' || expr.op === 'or') return this.logical(expr.op, expr.left, expr.right, scope);
        if (expr.op === '+' || expr.op === '-' || expr.op === '*' || expr.op === '/' || expr.op === '%' || expr.op === '^') {
          return this.arithmetic(expr.op, expr.left, expr.right, scope);
        }
        return this.comparison(expr.op, expr.left, expr.right, scope);
      case 'like':
        return this.like(expr.operand, expr.pattern, expr.negated, scope);
      case 'in':
        return this.in(expr.operand, expr.list, expr.negated, scope);
      case 'isNull': {
        const operand = this.compile(expr.operand, scope);
        const f = operand.fn;
        return this.fold(expr.negated ? (r, x) => f(r, x) !== null : (r, x) => f(r, x) === null, [operand]);
      }
      case 'between':
        return this.between(expr, scope);
      case 'case':
        return this.caseWhen(expr, scope);
      case 'call':
        return this.call(expr, scope);
    }
  }

  /** Wraps `fn`, folding it to a constant when every part is constant. */
  private fold(fn: Fn, parts: Compiled[], pure = true): Compiled {
    const cost = 1 + parts.reduce((sum, p) => sum + p.cost, 0);
    if (pure && parts.every((p) => p.isConst)) {
      const value = fn(undefined, undefined);
      return { fn: () => value, isConst: true, value, cost: 1 };
    }
    return { fn, isConst: false, value: null, cost };
  }

  private dateToken(name: string, at: number): Compiled {
    const resolve = dateTokenResolver(name);
    if (!resolve) {
      throw this.errors.at('unknown_token', `Unknown date token "${name}" (known: $c9_now, $c9_today, $c9_yesterday, $c9_thisweek, $c9_lastweek, $c9_thismonth, $c9_lastmonth, $c9_thisquarter, $c9_lastquarter, $c9_thisyear, $c9_lastyear, ...)`, at);
    }
    const env = this.env;
    return { fn: () => makeDate(env, resolve(env.nowMs)), isConst: false, value: null, cost: 1 };
  }

  private not(operand: Expr, scope: Scope): Compiled {
    const c = this.compile(operand, scope);
    const f = c.fn;
    return this.fold((r, x) => !truthy(f(r, x)), [c]);
  }

  private negate(operand: Expr, scope: Scope): Compiled {
    const c = this.compile(operand, scope);
    const f = c.fn;
    const env = this.env;
    return this.fold((r, x) => {
      const v = f(r, x);
      return typeof v === 'number' ? 0 - v : arithmetic('*', v, -1, env);
    }, [c]);
  }

  private logical(op: 'and' | 'or', left: Expr, right: Expr, scope: Scope): Compiled {
    const l = this.compile(left, scope);
    const r = this.compile(right, scope);
    const fl = l.fn;
    const fr = r.fn;
    const fn: Fn = op === 'and' ? (s, x) => truthy(fl(s, x)) && truthy(fr(s, x)) : (s, x) => truthy(fl(s, x)) || truthy(fr(s, x));
    return this.fold(fn, [l, r]);
  }

  private arithmetic(op: ArithmeticOperator, left: Expr, right: Expr, scope: Scope): Compiled {
    const l = this.compile(left, scope);
    const r = this.compile(right, scope);
    const fl = l.fn;
    const fr = r.fn;
    const env = this.env;
    if (r.isConst && typeof r.value === 'number' && !l.isConst) {
      const c = r.value;
      if (op === '*') return this.fold((s, x) => { const a = fl(s, x); return typeof a === 'number' ? numberOp('*', a, c) : arithmetic('*', a, c, env); }, [l, r]);
      return this.fold((s, x) => { const a = fl(s, x); return typeof a === 'number' ? numberOp(op, a, c) : arithmetic(op, a, c, env); }, [l, r]);
    }
    return this.fold((s, x) => {
      const a = fl(s, x);
      const b = fr(s, x);
      return typeof a === 'number' && typeof b === 'number' ? numberOp(op, a, b) : arithmetic(op, a, b, env);
    }, [l, r]);
  }

  private comparison(op: '=' | '!=' | '<' | '<=' | '>' | '>=', left: Expr, right: Expr, scope: Scope): Compiled {
    const l = this.compile(left, scope);
    const r = this.compile(right, scope);
    const fl = l.fn;
    const fr = r.fn;
    if (op === '=' || op === '!=') {
      const want = op === '=';
      return this.fold((s, x) => {
        const a = fl(s, x);
        const b = fr(s, x);
        if (a === null || b === null) return false;
        if (typeof a === typeof b && typeof a !== 'object') return (a === b) === want;
        return equals(a, b) === want;
      }, [l, r]);
    }
    const test = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
    if (r.isConst && typeof r.value === 'number') {
      const c = r.value;
      const fast = op === '<' ? (a: number) => a < c : op === '<=' ? (a: number) => a <= c : op === '>' ? (a: number) => a > c : (a: number) => a >= c;
      return this.fold((s, x) => {
        const a = fl(s, x);
        if (typeof a === 'number') return fast(a);
        return a !== null && test(compare(a, c));
      }, [l, r]);
    }
    return this.fold((s, x) => {
      const a = fl(s, x);
      const b = fr(s, x);
      if (a === null || b === null) return false;
      return test(compare(a, b));
    }, [l, r]);
  }

  /** like: % any run, _ one character, case-insensitive; a pattern without wildcards matches as a substring. */
  private like(operand: Expr, pattern: Expr, negated: boolean, scope: Scope): Compiled {
    const o = this.compile(operand, scope);
    const p = this.compile(pattern, scope);
    const fo = o.fn;
    const fp = p.fn;
    const matcherOf = boundedMemo(100, likeMatcher);
    const fixed = p.isConst && p.value !== null ? likeMatcher(String(toText(p.value))) : null;
    return this.fold((s, x) => {
      const v = fo(s, x);
      if (v === null) return false;
      const text = typeof v === 'string' ? v : toText(v)!;
      let match = fixed;
      if (!match) {
        const pv = fp(s, x);
        if (pv === null) return false;
        match = matcherOf(String(toText(pv)));
      }
      return match(text) !== negated;
    }, [o, p]);
  }

  private in(operand: Expr, list: Expr[], negated: boolean, scope: Scope): Compiled {
    const o = this.compile(operand, scope);
    const items = list.map((e) => this.compile(e, scope));
    const fo = o.fn;
    if (items.every((i) => i.isConst)) {
      const values = items.map((i) => i.value).filter((v) => v !== null);
      const allNumbers = values.every((v) => typeof v === 'number');
      const allStrings = values.every((v) => typeof v === 'string');
      const set = new Set(values);
      return this.fold((s, x) => {
        const v = fo(s, x);
        if (v === null) return false;
        let found: boolean;
        if ((typeof v === 'number' && allNumbers) || (typeof v === 'string' && allStrings)) found = set.has(v);
        else found = values.some((w) => equals(v, w));
        return found !== negated;
      }, [o, ...items]);
    }
    const fns = items.map((i) => i.fn);
    return this.fold((s, x) => {
      const v = fo(s, x);
      if (v === null) return false;
      let found = false;
      for (const f of fns) {
        const w = f(s, x);
        if (w !== null && equals(v, w)) {
          found = true;
          break;
        }
      }
      return found !== negated;
    }, [o, ...items]);
  }

  private between(expr: Extract<Expr, { kind: 'between' }>, scope: Scope): Compiled {
    const o = this.compile(expr.operand, scope);
    const lo = this.compile(expr.low, scope);
    const hi = this.compile(expr.high, scope);
    const [fo, fl, fh] = [o.fn, lo.fn, hi.fn];
    const negated = expr.negated;
    return this.fold((s, x) => {
      const v = fo(s, x);
      const a = fl(s, x);
      const b = fh(s, x);
      if (v === null || a === null || b === null) return false;
      return (compare(v, a) >= 0 && compare(v, b) <= 0) !== negated;
    }, [o, lo, hi]);
  }

  private caseWhen(expr: Extract<Expr, { kind: 'case' }>, scope: Scope): Compiled {
    const operand = expr.operand ? this.compile(expr.operand, scope) : null;
    const whens = expr.whens.map((w) => ({ when: this.compile(w.when, scope), then: this.compile(w.then, scope) }));
    const otherwise = expr.otherwise ? this.compile(expr.otherwise, scope) : constant(null);
    const conds = whens.map((w) => w.when.fn);
    const results = whens.map((w) => w.then.fn);
    const fe = otherwise.fn;
    const n = conds.length;
    const parts = [...(operand ? [operand] : []), ...whens.flatMap((w) => [w.when, w.then]), otherwise];
    if (operand) {
      const fo = operand.fn;
      return this.fold((s, x) => {
        const v = fo(s, x);
        if (v !== null) {
          for (let i = 0; i < n; i++) {
            const w = conds[i]!(s, x);
            if (w !== null && equals(v, w)) return results[i]!(s, x);
          }
        }
        return fe(s, x);
      }, parts);
    }
    return this.fold((s, x) => {
      for (let i = 0; i < n; i++) if (truthy(conds[i]!(s, x))) return results[i]!(s, x);
      return fe(s, x);
    }, parts);
  }

  private call(expr: CallExpr, scope: Scope): Compiled {
    const entry = lookupFunction(expr.name);
    if (!entry) {
      const hint = closestFunction(expr.name);
      throw this.errors.at('unknown_function', `Unknown function "${expr.name}"${hint ? ` (did you mean "${hint}"?)` : ''}`, expr.at);
    }
    const { min, max } = entry.def;
    const count = expr.args.length;
    const star = expr.star;
    if (star && !(entry.kind === 'aggregate' && entry.def.allowsStar)) {
      throw this.errors.at('wrong_arguments', `"${expr.name}(*)" is not valid: only count(*) takes *`, expr.at);
    }
    if (expr.distinct && !(entry.kind === 'aggregate' && entry.def.allowsDistinct)) {
      throw this.errors.at('wrong_arguments', `"distinct" is only valid in count(distinct x), not in ${expr.name}()`, expr.at);
    }
    if (!star && (count < min || count > max)) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw this.errors.at('wrong_arguments', `${expr.name}() takes ${expected} argument${min === 1 && max === 1 ? '' : 's'}, got ${count}`, expr.at);
    }
    switch (entry.kind) {
      case 'aggregate':
        if (!scope.aggregate) {
          throw this.errors.at('invalid_query', `Aggregate function ${expr.name}() is not allowed in ${scope.clause}${scope.clause === 'where' ? ' (use having)' : ''}`, expr.at);
        }
        return { fn: scope.aggregate(expr), isConst: false, value: null, cost: 1 };
      case 'window':
        if (!scope.window) {
          throw this.errors.at('invalid_query', `Window function ${expr.name}() is only allowed in the select list of a statement without aggregates`, expr.at);
        }
        return { fn: scope.window(expr), isConst: false, value: null, cost: 1 + count };
      case 'statement':
        throw this.errors.at('invalid_query', `${expr.name}() must stand alone in its select list (chain further processing with ";")`, expr.at);
      case 'conditional':
        return this.conditional(expr, scope);
      case 'scalar': {
        const args = expr.args.map((a) => this.compile(a, scope));
        const consts: ConstArg[] = args.map((a) => (a.isConst ? a.value : NOT_CONSTANT));
        const ctx: BindContext = {
          env: this.env,
          fail: (index, message) => {
            throw this.errors.at('invalid_argument', `${expr.name}(): ${message}`, expr.args[index]?.at ?? expr.at);
          },
        };
        const bound = entry.def.bind(consts, ctx);
        const env = this.env;
        const impl: ScalarImpl = entry.def.buildsText
          ? (...values: Value[]) => {
            const v = bound(...values);
            return typeof v === 'string' ? env.text.charge(v) : v;
          }
          : bound;
        return this.fold(entry.def.variadic ? variadic(impl, args.map((a) => a.fn)) : positional(impl, args.map((a) => a.fn)), args, entry.def.pure !== false);
      }
    }
  }

  private conditional(expr: CallExpr, scope: Scope): Compiled {
    const args = expr.args.map((a) => this.compile(a, scope));
    const fns = args.map((a) => a.fn);
    if (expr.name === 'if') {
      const [c, a, b] = fns as [Fn, Fn, Fn];
      return this.fold((s, x) => (truthy(c(s, x)) ? a(s, x) : b(s, x)), args);
    }
    if (expr.name === 'ifnull') {
      const [a, b] = fns as [Fn, Fn];
      return this.fold((s, x) => {
        const v = a(s, x);
        return v === null ? b(s, x) : v;
      }, args);
    }
    return this.fold((s, x) => {
      for (const f of fns) {
        const v = f(s, x);
        if (v !== null) return v;
      }
      return null;
    }, args);
  }
}

function positional(impl: ScalarImpl, fns: Fn[]): Fn {
  const [a, b, c, d] = fns;
  switch (fns.length) {
    case 0: return () => impl();
    case 1: return (s, x) => impl(a!(s, x));
    case 2: return (s, x) => impl(a!(s, x), b!(s, x));
    case 3: return (s, x) => impl(a!(s, x), b!(s, x), c!(s, x));
    case 4: return (s, x) => impl(a!(s, x), b!(s, x), c!(s, x), d!(s, x));
    default: return (s, x) => impl(...fns.map((f) => f(s, x)));
  }
}

function variadic(impl: ScalarImpl, fns: Fn[]): Fn {
  return (s, x) => impl(fns.map((f) => f(s, x)));
}

/**
 * Matcher of a like pattern. Hand-written instead of a regex: `.*` runs in a regex backtrack
 * polynomially in the number of `%`, while this classic wildcard walk is O(text × pattern) at worst.
 */
export function likeMatcher(pattern: string): (text: string) => boolean {
  const p = pattern.toLowerCase();
  if (!p.includes('%') && !p.includes('_')) return (text) => text.toLowerCase().includes(p);
  if (!p.includes('_')) return percentMatcher(p.split('%'));
  return (text) => {
    const s = text.toLowerCase();
    let i = 0;
    let j = 0;
    let star = -1;
    let mark = 0;
    while (i < s.length) {
      if (j < p.length && (p[j] === '_' || p[j] === s[i])) {
        i++;
        j++;
      } else if (j < p.length && p[j] === '%') {
        star = j++;
        mark = i;
      } else if (star !== -1) {
        j = star + 1;
        i = ++mark;
      } else return false;
    }
    while (j < p.length && p[j] === '%') j++;
    return j === p.length;
  };
}

/**
 * `%`-only patterns (`'%dance%'`, `'cat%'`): the text starts with the first piece, ends with the last, and
 * holds the middle pieces in order between them. Taking each middle piece at its leftmost place is optimal,
 * so native startsWith / indexOf / endsWith decide it in linear time (2x faster than the walk below).
 */
function percentMatcher(pieces: readonly string[]): (text: string) => boolean {
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  return (text) => {
    const s = text.toLowerCase();
    if (!s.startsWith(head)) return false;
    let at = head.length;
    for (const piece of middle) {
      const found = s.indexOf(piece, at);
      if (found < 0) return false;
      at = found + piece.length;
    }
    return s.length - tail.length >= at && s.endsWith(tail);
  };
}

