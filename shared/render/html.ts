/**
 * The self-contained HTML page: inline CSS and inline SVG only (no script, font, image or any
 * other request), so it opens anywhere, offline, and under `default-src 'none'`. Every piece of
 * text is escaped (esc) before it is placed.
 */
import { tabulate } from '../report-result/shape.ts';
import { barChart } from './charts/bar.ts';
import { lineChart } from './charts/line.ts';
import { esc } from './escape.ts';
import { cellText } from './format.ts';
import type { ReportView } from './view.ts';

/** Rows beyond this are left out of the page's table (the JSON/CSV formats carry them all). */
export const MAX_TABLE_ROWS = 5_000;

const CSS = `
:root{color-scheme:light;--fg:#1d2433;--muted:#5b6478;--line:#e3e7ef;--accent:#fe2c55;--accent2:#25c2cf;--gap:#f1f2f6}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fafbfd}
main{max-width:1480px;margin:0 auto;padding:24px}
header{border-bottom:3px solid var(--accent);margin-bottom:20px;padding-bottom:12px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:16px;margin:28px 0 10px}
.meta{display:flex;flex-wrap:wrap;gap:6px 22px;color:var(--muted)}.meta b{color:var(--fg);font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(560px,100%),1fr));gap:14px}
figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;overflow-x:auto}
svg.chart{max-width:100%;height:auto;font-size:11px}
svg .t{font-size:13px;font-weight:600;fill:var(--fg)}svg .s{fill:var(--muted)}
svg .grid{stroke:var(--line)}svg .axis{stroke:#b8bfcc}svg .xl,svg .yl,svg .bv{fill:var(--muted)}svg .bl{fill:var(--fg)}
svg .series{fill:none;stroke:var(--accent);stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
svg .dot{fill:var(--accent)}svg .gap{fill:var(--gap)}
svg rect.pos{fill:var(--accent2)}svg rect.neg{fill:#c7cbd6}
.notes{color:var(--muted);margin:10px 0 0;padding-left:18px}
.table-wrap{overflow:auto;overflow-x:auto;max-width:100%;max-height:80vh;background:#fff;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap;max-width:420px;overflow:hidden;text-overflow:ellipsis}
th{position:sticky;top:0;background:#f4f6fa;font-weight:600}
td.number{text-align:right}td.missing{color:#9aa1b1;text-align:center}
footer{color:var(--muted);margin-top:18px;font-size:12px}
@media print{
main{max-width:none;padding:0}.table-wrap{overflow:visible;max-height:none;border:0}
table{table-layout:fixed;width:100%;font-size:9px}
th,td{white-space:normal;word-break:break-word;overflow-wrap:anywhere;max-width:none;padding:2px 4px}
th{position:static}.charts{grid-template-columns:1fr}figure{break-inside:avoid;overflow:visible}
}
`;

export function renderHtmlPage(view: ReportView): string {
  const charts = [...view.lineCharts.map(lineChart), ...view.barCharts.map(barChart)];
  const table = tabulate(view.rows);
  const shown = table.rows.slice(0, MAX_TABLE_ROWS);
  const notes = [...view.notes];
  if (table.rows.length > shown.length) notes.push(`The table shows the first ${MAX_TABLE_ROWS.toLocaleString('en-US')} of ${table.rows.length.toLocaleString('en-US')} rows; JSON and CSV have them all.`);
  const head = table.columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('');
  const body = shown
    .map((row) => `<tr>${table.columns.map((c) => {
      const cell = cellText(row[c], c);
      return cell.kind === 'missing' ? '<td class="missing" title="missing">—</td>' : `<td class="${cell.kind}" title="${esc(cell.text)}">${esc(cell.text)}</td>`;
    }).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>${esc(view.title)} — ${esc(view.account)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(view.title)}</h1>
<div class="meta"><span>Account: <b>${esc(view.account)}</b></span><span>Period: <b>${esc(view.period)}</b></span><span>Generated: <b>${esc(view.generatedAt)}</b></span><span>Rows: <b>${table.rows.length}</b></span></div>
</header>
${charts.length ? `<section class="charts">${charts.map((c) => `<figure>${c}</figure>`).join('\n')}</section>` : ''}
${notes.length ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<h2>Data</h2>
<div class="table-wrap"><table>
<thead><tr>${head}</tr></thead>
<tbody>
${body || `<tr><td>No rows.</td></tr>`}
</tbody>
</table></div>
<footer>TikTok analytics connector · self-contained report: no scripts, no external resources.</footer>
</main>
</body>
</html>
`;
}
