/**
 * `npm run bench`: runs every test/bench/*.bench.ts (or those named on the command line, e.g.
 * `npm run bench -- cloud9ql`), prints one table and writes test/bench/results/latest.json.
 * Each figure carries the baseline it was measured against in the same run.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types.ts';

// Benchmarks measure, they do not narrate: only warnings and errors from the service's logger.
process.env.LOG_LEVEL ??= 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3));

const sections: Array<{ bench: string; results: BenchResult[]; error?: string; seconds: number }> = [];
for (const file of files) {
  const bench = file.replace(/\.bench\.ts$/, '');
  const started = performance.now();
  process.stdout.write(`running ${bench}...\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule;
    const results = await mod.run();
    sections.push({ bench, results, seconds: (performance.now() - started) / 1000 });
  } catch (err) {
    sections.push({ bench, results: [], error: (err as Error).stack ?? String(err), seconds: (performance.now() - started) / 1000 });
  }
}

const rows = sections.flatMap((s) =>
  s.error
    ? [[s.bench, 'FAILED', '', '', '', '', s.error.split('\n')[0]!]]
    : s.results.map((r) => [
        s.bench,
        r.name,
        `${fmt(r.value)} ${r.unit}`,
        r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)}` : '',
        r.ratio !== undefined ? `${fmt(r.ratio)}x` : '',
        r.target ? `${r.target}${r.met === undefined ? '' : r.met ? ' ✓' : ' ✗'}` : '',
        r.note ?? '',
      ]),
);
const header = ['bench', 'figure', 'value', 'baseline (same run)', 'ratio', 'target', 'note'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ')} |`;
console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);

const outDir = path.join(here, 'results');
mkdirSync(outDir, { recursive: true });
const out = {
  generatedAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  sections,
};
const file = path.join(outDir, only.length ? `partial-${only.join('-')}.json` : 'latest.json');
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
console.log(`written ${path.relative(process.cwd(), file)}`);
if (sections.some((s) => s.error)) process.exitCode = 1;
