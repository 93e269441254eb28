/**
 * Java DecimalFormat patterns for number_format: `#,##0.00`, `0.#`, `#,###`, `0.0%`, `$#,##0.00`,
 * `'#'0` (quoted literal). Digits: `0` always shown, `#` shown when significant; `,` sets the grouping
 * size; `%` multiplies by 100 and `‰` by 1000; rounding is HALF_EVEN, DecimalFormat's default. A
 * negative number gets a leading '-' (no `;` sub-pattern).
 *
 * Hand-written: Intl.NumberFormat takes options, not patterns, and no installed package reads Java patterns.
 */
export class NumberPatternError extends Error {}

interface NumberPattern {
  prefix: string;
  suffix: string;
  minInt: number;
  minFrac: number;
  maxFrac: number;
  grouping: number;
  multiplier: number;
}

function parseAffix(text: string, pattern: NumberPattern): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new NumberPatternError('unterminated quote in number pattern');
      out += close === i + 1 ? "'" : text.slice(i + 1, close);
      i = close;
    } else if (c === '%') {
      pattern.multiplier = 100;
      out += '%';
    } else if (c === '\u2030') {
      pattern.multiplier = 1000;
      out += c;
    } else if (c === '\u00a4') out += '$';
    else out += c;
  }
  return out;
}

export function compileNumberPattern(source: string): (x: number) => string {
  const pattern: NumberPattern = { prefix: '', suffix: '', minInt: 0, minFrac: 0, maxFrac: 0, grouping: 0, multiplier: 1 };
  const positive = source.split(';')[0]!;
  // The number part is the first run of pattern characters outside quotes.
  let start = -1;
  let end = -1;
  let quoted = false;
  for (let i = 0; i < positive.length; i++) {
    const c = positive[i]!;
    if (c === "'") quoted = !quoted;
    else if (!quoted && '#0,.'.includes(c)) {
      if (start < 0) start = i;
      end = i + 1;
    } else if (start >= 0) break;
  }
  if (start < 0) throw new NumberPatternError(`number pattern "${source}" has no digits (# or 0)`);
  const body = positive.slice(start, end);
  pattern.prefix = parseAffix(positive.slice(0, start), pattern);
  pattern.suffix = parseAffix(positive.slice(end), pattern);
  const [intPart = '', fracPart = '', extra] = body.split('.');
  if (extra !== undefined) throw new NumberPatternError(`number pattern "${source}" has two decimal points`);
  const lastComma = intPart.lastIndexOf(',');
  pattern.grouping = lastComma < 0 ? 0 : intPart.length - lastComma - 1;
  pattern.minInt = (intPart.match(/0/g) ?? []).length;
  pattern.minFrac = (fracPart.match(/0/g) ?? []).length;
  pattern.maxFrac = fracPart.replace(/,/g, '').length;
  return (x) => formatWith(pattern, x);
}

function roundHalfEven(scaled: number): number {
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  if (Math.abs(diff - 0.5) <= 1e-9 * Math.max(1, scaled)) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(scaled);
}

function formatWith(p: NumberPattern, x: number): string {
  const value = x * p.multiplier;
  const negative = value < 0;
  const scaled = roundHalfEven(Math.abs(value) * 10 ** p.maxFrac);
  let digits = scaled < 1e21 ? String(scaled) : BigInt(scaled).toString();
  if (digits.length <= p.maxFrac) digits = '0'.repeat(p.maxFrac - digits.length + 1) + digits;
  let intDigits = digits.slice(0, digits.length - p.maxFrac).replace(/^0+/, '');
  let frac = digits.slice(digits.length - p.maxFrac);
  while (frac.length > p.minFrac && frac.endsWith('0')) frac = frac.slice(0, -1);
  if (intDigits.length < p.minInt) intDigits = '0'.repeat(p.minInt - intDigits.length) + intDigits;
  if (intDigits === '' && frac === '') intDigits = '0';
  if (p.grouping > 0 && intDigits.length > p.grouping) {
    let grouped = '';
    for (let i = intDigits.length; i > 0; i -= p.grouping) {
      grouped = intDigits.slice(Math.max(0, i - p.grouping), i) + (grouped ? `,${grouped}` : '');
    }
    intDigits = grouped;
  }
  const number = frac ? `${intDigits}.${frac}` : intDigits;
  const isZero = /^[0.,]*$/.test(number);
  return `${negative && !isZero ? '-' : ''}${p.prefix}${number}${p.suffix}`;
}
