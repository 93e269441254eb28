/** Number and value formatting for the HTML report (fixed en-US, so a report reads the same everywhere). */
const full = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatNumber(n: number): string {
  return Number.isFinite(n) ? full.format(n) : '';
}

export function formatCompact(n: number): string {
  return Number.isFinite(n) ? compact.format(n) : '';
}

export function formatSigned(n: number): string {
  return n > 0 ? `+${formatNumber(n)}` : formatNumber(n);
}

/** A table cell's text; null/undefined are `missing` (shown as an em dash, never as 0). */
export function cellText(value: unknown): { text: string; kind: 'number' | 'missing' | 'text' } {
  if (value === null || value === undefined) return { text: '—', kind: 'missing' };
  if (typeof value === 'number') return { text: formatNumber(value), kind: 'number' };
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return { text: String(value), kind: 'text' };
  if (value instanceof Date) return { text: value.toISOString(), kind: 'text' };
  return { text: JSON.stringify(value) ?? '', kind: 'text' };
}

/** Rounds SVG coordinates: one decimal is sub-pixel and keeps the page small. */
export function r1(n: number): number {
  return Math.round(n * 10) / 10;
}
