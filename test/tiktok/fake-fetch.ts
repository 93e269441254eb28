/** A scripted fetch for unit tests: answers in order, records every request. */
import { createTikTokClient, type TikTokClient, type TikTokClientConfig } from '../../shared/tiktok/index.ts';

export type Scripted = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

export interface FakeFetch {
  fetch: typeof fetch;
  requests: RecordedRequest[];
}

export function fakeFetch(script: Scripted[] | ((req: RecordedRequest, index: number) => Scripted)): FakeFetch {
  const requests: RecordedRequest[] = [];
  const impl = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const req: RecordedRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : '',
    };
    requests.push(req);
    const index = requests.length - 1;
    const next = typeof script === 'function' ? script(req, index) : script[index];
    if (!next) throw new Error(`fake fetch: no scripted answer for request ${index + 1}`);
    if (next instanceof Error) throw next;
    const text = next.body === undefined ? '' : typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
    return new Response(text, { status: next.status, headers: { 'content-type': 'application/json', ...next.headers } });
  };
  return { fetch: impl as typeof fetch, requests };
}

/** undici's shape for a socket error: TypeError('fetch failed', { cause: Error with code }). */
export function socketError(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
}

export const ok = (data: unknown) => ({ status: 200, body: { data, error: { code: 'ok', message: '', log_id: 'LOG-OK' } } });
export const displayError = (status: number, code: string, headers?: Record<string, string>) => ({
  status,
  body: { data: {}, error: { code, message: `message for ${code}`, log_id: `LOG-${code}` } },
  headers,
});
export const tokenBody = {
  access_token: 'act.fake-access-token',
  expires_in: 7200,
  open_id: 'open-1',
  refresh_token: 'rft.fake-refresh-token',
  refresh_expires_in: 15552000,
  scope: 'user.info.basic,video.list',
  token_type: 'Bearer',
};

export const FAKE_SECRET = 'fake-client-secret-xyz';

export function fakeClient(f: FakeFetch, overrides: Partial<TikTokClientConfig> = {}): TikTokClient {
  return createTikTokClient({
    clientKey: 'ck',
    clientSecret: FAKE_SECRET,
    authBaseUrl: 'https://www.tiktok.com',
    apiBaseUrl: 'https://open.tiktokapis.com',
    retry: { retries: 3, minDelayMs: 1, maxDelayMs: 10 },
    fetch: f.fetch,
    ...overrides,
  });
}
