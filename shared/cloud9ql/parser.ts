/**
 * Cloud9QL parser: text -> typed AST (ast.ts). A hand-written recursive-descent parser over the tokens
 * of lexer.ts, one method per grammar rule, one token of lookahead (two for `name(`, a call).
 *
 * Why by hand, not chevrotain (measured for issue 16; figures in shared/cloud9ql/README.md, "Cold start"):
 *  - start: chevrotain analysed the grammar at run time (performSelfAnalysis, `new Lexer`): the first
 *    query in a fresh process took 87 ms (bundle, plain node); now 2.3-7.5 ms, all of it V8 compiling
 *    the engine's functions on first use (`npm run bench -- cloud9ql` prints it; target 5 ms).
 *  - size: chevrotain brought 87 KiB + lodash-es 31 KiB + regexp-to-ast 10 KiB into every report bundle;
 *    the engine bundle went from 352 to 218 KiB.
 *  - clarity: the grammar below is the code that runs, and each error message is written where the error
 *    is found instead of being rebuilt by a message provider from chevrotain's exceptions (the messages
 *    are the same as before, word for word, checked against the old parser on ~700k generated inputs).
 *  - speed: an uncached parse of the bench query is 10-25x faster (56-234k against 3.4-8.7k queries/s).
 * peggy was considered before chevrotain and set aside: it generates its parser with eval at run time
 * unless a generated file is checked in, and its scannerless errors list character classes.
 *
 * Grammar (keywords case-insensitive; `a % b` and `^` as in docs/cloud9ql.md):
 *   statement  := [select] [distinct] selectList? [where expr] [group by expr, ...] [having expr]
 *                 [order by expr [asc|desc], ...] [limit integer]
 *   expr       := or;  or := and (or and)*;  and := not (and not)*;  not := 'not' not | predicate
 *   predicate  := additive [cmp additive | is [not] null | [not] (like additive | in (expr, ...) | between additive and additive)]
 *   additive   := multiplicative ((+|-) multiplicative)*;  multiplicative := unary ((*|/|%) unary)*
 *   unary      := - unary | + unary | power;  power := primary [^ unary]   (right-associative)
 *   primary    := literal | duration | $c9_token | ( expr ) | case | name( args ) | fieldPath
 *
 * Depth: checkNesting refuses more than MAX_NESTING nested parentheses / case blocks / prefix operators
 * before parsing, and `^` chains are folded in a loop, so no query text can exhaust the stack here.
 */
import type { BinaryOperator, DurationUnit, Expr, FieldExpr, OrderKey, PathSegment, Query, SelectItem, Statement } from './ast.ts';
import { ErrorFactory } from './errors.ts';
import { isAliasWord, KEYWORD_WORDS, tokenize, type Token, type TokenKind } from './lexer.ts';

const EOF: Token = { kind: 'eof', image: '', start: Number.NaN, end: Number.NaN };

const PRIMARY_STARTS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'number', 'string', 'true', 'false', 'null', 'duration', 'dateToken', '(', 'case', 'name', 'quoted', 'bracket',
]);
const UNARY_STARTS: ReadonlySet<TokenKind> = new Set<TokenKind>([...PRIMARY_STARTS, '-', '+']);
const EXPRESSION_STARTS: ReadonlySet<TokenKind> = new Set<TokenKind>([...UNARY_STARTS, 'not']);
const ITEM_STARTS: ReadonlySet<TokenKind> = new Set<TokenKind>([...EXPRESSION_STARTS, '*', '~']);
/** A statement may start with a clause: `where x > 1` means `select * where x > 1`. */
const CLAUSE_STARTS: ReadonlySet<TokenKind> = new Set<TokenKind>(['where', 'group', 'having', 'order', 'limit']);
const COMPARISONS: ReadonlySet<TokenKind> = new Set<TokenKind>(['=', '!=', '<', '<=', '>', '>=']);
const PREDICATE_WORDS: ReadonlySet<TokenKind> = new Set<TokenKind>(['not', 'like', 'in', 'between']);

