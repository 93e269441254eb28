/**
 * One statement compiled into a runner. Plans:
 *  - reshaping (expand, transpose...): the function, then where / order by / limit on its rows;
 *  - grouped (group by or any aggregate): where -> groups (first-appearance order, streaming
 *    accumulators) -> select -> having -> distinct -> order by -> limit;
 *  - row-wise with window functions or distinct: where -> select every row -> distinct -> order by -> limit;
 *  - row-wise otherwise: where -> order by on the source rows (aliases resolve to their expressions) ->
 *    limit -> select only the rows kept, so `order by ... limit 10` over 100,000 rows builds ten objects.
 */
import type { CallExpr, SelectItem, Statement } from '../ast.ts';
import type { ErrorFactory } from '../errors.ts';
import { AGGREGATES } from '../functions/aggregates.ts';
import { lookupFunction } from '../functions/catalogue.ts';
import { WINDOW_FUNCTIONS, type WindowCursor, type WindowInstance } from '../functions/window.ts';
import type { RunEnv } from '../functions/types.ts';
import type { StepBudget } from '../limits.ts';
import { keyOf, truthy, type Row, type Value } from '../values.ts';
import { GroupAccumulators, type AccumulatorSpec } from './accumulators.ts';
import { aliasTarget, containsAggregate, exprCost, rowScope, type ExprItem } from './analysis.ts';
import { ExpressionCompiler, type Fn, type Scope } from './expressions.ts';
import { compilePath } from './fields.ts';
import { distinctKey, projector } from './projection.ts';
import { compileReshape } from './reshape.ts';
import { sortedIndices } from './sort.ts';

export interface RunState {
  budget: StepBudget;
  maxRowsOut: number;
}

export interface StatementResult {
  rows: Row[];
  /** False when output rows may be input objects (the caller copies them before handing them out). */
  fresh: boolean;
}

export type StatementRunner = (rows: Row[], state: RunState) => StatementResult;

/** Integer group keys below this index an array instead of a Map. */
const DENSE_KEYS = 65_536;


function isReshape(item: SelectItem): item is ExprItem & { expr: CallExpr } {
  return item.kind === 'expr' && item.expr.kind === 'call' && lookupFunction(item.expr.name)?.kind === 'statement';
}

export class StatementCompiler {
  private readonly exprs: ExpressionCompiler;

  constructor(
    private readonly errors: ErrorFactory,
    private readonly env: RunEnv,
  ) {
    this.exprs = new ExpressionCompiler(errors, env);
  }

  compile(stmt: Statement): StatementRunner {
    const reshape = stmt.items.filter(isReshape);
    if (reshape.length > 0) return this.reshaping(stmt, reshape);
    const exprItems = stmt.items.filter((i): i is ExprItem => i.kind === 'expr');
    const grouped =
      stmt.groupBy.length > 0 ||
      exprItems.some((i) => containsAggregate(i.expr)) ||
      (stmt.having !== null && containsAggregate(stmt.having)) ||
      stmt.orderBy.some((k) => containsAggregate(k.expr));
    if (stmt.having !== null && !grouped) {
      throw this.errors.at('invalid_query', '"having" needs group by or aggregates; use where to filter rows', stmt.having.at);
    }
    const filter = this.filter(stmt);
    return grouped ? this.grouped(stmt, exprItems, filter) : this.rowWise(stmt, exprItems, filter);
  }

  private filter(stmt: Statement): { fn: Fn; cost: number } | null {
    return stmt.where ? { fn: this.exprs.compile(stmt.where, rowScope('where')).fn, cost: exprCost(stmt.where) } : null;
  }

