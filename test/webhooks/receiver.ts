/**
 * A local webhook receiver (node:http on 127.0.0.1) that verifies every signed request with the
 * svix package's Standard Webhooks verifier, an implementation independent of ours. Each path has
 * a script: what to answer to its n-th request (a status, or hang).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'svix';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> } & Record<string, unknown>;
  receivedAt: number;
  /** svix verified the signature with the path's secret (undefined: no secret known for the path). */
  verified?: boolean;
}

export type Reply = number | 'hang';

export interface Receiver {
  url(path: string): string;
  /** The secret(s) a path's requests must verify with (any of them). */
  secrets: Map<string, string[]>;
  script: Map<string, (n: number) => Reply>;
  received: Received[];
  on(path: string): Received[];
  waitFor(pred: (r: Received) => boolean, what: string, count?: number): Promise<Received[]>;
  close(): Promise<void>;
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
  });
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const secrets = new Map<string, string[]>();
  const script = new Map<string, (n: number) => Reply>();
  const counts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified: boolean | undefined;
      const keys = secrets.get(path);
      if (keys) {
        verified = keys.some((k) => {
          try {
            new Webhook(k).verify(body, headers);
            return true;
          } catch {
            return false;
          }
        });
      }
      let json: Received['json'];
      try {
        json = JSON.parse(body) as Received['json'];
      } catch {
        json = { type: '', timestamp: '', data: {} };
      }
      received.push({ path, headers, body, json, receivedAt: Date.now(), verified });
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const reply = script.get(path)?.(n) ?? 204;
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(reply).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const on = (path: string) => received.filter((r) => r.path === path);
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    secrets,
    script,
    received,
    on,
    async waitFor(pred, what, count = 1) {
      for (let i = 0; i < 2_000; i++) {
        const hits = received.filter(pred);
        if (hits.length >= count) return hits;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`receiver: no ${what} (got ${received.map((r) => `${r.path} ${r.json.type}`).join(', ')})`);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
