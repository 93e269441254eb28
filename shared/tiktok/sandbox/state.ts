/** What every sandbox route reads: the app credentials, the clock, the seeded accounts, the token store. */
import type { SandboxAccount } from './accounts.ts';
import type { SandboxTokens } from './tokens.ts';

export interface SandboxState {
  clientKey: string;
  clientSecret: string;
  appName: string;
  now: () => number;
  accounts: readonly SandboxAccount[];
  account(openId: string): SandboxAccount | undefined;
  tokens: SandboxTokens;
  logId: () => string;
}