  private reshaping(stmt: Statement, reshape: (ExprItem & { expr: CallExpr })[]): StatementRunner {
    const call = reshape[0]!;
    const others = stmt.items.filter((i) => i !== call && i.kind !== 'star');
    if (reshape.length > 1 || others.length > 0) {
      throw this.errors.at('invalid_query', `${call.expr.name}() must stand alone in its select list (only "*" may accompany it); chain further processing with ";"`, (others[0] ?? reshape[1] ?? call).at);
    }
    if (stmt.distinct || stmt.groupBy.length > 0 || stmt.having) {
      throw this.errors.at('invalid_query', `${call.expr.name}() cannot be combined with distinct, group by or having; chain them in a next statement`, call.at);
    }
    // Validates the name and arity through the catalogue.
    const entry = lookupFunction(call.expr.name)!;
    const count = call.expr.args.length;
    if (call.expr.star || call.expr.distinct || count < entry.def.min || count > entry.def.max) {
      throw this.errors.at('wrong_arguments', `${call.expr.name}() takes ${entry.def.max === Infinity ? `at least ${entry.def.min}` : entry.def.min} argument(s), got ${count}`, call.at);
    }
    const run = compileReshape(call.expr, call.aliased ? call.name : null, this.errors);
    const tail = this.rowWise({ ...stmt, items: [{ kind: 'star', at: stmt.at }] }, [], this.filter(stmt));
    return (rows, state) => {
      state.budget.charge(rows.length);
      const reshaped = run(rows, state.maxRowsOut, this.env.sawDate);
      state.budget.charge(reshaped.rows.length);
      const result = tail(reshaped.rows, state);
      return { rows: result.rows, fresh: result.fresh && reshaped.fresh };
    };
  }

