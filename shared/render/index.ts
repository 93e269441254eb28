/**
 * The HTML report renderer, used for every report type (`format: "html"`): a self-contained page
 * with server-side SVG charts and the table. Charting: d3-scale (ticks, scales) and d3-shape (line
 * paths with gaps) compute the geometry; the SVG markup is written here. A full charting library
 * with server-side SVG (Apache ECharts' SSR) was measured and does not fit the bundle budget: its
 * tree-shaken line+bar+SVG build alone is 552 KB minified, about the size of a whole baseline
 * handler, while d3-scale + d3-shape add about 48 KB.
 */
import type { ReportResult } from '../report-result/types.ts';
import { renderHtmlPage } from './html.ts';
import { buildView } from './view.ts';

export { barChart } from './charts/bar.ts';
export { lineChart } from './charts/line.ts';
export { esc } from './escape.ts';
export { buildView } from './view.ts';

export function renderHtml(result: ReportResult): { body: string; contentType: string } {
  return { body: renderHtmlPage(buildView(result)), contentType: 'text/html; charset=utf-8' };
}
