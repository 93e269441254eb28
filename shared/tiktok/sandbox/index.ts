/**
 * The TikTok sandbox: a local emulator of the endpoints in docs/tiktok.md (same paths, methods,
 * payloads, error shapes and statuses) with seeded accounts and knobs for tests. The local runtime
 * mounts `handle` under `/sandbox/tiktok`; product code reaches it only through the two base URLs.
 */
export {
  createTikTokSandbox,
  DEFAULT_ACCESS_TTL_SECONDS,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  DEFAULT_REFRESH_TTL_SECONDS,
  type SandboxOptions,
  type TikTokSandbox,
} from './sandbox.ts';
export { startSandboxServer, SANDBOX_PREFIX } from './server.ts';
export { BASE_TIME_SECONDS, DEFAULT_SEED, seedAccounts, type SandboxAccount } from './accounts.ts';
export { SANDBOX_ENDPOINTS, type CallLogEntry, type FaultSpec, type SandboxEndpoint } from './knobs.ts';
export { CODE_TTL_MS, type ChallengeEncoding, type SandboxTokenSnapshot } from './tokens.ts';
