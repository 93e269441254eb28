/**
 * Dependencies built once per Lambda container (module scope), rebuilt only when the app context is
 * (tests and the local runtime swap it: shared/context.ts overrideAppContext).
 */
import { appContext, type AppContext } from '../context.ts';

export function perContainer<T>(build: () => T): () => T {
  let built: { for: AppContext; value: T } | undefined;
  return () => {
    const ctx = appContext();
    if (built?.for !== ctx) built = { for: ctx, value: build() };
    return built.value;
  };
}
