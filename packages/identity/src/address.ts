// Addresses as flags and node.json give them: "host:port", IPv6 in brackets ("[::1]:4242").

/** Parses "host:port" with a clear error (IPv6 in brackets). */
export function splitHostPort(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(addr.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 0 || port > 65535) throw new Error(`"${addr}" is not an address of the form HOST:PORT (e.g. 127.0.0.1:4242)`);
  return { host: (m[1] ?? m[2])!, port };
}
