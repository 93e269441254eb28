/**
 * The TikTok sandbox: a local emulator of the endpoints in docs/tiktok.md (same paths, methods,
 * payloads, error shapes and statuses) with seeded accounts and knobs for tests. The local runtime
 * mounts `handle` under `/sandbox/tiktok`; product code reaches it only through the two base URLs.
 */
export {
  createTikTokSandbox,
  type SandboxOptions,
  type TikTokSandbox,
} from './sandbox.ts';
export { startSandboxServer } from './server.ts';
export { BASE_TIME_SECONDS, DEFAULT_SEED, seedAccounts, type SandboxAccount } from './accounts.ts';
export { CODE_TTL_MS, type SandboxTokenSnapshot } from './tokens.ts';
