// Where a worker serves /metrics: nowhere unless asked (`--metrics`). It is plain HTTP without
// authentication, so a bare port binds a loopback address (only this machine reads it), and an
// operator who binds it wider gets a warning in the log — as a manager's /metrics does.

import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { isLoopbackHost, splitHostPort } from '@shoal/identity';

/**
 * The address `--metrics` names: "" (none), "HOST:PORT", or a bare PORT on the node's own
 * loopback address (its listen host when that is one, else 127.0.0.1). Throws a clear error
 * for anything else.
 */
export function workerMetricsAddr(flag: string, listen: string): string {
  const v = flag.trim();
  if (v === '') return '';
  if (/^\d{1,5}$/.test(v)) {
    const port = Number(v);
    if (port > 65535) throw new Error(`--metrics ${flag}: ${port} is not a port (0-65535)`);
    const host = safeHost(listen);
    const loopback = host !== undefined && isLoopbackHost(host) ? host : '127.0.0.1';
    return isIPv6(loopback) ? `[${loopback}]:${port}` : `${loopback}:${port}`;
  }
  try {
    splitHostPort(v);
  } catch {
    throw new Error(`--metrics wants HOST:PORT or a PORT (on loopback), or "" for none (got "${flag}")`);
  }
  return v;
}

function safeHost(addr: string): string | undefined {
  try {
    return splitHostPort(addr).host;
  } catch {
    return undefined;
  }
}

/** Logs a warning when a worker's /metrics is served where other machines can read it. */
export function warnIfWorkerMetricsExposed(logger: Logger, metrics: string): void {
  const host = metrics ? safeHost(metrics) : undefined;
  if (host === undefined || isLoopbackHost(host)) return;
  logger.warn(
    { metrics },
    `/metrics is served on ${metrics}, which is not a loopback address: it is plain HTTP without authentication, readable by anyone who reaches it (task names, services, traffic). ` +
      'Unless a firewall keeps it private, serve it on loopback: `--metrics PORT` binds 127.0.0.1',
  );
}
