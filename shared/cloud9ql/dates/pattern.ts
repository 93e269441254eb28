/**
 * Java-style date patterns (SimpleDateFormat / DateTimeFormatter letters), compiled once per query into
 * a formatter and a parser. Supported letters:
 *   G era · y/u year (yy = 2 digits) · Y week year · M/L month (M, MM, MMM, MMMM) · d day · D day of year
 *   E weekday (EEE, EEEE) · e/c ISO weekday number · w ISO week · a AM/PM · H 0-23 · k 1-24 · K 0-11
 *   h 1-12 · m minute · s second · S fraction of second · z zone name · Z +0000 · X/x ISO offset
 * Text in single quotes is literal ('' is a quote); other non-letters are literal. Any other letter is
 * an error, as in Java.
 *
 * Hand-written: the patterns must follow Java, not the token sets of JavaScript date libraries, and
 * formatting is on the hot path of per-row queries (see the bench).
 */
import { RE2JS } from 're2js';
import { fillFields, isoWeek, newFields, wallMs, type DateFields } from './civil.ts';
import { MONTHS, MONTHS_SHORT, WEEKDAYS, WEEKDAYS_SHORT } from './names.ts';
import { formatOffset, type Zone } from './zone.ts';

type Part = { letter: string; count: number } | { literal: string };

export class PatternError extends Error {}

const LETTERS = new Set('GyuYMLdDEecwaHkKhmsSzZXx'.split(''));

function lex(pattern: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        parts.push({ literal: "'" });
        i += 2;
        continue;
      }
      let text = '';
      i++;
      for (;;) {
        if (i >= pattern.length) throw new PatternError(`unterminated quote in date pattern "${pattern}"`);
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += pattern[i++];
      }
      parts.push({ literal: text });
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!LETTERS.has(c)) throw new PatternError(`unknown letter "${c}" in date pattern "${pattern}"`);
      let count = 1;
      while (pattern[i + count] === c) count++;
      parts.push({ letter: c, count });
      i += count;
    } else {
      parts.push({ literal: c });
      i++;
    }
  }
  return parts;
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
function pad2(n: number): string {
  return n >= 0 && n < 100 ? TWO_DIGITS[n]! : String(n);
}

type FieldWriter = (f: DateFields, zone: Zone, utc: number) => string;

function writer(letter: string, count: number): FieldWriter {
  switch (letter) {
    case 'G':
      return (f) => (f.year > 0 ? 'AD' : 'BC');
    case 'y':
    case 'u':
    case 'Y':
      if (count === 2) return (f) => pad2(((f.year % 100) + 100) % 100);
      return count === 4 ? (f) => (f.year >= 1000 && f.year <= 9999 ? String(f.year) : pad(f.year, 4)) : (f) => pad(f.year, count);
    case 'M':
    case 'L':
      if (count >= 4) return (f) => MONTHS[f.month - 1]!;
      if (count === 3) return (f) => MONTHS_SHORT[f.month - 1]!;
      return count === 2 ? (f) => pad2(f.month) : (f) => String(f.month);
    case 'd':
      return count === 2 ? (f) => pad2(f.day) : (f) => pad(f.day, count);
    case 'D':
      return (f) => pad(f.dayOfYear, count);
    case 'E':
      return count >= 4 ? (f) => WEEKDAYS[f.weekday]! : (f) => WEEKDAYS_SHORT[f.weekday]!;
    case 'e':
    case 'c':
      return (f) => pad(f.weekday, count);
    case 'w':
      return (f) => pad(isoWeek(f), count);
    case 'a':
      return (f) => (f.hour < 12 ? 'AM' : 'PM');
    case 'H':
      return count === 2 ? (f) => pad2(f.hour) : (f) => pad(f.hour, count);
    case 'k':
      return (f) => pad(f.hour === 0 ? 24 : f.hour, count);
    case 'K':
      return (f) => pad(f.hour % 12, count);
    case 'h':
      return (f) => pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count);
    case 'm':
      return count === 2 ? (f) => pad2(f.minute) : (f) => pad(f.minute, count);
    case 's':
      return count === 2 ? (f) => pad2(f.second) : (f) => pad(f.second, count);
    case 'S':
      return (f) => (pad(f.milli, 3) + '000000').slice(0, count);
    case 'z':
      return (_f, zone, utc) => zone.shortName(utc);
    case 'Z':
      return count >= 4 ? (f) => `GMT${formatOffset(f.offset, true)}` : (f) => formatOffset(f.offset, false);
    case 'X':
      return (f) => (f.offset === 0 ? 'Z' : offsetText(f.offset, count));
    default: // 'x'
      return (f) => offsetText(f.offset, count);
  }
}

