/** Number and value formatting for the HTML report (fixed en-US, so a report reads the same everywhere). */
// Created on first use: the first Intl.NumberFormat loads ICU data (measured ~25 ms), which every
// report function would otherwise pay at cold start even when no HTML page is asked for.
let full: Intl.NumberFormat | undefined;
let compact: Intl.NumberFormat | undefined;

export function formatNumber(n: number): string {
  full ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  return Number.isFinite(n) ? full.format(n) : '';
}

export function formatCompact(n: number): string {
  compact ??= new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  return Number.isFinite(n) ? compact.format(n) : '';
}

export function formatSigned(n: number): string {
  return n > 0 ? `+${formatNumber(n)}` : formatNumber(n);
}

/** TikTok's timestamp columns (`create_time` in Unix seconds) and our own `...At` fields. */
const TIME_COLUMN = /(^|[._])(create_time|[a-z_]*_time)$|At$/;

/** Unix seconds or milliseconds (the 1e11 cut Cloud9QL uses too) as `YYYY-MM-DD HH:MM UTC`. */
export function formatTimestamp(n: number): string {
  const ms = Math.abs(n) < 1e11 ? n * 1000 : n;
  // Outside years 0000-9999 toISOString throws (beyond ±8.64e15 ms) or writes ±YYYYYY: one bad row must not fail the page.
  if (!(ms >= -62_167_219_200_000 && ms <= 253_402_300_799_999)) return formatNumber(n);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A table cell's text; null/undefined are `missing` (shown as an em dash, never as 0). */
export function cellText(value: unknown, column = ''): { text: string; kind: 'number' | 'missing' | 'text' } {
  if (value === null || value === undefined) return { text: '—', kind: 'missing' };
  if (typeof value === 'number' && Number.isFinite(value) && TIME_COLUMN.test(column)) return { text: formatTimestamp(value), kind: 'text' };
  if (typeof value === 'number') return { text: formatNumber(value), kind: 'number' };
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return { text: String(value), kind: 'text' };
  if (value instanceof Date) return { text: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString(), kind: 'text' };
  return { text: JSON.stringify(value) ?? '', kind: 'text' };
}

/** Rounds SVG coordinates: one decimal is sub-pixel and keeps the page small. */
export function r1(n: number): number {
  return Math.round(n * 10) / 10;
}
