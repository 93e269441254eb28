/**
 * Cloud9QL: Knowi's SQL-like post-processing language (language reference: docs/cloud9ql.md; engine
 * notes: README.md beside this file). Reports, schedules and tests all go through `runCloud9QL`.
 *
 *   runCloud9QL('select expand(data.videos); select title, view_count order by view_count desc limit 10', tiktokJson)
 *
 * Pure and synchronous. Queries are parsed and compiled once and kept in a bounded LRU cache.
 */
import type { Query } from './ast.ts';
import { LruCache } from './cache.ts';
import { Cloud9QLError } from './errors.ts';
import { resolveLimits, type Cloud9QLLimits } from './limits.ts';
import { parseQuery } from './parser.ts';
import { printQuery } from './printer.ts';
import { compileProgram, type Program } from './program.ts';
import type { Row } from './values.ts';

export { Cloud9QLError } from './errors.ts';
export { DEFAULT_LIMITS, type Cloud9QLLimits } from './limits.ts';
export type * from './ast.ts';

export interface Cloud9QLOptions extends Partial<Cloud9QLLimits> {
  /** Clock for now() and `$c9_` tokens, epoch ms; defaults to Date.now. */
  now?: () => number;
}

const CACHE_SIZE = 256;
const programs = new LruCache<string, { program: Program; statements: number }>(CACHE_SIZE);

function checkText(query: unknown, limits: Cloud9QLLimits): string {
  if (typeof query !== 'string') throw new Cloud9QLError('syntax_error', 'The query must be text');
  if (query.length > limits.maxQueryLength) {
    throw new Cloud9QLError('limit_exceeded', `The query is ${query.length} characters long, more than the limit of ${limits.maxQueryLength}`);
  }
  return query;
}

function checkStatements(query: Query, limits: Cloud9QLLimits): Query {
  if (query.statements.length > limits.maxStatements) {
    throw new Cloud9QLError('limit_exceeded', `The query has ${query.statements.length} statements, more than the limit of ${limits.maxStatements}`);
  }
  return query;
}

/** Parses a query into its AST (syntax only: functions are checked when the query is compiled to run). */
export function parseCloud9QL(query: string, options?: Partial<Cloud9QLLimits>): Query {
  const limits = resolveLimits(options);
  return guardDepth(() => checkStatements(parseQuery(checkText(query, limits)), limits));
}

/** Canonical query text of an AST; parseCloud9QL(printCloud9QL(ast)) equals ast up to positions. */
export function printCloud9QL(query: Query): string {
  return printQuery(query);
}

/**
 * Stack exhaustion (a query or data nested thousands of levels deep) becomes a Cloud9QLError, so that
 * nothing but Cloud9QLError ever leaves the engine for bad input.
 */
function guardDepth<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new Cloud9QLError('limit_exceeded', 'The query or the data is nested too deeply to evaluate');
    }
    throw error;
  }
}

/**
 * Parses and compiles a query (kept in the cache for the run that follows): a bad query fails here,
 * before any data is fetched. Throws Cloud9QLError.
 */
export function compileCloud9QL(query: string, options: Partial<Cloud9QLLimits> = {}): void {
  guardDepth(() => {
    const limits = resolveLimits(options);
    compiled(checkText(query, limits), limits);
  });
}

function compiled(text: string, limits: Cloud9QLLimits): { program: Program; statements: number } {
  let entry = programs.get(text);
  if (!entry) {
    const ast = parseQuery(text);
    entry = { program: compileProgram(ast, text), statements: ast.statements.length };
    programs.set(text, entry);
  }
  // Checked on every call: a cached program may have been compiled under other limits.
  if (entry.statements > limits.maxStatements) {
    throw new Cloud9QLError('limit_exceeded', `The query has ${entry.statements} statements, more than the limit of ${limits.maxStatements}`);
  }
  return entry;
}

/** Runs a query on a JSON array of rows or a JSON object; returns plain row objects. Throws Cloud9QLError. */
export function runCloud9QL(query: string, input: unknown, options: Cloud9QLOptions = {}): Record<string, unknown>[] {
  return guardDepth(() => runChecked(query, input, options));
}

function runChecked(query: string, input: unknown, options: Cloud9QLOptions): Record<string, unknown>[] {
  const { now, ...overrides } = options;
  const limits = resolveLimits(overrides);
  const entry = compiled(checkText(query, limits), limits);
  const nowMs = now ? now() : Date.now();
  return entry.program.run(input, limits, nowMs) as Row[];
}
