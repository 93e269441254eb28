/** The whole function catalogue, by lower-case name and kind. */
import { AGGREGATES, type AggregateDef } from './aggregates.ts';
import { CONVERT_FUNCTIONS } from './convert.ts';
import { DATE_FUNCTIONS } from './dates.ts';
import { MATH_FUNCTIONS } from './math.ts';
import { STRING_FUNCTIONS } from './strings.ts';
import type { ScalarDef } from './types.ts';
import { WINDOW_FUNCTIONS, type WindowDef } from './window.ts';

/** Functions compiled inline because they evaluate arguments lazily: if, ifnull, coalesce. */
export const CONDITIONAL_FUNCTIONS: Record<string, { min: number; max: number }> = {
  if: { min: 3, max: 3 },
  ifnull: { min: 2, max: 2 },
  coalesce: { min: 1, max: Infinity },
};

/** Functions that reshape a whole statement's rows; they must stand alone in their select list. */
export const STATEMENT_FUNCTIONS: Record<string, { min: number; max: number }> = {
  expand: { min: 1, max: 1 },
  expand_arrays: { min: 1, max: Infinity },
  expand_arrays_with_defaults: { min: 1, max: Infinity },
  transpose: { min: 1, max: 1 },
  inverse_transpose: { min: 2, max: Infinity },
  pivot: { min: 2, max: Infinity },
};

export const SCALAR_FUNCTIONS: Record<string, ScalarDef> = {
  ...MATH_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...CONVERT_FUNCTIONS,
  ...DATE_FUNCTIONS,
};

export type FunctionEntry =
  | { kind: 'scalar'; def: ScalarDef }
  | { kind: 'conditional'; def: { min: number; max: number } }
  | { kind: 'aggregate'; def: AggregateDef }
  | { kind: 'window'; def: WindowDef }
  | { kind: 'statement'; def: { min: number; max: number } };

const own = <T>(table: Record<string, T>, name: string): T | undefined =>
  Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;

export function lookupFunction(name: string): FunctionEntry | undefined {
  let def;
  if ((def = own(SCALAR_FUNCTIONS, name))) return { kind: 'scalar', def };
  if ((def = own(CONDITIONAL_FUNCTIONS, name))) return { kind: 'conditional', def };
  if ((def = own(AGGREGATES, name))) return { kind: 'aggregate', def };
  if ((def = own(WINDOW_FUNCTIONS, name))) return { kind: 'window', def };
  if ((def = own(STATEMENT_FUNCTIONS, name))) return { kind: 'statement', def };
  return undefined;
}

export function functionNames(): string[] {
  return [SCALAR_FUNCTIONS, CONDITIONAL_FUNCTIONS, AGGREGATES, WINDOW_FUNCTIONS, STATEMENT_FUNCTIONS].flatMap((t) => Object.keys(t)).sort();
}

/** The closest known name within edit distance 2, for "did you mean" hints. */
export function closestFunction(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of functionNames()) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
