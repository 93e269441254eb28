/**
 * A time-series line chart as an SVG string, computed on the server (no DOM, no script). d3-scale
 * picks the axes' ticks and d3-shape draws the line; `defined` breaks the line where a value is
 * missing, and each missing day is shaded and labelled, so a gap is never drawn as a zero.
 */
import { scaleLinear, scaleUtc } from 'd3-scale';
import { line } from 'd3-shape';
import { esc } from '../escape.ts';
import { formatCompact, formatNumber, r1 } from '../format.ts';

export interface LinePoint {
  /** ISO day `YYYY-MM-DD` (or any Date.parse-able instant). */
  x: string;
  y: number | null;
}

export interface LineChartSpec {
  id: string;
  title: string;
  subtitle?: string;
  points: readonly LinePoint[];
  width?: number;
  height?: number;
}

const M = { top: 34, right: 18, bottom: 26, left: 58 };
const DAY_MS = 86_400_000;
/** Width of one character of an 11px axis label, generously (digits and `,.-kMBT` are narrower). */
const LABEL_CHAR_PX = 7;

/** A flat or single-value series still gets a span: value ± max(1, 5%). */
function yDomain(values: readonly number[]): [number, number] {
  if (!values.length) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (lo !== hi) return [lo, hi];
  const pad = Math.max(1, Math.abs(lo) * 0.05);
  return [lo - pad, hi + pad];
}

/** Compact labels (188.6k) when they tell the ticks apart, else the full numbers (188,599). */
function tickLabels(ticks: readonly number[]): string[] {
  const compact = ticks.map(formatCompact);
  return new Set(compact).size === compact.length ? compact : ticks.map(formatNumber);
}

export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 230;
  // A point without a readable date or a finite value cannot be placed: no NaN reaches the SVG.
  const pts = spec.points
    .map((p) => ({ t: Date.parse(p.x.length === 10 ? `${p.x}T00:00:00Z` : p.x), y: p.y !== null && Number.isFinite(p.y) ? p.y : null, label: p.x.slice(0, 10) }))
    .filter((p) => Number.isFinite(p.t));
  const defined = pts.filter((p) => p.y !== null) as Array<{ t: number; y: number }>;
  const times = pts.map((p) => p.t).filter(Number.isFinite);
  const tMin = times.length ? Math.min(...times) : 0;
  const tMax = times.length ? Math.max(...times) : 0;
  const y = scaleLinear().domain(yDomain(defined.map((p) => p.y))).nice(5);
  // Counts (all values whole numbers) get whole-number ticks only: no 188,599.5 followers.
  const counts = defined.every((p) => Number.isInteger(p.y));
  let yTicks = y.ticks(5);
  if (counts) {
    const whole = yTicks.filter(Number.isInteger);
    const [d0, d1] = y.domain() as [number, number];
    yTicks = whole.length >= 2 ? whole : [Math.ceil(d0), Math.floor(d1)].filter((v, i, a) => a.indexOf(v) === i);
  }
  const yLabels = tickLabels(yTicks);
  // The left margin fits the longest label, so none is clipped at the chart's left edge.
  const left = Math.max(M.left, 12 + LABEL_CHAR_PX * Math.max(0, ...yLabels.map((l) => l.length)));
  y.range([height - M.bottom, M.top]);
  const x = scaleUtc()
    .domain(tMin === tMax ? [tMin - DAY_MS, tMax + DAY_MS] : [tMin, tMax])
    .range([left, width - M.right]);

  const titleId = `${spec.id}-title`;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart line" id="${esc(spec.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${esc(titleId)}">`,
    `<title id="${esc(titleId)}">${esc(spec.title)}${spec.subtitle ? ` — ${esc(spec.subtitle)}` : ''}</title>`,
    `<text class="t" x="${left}" y="16">${esc(spec.title)}</text>`,
  );
  const missingCount = pts.filter((p) => p.y === null).length;
  const subtitle = [spec.subtitle, missingCount ? `${missingCount} missing (shaded)` : undefined].filter(Boolean).join(' · ');
  if (subtitle) parts.push(`<text class="s" x="${width - M.right}" y="16" text-anchor="end">${esc(subtitle)}</text>`);

  // missing days: shaded bands half a step either side of the day
  const step = pts.length > 1 ? (x(pts[pts.length - 1]!.t) - x(pts[0]!.t)) / (pts.length - 1) : 20;
  const missing = pts.filter((p) => p.y === null);
  for (const p of missing) {
    const cx = x(p.t);
    const from = Math.max(left, cx - step / 2);
    const right = Math.min(width - M.right, cx + step / 2);
    parts.push(`<rect class="gap" x="${r1(from)}" y="${M.top}" width="${r1(Math.max(1, right - from))}" height="${height - M.top - M.bottom}"><title>${esc(p.label)}: no snapshot</title></rect>`);
  }

  yTicks.forEach((tick, i) => {
    const ty = r1(y(tick));
    parts.push(`<line class="grid" x1="${left}" x2="${width - M.right}" y1="${ty}" y2="${ty}"/>`, `<text class="yl" x="${left - 6}" y="${ty}" dy="0.32em" text-anchor="end">${esc(yLabels[i]!)}</text>`);
  });
  const xTicks = x.ticks(Math.min(7, Math.max(2, pts.length)));
  const xFormat = x.tickFormat(Math.min(7, Math.max(2, pts.length)));
  for (const tick of xTicks) {
    const tx = r1(x(tick));
    parts.push(`<text class="xl" x="${tx}" y="${height - 8}" text-anchor="middle">${esc(xFormat(tick))}</text>`);
  }
  parts.push(`<line class="axis" x1="${left}" x2="${width - M.right}" y1="${height - M.bottom}" y2="${height - M.bottom}"/>`);

  const path = line<{ t: number; y: number | null }>()
    .defined((p) => p.y !== null)
    .x((p) => r1(x(p.t)))
    .y((p) => r1(y(p.y!)))(pts);
  if (path) parts.push(`<path class="series" d="${path}"/>`);
  // Dots where a point stands alone between gaps (a line needs two), or on every point of short series.
  pts.forEach((p, i) => {
    if (p.y === null) return;
    const alone = (i === 0 || pts[i - 1]!.y === null) && (i === pts.length - 1 || pts[i + 1]!.y === null);
    if (alone || pts.length <= 45) {
      parts.push(`<circle class="dot" cx="${r1(x(p.t))}" cy="${r1(y(p.y))}" r="${alone ? 3 : 2}"><title>${esc(p.label)}: ${esc(formatNumber(p.y))}</title></circle>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
