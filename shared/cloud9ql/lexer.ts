/**
 * Tokens of Cloud9QL (hand-written; parser.ts says why). Keywords and function names are
 * case-insensitive; field names are case-sensitive. Character loops, no regular expressions (they cost
 * compile time on a cold start); every step moves forward, so lexing is linear in the query length.
 */
import type { ErrorFactory } from './errors.ts';

const KEYWORD_LIST = [
  'select', 'distinct', 'where', 'group', 'having', 'order', 'limit', 'by', 'asc', 'desc', 'as', 'and', 'or', 'not', 'like', 'in', 'is',
  'null', 'between', 'true', 'false', 'case', 'when', 'then', 'else', 'end',
] as const;
export type Keyword = (typeof KEYWORD_LIST)[number];

/** Lower-case keyword texts, for the printer (a field named like a keyword must be quoted). */
export const KEYWORD_WORDS: ReadonlySet<string> = new Set(KEYWORD_LIST);

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^' | '(' | ')' | ',' | '.' | ';' | '~';

export type TokenKind =
  | Keyword
  | Operator
  | 'name' // a_field, date_format
  | 'quoted' // `field name`
  | 'bracket' // [field name] or [0]
  | 'string' // 'text' or "text"
  | 'number' // 42, 1.5, 1e3
  | 'duration' // 7d, 12h, 3M
  | 'dateToken' // $c9_today
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The text as written (the keyword's own spelling, quotes included). */
  image: string;
  /** 0-based offset of the first character; `end` is one past the last. */
  start: number;
  end: number;
}

/** Clause keywords end an alias; the other keywords may be part of one (`as sent by day`). */
const CLAUSE_KEYWORDS: ReadonlySet<TokenKind> = new Set(['select', 'where', 'group', 'having', 'order', 'limit']);
const ALIAS_NON_KEYWORDS: ReadonlySet<TokenKind> = new Set(['name', 'quoted', 'duration', 'number', '+', '-', '/', '%', '.']);

/** Whether a token may be part of an unquoted alias (`sent/100000 as sent rate`). */
export function isAliasWord(kind: TokenKind): boolean {
  return ALIAS_NON_KEYWORDS.has(kind) || (KEYWORD_WORDS.has(kind) && !CLAUSE_KEYWORDS.has(kind));
}

