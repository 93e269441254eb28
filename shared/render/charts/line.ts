/**
 * A time-series line chart as an SVG string, computed on the server (no DOM, no script). d3-scale
 * picks the axes' ticks and d3-shape draws the line; `defined` breaks the line where a value is
 * missing, and each missing day is shaded and labelled, so a gap is never drawn as a zero.
 */
import { scaleLinear, scaleUtc } from 'd3-scale';
import { line } from 'd3-shape';
import { esc } from '../escape.ts';
import { formatNumber, r1 } from '../format.ts';

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

export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 230;
  const pts = spec.points.map((p) => ({ t: Date.parse(p.x.length === 10 ? `${p.x}T00:00:00Z` : p.x), y: p.y, label: p.x.slice(0, 10) }));
  const defined = pts.filter((p) => p.y !== null) as Array<{ t: number; y: number }>;
  const tMin = Math.min(...pts.map((p) => p.t));
  const tMax = Math.max(...pts.map((p) => p.t));
  const x = scaleUtc()
    .domain(tMin === tMax ? [tMin - DAY_MS, tMax + DAY_MS] : [tMin, tMax])
    .range([M.left, width - M.right]);
  const yMin = defined.length ? Math.min(...defined.map((p) => p.y)) : 0;
  const yMax = defined.length ? Math.max(...defined.map((p) => p.y)) : 1;
  const y = scaleLinear()
    .domain(yMin === yMax ? [yMin - 1, yMax + 1] : [yMin, yMax])
    .nice(5)
    .range([height - M.bottom, M.top]);

  const titleId = `${spec.id}-title`;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart line" id="${esc(spec.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${esc(titleId)}">`,
    `<title id="${esc(titleId)}">${esc(spec.title)}${spec.subtitle ? ` — ${esc(spec.subtitle)}` : ''}</title>`,
    `<text class="t" x="${M.left}" y="16">${esc(spec.title)}</text>`,
  );
  const missingCount = pts.filter((p) => p.y === null).length;
  const subtitle = [spec.subtitle, missingCount ? `${missingCount} missing (shaded)` : undefined].filter(Boolean).join(' · ');
  if (subtitle) parts.push(`<text class="s" x="${width - M.right}" y="16" text-anchor="end">${esc(subtitle)}</text>`);

  // missing days: shaded bands half a step either side of the day
  const step = pts.length > 1 ? (x(pts[pts.length - 1]!.t) - x(pts[0]!.t)) / (pts.length - 1) : 20;
  const missing = pts.filter((p) => p.y === null);
  for (const p of missing) {
    const cx = x(p.t);
    const left = Math.max(M.left, cx - step / 2);
    const right = Math.min(width - M.right, cx + step / 2);
    parts.push(`<rect class="gap" x="${r1(left)}" y="${M.top}" width="${r1(Math.max(1, right - left))}" height="${height - M.top - M.bottom}"><title>${esc(p.label)}: no snapshot</title></rect>`);
  }

  // d3's SI format with the precision the tick step needs (1.34M, 1.36M ... never two equal labels).
  const yFormat = y.tickFormat(5, '~s');
  for (const tick of y.ticks(5)) {
    const ty = r1(y(tick));
    parts.push(`<line class="grid" x1="${M.left}" x2="${width - M.right}" y1="${ty}" y2="${ty}"/>`, `<text class="yl" x="${M.left - 6}" y="${ty}" dy="0.32em" text-anchor="end">${esc(yFormat(tick))}</text>`);
  }
  const xTicks = x.ticks(Math.min(7, Math.max(2, pts.length)));
  const xFormat = x.tickFormat(Math.min(7, Math.max(2, pts.length)));
  for (const tick of xTicks) {
    const tx = r1(x(tick));
    parts.push(`<text class="xl" x="${tx}" y="${height - 8}" text-anchor="middle">${esc(xFormat(tick))}</text>`);
  }
  parts.push(`<line class="axis" x1="${M.left}" x2="${width - M.right}" y1="${height - M.bottom}" y2="${height - M.bottom}"/>`);

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
      parts.push(`<circle class="dot" cx="${r1(x(p.t))}" cy="${r1(y(p.y))}" r="${alone ? 3 : 2}"><title>${esc(spec.points[i]!.x.slice(0, 10))}: ${esc(formatNumber(p.y))}</title></circle>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
