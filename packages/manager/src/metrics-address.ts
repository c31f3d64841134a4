// Where a manager serves /metrics. It is plain HTTP without authentication (Prometheus scrapes
// it), so by default it is bound to a loopback address: only this machine can read it. An
// operator who wants it reachable says so with --metrics and gets a warning in the log.

import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { isLoopbackHost, splitHostPort } from '@shoal/identity';

// Also what a worker's /metrics is checked with (@shoal/agent).
export { isLoopbackHost };

function joinHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The default /metrics address: the listen port + 1000 on a loopback address — the listen host
 * itself when it is one (managers sharing a machine on 127.0.0.21, .22, ... keep apart), else
 * 127.0.0.1. "" (none) when port + 1000 is not a port.
 */
export function defaultMetricsAddr(listen: string): string {
  const { host, port } = splitHostPort(listen);
  if (port + 1000 > 65535) return '';
  return joinHostPort(isLoopbackHost(host) ? host : '127.0.0.1', port + 1000);
}

/** Logs a warning when /metrics is served where other machines can read it. */
export function warnIfMetricsExposed(logger: Logger, metrics: string): void {
  if (!metrics) return;
  let host: string;
  try {
    host = splitHostPort(metrics).host;
  } catch {
    return; // serving it fails with its own error
  }
  if (isLoopbackHost(host)) return;
  logger.warn(
    { metrics },
    `/metrics is served on ${metrics}, which is not a loopback address: it is plain HTTP without authentication, readable by anyone who reaches it. ` +
      'Unless a firewall keeps it private, serve it on 127.0.0.1 (the default: leave out --metrics, or pass --metrics 127.0.0.1:PORT to `shoal manager start`)',
  );
}
