/**
 * Tokens of Cloud9QL, defined with chevrotain's lexer (see parser.ts for why chevrotain). Keywords and
 * function names are case-insensitive; field names are case-sensitive.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Words that may appear inside an alias (`sent/100000 as sent rate`). */
export const AliasWord = createToken({ name: 'AliasWord', pattern: Lexer.NA });
/** Any keyword: accepted as a path segment after a dot (`data.order`). */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*/,
  label: 'a name',
  categories: [AliasWord],
});

function keyword(word: string, inAlias: boolean): TokenType {
  return createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    label: `"${word}"`,
    categories: inAlias ? [Keyword, AliasWord] : [Keyword],
  });
}

// Clause keywords end an alias; the others may be part of one.
export const Select = keyword('select', false);
export const Distinct = keyword('distinct', true);
export const Where = keyword('where', false);
export const Group = keyword('group', false);
export const Having = keyword('having', false);
export const Order = keyword('order', false);
export const Limit = keyword('limit', false);
export const By = keyword('by', true);
export const Asc = keyword('asc', true);
export const Desc = keyword('desc', true);
export const As = keyword('as', true);
export const And = keyword('and', true);
export const Or = keyword('or', true);
export const Not = keyword('not', true);
export const Like = keyword('like', true);
export const In = keyword('in', true);
export const Is = keyword('is', true);
export const Null = keyword('null', true);
export const Between = keyword('between', true);
export const True = keyword('true', true);
export const False = keyword('false', true);
export const Case = keyword('case', true);
export const When = keyword('when', true);
export const Then = keyword('then', true);
export const Else = keyword('else', true);
export const End = keyword('end', true);

const KEYWORDS = [
  Select, Distinct, Where, Group, Having, Order, Limit, By, Asc, Desc, As, And, Or, Not, Like, In, Is, Null,
  Between, True, False, Case, When, Then, Else, End,
];
/** Lower-case keyword texts, for the printer (a field named like a keyword must be quoted). */
export const KEYWORD_WORDS: ReadonlySet<string> = new Set(KEYWORDS.map((t) => t.name.toLowerCase()));

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

/** 'text' with '' as an escaped quote; "text" is accepted the same way. */
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /'(?:[^']|'')*'|"(?:[^"]|"")*"/, line_breaks: true, label: 'a string' });
/** `field name` — a field or alias that contains spaces or other characters. */
export const QuotedName = createToken({ name: 'QuotedName', pattern: /`[^`]*`/, line_breaks: true, label: 'a `quoted name`', categories: [AliasWord] });
/** [field name] at the start of a path, or [0] as an array index. */
export const BracketName = createToken({ name: 'BracketName', pattern: /\[[^\]]*\]/, line_breaks: true, label: 'a [name] or [index]' });
export const DateToken = createToken({ name: 'DateToken', pattern: /\$c9_[A-Za-z0-9_]+/i, label: 'a $c9_ date token' });

const DURATION = /(\d+)(ms|min|mi|mo|s|m|h|d|w|M|q|y)(?![A-Za-z0-9_])/y;
/** `7d`, `12h`, `3M`: a number glued to a time unit. */
export const DurationLiteral = createToken({
  name: 'DurationLiteral',
  pattern: {
    exec: (text: string, offset: number) => {
      DURATION.lastIndex = offset;
      return DURATION.exec(text);
    },
  },
  line_breaks: false,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  label: 'a duration such as 7d',
  categories: [AliasWord],
});
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, label: 'a number', categories: [AliasWord] });

/** Operator groups, so that the grammar consumes "any comparison" / "+ or -" / "*, / or %" in one step. */
export const ComparisonOp = createToken({ name: 'ComparisonOp', pattern: Lexer.NA, label: 'a comparison' });
export const AdditiveOp = createToken({ name: 'AdditiveOp', pattern: Lexer.NA, label: '"+" or "-"' });
export const MultiplicativeOp = createToken({ name: 'MultiplicativeOp', pattern: Lexer.NA, label: '"*", "/" or "%"' });

export const NotEquals = createToken({ name: 'NotEquals', pattern: /!=|<>/, label: '"!="', categories: [ComparisonOp] });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, label: '"<="', categories: [ComparisonOp] });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, label: '">="', categories: [ComparisonOp] });
export const Less = createToken({ name: 'Less', pattern: /</, label: '"<"', categories: [ComparisonOp] });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: '">"', categories: [ComparisonOp] });
export const Equals = createToken({ name: 'Equals', pattern: /==?/, label: '"="', categories: [ComparisonOp] });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: '"+"', categories: [AliasWord, AdditiveOp] });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: '"-"', categories: [AliasWord, AdditiveOp] });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: '"*"', categories: [MultiplicativeOp] });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: '"/"', categories: [AliasWord, MultiplicativeOp] });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: '"%"', categories: [AliasWord, MultiplicativeOp] });
export const Caret = createToken({ name: 'Caret', pattern: /\^/, label: '"^"' });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '"("' });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: '")"' });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '","' });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: '"."', categories: [AliasWord] });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: '";"' });
export const Tilde = createToken({ name: 'Tilde', pattern: /~/, label: '"~"' });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace, LineComment, BlockComment,
  StringLiteral, QuotedName, BracketName, DateToken,
  DurationLiteral, NumberLiteral,
  AliasWord, Keyword, ComparisonOp, AdditiveOp, MultiplicativeOp, ...KEYWORDS, Identifier,
  NotEquals, LessEq, GreaterEq, Less, Greater, Equals,
  Plus, Minus, Star, Slash, Percent, Caret, LParen, RParen, Comma, Dot, Semicolon, Tilde,
];

let lexer: Lexer | undefined;
/** The lexer is built on first use: building it analyses every pattern, which costs milliseconds. */
export function getLexer(): Lexer {
  lexer ??= new Lexer(ALL_TOKENS, { positionTracking: 'full', ensureOptimizations: false });
  return lexer;
}
