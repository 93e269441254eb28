/**
 * AST -> query text, in a canonical form: lower-case keywords, single spaces, parentheses only where
 * precedence needs them. parse(print(ast)) gives the same AST (positions aside), which the property
 * tests check. An unaliased item whose printed expression would name its column differently gets an
 * explicit alias, so the printed query produces the same columns.
 */
import type { Expr, PathSegment, Query, SelectItem, Statement } from './ast.ts';
import { KEYWORD_WORDS } from './lexer.ts';
import { pathText } from './parser.ts';

const SIMPLE_NAME = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*$/;

function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function segmentText(segment: string): string {
  if (SIMPLE_NAME.test(segment) && !KEYWORD_WORDS.has(segment.toLowerCase())) return segment;
  if (!segment.includes('`')) return `\`${segment}\``;
  // A name holding a backtick can only be written as [name] (and only as the first segment).
  return `[${segment}]`;
}

function printPath(path: readonly PathSegment[]): string {
  let out = '';
  path.forEach((segment, i) => {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (i === 0) out += segmentText(segment);
    else out += SIMPLE_NAME.test(segment) ? `.${segment}` : `.\`${segment}\``;
  });
  return out;
}

// Binding strength: higher binds tighter.
const PRECEDENCE: Record<string, number> = {
  or: 1, and: 2, not: 3,
  '=': 4, '!=': 4, '<': 4, '<=': 4, '>': 4, '>=': 4, like: 4, in: 4, isNull: 4, between: 4,
  '+': 5, '-': 5, '*': 6, '/': 6, '%': 6, neg: 7, '^': 8,
};

function precedenceOf(e: Expr): number {
  switch (e.kind) {
    case 'binary': return PRECEDENCE[e.op]!;
    case 'unary': return e.op === 'not' ? PRECEDENCE.not! : PRECEDENCE.neg!;
    case 'like': case 'in': case 'isNull': case 'between': return 4;
    default: return 9;
  }
}

function wrap(e: Expr, min: number): string {
  const text = printExpr(e);
  return precedenceOf(e) < min ? `(${text})` : text;
}

function printNumber(n: number): string {
  return String(n);
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      if (e.value === null) return 'null';
      if (typeof e.value === 'string') return quoteString(e.value);
      if (typeof e.value === 'number') return printNumber(e.value);
      return String(e.value);
    case 'duration':
      return `${e.amount}${e.unit}`;
    case 'dateToken':
      return e.name;
    case 'field':
      return printPath(e.path);
    case 'unary':
      if (e.op === 'not') return `not ${wrap(e.operand, PRECEDENCE.not!)}`;
      // `- -x` must not print as `--x` (a comment); an operand that is itself a negation gets parentheses.
      return e.operand.kind === 'unary' ? `-(${printExpr(e.operand)})` : `-${wrap(e.operand, PRECEDENCE.neg!)}`;
    case 'binary': {
      const p = PRECEDENCE[e.op]!;
      if (e.op === '^') return `${wrap(e.left, p + 1)} ^ ${wrap(e.right, PRECEDENCE.neg!)}`;
      // Comparisons do not chain: both sides must bind tighter.
      const leftMin = p === 4 ? p + 1 : p;
      return `${wrap(e.left, leftMin)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case 'like':
      return `${wrap(e.operand, 5)} ${e.negated ? 'not like' : 'like'} ${wrap(e.pattern, 5)}`;
    case 'in':
      return `${wrap(e.operand, 5)} ${e.negated ? 'not in' : 'in'} (${e.list.map(printExpr).join(', ')})`;
    case 'isNull':
      return `${wrap(e.operand, 5)} is ${e.negated ? 'not ' : ''}null`;
    case 'between':
      return `${wrap(e.operand, 5)} ${e.negated ? 'not between' : 'between'} ${wrap(e.low, 5)} and ${wrap(e.high, 5)}`;
    case 'case': {
      let out = 'case';
      if (e.operand) out += ` ${printExpr(e.operand)}`;
      for (const w of e.whens) out += ` when ${printExpr(w.when)} then ${printExpr(w.then)}`;
      if (e.otherwise) out += ` else ${printExpr(e.otherwise)}`;
      return `${out} end`;
    }
    case 'call':
      if (e.star) return `${e.name}(*)`;
      return `${e.name}(${e.distinct ? 'distinct ' : ''}${e.args.map(printExpr).join(', ')})`;
  }
}

function printAlias(name: string): string {
  const words = name.split(' ');
  const plain = words.every((w) => SIMPLE_NAME.test(w) && !KEYWORD_WORDS.has(w.toLowerCase()));
  if (plain) return name;
  return name.includes('`') ? quoteString(name) : `\`${name}\``;
}

function printItem(item: SelectItem): string {
  switch (item.kind) {
    case 'star':
      return '*';
    case 'exclude':
      return `~${printPath(item.path)}`;
    case 'expr': {
      const text = printExpr(item.expr);
      const implied = item.expr.kind === 'field' ? pathText(item.expr.path) : text;
      return implied === item.name ? text : `${text} as ${printAlias(item.name)}`;
    }
  }
}

export function printStatement(s: Statement): string {
  let out = `select ${s.distinct ? 'distinct ' : ''}${s.items.map(printItem).join(', ')}`;
  if (s.where) out += ` where ${printExpr(s.where)}`;
  if (s.groupBy.length > 0) out += ` group by ${s.groupBy.map(printExpr).join(', ')}`;
  if (s.having) out += ` having ${printExpr(s.having)}`;
  if (s.orderBy.length > 0) out += ` order by ${s.orderBy.map((k) => `${printExpr(k.expr)}${k.desc ? ' desc' : ''}`).join(', ')}`;
  if (s.limit !== null) out += ` limit ${s.limit}`;
  return out;
}

export function printQuery(q: Query): string {
  return q.statements.map(printStatement).join('; ');
}