const DURATION_UNITS: Record<string, DurationUnit> = {
  ms: 'ms', s: 's', m: 'm', mi: 'm', min: 'm', h: 'h', d: 'd', w: 'w', M: 'M', mo: 'M', q: 'q', y: 'y',
};

function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the query';
  return `"${token.image.length > 40 ? `${token.image.slice(0, 40)}...` : token.image}"`;
}

function unquoteString(image: string): string {
  const quote = image[0]!;
  return image.slice(1, -1).split(quote + quote).join(quote);
}

/** Parses one statement at a time: `first`..`end` (exclusive) are the indexes of its tokens. */
class Parser {
  private pos = 0;
  private first = 0;
  private end = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
    private readonly errors: ErrorFactory,
  ) {}

  /** The next token (`ahead` = 2: the one after it); EOF past the statement's end. */
  private peek(ahead = 1): Token {
    const i = this.pos + ahead - 1;
    return i < this.end ? this.tokens[i]! : EOF;
  }

  /** The last token consumed (EOF at the start of a statement). */
  private previous(): Token {
    return this.pos > this.first ? this.tokens[this.pos - 1]! : EOF;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private at(kind: TokenKind): boolean {
    return this.pos < this.end && this.tokens[this.pos]!.kind === kind;
  }

  /** A syntax error positioned at `token` (at the end of the statement for EOF). */
  private fail(message: string, token: Token = this.peek()): Error {
    const offset = token.kind !== 'eof' ? token.start : this.end < this.tokens.length ? this.tokens[this.end]!.start : this.text.length;
    return this.errors.at('syntax_error', message, offset);
  }

  /** `Expected an expression after "where" but found the end of the query`. */
  private expected(what: string): Error {
    return this.fail(`Expected ${what} after ${describe(this.previous())} but found ${describe(this.peek())}`);
  }

  private expect(kind: TokenKind): Token {
    if (this.at(kind)) return this.next();
    if (kind === ')') throw this.fail(`Unbalanced parentheses: expected ")" but found ${describe(this.peek())}`);
    throw this.expected(`"${kind}"`);
  }

  /** `item (, item)*`, the first item required. */
  private list<T>(starts: ReadonlySet<TokenKind>, what: string, item: () => T): T[] {
    if (!starts.has(this.peek().kind)) throw this.expected(what);
    const items = [item()];
    while (this.at(',')) {
      this.pos++;
      items.push(item());
    }
    return items;
  }

  private expressionList(): Expr[] {
    return this.list(EXPRESSION_STARTS, 'an expression', () => this.expression());
  }

  statement(first: number, end: number): Statement {
    this.pos = this.first = first;
    this.end = end;
    const at = this.peek().start;
    let distinct = false;
    let items: SelectItem[];
    const start = this.peek().kind;
    if (start === 'select' || start === 'distinct') {
      this.pos++;
      distinct = start === 'distinct';
      if (!distinct && this.at('distinct')) {
        this.pos++;
        distinct = true;
      }
      items = this.selectList();
    } else if (ITEM_STARTS.has(start)) items = this.selectList();
    else if (CLAUSE_STARTS.has(start)) items = [{ kind: 'star', at }];
    else throw this.expected('a select item');

    let where: Expr | null = null;
    let having: Expr | null = null;
    let limit: number | null = null;
    let groupBy: Expr[] = [];
    let orderBy: OrderKey[] = [];
    if (this.at('where')) {
      this.pos++;
      where = this.expression();
    }
    if (this.at('group')) {
      this.pos++;
      this.expect('by');
      groupBy = this.expressionList();
    }
    if (this.at('having')) {
      this.pos++;
      having = this.expression();
    }
    if (this.at('order')) {
      this.pos++;
      this.expect('by');
      orderBy = this.list(EXPRESSION_STARTS, 'an expression', () => this.orderKey());
    }
    if (this.at('limit')) {
      this.pos++;
      const token = this.peek();
      if (token.kind !== 'number') throw this.fail(`"limit" needs a whole number but found ${describe(token)}`, token);
      if (!/^\d+$/.test(token.image)) throw this.fail(`"limit" needs a whole number but found "${token.image}"`, token);
      this.pos++;
      limit = Number(token.image);
    }
    if (this.pos < this.end) {
      const extra = this.peek();
      if (extra.kind === ')') throw this.fail('Unbalanced parentheses: unexpected ")"');
      if (extra.image.toLowerCase() === 'from') throw this.fail('Cloud9QL has no "from": a query runs on the data already fetched');
      throw this.fail(`Unexpected ${describe(extra)}: expected a clause (where, group by, having, order by, limit), "," or ";"`);
    }
    return { distinct, items, where, groupBy, having, orderBy, limit, at };
  }

  private orderKey(): OrderKey {
    const expr = this.expression();
    let desc = false;
    if (this.at('asc')) this.pos++;
    else if (this.at('desc')) {
      this.pos++;
      desc = true;
    }
    return { expr, desc };
  }

  private selectList(): SelectItem[] {
    return this.list(ITEM_STARTS, 'a select item', () => this.selectItem());
  }

  private selectItem(): SelectItem {
    const token = this.peek();
    if (token.kind === '*') {
      this.pos++;
      return { kind: 'star', at: token.start };
    }
    if (token.kind === '~') {
      this.pos++;
      return { kind: 'exclude', path: this.fieldPath().path, at: token.start };
    }
    if (!EXPRESSION_STARTS.has(token.kind)) throw this.expected('a select item');
    const expr = this.expression();
    const end = this.previous().end;
    if (this.at('as')) {
      this.pos++;
      return { kind: 'expr', expr, name: this.alias(), aliased: true, at: token.start };
    }
    // Unaliased: a field is named by its path, anything else by its text as written.
    const name = expr.kind === 'field' ? pathText(expr.path) : this.text.slice(token.start, end).trim();
    return { kind: 'expr', expr, name, aliased: false, at: token.start };
  }

  /** An alias runs until the next "," or clause keyword; it may hold spaces (`as sent rate`). */
  private alias(): string {
    const first = this.peek();
    if (first.kind === 'string') {
      this.pos++;
      return unquoteString(first.image);
    }
    if (!isAliasWord(first.kind)) throw this.expected('an alias');
    let count = 0;
    while (isAliasWord(this.peek().kind)) {
      this.pos++;
      count++;
    }
    if (count === 1 && first.kind === 'quoted') return first.image.slice(1, -1);
    return this.text.slice(first.start, this.previous().end).replace(/\s+/g, ' ');
  }

  private expression(): Expr {
    let left = this.and();
    while (this.at('or')) {
      this.pos++;
      left = { kind: 'binary', op: 'or', left, right: this.and(), at: left.at };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.at('and')) {
      this.pos++;
      left = { kind: 'binary', op: 'and', left, right: this.not(), at: left.at };
    }
    return left;
  }

  private not(): Expr {
    const token = this.peek();
    if (token.kind === 'not') {
      this.pos++;
      return { kind: 'unary', op: 'not', operand: this.not(), at: token.start };
    }
    if (!UNARY_STARTS.has(token.kind)) throw this.expected('an expression');
    return this.predicate();
  }

  private predicate(): Expr {
    const left = this.additive();
    const kind = this.peek().kind;
    if (COMPARISONS.has(kind)) {
      this.pos++;
      return { kind: 'binary', op: kind as BinaryOperator, left, right: this.additive(), at: left.at };
    }
    if (kind === 'is') {
      this.pos++;
      const negated = this.at('not');
      if (negated) this.pos++;
      this.expect('null');
      return { kind: 'isNull', negated, operand: left, at: left.at };
    }
    if (!PREDICATE_WORDS.has(kind)) return left;
    const negated = kind === 'not';
    if (negated) this.pos++;
    if (this.at('like')) {
      this.pos++;
      return { kind: 'like', negated, operand: left, pattern: this.additive(), at: left.at };
    }
    if (this.at('in')) {
      this.pos++;
      this.expect('(');
      const list = this.expressionList();
      this.expect(')');
      return { kind: 'in', negated, operand: left, list, at: left.at };
    }
    if (this.at('between')) {
      this.pos++;
      const low = this.additive();
      this.expect('and');
      return { kind: 'between', negated, operand: left, low, high: this.additive(), at: left.at };
    }
    // The chevrotain parser this replaces said "a select item" here; kept so that messages do not change.
    throw this.expected('a select item');
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (let kind = this.peek().kind; kind === '+' || kind === '-'; kind = this.peek().kind) {
      this.pos++;
      left = { kind: 'binary', op: kind, left, right: this.multiplicative(), at: left.at };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (let kind = this.peek().kind; kind === '*' || kind === '/' || kind === '%'; kind = this.peek().kind) {
      this.pos++;
      left = { kind: 'binary', op: kind, left, right: this.unary(), at: left.at };
    }
    return left;
  }

  /** Unary minus binds looser than `^`: `-2^2` is -(2^2). */
  private unary(): Expr {
    const token = this.peek();
    if (token.kind === '-') {
      this.pos++;
      return { kind: 'unary', op: '-', operand: this.unary(), at: token.start };
    }
    if (token.kind === '+') {
      this.pos++;
      return this.unary();
    }
    if (!PRIMARY_STARTS.has(token.kind)) throw this.expected('an expression');
    return this.power();
  }

  /**
   * `^` is right-associative and its exponent may carry signs: 2^-3^2 = 2^(-(3^2)). Read as a chain
   * (bases and the signs before each exponent) and folded from the right, so a long chain needs no recursion.
   */
  private power(): Expr {
    const bases: Expr[] = [this.primary()];
    const signs: Token[][] = [];
    while (this.at('^')) {
      this.pos++;
      const before: Token[] = [];
      for (let kind = this.peek().kind; !PRIMARY_STARTS.has(kind); kind = this.peek().kind) {
        if (kind !== '-' && kind !== '+') throw this.expected('an expression');
        before.push(this.next());
      }
      signs.push(before);
      bases.push(this.primary());
    }
    let result = bases[bases.length - 1]!;
    for (let i = bases.length - 1; i > 0; i--) {
      const before = signs[i - 1]!;
      for (let j = before.length - 1; j >= 0; j--) {
        if (before[j]!.kind === '-') result = { kind: 'unary', op: '-', operand: result, at: before[j]!.start };
      }
      const base = bases[i - 1]!;
      result = { kind: 'binary', op: '^', left: base, right: result, at: base.at };
    }
    return result;
  }

  private primary(): Expr {
    const token = this.peek();
    switch (token.kind) {
      case 'number': {
        this.pos++;
        const value = Number(token.image);
        if (!Number.isFinite(value)) throw this.fail(`The number ${token.image} is out of range`, token);
        return { kind: 'literal', value, at: token.start };
      }
      case 'string':
        this.pos++;
        return { kind: 'literal', value: unquoteString(token.image), at: token.start };
      case 'true':
      case 'false':
      case 'null':
        this.pos++;
        return { kind: 'literal', value: token.kind === 'null' ? null : token.kind === 'true', at: token.start };
      case 'duration': {
        this.pos++;
        const match = /^(\d+)(.+)$/.exec(token.image)!;
        return { kind: 'duration', amount: Number(match[1]), unit: DURATION_UNITS[match[2]!]!, at: token.start };
      }
      case 'dateToken':
        this.pos++;
        return { kind: 'dateToken', name: token.image.toLowerCase(), at: token.start };
      case '(': {
        this.pos++;
        const inner = this.expression();
        this.expect(')');
        return inner;
      }
      case 'case':
        return this.caseExpr();
      case 'name':
        return this.peek(2).kind === '(' ? this.call() : this.fieldPath();
      default:
        return this.fieldPath();
    }
  }

  private call(): Expr {
    const name = this.next();
    this.pos++; // "("
    let args: Expr[] = [];
    let star = false;
    let distinct = false;
    if (this.at('*')) {
      this.pos++;
      star = true;
    } else if (this.at('distinct') || EXPRESSION_STARTS.has(this.peek().kind)) {
      if (this.at('distinct')) {
        this.pos++;
        distinct = true;
      }
      args = this.expressionList();
    }
    this.expect(')');
    return { kind: 'call', name: name.image.toLowerCase(), args, star, distinct, at: name.start };
  }

  private caseExpr(): Expr {
    const at = this.next().start;
    let operand: Expr | null = null;
    let otherwise: Expr | null = null;
    const whens: { when: Expr; then: Expr }[] = [];
    if (EXPRESSION_STARTS.has(this.peek().kind)) operand = this.expression();
    if (!this.at('when')) throw this.expected('an expression');
    while (this.at('when')) {
      this.pos++;
      const when = this.expression();
      this.expect('then');
      whens.push({ when, then: this.expression() });
    }
    if (this.at('else')) {
      this.pos++;
      otherwise = this.expression();
    }
    this.expect('end');
    return { kind: 'case', operand, whens, otherwise, at };
  }

  /** `name`, `` `quoted name` `` or `[name]`, then `.segment` (a name, keyword, `quoted`, or index) or `[index]`. */
  private fieldPath(): FieldExpr {
    const first = this.peek();
    if (first.kind !== 'name' && first.kind !== 'quoted' && first.kind !== 'bracket') throw this.expected('a select item');
    this.pos++;
    const path: PathSegment[] = [first.kind === 'name' ? first.image : first.image.slice(1, -1)];
    for (;;) {
      if (this.at('.')) {
        this.pos++;
        const segment = this.peek();
        if (segment.kind === 'name' || KEYWORD_WORDS.has(segment.kind)) path.push(segment.image);
        else if (segment.kind === 'quoted') path.push(segment.image.slice(1, -1));
        else if (segment.kind === 'number') path.push(/^\d+$/.test(segment.image) ? Number(segment.image) : segment.image);
        else throw this.expected('a select item');
        this.pos++;
      } else if (this.at('bracket')) {
        const inner = this.next().image.slice(1, -1);
        path.push(/^-?\d+$/.test(inner.trim()) ? Number(inner.trim()) : inner);
      } else {
        return { kind: 'field', path, at: first.start };
      }
    }
  }
}

/** Canonical text of a path: `data.videos[0].id`; it is also the column name of an unaliased field. */
export function pathText(path: readonly PathSegment[]): string {
  let text = '';
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += i === 0 ? segment : `.${segment}`;
  }
  return text;
}

