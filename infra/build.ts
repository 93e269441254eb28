/**
 * `npm run build` (after `tsc --noEmit`): bundles every function of the function table into
 * dist/<name>/index.mjs (+ .map) with exactly the esbuild settings the CDK stack deploys
 * (infra/bundling.ts), and prints their sizes. Fails if any entry is missing or does not bundle.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS } from '../shared/topology/functions.ts';
import { bundleEntry, formatKb, MissingEntryError, type BundleResult } from './bundle.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, 'dist');

async function main(): Promise<number> {
  rmSync(outDir, { recursive: true, force: true });
  const started = performance.now();
  const settled = await Promise.allSettled(FUNCTIONS.map((f) => bundleEntry(f.name, path.join(root, f.entry), outDir)));
  const rows: string[][] = [['function', 'index.mjs', 'gzip', 'source map']];
  let failed = 0;
  settled.forEach((r, i) => {
    const name = FUNCTIONS[i]!.name;
    if (r.status === 'fulfilled') {
      const b: BundleResult = r.value;
      rows.push([name, formatKb(b.bytes), formatKb(b.gzipBytes), formatKb(b.mapBytes)]);
    } else {
      failed++;
      const reason = r.reason instanceof MissingEntryError ? 'missing entry' : 'build failed (see above)';
      rows.push([name, reason, '', '']);
    }
  });
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  console.log(`\n${FUNCTIONS.length - failed}/${FUNCTIONS.length} bundles in ${path.relative(root, outDir)}/ (${Math.round(performance.now() - started)} ms)`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
