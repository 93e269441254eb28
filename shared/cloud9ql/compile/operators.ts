/** Arithmetic on values (the slow paths; the compiler inlines number-number cases). */
import type { BinaryOperator } from '../ast.ts';
import { toEpochMs } from '../dates/convert.ts';
import { addToInstant } from '../dates/units.ts';
import { UTC } from '../dates/zone.ts';
import { makeDate } from '../functions/dates.ts';
import type { RunEnv } from '../functions/types.ts';
import { Duration, finite, isNumericString, toNumber, toText, type Value } from '../values.ts';

export type ArithmeticOperator = Extract<BinaryOperator, '+' | '-' | '*' | '/' | '%' | '^'>;

export function numberOp(op: ArithmeticOperator, x: number, y: number): number | null {
  switch (op) {
    case '+': return finite(x + y);
    case '-': return finite(x - y);
    case '*': return finite(x * y);
    case '/': return y === 0 ? null : finite(x / y);
    case '%': return y === 0 ? null : finite(x % y);
    default: return finite(x ** y);
  }
}

/**
 * Any operands: null gives null; `+` on text concatenates unless both sides read as numbers; a date
 * plus or minus a duration is a date; date minus date is milliseconds; otherwise numbers (numeric text
 * converts), and null when a side is not a number.
 */
export function arithmetic(op: ArithmeticOperator, a: Value, b: Value, env: RunEnv): Value {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  if (b instanceof Duration && (op === '+' || op === '-')) {
    const ms = toEpochMs(a);
    return ms === null ? null : makeDate(env, addToInstant(ms, op === '-' ? -b.amount : b.amount, b.unit, UTC));
  }
  if (a instanceof Duration && op === '+') return arithmetic('+', b, a, env);
  if (a instanceof Date && op === '-' && (b instanceof Date || (typeof b === 'string' && !isNumericString(b)))) {
    const other = toEpochMs(b);
    return other === null ? null : a.getTime() - other;
  }
  if (a instanceof Date && typeof b === 'number' && (op === '+' || op === '-')) {
    return makeDate(env, a.getTime() + (op === '+' ? b : -b));
  }
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) {
    const bothNumeric = (typeof a !== 'string' || isNumericString(a)) && (typeof b !== 'string' || isNumericString(b));
    if (!bothNumeric || (typeof a === 'string' && typeof b === 'string')) return env.text.charge((toText(a) ?? '') + (toText(b) ?? ''));
  }
  const x = toNumber(a);
  const y = toNumber(b);
  return x === null || y === null ? null : numberOp(op, x, y);
}
