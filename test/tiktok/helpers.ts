/** Test helpers: a sandbox on a free port, a client pointed at it, and the consent step without a browser. */
import { ALL_SCOPES, createPkceVerifier, createTikTokClient, pkceChallenge, type TikTokClient, type TikTokClientConfig, type TokenSet } from '../../shared/tiktok/index.ts';
import { startSandboxServer, type SandboxOptions, type TikTokSandbox } from '../../shared/tiktok/sandbox/index.ts';

export const CLIENT_KEY = 'test-client-key';
export const CLIENT_SECRET = 'test-client-secret-0123456789';
export const REDIRECT_URI = 'https://connector.example.com/v1/oauth/callback';

export interface SandboxEnv {
  baseUrl: string;
  sandbox: TikTokSandbox;
  close(): Promise<void>;
  /** A client for this sandbox; fast retries by default so no test waits real seconds. */
  client(overrides?: Partial<TikTokClientConfig>): TikTokClient;
  /** open_id of the seeded account with this many videos. */
  openId(videoCount: 0 | 5 | 437): string;
}

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<SandboxEnv> {
  const server = await startSandboxServer({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, ...options });
  return {
    ...server,
    client: (overrides = {}) =>
      createTikTokClient({
        clientKey: CLIENT_KEY,
        clientSecret: CLIENT_SECRET,
        authBaseUrl: server.baseUrl,
        apiBaseUrl: server.baseUrl,
        timeoutMs: 2_000,
        retry: { retries: 2, minDelayMs: 1, maxDelayMs: 20 },
        ...overrides,
      }),
    openId: (videoCount) => server.sandbox.accounts().find((a) => a.videoCount === videoCount)!.openId,
  };
}

export interface ConsentChoice {
  /** Scopes requested in the authorize URL (default: all four). */
  scopes?: readonly string[];
  /** Scopes ticked on the consent page (default: all requested). */
  grant?: readonly string[];
  openId: string;
  decision?: 'approve' | 'deny';
  redirectUri?: string;
  state?: string;
  codeChallenge?: string;
}

/** Opens the consent page the way a browser would, then submits it; returns the redirect's query. */
export async function consent(env: SandboxEnv, client: TikTokClient, c: ConsentChoice): Promise<URLSearchParams> {
  const scopes = [...(c.scopes ?? ALL_SCOPES)];
  const url = client.buildAuthorizeUrl({
    scopes,
    redirectUri: c.redirectUri ?? REDIRECT_URI,
    state: c.state ?? 'state-123',
    codeChallenge: c.codeChallenge ?? pkceChallenge(createPkceVerifier()),
  });
  const page = await fetch(url);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const query = new URL(url).searchParams;
  const form = new URLSearchParams({
    client_key: query.get('client_key')!,
    response_type: 'code',
    requested_scopes: query.get('scope')!,
    redirect_uri: query.get('redirect_uri')!,
    state: query.get('state')!,
    code_challenge: query.get('code_challenge')!,
    code_challenge_method: 'S256',
    account: c.openId,
    decision: c.decision ?? 'approve',
  });
  for (const scope of c.grant ?? scopes) form.append('scope', scope);
  const res = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  if (res.status !== 302) throw new Error(`consent answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location')!).searchParams;
}

/** The whole connect flow: consent, then code exchange with PKCE. */
export async function connect(env: SandboxEnv, client: TikTokClient, c: Omit<ConsentChoice, 'codeChallenge'>): Promise<TokenSet> {
  const verifier = createPkceVerifier();
  const callback = await consent(env, client, { ...c, codeChallenge: pkceChallenge(verifier) });
  return client.exchangeCode({ code: callback.get('code')!, redirectUri: c.redirectUri ?? REDIRECT_URI, codeVerifier: verifier });
}

/** Calls per endpoint in the sandbox's call log. */
export function callsTo(env: SandboxEnv, endpoint: string): number {
  return env.sandbox.callLog().filter((c) => c.endpoint === endpoint).length;
}
