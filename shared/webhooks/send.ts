/**
 * One HTTP POST to a webhook target: node:http(s), so no client library rides in the bundle.
 *   - every address DNS gives is checked before connecting (custom `lookup`), and the socket's
 *     remote address once connected: the address checked is the address used (no DNS rebinding);
 *   - redirects are not followed (a 3xx is a failed attempt);
 *   - one deadline for the whole exchange (10 s), and only a short snippet of the answer is read.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { checkAddress } from './address.ts';
import { WEBHOOK_LIMITS } from './settings.ts';

export interface SendResult {
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
  /** The first bytes of the answer, for the attempt log. */
  snippet?: string;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivateTargets: boolean;
}

class RefusedAddressError extends Error {
  constructor(reason: string) {
    super(`refused address: ${reason}`);
    this.name = 'RefusedAddressError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const verdict = checkAddress(a.address, allowPrivate);
        if (!verdict.ok) return callback(new RefusedAddressError(verdict.reason), []);
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export function postWebhook(target: string, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({ ...r, durationMs: Math.round(performance.now() - started) });
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.resolve(done({ ok: false, error: 'invalid URL' }));
  }
  const https = url.protocol === 'https:';
  if (!https && !(options.allowPrivateTargets && url.protocol === 'http:')) return Promise.resolve(done({ ok: false, error: 'scheme not allowed' }));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const verdict = checkAddress(host, options.allowPrivateTargets);
    if (!verdict.ok) return Promise.resolve(done({ ok: false, error: `refused address: ${verdict.reason}` }));
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(r));
    };
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(options.allowPrivateTargets) as never,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'tiktok-connector-webhooks/1' },
        ...(https ? { servername: isIP(host) ? undefined : host } : {}),
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        let snippet = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (snippet.length < WEBHOOK_LIMITS.maxResponseSnippet) snippet += chunk;
          else res.destroy();
        });
        const end = () => finish({ ok: status >= 200 && status < 300, status, snippet: snippet.slice(0, WEBHOOK_LIMITS.maxResponseSnippet) });
        res.on('end', end);
        res.on('close', end);
        res.on('error', end);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timeout after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    req.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        // The address used, whatever resolved it: refused before a byte of the body is sent.
        const verdict = checkAddress(socket.remoteAddress ?? '', options.allowPrivateTargets);
        if (!verdict.ok) req.destroy(new RefusedAddressError(verdict.reason));
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message }));
    req.end(body);
  });
}