function offsetText(offset: number, count: number): string {
  const full = formatOffset(offset, count >= 3);
  return count === 1 && full.endsWith('00') ? full.slice(0, 3) : full;
}

export type DateFormatter = (utcMs: number, zone: Zone) => string;

/** Compiles a pattern into a formatter; throws PatternError for a bad pattern. */
/** The finest unit a pattern shows, in ms: texts of instants within one such unit (and offset) are equal. */
function granularity(parts: readonly Part[]): number {
  let finest = 86_400_000;
  for (const p of parts) {
    if (!('letter' in p)) continue;
    const unit = p.letter === 'S' ? 1 : p.letter === 's' ? 1000 : p.letter === 'm' ? 60_000 : 'HkKha'.includes(p.letter) ? 3_600_000 : 86_400_000;
    finest = Math.min(finest, unit);
  }
  return finest;
}

const MEMO_SIZE = 4096;

/**
 * Compiles a pattern into a formatter; throws PatternError for a bad pattern. Patterns no finer than an
 * hour (`yyyy-MM-dd`, `yyyy-MM`, `MMM d`...) remember recent texts per hour or day of local time, so
 * formatting a column of timestamps allocates one string per distinct day, not one per row.
 */
export function compileFormatter(pattern: string): DateFormatter {
  const parts = lex(pattern);
  const writers: FieldWriter[] = parts.map((p) => ('literal' in p ? () => p.literal : writer(p.letter, p.count)));
  const fields = newFields();
  const n = writers.length;
  const format = (utcMs: number, zone: Zone, offset: number): string => {
    fields.offset = offset;
    fillFields(fields, utcMs + offset);
    let out = '';
    for (let i = 0; i < n; i++) out += writers[i]!(fields, zone, utcMs);
    return out;
  };
  const unit = granularity(parts);
  if (unit < 3_600_000 || parts.some((p) => 'letter' in p && p.letter === 'z')) return (utcMs, zone) => format(utcMs, zone, zone.offsetAt(utcMs));
  let memoZone: Zone | null = null;
  const memo = new Map<number, string>();
  return (utcMs, zone) => {
    const offset = zone.offsetAt(utcMs);
    if (zone !== memoZone) {
      memo.clear();
      memoZone = zone;
    }
    // Local time bucket and offset (in minutes, shifted positive) in one exact number.
    const key = Math.floor((utcMs + offset) / unit) * 4096 + (offset / 60_000 + 2048);
    let text = memo.get(key);
    if (text === undefined) {
      text = format(utcMs, zone, offset);
      if (memo.size >= MEMO_SIZE) memo.clear();
      memo.set(key, text);
    }
    return text;
  };
}

export type DateParser = (text: string, zone: Zone) => number | null;

const NUMERIC_LETTERS = new Set('yuYdDHkKhmsSecw'.split(''));

/**
 * Compiles a pattern into a parser returning epoch ms (null when the text does not match). Like Java's
 * lenient parsing, numeric fields accept fewer digits than the pattern shows unless two numeric fields
 * touch (`yyyyMMdd`), where widths are exact. Text without an offset is read in `zone`.
 */
