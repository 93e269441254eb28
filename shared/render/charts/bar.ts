/**
 * A horizontal bar chart as an SVG string (top videos): one labelled bar per item, values at the
 * bar's end. Labels are user content: escaped and shortened, the full text in a <title> tooltip.
 */
import { scaleLinear } from 'd3-scale';
import { esc, truncate } from '../escape.ts';
import { formatCompact, formatNumber, r1 } from '../format.ts';

export interface BarItem {
  label: string;
  value: number;
}

export interface BarChartSpec {
  id: string;
  title: string;
  subtitle?: string;
  items: readonly BarItem[];
  width?: number;
}

const ROW = 24;
const TOP = 34;
const LABEL_W = 250;
const VALUE_W = 90;
/** Width of one character of an 11px value label, generously. */
const LABEL_CHAR_PX = 7;

/** The full number when it fits right of the longest bar, else the compact form (1T, -3.2M). */
function valueLabel(n: number): string {
  const full = formatNumber(n);
  return full.length * LABEL_CHAR_PX <= VALUE_W - 6 ? full : formatCompact(n);
}

export function barChart(spec: BarChartSpec): string {
  const width = spec.width ?? 720;
  const height = TOP + ROW * Math.max(1, spec.items.length) + 8;
  const items = spec.items.map((i) => ({ label: i.label, value: Number.isFinite(i.value) ? i.value : 0 }));
  const values = items.map((i) => i.value);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const x = scaleLinear()
    .domain([lo, hi === lo ? lo + 1 : hi])
    .range([LABEL_W + 10, width - VALUE_W]);
  const titleId = `${spec.id}-title`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart bar" id="${esc(spec.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${esc(titleId)}">`,
    `<title id="${esc(titleId)}">${esc(spec.title)}${spec.subtitle ? ` — ${esc(spec.subtitle)}` : ''}</title>`,
    `<text class="t" x="0" y="16">${esc(spec.title)}</text>`,
  ];
  if (spec.subtitle) parts.push(`<text class="s" x="${width}" y="16" text-anchor="end">${esc(spec.subtitle)}</text>`);
  if (spec.items.length === 0) parts.push(`<text class="s" x="0" y="${TOP + 14}">No data in this period.</text>`);
  items.forEach((item, i) => {
    const top = TOP + i * ROW;
    const x0 = x(Math.min(0, item.value));
    const x1 = x(Math.max(0, item.value));
    parts.push(
      `<g class="bar-row"><title>${esc(item.label)}: ${esc(formatNumber(item.value))}</title>`,
      `<text class="bl" x="${LABEL_W}" y="${top + ROW / 2}" dy="0.32em" text-anchor="end">${esc(truncate(item.label, 38))}</text>`,
      `<rect class="${item.value < 0 ? 'neg' : 'pos'}" x="${r1(x0)}" y="${top + 4}" width="${r1(Math.max(1, x1 - x0))}" height="${ROW - 8}"/>`,
      `<text class="bv" x="${r1(x1 + 6)}" y="${top + ROW / 2}" dy="0.32em">${esc(valueLabel(item.value))}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
