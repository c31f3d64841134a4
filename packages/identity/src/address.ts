// Addresses as flags and node.json give them: "host:port", IPv6 in brackets ("[::1]:4242").

/** Parses "host:port" with a clear error (IPv6 in brackets). */
export function splitHostPort(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(addr.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 0 || port > 65535) throw new Error(`"${addr}" is not an address of the form HOST:PORT (e.g. 127.0.0.1:4242)`);
  return { host: (m[1] ?? m[2])!, port };
}

/** A host name or address that only this machine reaches (where plain-HTTP /metrics may be served without a warning). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::1' || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