export function compileParser(pattern: string): DateParser {
  const parts = lex(pattern);
  let source = '^\\s*';
  const setters: ((v: string, st: ParseState) => void)[] = [];
  parts.forEach((p, i) => {
    if ('literal' in p) {
      source += p.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
      return;
    }
    const next = parts[i + 1];
    const touching = next !== undefined && 'letter' in next && (NUMERIC_LETTERS.has(next.letter) || (next.letter === 'M' && next.count <= 2));
    const numeric = NUMERIC_LETTERS.has(p.letter) || ((p.letter === 'M' || p.letter === 'L') && p.count <= 2);
    if (numeric) {
      source += touching ? `(\\d{${p.count}})` : p.letter === 'S' ? '(\\d{1,9})' : `(\\d{1,${Math.max(p.count, p.letter === 'y' || p.letter === 'u' || p.letter === 'Y' ? 9 : 2)}})`;
    } else if (p.letter === 'M' || p.letter === 'L') source += '([A-Za-z]{3,9})';
    else if (p.letter === 'E') source += '([A-Za-z]{2,9})';
    else if (p.letter === 'a') source += '(AM|PM|A\\.M\\.|P\\.M\\.)';
    else if (p.letter === 'G') source += '(AD|BC)';
    else source += '(Z|UTC|GMT|[+-]\\d{2}:?\\d{2}|[+-]\\d{2}|GMT[+-]\\d{1,2}(?::\\d{2})?|[A-Za-z_]+(?:/[A-Za-z_]+)*)';
    setters.push(setter(p.letter, p.count));
  });
  // RE2 (linear time): adjacent text fields (MMMMEEEE...) backtrack exponentially in a JavaScript RegExp.
  const regex = RE2JS.compile(`${source}\\s*$`, RE2JS.CASE_INSENSITIVE);
  return (text, zone) => {
    const m = regex.matcher(text);
    if (!m.find()) return null;
    const st: ParseState = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, milli: 0, pm: null, offset: null, twoDigitYear: false, dayOfYear: null };
    for (let i = 0; i < setters.length; i++) setters[i]!(m.group(i + 1) ?? '', st);
    if (st.twoDigitYear) st.year += st.year < 70 ? 2000 : 1900;
    if (st.pm !== null) {
      if (st.pm && st.hour < 12) st.hour += 12;
      if (!st.pm && st.hour === 12) st.hour = 0;
    }
    if (st.month < 1 || st.month > 12 || st.day < 1 || st.day > 31 || st.hour > 24 || st.minute > 59 || st.second > 60) return null;
    const wall = st.dayOfYear !== null
      ? wallMs(st.year, 1, 1, st.hour, st.minute, st.second, st.milli) + (st.dayOfYear - 1) * 86_400_000
      : wallMs(st.year, st.month, st.day, st.hour, st.minute, st.second, st.milli);
    return st.offset !== null ? wall - st.offset : zone.fromWall(wall);
  };
}

interface ParseState {
  year: number; month: number; day: number; hour: number; minute: number; second: number; milli: number;
  pm: boolean | null; offset: number | null; twoDigitYear: boolean; dayOfYear: number | null;
}

function setter(letter: string, count: number): (v: string, st: ParseState) => void {
  switch (letter) {
    case 'y': case 'u': case 'Y':
      return (v, st) => { st.year = Number(v); st.twoDigitYear = count === 2 && v.length <= 2; };
    case 'M': case 'L':
      return count <= 2
        ? (v, st) => { st.month = Number(v); }
        : (v, st) => { st.month = MONTHS.findIndex((m) => m.toLowerCase().startsWith(v.toLowerCase().slice(0, 3))) + 1; };
    case 'd': return (v, st) => { st.day = Number(v); };
    case 'D': return (v, st) => { st.dayOfYear = Number(v); };
    case 'H': case 'k': return (v, st) => { st.hour = Number(v) % 24; };
    case 'K': case 'h': return (v, st) => { st.hour = Number(v) % 12; if (st.pm === null) st.pm = false; };
    case 'm': return (v, st) => { st.minute = Number(v); };
    case 's': return (v, st) => { st.second = Number(v); };
    case 'S': return (v, st) => { st.milli = Math.floor(Number(`0.${v}`) * 1000); };
    case 'a': return (v, st) => { st.pm = v.toUpperCase().startsWith('P'); };
    case 'z': case 'Z': case 'X': case 'x':
      return (v, st) => {
        const m = /^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(v);
        if (m) st.offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3] ?? 0) * 60_000);
        else if (/^(?:Z|UTC|GMT)$/i.test(v)) st.offset = 0;
      };
    default: // E, G, e, c, w: read and ignored (the date fields decide)
      return () => {};
  }
}
