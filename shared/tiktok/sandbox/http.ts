/** Small node:http helpers for the sandbox: bounded body reading, JSON/HTML answers, TikTok log ids. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends Error {}

const bodies = new WeakMap<IncomingMessage, Promise<string>>();

/** Read once per request (memoised): a delayed fault receives the body first, as a slow server would. */
export function readBody(req: IncomingMessage): Promise<string> {
  let body = bodies.get(req);
  if (!body) {
    body = readBodyOnce(req);
    bodies.set(req, body);
  }
  return body;
}

async function readBodyOnce(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The pages are self-contained: no external resource may load.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; base-uri 'none'",
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** TikTok-like log ids: UTC timestamp + a counter, e.g. `20240601093000` + `0000A1`. */
export function createLogIds(now: () => number): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    const stamp = new Date(now()).toISOString().replace(/\D/g, '').slice(0, 14);
    return `${stamp}SANDBOX${counter.toString(16).toUpperCase().padStart(6, '0')}`;
  };
}