const DURATION_UNITS: ReadonlySet<string> = new Set(['ms', 'min', 'mi', 'mo', 's', 'm', 'h', 'd', 'w', 'M', 'q', 'y']);
const SINGLE_CHAR_OPERATORS: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%', '^', '(', ')', ',', '.', ';', '~']);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Names: [A-Za-z_] and everything from U+00C0 up (whitespace among those is ruled out first, at a name's start). */
const isNameStart = (c: number) => isAsciiLetter(c) || c === 95 || c >= 0xc0;
const isNamePart = (c: number) => isNameStart(c) || isDigit(c);
const isAsciiWord = (c: number) => isAsciiLetter(c) || isDigit(c) || c === 95;
/** JavaScript's `\s`: ASCII and Unicode spaces, line terminators, BOM. */
function isSpace(c: number): boolean {
  if (c < 0xa0) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * End of the string literal opening at `start` ('' or "" inside is an escaped quote), or -1 if unterminated.
 * With no closing quote, the last doubled quote closes it instead: `'a''` is the string 'a' and a stray `'`.
 */
function stringEnd(text: string, start: number): number {
  const quote = text.charCodeAt(start);
  let lastPair = -1;
  for (let i = start + 1; i < text.length; i++) {
    if (text.charCodeAt(i) !== quote) continue;
    if (text.charCodeAt(i + 1) !== quote) return i + 1;
    lastPair = i++;
  }
  return lastPair < 0 ? -1 : lastPair + 1;
}

/** End of `$c9_name` (case-insensitive prefix, at least one [A-Za-z0-9_] after it), or -1. */
function dateTokenEnd(text: string, start: number): number {
  if ((text[start + 1] !== 'c' && text[start + 1] !== 'C') || text[start + 2] !== '9' || text[start + 3] !== '_') return -1;
  let end = start + 4;
  while (isAsciiWord(text.charCodeAt(end))) end++;
  return end > start + 4 ? end : -1;
}

/** End of `\d+(\.\d+)?([eE][+-]?\d+)?` starting at a digit. */
function numberEnd(text: string, start: number): number {
  let end = start + 1;
  while (isDigit(text.charCodeAt(end))) end++;
  if (text[end] === '.' && isDigit(text.charCodeAt(end + 1))) {
    end += 2;
    while (isDigit(text.charCodeAt(end))) end++;
  }
  const c = text[end];
  if (c === 'e' || c === 'E') {
    const sign = text[end + 1] === '+' || text[end + 1] === '-' ? 1 : 0;
    if (isDigit(text.charCodeAt(end + 1 + sign))) {
      end += 2 + sign;
      while (isDigit(text.charCodeAt(end))) end++;
    }
  }
  return end;
}

/** A keyword only when the whole name is one, spelled in ASCII letters (`Select`, not `selection`). */
function keywordOf(word: string): Keyword | undefined {
  if (word.length > 8) return undefined;
  for (let i = 0; i < word.length; i++) if (!isAsciiLetter(word.charCodeAt(i))) return undefined;
  const lower = word.toLowerCase();
  return KEYWORD_WORDS.has(lower) ? (lower as Keyword) : undefined;
}

function operatorAt(text: string, i: number): Operator | undefined {
  const c = text[i]!;
  const next = text[i + 1];
  if (c === '!') return next === '=' ? '!=' : undefined;
  if (c === '<') return next === '=' ? '<=' : next === '>' ? '!=' : '<';
  if (c === '>') return next === '=' ? '>=' : '>';
  if (c === '=') return '=';
  return SINGLE_CHAR_OPERATORS.has(c) ? (c as Operator) : undefined;
}

/** Splits a query into tokens (comments and whitespace dropped); a character that starts no token is a syntax error. */
export function tokenize(errors: ErrorFactory): Token[] {
  const text = errors.text;
  const fail = (message: string, offset: number) => errors.at('syntax_error', message, offset);
  const tokens: Token[] = [];
  const push = (kind: TokenKind, start: number, end: number) => tokens.push({ kind, image: text.slice(start, end), start, end });
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const ch = text[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (ch === '-' && text[i + 1] === '-') {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close >= 0) {
        i = close + 2;
        continue;
      }
      // An unclosed /* is a "/" and a "*".
    }
    if (ch === "'" || ch === '"') {
      const end = stringEnd(text, i);
      if (end < 0) throw fail('Unterminated string literal', i);
      push('string', i, end);
      i = end;
      continue;
    }
    if (ch === '`' || ch === '[') {
      const end = text.indexOf(ch === '`' ? '`' : ']', i + 1) + 1;
      if (end === 0) throw fail(ch === '`' ? 'Unterminated `quoted name`' : 'Unclosed "["', i);
      push(ch === '`' ? 'quoted' : 'bracket', i, end);
      i = end;
      continue;
    }
    if (ch === '$') {
      const end = dateTokenEnd(text, i);
      if (end < 0) throw fail(`Unexpected character "${ch}"`, i);
      push('dateToken', i, end);
      i = end;
      continue;
    }
    if (isDigit(c)) {
      // A duration is digits glued to a unit with no letter, digit or _ after it: 7d, 12h, 3M, 5min.
      let digitsEnd = i + 1;
      while (isDigit(text.charCodeAt(digitsEnd))) digitsEnd++;
      let wordEnd = digitsEnd;
      while (isAsciiWord(text.charCodeAt(wordEnd))) wordEnd++;
      if (DURATION_UNITS.has(text.slice(digitsEnd, wordEnd))) {
        push('duration', i, wordEnd);
        i = wordEnd;
        continue;
      }
      const end = numberEnd(text, i);
      push('number', i, end);
      i = end;
      continue;
    }
    if (isNameStart(c)) {
      let end = i + 1;
      while (end < text.length && isNamePart(text.charCodeAt(end))) end++;
      push(keywordOf(text.slice(i, end)) ?? 'name', i, end);
      i = end;
      continue;
    }
    const op = operatorAt(text, i);
    if (op === undefined) throw fail(`Unexpected character "${ch}"`, i);
    const end = i + (op.length === 2 || (op === '=' && text[i + 1] === '=') ? 2 : 1);
    push(op, i, end);
    i = end;
  }
  return tokens;
}
