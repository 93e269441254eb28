/**
 * Bundles function entries with THE settings of infra/bundling.ts through esbuild's JS API
 * (used by `npm run build` and the bundle benchmark). One function -> <outDir>/<name>/index.mjs.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLE_FILE, esbuildOptions } from './bundling.ts';

export interface BundleResult {
  name: string;
  outfile: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  /** Source files that kept code in the bundle (metafile paths relative to the repository root). */
  inputs: string[];
}

export class MissingEntryError extends Error {
  constructor(readonly entry: string) {
    super(`Entry ${entry} does not exist`);
    this.name = 'MissingEntryError';
  }
}

export async function bundleEntry(name: string, entry: string, outDir: string): Promise<BundleResult> {
  if (!existsSync(entry)) throw new MissingEntryError(entry);
  const outfile = path.join(outDir, name, BUNDLE_FILE);
  const { metafile } = await build({ ...esbuildOptions(entry, outfile), metafile: true });
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const code = await readFile(outfile);
  return {
    name,
    outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    mapBytes: statSync(`${outfile}.map`).size,
    inputs: Object.entries(output?.inputs ?? {}).filter(([, info]) => info.bytesInOutput > 0).map(([file]) => file),
  };
}

export function formatKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
