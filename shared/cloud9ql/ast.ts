/**
 * Typed AST of a Cloud9QL query. Every node carries `at`, the 0-based offset of its first character in the
 * query text, so later phases can report line and column.
 */

/** One step of a field path: a key or a 0-based array index (negative counts from the end). */
export type PathSegment = string | number;

export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%' | '^'
  | '=' | '!=' | '<' | '<=' | '>' | '>='
  | 'and' | 'or';

export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'M' | 'q' | 'y';

export type Expr =
  | LiteralExpr
  | FieldExpr
  | DurationExpr
  | DateTokenExpr
  | UnaryExpr
  | BinaryExpr
  | LikeExpr
  | InExpr
  | IsNullExpr
  | BetweenExpr
  | CallExpr
  | CaseExpr;

export interface LiteralExpr { kind: 'literal'; value: null | boolean | number | string; at: number }
export interface FieldExpr { kind: 'field'; path: PathSegment[]; at: number }
/** `7d`, `12h`: a calendar duration, used in date arithmetic (`$c9_today - 7d`). */
export interface DurationExpr { kind: 'duration'; amount: number; unit: DurationUnit; at: number }
/** `$c9_today`, `$c9_lastweek`...: a relative date resolved against the clock when the query runs. */
export interface DateTokenExpr { kind: 'dateToken'; name: string; at: number }
export interface UnaryExpr { kind: 'unary'; op: '-' | 'not'; operand: Expr; at: number }
export interface BinaryExpr { kind: 'binary'; op: BinaryOperator; left: Expr; right: Expr; at: number }
export interface LikeExpr { kind: 'like'; negated: boolean; operand: Expr; pattern: Expr; at: number }
export interface InExpr { kind: 'in'; negated: boolean; operand: Expr; list: Expr[]; at: number }
export interface IsNullExpr { kind: 'isNull'; negated: boolean; operand: Expr; at: number }
export interface BetweenExpr { kind: 'between'; negated: boolean; operand: Expr; low: Expr; high: Expr; at: number }
/** A function call; `name` is lower-cased. `count(*)` has `star`, `count(distinct x)` has `distinct`. */
export interface CallExpr { kind: 'call'; name: string; args: Expr[]; star: boolean; distinct: boolean; at: number }
export interface CaseExpr {
  kind: 'case';
  operand: Expr | null;
  whens: { when: Expr; then: Expr }[];
  otherwise: Expr | null;
  at: number;
}

export type SelectItem =
  | { kind: 'star'; at: number }
  /** `~field`: drop that field from `*` output. */
  | { kind: 'exclude'; path: PathSegment[]; at: number }
  /** `name` is the output column: the alias, or the expression text as written. */
  | { kind: 'expr'; expr: Expr; name: string; aliased: boolean; at: number };

export interface OrderKey { expr: Expr; desc: boolean }

export interface Statement {
  distinct: boolean;
  items: SelectItem[];
  where: Expr | null;
  groupBy: Expr[];
  having: Expr | null;
  orderBy: OrderKey[];
  limit: number | null;
  at: number;
}

export interface Query { statements: Statement[] }
