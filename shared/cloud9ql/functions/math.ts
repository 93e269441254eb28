/** Math functions. Non-numeric input gives null; results that are not finite numbers give null. */
import { finite, toNumber, type Value } from '../values.ts';
import { simple, type ScalarDef } from './types.ts';

function unary(fn: (x: number) => number): ScalarDef {
  return simple(1, 1, (a: Value) => {
    const x = typeof a === 'number' ? a : toNumber(a);
    return x === null ? null : finite(fn(x));
  });
}

/** Half away from zero at `digits` decimals, exact for decimal inputs such as 1.005 (shifts the exponent in text). */
export function roundHalfAway(x: number, digits: number): number {
  if (!Number.isInteger(digits)) digits = Math.trunc(digits);
  const sign = x < 0 ? -1 : 1;
  const shifted = Math.round(Number(`${Math.abs(x)}e${digits}`));
  const result = sign * Number(`${shifted}e${-digits}`);
  return Number.isFinite(result) ? result + 0 : x;
}

export const MATH_FUNCTIONS: Record<string, ScalarDef> = {
  abs: unary(Math.abs),
  acos: unary(Math.acos),
  asin: unary(Math.asin),
  atan: unary(Math.atan),
  cbrt: unary(Math.cbrt),
  ceil: unary(Math.ceil),
  cos: unary(Math.cos),
  cosh: unary(Math.cosh),
  sin: unary(Math.sin),
  sinh: unary(Math.sinh),
  tan: unary(Math.tan),
  tanh: unary(Math.tanh),
  floor: unary(Math.floor),
  sqrt: unary(Math.sqrt),
  exp: unary(Math.exp),
  log: unary(Math.log),
  log10: unary(Math.log10),
  sign: unary(Math.sign),
  round: simple(1, 2, (a: Value, b: Value) => {
    const x = toNumber(a);
    if (x === null) return null;
    const digits = b === undefined ? 0 : toNumber(b);
    return digits === null ? null : roundHalfAway(x, digits);
  }),
  power: simple(2, 2, (a: Value, b: Value) => {
    const x = toNumber(a);
    const y = toNumber(b);
    return x === null || y === null ? null : finite(x ** y);
  }),
  mod: simple(2, 2, (a: Value, b: Value) => {
    const x = toNumber(a);
    const y = toNumber(b);
    return x === null || y === null || y === 0 ? null : finite(x % y);
  }),
};
