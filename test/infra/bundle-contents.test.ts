/**
 * Least privilege reaches the code: a function bundles an AWS SDK client only when its `uses`
 * (shared/topology/functions.ts, the source of its IAM role) lets it call that service, and modules
 * that only read schemas (OpenAPI, schedules) do not drag in renderers or the token stack. Each
 * function is bundled with THE esbuild settings (infra/bundling.ts), in memory, and its metafile read.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/bundling.ts';
import { FUNCTIONS, type FunctionPermission } from '../../shared/topology/functions.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Which `uses` entries allow an SDK client in the bundle. DynamoDB is left out: every function has it (auth, context). */
const CLIENT_NEEDS: Record<string, readonly FunctionPermission[]> = {
  '@aws-sdk/client-kms': ['tokens:encrypt', 'tokens:decrypt'],
  '@aws-sdk/client-secrets-manager': ['secret:read'],
  '@aws-sdk/client-s3': ['bucket:read', 'bucket:write', 'lake:write'],
  '@aws-sdk/client-sqs': ['queue:send', 'queue:consume', 'capture-queue:send', 'capture-queue:consume', 'webhook-queue:send', 'webhook-queue:consume'],
};

/** Packages in a function's bundle (bytes kept after tree shaking > 0). */
async function bundledPackages(entry: string): Promise<Map<string, number>> {
  const result = await build({ ...esbuildOptions(path.join(root, entry), path.join(root, 'dist-test/index.mjs')), write: false, metafile: true, logLevel: 'silent' });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint)!;
  const packages = new Map<string, number>();
  for (const [file, info] of Object.entries(output.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    if (name && info.bytesInOutput > 0) packages.set(name, (packages.get(name) ?? 0) + info.bytesInOutput);
  }
  return packages;
}

describe('bundle contents follow each function\'s permissions', () => {
  for (const spec of FUNCTIONS) {
    it(`${spec.name} bundles only the SDK clients its role may use`, async () => {
      const packages = await bundledPackages(spec.entry);
      const uses: readonly FunctionPermission[] = spec.uses;
      for (const [client, needs] of Object.entries(CLIENT_NEEDS)) {
        const allowed = needs.some((n) => uses.includes(n));
        if (!allowed) expect(packages.has(client), `${spec.name} bundles ${client} without ${needs.join(' or ')}`).toBe(false);
      }
    }, 60_000);
  }

  it('only the functions that write Parquet bundle hyparquet-writer (the lake writer: lake:write; Parquet deliveries: bucket:write)', async () => {
    for (const spec of FUNCTIONS) {
      const packages = await bundledPackages(spec.entry);
      const writes = (spec.uses as readonly FunctionPermission[]).some((u) => u === 'lake:write' || u === 'bucket:write');
      if (!writes) expect(packages.has('hyparquet-writer'), spec.name).toBe(false);
      else expect(packages.get('hyparquet-writer') ?? 0, spec.name).toBeGreaterThan(0);
    }
  }, 300_000);

  it('meta serves the generated OpenAPI file: no renderers, Cloud9QL, cron code or token stack inside', async () => {
    const packages = await bundledPackages('functions/meta/handler.ts');
    for (const heavy of ['d3-shape', 'csv-stringify', 'chevrotain', 'croner', '@aws-sdk/client-kms', '@aws-sdk/client-secrets-manager']) {
      expect(packages.has(heavy), heavy).toBe(false);
    }
  }, 60_000);

  it('meta bundles the compact OpenAPI form, not the 218 KiB JSON document (shared/api/openapi-body.ts)', async () => {
    const result = await build({ ...esbuildOptions(path.join(root, 'functions/meta/handler.ts'), path.join(root, 'dist-test/index.mjs')), write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.entries(Object.values(result.metafile.outputs).find((o) => o.entryPoint)!.inputs);
    const kept = (suffix: string) => inputs.some(([file, info]) => file.endsWith(suffix) && info.bytesInOutput > 0);
    expect(kept('shared/api/openapi.json')).toBe(false);
    expect(kept('shared/api/openapi-compact.ts')).toBe(true);
  }, 60_000);

  it('mcp speaks JSON-RPC itself: neither the MCP SDK nor its Ajv in the bundle (shared/mcp/jsonrpc.ts)', async () => {
    const packages = await bundledPackages('functions/mcp/handler.ts');
    for (const heavy of ['@modelcontextprotocol/sdk', 'ajv', 'ajv-formats', 'fast-uri']) expect(packages.has(heavy), heavy).toBe(false);
  }, 60_000);

  it('schedule validation (schedules) does not bundle the HTML renderer, Cloud9QL or the token stack', async () => {
    const packages = await bundledPackages('functions/schedules/handler.ts');
    // csv-stringify (10 KiB) does ride along: it declares no `sideEffects: false`, so esbuild keeps it once reachable.
    for (const heavy of ['d3-shape', 'chevrotain', '@aws-sdk/client-kms', '@aws-sdk/client-secrets-manager']) expect(packages.has(heavy), heavy).toBe(false);
  }, 60_000);

  it('SDK aggregated clients stay tree-shaken away (no inlined dynamic import wrapping them)', async () => {
    const result = await build({
      ...esbuildOptions(path.join(root, 'functions/report-profile/handler.ts'), path.join(root, 'dist-test/index.mjs')),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.values(result.metafile.outputs).find((o) => o.entryPoint)!.inputs;
    const kept = (suffix: string) => Object.entries(inputs).some(([file, info]) => file.endsWith(suffix) && info.bytesInOutput > 0);
    expect(kept('@aws-sdk/client-dynamodb/dist-es/DynamoDB.js')).toBe(false);
    expect(kept('@aws-sdk/client-kms/dist-es/KMS.js')).toBe(false);
  }, 60_000);
});
