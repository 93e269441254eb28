/**
 * Writes the OpenAPI document, generated from the zod schemas that validate requests, to
 * shared/api/openapi.json (`npm run openapi`; `npm run build` does it too). The meta Lambda serves
 * that file instead of building every request schema at cold start (measured: cold import 1.62x ->
 * 0.97x the baseline handler, for +29 KiB of JSON), and clients can generate code from the file in
 * the repository. test/api/openapi-file.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../shared/api/openapi-document.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../shared/api/openapi.json', import.meta.url));

export function openApiFileText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OPENAPI_FILE, openApiFileText());
  console.log(`wrote ${OPENAPI_FILE}`);
}
