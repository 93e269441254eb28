/**
 * Cloud9QL parser: text -> typed AST (ast.ts).
 *
 * Library choice: chevrotain (EmbeddedActionsParser), not peggy, after measuring both on this machine
 * (peggy 5.1 with a subset grammar covering select/where/group/having/order/limit and arithmetic):
 *  - speed: peggy parsed 9-14k queries/s, this parser 2.5-9k (lexing is ~500k/s; the cost is chevrotain's
 *    per-rule bookkeeping). It hardly matters: runCloud9QL compiles each distinct query once and keeps it
 *    in an LRU, so a parse (0.1-0.4 ms) is paid once per query text, not per run.
 *  - errors: peggy, being scannerless, reports character classes ('Expected "!=", "(", ")", ".", "<=",
 *    [ \t\r\n], [%*\/] ... but end of input found'); chevrotain reports the rule, the expected token and
 *    the previous one, which the provider below turns into 'Unbalanced parentheses: expected ")" but found
 *    the end of the query' and 'Expected an expression after "where"'.
 *  - build: peggy generates its parser with eval at run time (forbidden here) unless a generated file is
 *    checked in and kept in step with the grammar; chevrotain grammars are plain TypeScript, and chevrotain
 *    is already a dependency.
 */
import { EmbeddedActionsParser, EOF, type IToken, type IParserErrorMessageProvider, type ParserMethod, type TokenType } from 'chevrotain';
import type { BinaryOperator, DurationUnit, Expr, OrderKey, PathSegment, Query, SelectItem, Statement } from './ast.ts';
import { Cloud9QLError, ErrorFactory } from './errors.ts';
import * as T from './lexer.ts';

const CLAUSE_STARTS: ReadonlySet<TokenType> = new Set([T.Where, T.Group, T.Having, T.Order, T.Limit]);
const EXPRESSION_RULES = new Set(['expression', 'orExpr', 'andExpr', 'notExpr', 'predicate', 'additive', 'multiplicative', 'unary', 'power', 'primary']);

