/** Every chart type against awkward series: flat, single point, all missing, huge, negative. */
import { describe, expect, it } from 'vitest';
import { barChart, lineChart } from '../../shared/render/index.ts';

const CHAR_PX = 7; // a generous width of one 11px label character
const days = (n: number) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 5, 1) + i * 86_400_000).toISOString().slice(0, 10));
const series: Record<string, Array<number | null>> = {
  flat: Array(30).fill(188_600),
  'flat zero': Array(30).fill(0),
  'single point': [188_600],
  'all null': Array(10).fill(null),
  huge: Array.from({ length: 30 }, (_, i) => 1e12 + i * 1e9),
  'huge flat': Array(5).fill(1e12),
  negative: Array.from({ length: 30 }, (_, i) => -500 - i * 37),
  'small range': [188_599, 188_600, 188_601, 188_600],
  'with gaps': [5, null, 7, null, null, 9],
};

function viewBox(svg: string): { width: number; height: number } {
  const [, w, h] = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!;
  return { width: Number(w), height: Number(h) };
}

function texts(svg: string, cls: string): Array<{ x: number; anchor: string; text: string }> {
  return [...svg.matchAll(new RegExp(`<text class="${cls}" x="([-\\d.]+)"([^>]*)>([^<]*)</text>`, 'g'))].map((m) => ({
    x: Number(m[1]),
    anchor: /text-anchor="(\w+)"/.exec(m[2]!)?.[1] ?? 'start',
    text: m[3]!,
  }));
}

/** A whole-number label: 188,600 or 188.6k / 1T / -1.2M (a compact form of a whole number). */
const WHOLE = /^-?(\d{1,3}(,\d{3})*|\d+(\.\d)?[KMBT])$/;

describe('line chart', () => {
  for (const [name, values] of Object.entries(series)) {
    it(`${name}: no NaN, whole-number distinct y labels, every label inside the viewBox`, () => {
      const x = days(values.length);
      const svg = lineChart({ id: 'c', title: 'Followers', points: values.map((y, i) => ({ x: x[i]!, y })) });
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
      const { width } = viewBox(svg);
      const labels = texts(svg, 'yl');
      expect(labels.length).toBeGreaterThanOrEqual(2);
      expect(new Set(labels.map((l) => l.text)).size).toBe(labels.length);
      for (const l of labels) {
        expect(l.text, `${name}: ${l.text}`).toMatch(WHOLE);
        expect(l.anchor).toBe('end');
        expect(l.x - CHAR_PX * l.text.length, `${name}: ${l.text} clipped at the left`).toBeGreaterThanOrEqual(0);
        expect(l.x).toBeLessThanOrEqual(width);
      }
      for (const m of svg.matchAll(/ (?:x|x1|x2|cx)="([-\d.]+)"/g)) {
        expect(Number(m[1])).toBeGreaterThanOrEqual(0);
        expect(Number(m[1])).toBeLessThanOrEqual(width);
      }
    });
  }
  it('a flat series of a new account gets a span around its value and compact, unclipped labels', () => {
    const svg = lineChart({ id: 'c', title: 'Followers', points: days(14).map((x) => ({ x, y: 188_600 })) });
    const labels = texts(svg, 'yl').map((l) => l.text);
    expect(labels).not.toContain('188.5995k');
    expect(labels.some((l) => /^17\d(\.\d)?K$/.test(l))).toBe(true); // 188,600 - 5% is about 179k
    expect(labels.some((l) => /^19\d(\.\d)?K$/.test(l))).toBe(true);
  });
  it('no points at all still draws a chart without NaN', () => {
    expect(lineChart({ id: 'c', title: 'Empty', points: [] })).not.toMatch(/NaN/);
  });
});

describe('bar chart', () => {
  for (const [name, values] of Object.entries(series)) {
    it(`${name}: no NaN, value labels inside the viewBox`, () => {
      const items = values.map((v, i) => ({ label: `video ${i}`, value: v ?? Number.NaN }));
      const svg = barChart({ id: 'b', title: 'Top videos', items });
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
      const { width } = viewBox(svg);
      for (const l of texts(svg, 'bv')) {
        expect(l.x + CHAR_PX * l.text.length, `${name}: ${l.text} clipped at the right`).toBeLessThanOrEqual(width);
        expect(l.text).toMatch(WHOLE);
      }
    });
  }
});
