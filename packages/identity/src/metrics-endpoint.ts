// The one thing a node serves without TLS: Prometheus metrics, on an address the operator
// chose (loopback unless told otherwise: see metrics-address.ts in the manager and the agent).
// Managers and worker agents serve it the same way.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitHostPort } from './address.js';

/** What a prom-client Registry offers (kept structural, so identity needs no prom-client). */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** Serves GET /metrics on `listen` ("host:port"; port 0 picks one); resolves with the server and the address bound. */
export async function serveMetrics(source: MetricsSource, listen: string): Promise<{ server: Server; addr: string }> {
  const { host, port } = splitHostPort(listen);
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('try /metrics\n');
      return;
    }
    source.metrics().then(
      (body) => res.writeHead(200, { 'content-type': source.contentType }).end(body),
      (e: Error) => res.writeHead(500).end(e.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`cannot serve metrics on ${listen}: ${e.message}`)));
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return { server, addr: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}` };
}