function describe(token: IToken | undefined): string {
  if (!token || token.tokenType === EOF) return 'the end of the query';
  return `"${token.image.length > 40 ? `${token.image.slice(0, 40)}...` : token.image}"`;
}
function labelOf(type: TokenType): string {
  return type.LABEL ?? type.name;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous }) {
    if (expected === T.RParen) return `Unbalanced parentheses: expected ")" but found ${describe(actual)}`;
    if (expected === T.NumberLiteral && previous?.tokenType === T.Limit) {
      return `"limit" needs a whole number but found ${describe(actual)}`;
    }
    return `Expected ${labelOf(expected)} after ${describe(previous)} but found ${describe(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    if (firstRedundant.tokenType === T.RParen) return 'Unbalanced parentheses: unexpected ")"';
    if (firstRedundant.image.toLowerCase() === 'from') return 'Cloud9QL has no "from": a query runs on the data already fetched';
    return `Unexpected ${describe(firstRedundant)}: expected a clause (where, group by, having, order by, limit), "," or ";"`;
  },
  buildNoViableAltMessage({ actual, previous, ruleName }) {
    const what = EXPRESSION_RULES.has(ruleName) ? 'an expression' : ruleName === 'alias' ? 'an alias' : 'a select item';
    return `Expected ${what} after ${describe(previous)} but found ${describe(actual[0])}`;
  },
  buildEarlyExitMessage({ actual, previous, ruleName }) {
    const what = ruleName === 'alias' ? 'an alias' : ruleName === 'selectList' ? 'a select item' : 'an expression';
    return `Expected ${what} after ${describe(previous)} but found ${describe(actual[0])}`;
  },
};

const OPERATORS = new Map<TokenType, BinaryOperator>([
  [T.Or, 'or'], [T.And, 'and'],
  [T.Equals, '='], [T.NotEquals, '!='], [T.Less, '<'], [T.LessEq, '<='], [T.Greater, '>'], [T.GreaterEq, '>='],
  [T.Plus, '+'], [T.Minus, '-'], [T.Star, '*'], [T.Slash, '/'], [T.Percent, '%'],
]);

const DURATION_UNITS: Record<string, DurationUnit> = {
  ms: 'ms', s: 's', m: 'm', mi: 'm', min: 'm', h: 'h', d: 'd', w: 'w', M: 'M', mo: 'M', q: 'q', y: 'y',
};

function unquoteString(image: string): string {
  const quote = image[0]!;
  return image.slice(1, -1).split(quote + quote).join(quote);
}

class Cloud9QLParser extends EmbeddedActionsParser {
  /** The query text being parsed: aliases and unaliased column names are slices of it. */
  text = '';

  constructor() {
    super(T.ALL_TOKENS, { errorMessageProvider: messages, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  /** `operand (operator operand)*`, folded to the left: a - b - c = (a - b) - c. */
  private leftAssociative(operand: ParserMethod<[], Expr>, operator: TokenType): Expr {
    let left = this.SUBRULE(operand);
    this.MANY(() => {
      const token = this.CONSUME(operator);
      const right = this.SUBRULE2(operand);
      left = { kind: 'binary', op: OPERATORS.get(token.tokenType)!, left, right, at: left.at };
    });
    return left;
  }

  private lastEnd(): number {
    const token = this.LA(0);
    return (token.endOffset ?? token.startOffset) + 1;
  }

  statement = this.RULE('statement', (): Statement => {
    const at = this.LA(1).startOffset;
    let distinct = false;
    let items: SelectItem[] = [];
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Select);
          this.OPTION(() => {
            this.CONSUME(T.Distinct);
            distinct = true;
          });
          items = this.SUBRULE(this.selectList);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Distinct);
          distinct = true;
          items = this.SUBRULE2(this.selectList);
        },
      },
      { ALT: () => { items = this.SUBRULE3(this.selectList); } },
      // `select` is optional, and so is the list when a clause comes first: `where x > 1` means `select * where x > 1`.
      { GATE: () => CLAUSE_STARTS.has(this.LA(1).tokenType), ALT: () => { items = [{ kind: 'star', at }]; } },
    ]);
    let where: Expr | null = null;
    let having: Expr | null = null;
    let limit: number | null = null;
    const groupBy: Expr[] = [];
    const orderBy: OrderKey[] = [];
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      where = this.SUBRULE(this.expression);
    });
    this.OPTION3(() => {
      this.CONSUME(T.Group);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { groupBy.push(this.SUBRULE2(this.expression)); } });
    });
    this.OPTION4(() => {
      this.CONSUME(T.Having);
      having = this.SUBRULE3(this.expression);
    });
    this.OPTION5(() => {
      this.CONSUME(T.Order);
      this.CONSUME2(T.By);
      this.AT_LEAST_ONE_SEP2({
        SEP: T.Comma,
        DEF: () => {
          const expr = this.SUBRULE4(this.expression);
          let desc = false;
          this.OPTION6(() => {
            this.OR2([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => { this.CONSUME(T.Desc); desc = true; } }]);
          });
          orderBy.push({ expr, desc });
        },
      });
    });
    this.OPTION7(() => {
      this.CONSUME(T.Limit);
      const token = this.CONSUME(T.NumberLiteral);
      this.ACTION(() => {
        if (!/^\d+$/.test(token.image)) {
          throw new ErrorFactory(this.text).at('syntax_error', `"limit" needs a whole number but found "${token.image}"`, token.startOffset);
        }
        limit = Number(token.image);
      });
    });
    return { distinct, items, where, groupBy, having, orderBy, limit, at };
  });

  selectList = this.RULE('selectList', (): SelectItem[] => {
    const items: SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { items.push(this.SUBRULE(this.selectItem)); } });
    return items;
  });

  selectItem = this.RULE('selectItem', (): SelectItem => {
    return this.OR([
      { ALT: (): SelectItem => ({ kind: 'star', at: this.CONSUME(T.Star).startOffset }) },
      {
        ALT: (): SelectItem => {
          const at = this.CONSUME(T.Tilde).startOffset;
          const path = this.SUBRULE(this.fieldPath);
          return { kind: 'exclude', path: path.path, at };
        },
      },
      {
        ALT: (): SelectItem => {
          const start = this.LA(1).startOffset;
          const expr = this.SUBRULE(this.expression);
          const end = this.lastEnd();
          let alias: string | null = null;
          this.OPTION(() => {
            this.CONSUME(T.As);
            alias = this.SUBRULE(this.alias);
          });
          return this.ACTION((): SelectItem => {
            if (alias !== null) return { kind: 'expr', expr, name: alias, aliased: true, at: start };
            const name = expr.kind === 'field' ? pathText(expr.path) : this.text.slice(start, end).trim();
            return { kind: 'expr', expr, name, aliased: false, at: start };
          });
        },
      },
    ]);
  });

  /** An alias runs until the next "," or clause keyword; it may hold spaces (`as sent rate`). */
  alias = this.RULE('alias', (): string => {
    return this.OR([
      { ALT: () => unquoteString(this.CONSUME(T.StringLiteral).image) },
      {
        ALT: () => {
          const first = this.LA(1);
          let count = 0;
          this.AT_LEAST_ONE(() => {
            this.CONSUME(T.AliasWord);
            count++;
          });
          return this.ACTION(() => {
            if (count === 1 && first.tokenType === T.QuotedName) return first.image.slice(1, -1);
            return this.text.slice(first.startOffset, this.lastEnd()).replace(/\s+/g, ' ');
          });
        },
      },
    ]);
  });

  expression = this.RULE('expression', (): Expr => this.SUBRULE(this.orExpr));

  orExpr = this.RULE('orExpr', (): Expr => this.leftAssociative(this.andExpr, T.Or));

  andExpr = this.RULE('andExpr', (): Expr => this.leftAssociative(this.notExpr, T.And));

  notExpr = this.RULE('notExpr', (): Expr => {
    return this.OR([
      {
        ALT: (): Expr => {
          const at = this.CONSUME(T.Not).startOffset;
          const operand = this.SUBRULE(this.notExpr);
          return { kind: 'unary', op: 'not', operand, at };
        },
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]);
  });

  predicate = this.RULE('predicate', (): Expr => {
    const left = this.SUBRULE(this.additive);
    let result: Expr = left;
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.SUBRULE(this.comparisonOperator);
            const right = this.SUBRULE2(this.additive);
            result = { kind: 'binary', op, left, right, at: left.at };
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            let negated = false;
            this.OPTION2(() => { this.CONSUME(T.Not); negated = true; });
            this.CONSUME(T.Null);
            result = { kind: 'isNull', negated, operand: left, at: left.at };
          },
        },
        {
          ALT: () => {
            let negated = false;
            this.OPTION3(() => { this.CONSUME2(T.Not); negated = true; });
            result = this.SUBRULE(this.negatablePredicate, { ARGS: [left, negated] });
          },
        },
      ]);
    });
    return result;
  });

  negatablePredicate = this.RULE('negatablePredicate', (left: Expr, negated: boolean): Expr => {
    return this.OR([
      {
        ALT: (): Expr => {
          this.CONSUME(T.Like);
          const pattern = this.SUBRULE(this.additive);
          return { kind: 'like', negated, operand: left, pattern, at: left?.at };
        },
      },
      {
        ALT: (): Expr => {
          this.CONSUME(T.In);
          this.CONSUME(T.LParen);
          const list: Expr[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { list.push(this.SUBRULE(this.expression)); } });
          this.CONSUME(T.RParen);
          return { kind: 'in', negated, operand: left, list, at: left?.at };
        },
      },
      {
        ALT: (): Expr => {
          this.CONSUME(T.Between);
          const low = this.SUBRULE2(this.additive);
          this.CONSUME(T.And);
          const high = this.SUBRULE3(this.additive);
          return { kind: 'between', negated, operand: left, low, high, at: left?.at };
        },
      },
    ]);
  });

  comparisonOperator = this.RULE('comparisonOperator', (): BinaryOperator => OPERATORS.get(this.CONSUME(T.ComparisonOp).tokenType)!);

  additive = this.RULE('additive', (): Expr => this.leftAssociative(this.multiplicative, T.AdditiveOp));

  multiplicative = this.RULE('multiplicative', (): Expr => this.leftAssociative(this.unary, T.MultiplicativeOp));

  /** Unary minus binds looser than `^`: `-2^2` is -(2^2). */
  unary = this.RULE('unary', (): Expr => {
    return this.OR([
      {
        ALT: (): Expr => {
          const at = this.CONSUME(T.Minus).startOffset;
          const operand = this.SUBRULE(this.unary);
          return { kind: 'unary', op: '-', operand, at };
        },
      },
      {
        ALT: (): Expr => {
          this.CONSUME(T.Plus);
          return this.SUBRULE2(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  /** `^` is right-associative: 2^3^2 = 2^(3^2). */
  power = this.RULE('power', (): Expr => {
    const base = this.SUBRULE(this.primary);
    let result: Expr = base;
    this.OPTION(() => {
      this.CONSUME(T.Caret);
      const exponent = this.SUBRULE(this.unary);
      result = { kind: 'binary', op: '^', left: base, right: exponent, at: base.at };
    });
    return result;
  });

  primary = this.RULE('primary', (): Expr => {
    return this.OR([
      {
        ALT: (): Expr => {
          const token = this.CONSUME(T.NumberLiteral);
          const value = this.ACTION(() => {
            const n = Number(token.image);
            if (!Number.isFinite(n)) throw new ErrorFactory(this.text).at('syntax_error', `The number ${token.image} is out of range`, token.startOffset);
            return n;
          });
          return { kind: 'literal', value, at: token.startOffset };
        },
      },
      {
        ALT: (): Expr => {
          const token = this.CONSUME(T.StringLiteral);
          return { kind: 'literal', value: this.ACTION(() => unquoteString(token.image)), at: token.startOffset };
        },
      },
      { ALT: (): Expr => ({ kind: 'literal', value: true, at: this.CONSUME(T.True).startOffset }) },
      { ALT: (): Expr => ({ kind: 'literal', value: false, at: this.CONSUME(T.False).startOffset }) },
      { ALT: (): Expr => ({ kind: 'literal', value: null, at: this.CONSUME(T.Null).startOffset }) },
      {
        ALT: (): Expr => {
          const token = this.CONSUME(T.DurationLiteral);
          return this.ACTION((): Expr => {
            const match = /^(\d+)(.+)$/.exec(token.image)!;
            return { kind: 'duration', amount: Number(match[1]), unit: DURATION_UNITS[match[2]!]!, at: token.startOffset };
          });
        },
      },
      {
        ALT: (): Expr => {
          const token = this.CONSUME(T.DateToken);
          return { kind: 'dateToken', name: this.ACTION(() => token.image.toLowerCase()), at: token.startOffset };
        },
      },
      {
        ALT: (): Expr => {
          this.CONSUME(T.LParen);
          const inner = this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
          return inner;
        },
      },
      { ALT: () => this.SUBRULE(this.caseExpr) },
      { GATE: () => this.LA(2).tokenType === T.LParen, ALT: () => this.SUBRULE(this.call) },
      { ALT: (): Expr => this.SUBRULE(this.fieldPath) },
    ]);
  });

  call = this.RULE('call', (): Expr => {
    const nameToken = this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    const args: Expr[] = [];
    let star = false;
    let distinct = false;
    this.OPTION(() => {
      this.OR([
        { ALT: () => { this.CONSUME(T.Star); star = true; } },
        {
          ALT: () => {
            this.OPTION2(() => { this.CONSUME(T.Distinct); distinct = true; });
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { args.push(this.SUBRULE(this.expression)); } });
          },
        },
      ]);
    });
    this.CONSUME(T.RParen);
    return { kind: 'call', name: this.ACTION(() => nameToken.image.toLowerCase()), args, star, distinct, at: nameToken.startOffset };
  });

  caseExpr = this.RULE('caseExpr', (): Expr => {
    const at = this.CONSUME(T.Case).startOffset;
    let operand: Expr | null = null;
    let otherwise: Expr | null = null;
    const whens: { when: Expr; then: Expr }[] = [];
    this.OPTION(() => { operand = this.SUBRULE(this.expression); });
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      const when = this.SUBRULE2(this.expression);
      this.CONSUME(T.Then);
      const then = this.SUBRULE3(this.expression);
      whens.push({ when, then });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Else);
      otherwise = this.SUBRULE4(this.expression);
    });
    this.CONSUME(T.End);
    return { kind: 'case', operand, whens, otherwise, at };
  });

  fieldPath = this.RULE('fieldPath', (): Extract<Expr, { kind: 'field' }> => {
    const path: PathSegment[] = [];
    const first = this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.QuotedName) },
      { ALT: () => this.CONSUME(T.BracketName) },
    ]);
    this.ACTION(() => path.push(first.tokenType === T.Identifier ? first.image : first.image.slice(1, -1)));
    this.MANY(() => {
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            const segment = this.OR3([
              { ALT: () => this.CONSUME2(T.Identifier) },
              { ALT: () => this.CONSUME(T.Keyword) },
              { ALT: () => this.CONSUME2(T.QuotedName) },
              { ALT: () => this.CONSUME(T.NumberLiteral) },
            ]);
            this.ACTION(() => {
              if (segment.tokenType === T.QuotedName) path.push(segment.image.slice(1, -1));
              else if (segment.tokenType === T.NumberLiteral && /^\d+$/.test(segment.image)) path.push(Number(segment.image));
              else path.push(segment.image);
            });
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME2(T.BracketName);
            this.ACTION(() => {
              const inner = token.image.slice(1, -1).trim();
              path.push(/^-?\d+$/.test(inner) ? Number(inner) : token.image.slice(1, -1));
            });
          },
        },
      ]);
    });
    return { kind: 'field', path, at: first.startOffset };
  });
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

let parser: Cloud9QLParser | undefined;

/**
 * Refuses nesting deeper than MAX_NESTING before the recursive parser sees it: parentheses and
 * case...end blocks, and runs of prefix operators (`- - - x`, `not not x`).
 */
function checkNesting(tokens: readonly IToken[], errors: ErrorFactory): void {
  let depth = 0;
  let prefixRun = 0;
  let previous: TokenType | undefined;
  for (const token of tokens) {
    const type = token.tokenType;
    // After a dot, `case` and `end` are field names (`a.end`), not block keywords.
    const keyword = previous !== T.Dot;
    previous = type;
    if (type === T.LParen || (type === T.Case && keyword)) depth++;
    else if (type === T.RParen || (type === T.End && keyword)) depth--;
    prefixRun = type === T.Minus || type === T.Plus || type === T.Not ? prefixRun + 1 : 0;
    if (depth > MAX_NESTING || prefixRun > MAX_NESTING) {
      throw errors.at('limit_exceeded', `The query nests deeper than ${MAX_NESTING} levels`, token.startOffset);
    }
  }
}
/** Deeper nesting than any real query has; keeps the recursive parser and compiler far from the stack limit. */
const MAX_NESTING = 100;

/** Parses a whole query: `;`-separated statements, blank ones ignored. Throws Cloud9QLError. */
export function parseQuery(text: string): Query {
  const errors = new ErrorFactory(text);
  const lexed = T.getLexer().tokenize(text);
  if (lexed.errors.length > 0) {
    const error = lexed.errors[0]!;
    const char = text[error.offset] ?? '';
    const message =
      char === "'" || char === '"' ? 'Unterminated string literal'
      : char === '`' ? 'Unterminated `quoted name`'
      : char === '[' ? 'Unclosed "["'
      : `Unexpected character "${char}"`;
    throw errors.at('syntax_error', message, error.offset);
  }
  checkNesting(lexed.tokens, errors);
  parser ??= new Cloud9QLParser();
  parser.text = text;
  const statements: Statement[] = [];
  let start = 0;
  const tokens = lexed.tokens;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i]!.tokenType !== T.Semicolon) continue;
    if (i > start) {
      parser.input = tokens.slice(start, i);
      let statement: Statement;
      try {
        statement = parser.statement();
      } catch (error) {
        // An unexpected failure may leave the shared parser mid-rule: build a fresh one next time.
        if (!(error instanceof Cloud9QLError)) parser = undefined;
        throw error;
      }
      if (parser.errors.length > 0) {
        const error = parser.errors[0]!;
        const offset = Number.isNaN(error.token.startOffset) ? (i < tokens.length ? tokens[i]!.startOffset : text.length) : error.token.startOffset;
        throw errors.at('syntax_error', error.message, offset);
      }
      statements.push(statement);
    }
    start = i + 1;
  }
  return { statements };
}
