/** A whole query compiled once (statement runners sharing one run environment) and run on data. */
import type { Query } from './ast.ts';
import { boundedMemo } from './cache.ts';
import { StatementCompiler, type StatementRunner } from './compile/statement.ts';
import { Cloud9QLError, ErrorFactory } from './errors.ts';
import type { RunEnv } from './functions/types.ts';
import { DEFAULT_LIMITS, StepBudget, TextBudget, type Cloud9QLLimits } from './limits.ts';
import { copyFields, Duration, setField, type Row } from './values.ts';

export interface Program {
  run(input: unknown, limits: Cloud9QLLimits, nowMs: number): Row[];
}

function isRow(v: unknown): v is Row {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** JSON array: each element is a row (a non-object element becomes {value: element}); object: one row. */
function inputRows(input: unknown, maxRowsIn: number): Row[] {
  if (Array.isArray(input)) {
    if (input.length > maxRowsIn) {
      throw new Cloud9QLError('limit_exceeded', `The input has ${input.length} rows, more than the limit of ${maxRowsIn}`);
    }
    let allRows = true;
    for (let i = 0; i < input.length; i++) {
      if (!isRow(input[i])) {
        allRows = false;
        break;
      }
    }
    return allRows ? (input as Row[]) : input.map((v) => (isRow(v) ? v : { value: v ?? null }));
  }
  if (isRow(input)) return [input];
  throw new Cloud9QLError('invalid_input', 'Cloud9QL runs on a JSON array of rows or a JSON object, not on a scalar');
}

/**
 * ISO-8601 text of an instant. Bucket functions (week, month...) give many rows the same instant, and
 * toISOString costs about 2 µs a call here: remembering recent texts made week()/month() output ~3x faster.
 */
const isoText = boundedMemo(4096, (ms: number) => new Date(ms).toISOString());

/** Dates and durations made by the engine become text in the output (ISO-8601 UTC / "7d"). */
function plainValue(v: unknown): unknown {
  if (v instanceof Date) {
    const ms = v.getTime();
    return Number.isNaN(ms) ? null : isoText(ms); // out of Date's range: null, not a RangeError
  }
  if (v instanceof Duration) return v.toString();
  if (Array.isArray(v)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const p = plainValue(v[i]);
      if (p !== v[i]) {
        copy ??= v.slice();
        copy[i] = p;
      }
    }
    return copy ?? v;
  }
  return v;
}

export function compileProgram(query: Query, text: string): Program {
  const env: RunEnv = { nowMs: 0, sawDate: false, text: new TextBudget(DEFAULT_LIMITS.maxStringLength, DEFAULT_LIMITS.maxTextTotal) };
  const compiler = new StatementCompiler(new ErrorFactory(text), env);
  const runners: StatementRunner[] = query.statements.map((s) => compiler.compile(s));
  // Compiling folds constants and may set sawDate; the run's own dates are tracked from here.
  const compiledWithDates = env.sawDate;
  return {
    run(input, limits, nowMs) {
      env.nowMs = nowMs;
      env.sawDate = compiledWithDates;
      env.text = new TextBudget(limits.maxStringLength, limits.maxTextTotal);
      const state = { budget: new StepBudget(limits.maxSteps), maxRowsOut: limits.maxRowsOut };
      let rows = inputRows(input, limits.maxRowsIn);
      let fresh = false;
      for (const runner of runners) {
        const result = runner(rows, state);
        if (result.rows.length > limits.maxRowsOut) {
          throw new Cloud9QLError('limit_exceeded', `A statement produced ${result.rows.length} rows, more than the limit of ${limits.maxRowsOut}`);
        }
        rows = result.rows;
        fresh = result.fresh;
      }
      if (!fresh) rows = rows.map((r) => copyFields({}, r));
      if (env.sawDate) {
        for (const row of rows) {
          for (const k in row) {
            const v = row[k];
            if (v !== null && typeof v === 'object') {
              const p = plainValue(v);
              if (p !== v) setField(row, k, p);
            }
          }
        }
      }
      return rows;
    },
  };
}
