/** Static facts about expressions that the statement planner needs. */
import type { Expr, FieldExpr, SelectItem } from '../ast.ts';
import { lookupFunction } from '../functions/catalogue.ts';
import { pathText } from '../parser.ts';
import type { Scope } from './expressions.ts';
import { compilePath } from './fields.ts';

export type ExprItem = Extract<SelectItem, { kind: 'expr' }>;

/** Does the expression call an aggregate (outside nested statement functions)? */
export function containsAggregate(expr: Expr): boolean {
  switch (expr.kind) {
    case 'call':
      return lookupFunction(expr.name)?.kind === 'aggregate' || expr.args.some(containsAggregate);
    case 'unary':
      return containsAggregate(expr.operand);
    case 'binary':
      return containsAggregate(expr.left) || containsAggregate(expr.right);
    case 'like':
      return containsAggregate(expr.operand) || containsAggregate(expr.pattern);
    case 'in':
      return containsAggregate(expr.operand) || expr.list.some(containsAggregate);
    case 'isNull':
      return containsAggregate(expr.operand);
    case 'between':
      return containsAggregate(expr.operand) || containsAggregate(expr.low) || containsAggregate(expr.high);
    case 'case':
      return (
        (expr.operand !== null && containsAggregate(expr.operand)) ||
        expr.whens.some((w) => containsAggregate(w.when) || containsAggregate(w.then)) ||
        (expr.otherwise !== null && containsAggregate(expr.otherwise))
      );
    default:
      return false;
  }
}

export function exprCost(expr: Expr): number {
  let n = 1;
  const visit = (e: Expr): void => {
    n++;
    switch (e.kind) {
      case 'call': e.args.forEach(visit); break;
      case 'unary': case 'isNull': visit(e.operand); break;
      case 'binary': visit(e.left); visit(e.right); break;
      case 'like': visit(e.operand); visit(e.pattern); break;
      case 'in': visit(e.operand); e.list.forEach(visit); break;
      case 'between': visit(e.operand); visit(e.low); visit(e.high); break;
      case 'case':
        if (e.operand) visit(e.operand);
        e.whens.forEach((w) => { visit(w.when); visit(w.then); });
        if (e.otherwise) visit(e.otherwise);
        break;
      default:
    }
  };
  visit(expr);
  return n;
}

/** Plain row scope: names are fields of the row; no aggregates, no windows. */
export function rowScope(clause: string): Scope {
  return { clause, field: (node) => compilePath(node.path) };
}

/** An item whose output name a bare identifier refers to, unless it is that same field. */
export function aliasTarget(items: readonly ExprItem[], node: FieldExpr): ExprItem | undefined {
  if (node.path.length !== 1 || typeof node.path[0] !== 'string') return undefined;
  const name = node.path[0];
  const item = items.find((i) => i.name === name);
  if (!item) return undefined;
  if (item.expr.kind === 'field' && pathText(item.expr.path) === name) return undefined;
  return item;
}

