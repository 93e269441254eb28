/** Connects a sandbox account through the real OAuth steps (authorize form, code exchange): for the benches. */
import { createPkceVerifier, pkceChallenge, type TikTokClient } from '../../shared/tiktok/index.ts';

const REDIRECT = 'https://bench.example.com/cb';

export async function connect(client: TikTokClient, baseUrl: string, openId: string): Promise<string> {
  const verifier = createPkceVerifier();
  const url = new URL(client.buildAuthorizeUrl({ scopes: ['user.info.basic', 'video.list'], redirectUri: REDIRECT, state: 's', codeChallenge: pkceChallenge(verifier) }));
  const q = url.searchParams;
  const form = new URLSearchParams({
    client_key: q.get('client_key')!,
    response_type: 'code',
    requested_scopes: q.get('scope')!,
    redirect_uri: REDIRECT,
    state: 's',
    code_challenge: q.get('code_challenge')!,
    code_challenge_method: 'S256',
    account: openId,
    decision: 'approve',
  });
  for (const scope of ['user.info.basic', 'video.list']) form.append('scope', scope);
  const res = await fetch(`${baseUrl}/v2/auth/authorize/`, { method: 'POST', body: form, redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  return (await client.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier })).accessToken;
}
