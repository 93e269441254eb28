/**
 * `npm run lake -- "<SQL>" [--json|--csv] [--data-dir <dir>]`: DuckDB over the local lake
 * (DATA_DIR/lake, written by the local runtime and `npm run lake:backfill`), with the Athena table
 * names and columns. Without SQL: an interactive prompt (statements end with `;`, `.quit` leaves).
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { openLocalLake } from './duckdb.ts';
import { formatResult } from './format.ts';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, csv: { type: 'boolean' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('npm run lake -- "<SQL>" [--json | --csv] [--data-dir <dir>]   (no SQL: interactive prompt)\nTables: profile_daily, video_daily, videos (partitions tenant_id, dt). See docs/lake.md.');
    return 0;
  }
  const format = values.json ? 'json' : values.csv ? 'csv' : 'table';
  const root = path.resolve(values['data-dir'] ?? process.env.DATA_DIR ?? '.data');
  const lake = await openLocalLake(root);
  try {
    if (positionals.length > 0) {
      console.log(formatResult(await lake.query(positionals.join(' ')), format));
      return 0;
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
    console.log(`DuckDB over ${path.join(root, 'lake')} — tables profile_daily, video_daily, videos. End statements with ';', .quit to leave.`);
    let buffer = '';
    rl.setPrompt('lake> ');
    rl.prompt();
    for await (const line of rl) {
      if (buffer === '' && /^\s*(\.quit|\.exit|quit|exit)\s*;?\s*$/i.test(line)) break;
      buffer += `${line}\n`;
      if (/;\s*$/.test(line)) {
        try {
          console.log(formatResult(await lake.query(buffer), format));
        } catch (err) {
          console.error((err as Error).message);
        }
        buffer = '';
      }
      rl.setPrompt(buffer ? '  ...> ' : 'lake> ');
      rl.prompt();
    }
    rl.close();
    return 0;
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  } finally {
    lake.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
