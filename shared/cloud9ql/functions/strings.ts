/** String functions. Null input gives null, except concat (nulls become ''). Non-text input is converted with toText. */
import type { RE2JS } from 're2js';
import { boundedMemo } from '../cache.ts';
import { compileUserRegex } from '../regex.ts';
import { toNumber, toText, type Value } from '../values.ts';
import { constant, NOT_CONSTANT, simple, type BindContext, type ConstArg, type ScalarDef } from './types.ts';

function text1(fn: (s: string) => Value): ScalarDef {
  return simple(1, 1, (a: Value) => {
    const s = typeof a === 'string' ? a : toText(a);
    return s === null ? null : fn(s);
  });
}

/** Java's String.substring, but clamped instead of throwing: 0-based start, exclusive end. */
function substring(a: Value, b: Value, c: Value): Value {
  const s = toText(a);
  const start = toNumber(b);
  if (s === null || start === null) return null;
  const end = c === undefined ? s.length : toNumber(c);
  if (end === null) return null;
  const from = Math.max(0, Math.min(s.length, Math.trunc(start)));
  const to = Math.max(from, Math.min(s.length, Math.trunc(end)));
  return s.slice(from, to);
}

/** A group holding a quantifier that is itself quantified. RE2 runs it in linear time, but it stays refused (existing contract). */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/;

/** Compiles a user regex for RE2 (linear time: one query must not hang a Lambda); a string is the reason it cannot. */
export function safeRegex(source: string): RE2JS | string {
  const re = compileUserRegex(source);
  if (typeof re !== 'string' && NESTED_QUANTIFIER.test(source)) return 'the regular expression nests quantifiers';
  return re;
}

/** Java replacement syntax ($1, \$) to JavaScript's ($1, $$). */
function javaReplacement(repl: string): string {
  return repl.replace(/\\([$\\])|\$(?!\d|\{)/g, (_m, escaped: string | undefined) => (escaped === '$' || escaped === undefined ? '$$' : escaped));
}

function regexArg(consts: readonly ConstArg[], index: number, ctx: BindContext): RE2JS | null {
  const c = constant(consts, index);
  if (c === undefined || c === null) return null;
  const re = safeRegex(String(c));
  if (typeof re === 'string') ctx.fail(index, re);
  return re;
}

const regexReplace: ScalarDef = {
  min: 3,
  max: 3,
  buildsText: true,
  bind(consts, ctx) {
    const fixed = regexArg(consts, 1, ctx);
    const fixedRepl = consts[2] !== NOT_CONSTANT && typeof consts[2] === 'string' ? javaReplacement(consts[2]) : null;
    const perRow = boundedMemo(100, (source: string) => {
      const made = safeRegex(source);
      return typeof made === 'string' ? null : made;
    });
    return (a: Value, b: Value, c: Value) => {
      const s = toText(a);
      if (s === null || b === null || c === null) return null;
      const re = fixed ?? perRow(String(toText(b)));
      if (re === null) return null;
      const repl = fixedRepl ?? javaReplacement(String(toText(c)));
      ctx.env.text.willBuild(replacedLengthBound(re, s, repl, ctx.env.text.maxLength));
      try {
        return re.matcher(s).replaceAll(repl);
      } catch {
        return null; // a replacement naming a group the pattern lacks
      }
    };
  },
};

function occurrences(s: string, find: string): number {
  let n = 0;
  for (let i = s.indexOf(find); i !== -1; i = s.indexOf(find, i + find.length)) n++;
  return n;
}

/** Upper bound of regex_replace's result: each match adds the replacement, each $ reference at most the text. */
function replacedLengthBound(re: RE2JS, s: string, repl: string, max: number): number {
  const refs = repl.split('$').length - 1;
  const base = s.length + refs * s.length;
  if (base + (s.length + 1) * repl.length <= max) return 0; // fits even if every position matched: skip counting
  let matches = 0;
  const m = re.matcher(s);
  while (m.find()) if (++matches > s.length) break;
  return base + matches * repl.length;
}

export function initcap(s: string): string {
  return s.toLowerCase().replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase());
}

export const STRING_FUNCTIONS: Record<string, ScalarDef> = {
  concat: {
    min: 1,
    max: Infinity,
    variadic: true,
    buildsText: true,
    bind: () => (args: Value[]) => {
      let out = '';
      for (const a of args) out += typeof a === 'string' ? a : toText(a) ?? '';
      return out;
    },
  },
  upper: text1((s) => s.toUpperCase()),
  lower: text1((s) => s.toLowerCase()),
  trim: text1((s) => s.trim()),
  ltrim: text1((s) => s.trimStart()),
  rtrim: text1((s) => s.trimEnd()),
  length: text1((s) => s.length),
  initcap: text1(initcap),
  substring: simple(2, 3, substring),
  replace: {
    min: 3,
    max: 3,
    buildsText: true,
    bind: (_consts, ctx) => (a: Value, b: Value, c: Value) => {
      const s = toText(a);
      const find = toText(b);
      const repl = toText(c);
      if (s === null || find === null || repl === null) return null;
      if (find === '') return s;
      if (repl.length > find.length) ctx.env.text.willBuild(s.length + occurrences(s, find) * (repl.length - find.length));
      return s.split(find).join(repl);
    },
  },
  regex_replace: regexReplace,
  split: simple(2, 2, (a: Value, b: Value) => {
    const s = toText(a);
    const delimiter = toText(b);
    return s === null || delimiter === null ? null : s.split(delimiter);
  }),
  indexof: simple(2, 2, (a: Value, b: Value) => {
    const s = toText(a);
    const find = toText(b);
    return s === null || find === null ? null : s.indexOf(find);
  }),
};
