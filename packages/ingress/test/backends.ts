// What the routing mesh tests share: small HTTP backends on 127.0.0.1, a free port to publish
// on, a GET through it, and a condition wait with a deadline.

import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { vi } from 'vitest';

export const quiet = { info() {}, warn() {} };

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createTcpServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** An HTTP server answering with its name; /hold is answered only when the test says so. */
export async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url === '/hold') return; // a long connection: never answered, closed by the client
    res.end(name);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

export async function get(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } });
  return res.text();
}

/** Waits until `probe` gives a value: vitest's condition wait, retried until it does or the deadline passes. */
export function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeout = 5000): Promise<T> {
  return vi.waitFor(
    async () => {
      const v = await probe();
      if (v === undefined) throw new Error('not yet');
      return v;
    },
    { timeout, interval: 10 },
  );
}
