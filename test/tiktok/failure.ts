import { TikTokError } from '../../shared/tiktok/index.ts';

/** Awaits a call that must fail with a TikTokError and returns that error (anything else fails the test). */
export async function failure(p: Promise<unknown>): Promise<TikTokError> {
  const e = await p.then(
    (value) => new Error(`expected a TikTokError, but the call succeeded with ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
  if (!(e instanceof TikTokError)) throw e instanceof Error ? e : new Error(`expected a TikTokError, got ${String(e)}`);
  return e;
}