  private rowWise(stmt: Statement, items: ExprItem[], filter: { fn: Fn; cost: number } | null): StatementRunner {
    const windows: WindowInstance[] = [];
    const cursor: WindowCursor = { rows: [], index: 0 };
    const selectScope: Scope = {
      clause: 'the select list',
      field: (node) => compilePath(node.path),
      window: (node) => this.window(node, cursor, windows),
    };
    const itemFns = stmt.items.map((item) => (item.kind === 'expr' ? this.exprs.compile(item.expr, selectScope).fn : null));
    const itemCost = items.reduce((sum, i) => sum + exprCost(i.expr), 1);
    const project = projector(stmt.items, itemFns);
    const passThrough = stmt.items.length === 1 && stmt.items[0]!.kind === 'star';
    const earlyOrder = windows.length === 0 && !stmt.distinct;
    const orderScope: Scope = earlyOrder
      ? {
          clause: 'order by',
          field: (node) => {
            const target = aliasTarget(items, node);
            return target ? this.exprs.compile(target.expr, rowScope('order by')).fn : compilePath(node.path);
          },
        }
      : {
          clause: 'order by',
          field: (node) => {
            const name = node.path.length === 1 ? String(node.path[0]) : null;
            const read = compilePath(node.path);
            if (name !== null && items.some((i) => i.name === name)) {
              return (out: Row) => {
                const v = out[name];
                return v === undefined ? null : v;
              };
            }
            return (_out: Row, source: Row) => read(source);
          },
        };
    const order = stmt.orderBy.map((k) => ({ fn: this.exprs.compile(k.expr, orderScope).fn, desc: k.desc, cost: exprCost(k.expr) }));
    const limit = stmt.limit;

    return (input, state) => {
      let rows = input;
      if (filter) {
        state.budget.charge(rows.length * filter.cost);
        const f = filter.fn;
        const kept: Row[] = [];
        for (let i = 0; i < rows.length; i++) if (truthy(f(rows[i]))) kept.push(rows[i]!);
        rows = kept;
      }
      if (earlyOrder) {
        if (order.length > 0) rows = this.sort(rows, rows, order, limit, state);
        else if (limit !== null && limit < rows.length) rows = rows.slice(0, limit);
        if (passThrough) return { rows, fresh: false };
        state.budget.charge(rows.length * itemCost);
        const out = new Array<Row>(rows.length);
        for (let i = 0; i < rows.length; i++) out[i] = project(rows[i], rows[i]!);
        return { rows: out, fresh: true };
      }
      state.budget.charge(rows.length * itemCost);
      for (const w of windows) w.reset();
      cursor.rows = rows;
      let out: Row[] = new Array<Row>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        cursor.index = i;
        out[i] = project(rows[i], rows[i]!);
      }
      cursor.rows = [];
      let sources = rows;
      if (stmt.distinct) [out, sources] = this.distinct(out, sources, state);
      if (order.length > 0) out = this.sort(out, sources, order, limit, state);
      else if (limit !== null && limit < out.length) out = out.slice(0, limit);
      return { rows: out, fresh: true };
    };
  }

  private window(node: CallExpr, cursor: WindowCursor, windows: WindowInstance[]): Fn {
    const def = WINDOW_FUNCTIONS[node.name]!;
    const args = node.args.map((a) => this.exprs.compile(a, rowScope(`the arguments of ${node.name}()`)));
    const consts = args.map((a) => a.value);
    for (const [index, check] of Object.entries(def.constArgs ?? {})) {
      const arg = args[Number(index)];
      if (!arg) continue;
      const problem = arg.isConst ? check(arg.value) : 'must be a constant';
      if (problem) throw this.errors.at('invalid_argument', `${node.name}(): argument ${Number(index) + 1} ${problem}`, node.args[Number(index)]!.at);
    }
    const instance = def.make(args.map((a) => a.fn), consts, cursor);
    windows.push(instance);
    return instance.fn;
  }

  private distinct<T>(out: Row[], sources: T[], state: RunState): [Row[], T[]] {
    state.budget.charge(out.length);
    const seen = new Set<string>();
    const rows: Row[] = [];
    const kept: T[] = [];
    out.forEach((row, i) => {
      const key = distinctKey(row);
      if (seen.has(key)) return;
      seen.add(key);
      rows.push(row);
      kept.push(sources[i]!);
    });
    return [rows, kept];
  }

  private sort<T>(rows: T[], aux: readonly unknown[], order: { fn: Fn; desc: boolean; cost: number }[], limit: number | null, state: RunState): T[] {
    const n = rows.length;
    const keyCost = order.reduce((s, k) => s + k.cost, 0);
    state.budget.charge(n * keyCost + Math.ceil(n * Math.log2(n + 1)) * order.length);
    const keys = order.map((k) => {
      const column = new Array<Value>(n);
      const f = k.fn;
      for (let i = 0; i < n; i++) column[i] = f(rows[i], aux[i]);
      return column;
    });
    const indices = sortedIndices(n, { keys, desc: order.map((k) => k.desc) }, limit);
    return indices.map((i) => rows[i]!);
  }

  private grouped(stmt: Statement, items: ExprItem[], filter: { fn: Fn; cost: number } | null): StatementRunner {
    interface Group { first: Row; index: number; results: Value[] }
    const specs: AccumulatorSpec[] = [];
    const slotKeys = new Map<string, number>();
    const aggregate = (node: CallExpr): Fn => {
      const key = JSON.stringify(node, (k, v) => (k === 'at' ? undefined : v));
      let index = slotKeys.get(key);
      if (index === undefined) {
        const argScope = rowScope(`the arguments of ${node.name}()`);
        const args = node.args.map((a) => this.exprs.compile(a, argScope));
        if (node.name === 'array' && args.slice(1).some((a) => !a.isConst)) {
          throw this.errors.at('wrong_arguments', 'array(): the remove-duplicates and drop-nulls flags must be constants (true/false)', node.at);
        }
        index = specs.length;
        specs.push(accumulatorSpec(node, args.map((a) => a.fn), args.map((a) => a.value)));
        slotKeys.set(key, index);
      }
      const slot = index;
      return (g: Group) => g.results[slot];
    };
    const firstRowScope = (clause: string, aliases: boolean): Scope => ({
      clause,
      aggregate,
      field: (node) => {
        if (aliases && aliasTarget(items, node)) {
          const name = String(node.path[0]);
          return (_g: Group, out: Row) => {
            const v = out[name];
            return v === undefined ? null : v;
          };
        }
        const read = compilePath(node.path);
        return (g: Group) => read(g.first);
      },
    });
    const itemFns = stmt.items.map((item) => (item.kind === 'expr' ? this.exprs.compile(item.expr, firstRowScope('the select list', false)).fn : null));
    const project = projector(stmt.items, itemFns);
    const having = stmt.having ? this.exprs.compile(stmt.having, firstRowScope('having', true)).fn : null;
    const order = stmt.orderBy.map((k) => ({ fn: this.exprs.compile(k.expr, firstRowScope('order by', true)).fn, desc: k.desc, cost: exprCost(k.expr) }));
    const keyFns = stmt.groupBy.map((expr) => {
      const target = expr.kind === 'field' ? aliasTarget(items, expr) : undefined;
      const source = target ? target.expr : expr;
      if (containsAggregate(source)) throw this.errors.at('invalid_query', 'group by cannot use an aggregate', expr.at);
      return this.exprs.compile(source, rowScope('group by')).fn;
    });
    const perRowCost = 1 + keyFns.length + specs.length;
    const itemCost = items.reduce((sum, i) => sum + exprCost(i.expr), 1);
    const single = keyFns.length === 1 ? keyFns[0]! : null;

    return (input, state) => {
      let rows = input;
      if (filter) {
        state.budget.charge(rows.length * filter.cost);
        rows = rows.filter((r) => truthy(filter.fn(r)));
      }
      state.budget.charge(rows.length * perRowCost);
      // Groups in order of first appearance. Small non-negative integer keys (durations, years, counts)
      // index an array directly; every other key goes through a Map.
      const list: Group[] = [];
      const groups = new Map<unknown, Group>();
      const dense: (Group | undefined)[] = [];
      const accumulators = new GroupAccumulators(specs);
      const newGroup = (row: Row): Group => {
        const g: Group = { first: row, index: accumulators.addGroup(), results: [] };
        list.push(g);
        return g;
      };
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        let g: Group | undefined;
        if (single) {
          const v = single(row);
          if (typeof v === 'number' && v >= 0 && v < DENSE_KEYS && (v | 0) === v) {
            g = dense[v];
            if (g === undefined) g = dense[v] = newGroup(row);
          } else {
            const key = v !== null && typeof v === 'object' ? `\u0000${keyOf(v)}` : v;
            g = groups.get(key);
            if (g === undefined) groups.set(key, (g = newGroup(row)));
          }
        } else if (keyFns.length === 0) {
          // No group by: one group for the whole input, no key to look up per row.
          g = list[0] ?? newGroup(row);
        } else {
          let key = '';
          for (const f of keyFns) key += `${keyOf(f(row))}\u0001`;
          g = groups.get(key);
          if (g === undefined) groups.set(key, (g = newGroup(row)));
        }
        accumulators.update(g.index, row);
      }
      if (list.length === 0 && keyFns.length === 0) newGroup({});
      state.budget.charge(list.length * itemCost);
      let kept = list;
      for (const g of kept) g.results = accumulators.results(g.index);
      let out = kept.map((g) => project(g, g.first));
      if (having) {
        const keep = out.map((o, i) => truthy(having(kept[i], o)));
        out = out.filter((_o, i) => keep[i]);
        kept = kept.filter((_g, i) => keep[i]);
      }
      if (stmt.distinct) [out, kept] = this.distinct(out, kept, state);
      if (order.length > 0) {
        const n = out.length;
        state.budget.charge(n * order.length * 2);
        const keys = order.map((k) => kept.map((g, i) => k.fn(g, out[i])));
        out = sortedIndices(n, { keys, desc: order.map((k) => k.desc) }, stmt.limit).map((i) => out[i]!);
      } else if (stmt.limit !== null) out = out.slice(0, stmt.limit);
      return { rows: out, fresh: true };
    };
  }
}

/** count(*), count(x), sum and avg accumulate inline; every other aggregate through its slot. */
function accumulatorSpec(node: CallExpr, args: Fn[], consts: Value[]): AccumulatorSpec {
  const def = AGGREGATES[node.name]!;
  if (node.star || args.length === 0) return { kind: 'countStar' };
  if (def.inline && !node.distinct) return { kind: def.inline, arg: args[0]! };
  return { kind: 'slot', slot: def.make!(args, { consts }) };
}