/**
 * Refuses nesting deeper than MAX_NESTING before the recursive parser sees it: parentheses and
 * case...end blocks, and runs of prefix operators (`- - - x`, `not not x`).
 */
function checkNesting(tokens: readonly Token[], errors: ErrorFactory): void {
  let depth = 0;
  let prefixRun = 0;
  let previous: TokenKind | undefined;
  for (const token of tokens) {
    const kind = token.kind;
    // After a dot, `case` and `end` are field names (`a.end`), not block keywords.
    const keyword = previous !== '.';
    previous = kind;
    if (kind === '(' || (kind === 'case' && keyword)) depth++;
    else if (kind === ')' || (kind === 'end' && keyword)) depth--;
    prefixRun = kind === '-' || kind === '+' || kind === 'not' ? prefixRun + 1 : 0;
    if (depth > MAX_NESTING || prefixRun > MAX_NESTING) {
      throw errors.at('limit_exceeded', `The query nests deeper than ${MAX_NESTING} levels`, token.start);
    }
  }
}
/** Deeper nesting than any real query has; keeps the recursive parser and compiler far from the stack limit. */
const MAX_NESTING = 100;

/** Parses a whole query: `;`-separated statements, blank ones ignored. Throws Cloud9QLError. */
export function parseQuery(text: string): Query {
  const errors = new ErrorFactory(text);
  const tokens = tokenize(errors);
  checkNesting(tokens, errors);
  const parser = new Parser(text, tokens, errors);
  const statements: Statement[] = [];
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i]!.kind !== ';') continue;
    if (i > start) statements.push(parser.statement(start, i));
    start = i + 1;
  }
  return { statements };
}
