/**
 * Loads and invokes the same handler modules that deploy (shared/topology/functions.ts), the
 * way Lambda would: one module instance per function, imported on first use.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import { FUNCTIONS, type FunctionName } from '../../shared/topology/functions.ts';
import { localLambdaContext } from './lambda-context.ts';

type AnyHandler = (event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>;

const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const loaded = new Map<string, Promise<AnyHandler>>();

function load(name: FunctionName): Promise<AnyHandler> {
  let p = loaded.get(name);
  if (!p) {
    const spec = FUNCTIONS.find((f) => f.name === name);
    if (!spec) throw new Error(`Unknown function ${name}`);
    p = import(pathToFileURL(path.join(REPO_ROOT, spec.entry)).href).then((m: { handler?: AnyHandler }) => {
      if (typeof m.handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
      return m.handler;
    });
    loaded.set(name, p);
  }
  return p;
}

/**
 * Every function shares one process (and one Powertools logger) here, and invocations overlap: each
 * runs in its own InvokeStore context, as on a multi-concurrency Lambda (the runtime sets
 * AWS_LAMBDA_MAX_CONCURRENCY), so Powertools keeps the Lambda context per invocation and a log line
 * names the function that wrote it.
 */
export function invocationStore(): Promise<InvokeStoreBase> {
  return InvokeStore.getInstanceAsync(true);
}

export async function invokeFunction(name: FunctionName, event: unknown): Promise<unknown> {
  const handler = await load(name);
  const spec = FUNCTIONS.find((f) => f.name === name)!;
  const context = localLambdaContext(name, spec.timeoutSeconds * 1000);
  const store = await invocationStore();
  return store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => handler(event, context));
}
