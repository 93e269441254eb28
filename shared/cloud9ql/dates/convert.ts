/**
 * Reading values as instants. Numbers are epoch time: below 1e11 in absolute value they are seconds
 * (TikTok's `create_time`), otherwise milliseconds (1e11 ms is 1973-03-03, 1e11 s is the year 5138).
 * Text is parsed in the common formats below; text without an offset is UTC.
 *
 * Hand-written because no installed dependency parses this set of formats without also reading
 * offset-less text in the machine's local zone (as Date.parse does).
 */
import { MONTHS } from './names.ts';
import { wallMs } from './civil.ts';

const SECONDS_LIMIT = 1e11;

export function epochFromNumber(n: number): number {
  return n > -SECONDS_LIMIT && n < SECONDS_LIMIT ? n * 1000 : n;
}

/** Epoch ms of a value, or null when it is not a date. */
export function toEpochMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? epochFromNumber(v) : null;
  if (v instanceof Date) {
    const t = v.getTime();
    return t === t ? t : null;
  }
  if (typeof v === 'string') return parseDateText(v);
  return null;
}

const TIME = String.raw`(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(AM|PM)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2})?`;
const ISO = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME}$`, 'i');
const YMD_SLASH = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})${TIME}$`, 'i');
const MDY_SLASH = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`, 'i');
const DAY_MONTH_YEAR = new RegExp(String.raw`^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})[\s-]([A-Za-z]{3,9})[\s-](\d{4})${TIME}$`, 'i');
const MONTH_DAY_YEAR = new RegExp(String.raw`^(?:[A-Za-z]{3,9},?\s+)?([A-Za-z]{3,9})\s+(\d{1,2}),?\s+(\d{4})${TIME}$`, 'i');
const EPOCH_TEXT = /^\s*-?\d{9,13}\s*$/;

function monthNumber(name: string): number {
  const index = MONTHS.findIndex((m) => m.toLowerCase().startsWith(name.toLowerCase().slice(0, 3)));
  return index < 0 ? 0 : index + 1;
}

/** Epoch ms of date text, or null. */
export function parseDateText(text: string): number | null {
  const s = text.trim();
  let m: RegExpExecArray | null;
  if ((m = ISO.exec(s)) || (m = YMD_SLASH.exec(s))) return build(+m[1]!, +m[2]!, +m[3]!, m, 4);
  if ((m = MDY_SLASH.exec(s))) return build(+m[3]!, +m[1]!, +m[2]!, m, 4);
  if ((m = DAY_MONTH_YEAR.exec(s))) return build(+m[3]!, monthNumber(m[2]!), +m[1]!, m, 4);
  if ((m = MONTH_DAY_YEAR.exec(s))) return build(+m[3]!, monthNumber(m[1]!), +m[2]!, m, 4);
  if (EPOCH_TEXT.test(s)) return epochFromNumber(Number(s));
  return null;
}

function build(year: number, month: number, day: number, m: RegExpExecArray, t: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  let hour = m[t] === undefined ? 0 : +m[t]!;
  const minute = m[t + 1] === undefined ? 0 : +m[t + 1]!;
  const second = m[t + 2] === undefined ? 0 : +m[t + 2]!;
  const milli = m[t + 3] === undefined ? 0 : Math.floor(Number(`0.${m[t + 3]}`) * 1000);
  const ampm = m[t + 4]?.toUpperCase();
  if (ampm === 'PM' && hour < 12) hour += 12;
  if (ampm === 'AM' && hour === 12) hour = 0;
  if (hour > 23 || minute > 59 || second > 60) return null;
  const offset = parseOffset(m[t + 5]);
  return wallMs(year, month, day, hour, minute, second, milli) - offset;
}

/** ms of an offset text (Z, UTC, +05:30, -0800, +05), 0 when absent. */
export function parseOffset(text: string | undefined): number {
  if (!text) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3] ?? 0) * 60_000);
}
