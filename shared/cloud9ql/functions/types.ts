/** Contracts between the compiler and the function catalogue. */
import type { TextBudget } from '../limits.ts';
import type { Value } from '../values.ts';

/** Marks an argument whose value is only known per row. */
export const NOT_CONSTANT: unique symbol = Symbol('not constant');
export type ConstArg = Value | typeof NOT_CONSTANT;

/** Mutable state of one run, shared by the compiled closures of a query. */
export interface RunEnv {
  /** The run's clock reading, epoch ms. */
  nowMs: number;
  /** Set when a Date value was made, so the output is scanned and dates written as ISO text. */
  sawDate: boolean;
  /** Text built so far (per run; constant folding at compile time charges a budget of its own). */
  text: TextBudget;
}

export interface BindContext {
  readonly env: RunEnv;
  /** Throws a positioned Cloud9QLError for argument `index` (code invalid_argument unless given). */
  fail(index: number, message: string): never;
}

// The implementation takes the argument values positionally (or one array when variadic).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ScalarImpl = (...args: any[]) => Value;

export interface ScalarDef {
  readonly min: number;
  readonly max: number;
  /** Passed all arguments as one array (concat, coalesce). */
  readonly variadic?: boolean;
  /** False when two calls with the same arguments may differ (now()): never folded to a constant. */
  readonly pure?: boolean;
  /** Can return text longer than its arguments (concat, replace): results are charged to the text budget. */
  readonly buildsText?: boolean;
  /** Called once per query: validates constant arguments (patterns, zones) and returns the per-row implementation. */
  bind(consts: readonly ConstArg[], ctx: BindContext): ScalarImpl;
}

export function simple(min: number, max: number, impl: ScalarImpl): ScalarDef {
  return { min, max, bind: () => impl };
}

/** The constant value of an argument or undefined when it varies per row. */
export function constant(consts: readonly ConstArg[], index: number): Value | undefined {
  const c = consts[index];
  return c === NOT_CONSTANT ? undefined : c;
}
