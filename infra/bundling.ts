/**
 * THE esbuild settings for every Lambda bundle, in one place: the CDK stack passes them to
 * NodejsFunction (which runs the locally installed esbuild CLI, never Docker) and `npm run build`
 * (infra/build.ts) passes the same values to esbuild's JS API, so dist/<name>/index.mjs is the code
 * that deploys. test/infra/bundling.test.ts checks both paths produce byte-identical bundles.
 */
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The newest Node.js runtime Lambda offers (cdk-nag AwsSolutions-L1 passes without an acknowledgement). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/**
 * ESM output still meets CommonJS dependencies that call `require` for Node built-ins; esbuild's
 * ESM output has no `require`, so the bundle defines one (esbuild docs, "ESM and require").
 */
export const ESM_REQUIRE_BANNER = "import{createRequire}from'module';const require=createRequire(import.meta.url);";

export const BUNDLE_SETTINGS = {
  /** Matches the runtime; no down-levelling of syntax Node 24 runs natively. */
  target: 'node24',
  platform: 'node',
  format: 'esm',
  /** Prefer the ES-module builds of dependencies (better tree shaking, e.g. the AWS SDK). */
  mainFields: ['module', 'main'],
  minify: true,
  /** External .map next to the bundle; NODE_OPTIONS=--enable-source-maps maps stack traces. */
  sourceMap: true,
  /** Stack traces need only names and positions; embedding the sources would double the asset. */
  sourcesContent: false,
  banner: ESM_REQUIRE_BANNER,
  /**
   * Nothing external: the AWS SDK v3 is bundled, so the versions that run are the ones in
   * package-lock.json (not whatever the Lambda runtime happens to ship), and tree shaking keeps
   * only the clients a function imports.
   */
  externalModules: [] as string[],
} as const;

/** Output file name inside a function's asset / dist folder (ESM needs the .mjs extension). */
export const BUNDLE_FILE = 'index.mjs';

/** For NodejsFunction (`bundling`). */
export function cdkBundlingOptions(): BundlingOptions {
  return {
    target: BUNDLE_SETTINGS.target,
    format: OutputFormat.ESM,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    minify: BUNDLE_SETTINGS.minify,
    sourceMap: BUNDLE_SETTINGS.sourceMap,
    sourcesContent: BUNDLE_SETTINGS.sourcesContent,
    banner: BUNDLE_SETTINGS.banner,
    externalModules: [...BUNDLE_SETTINGS.externalModules],
    bundleAwsSDK: true,
    // Local esbuild only: fail instead of silently switching to a Docker build.
    forceDockerBundling: false,
  };
}

/** For esbuild's JS API, mirroring the CLI flags NodejsFunction derives from `cdkBundlingOptions()`. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    target: BUNDLE_SETTINGS.target,
    platform: BUNDLE_SETTINGS.platform,
    format: BUNDLE_SETTINGS.format,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    minify: BUNDLE_SETTINGS.minify,
    sourcemap: BUNDLE_SETTINGS.sourceMap,
    sourcesContent: BUNDLE_SETTINGS.sourcesContent,
    banner: { js: BUNDLE_SETTINGS.banner },
    external: [...BUNDLE_SETTINGS.externalModules],
    logLevel: 'warning',
  };
}
