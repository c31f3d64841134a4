// `shoal join-token worker|manager [--rotate] [--quiet]`, like `docker swarm join-token`.

import type { ControlConnection } from '../client.js';
import { printJson } from '../output.js';

export async function joinToken(
  conn: ControlConnection,
  role: 'worker' | 'manager',
  o: { rotate: boolean; quiet: boolean; json: boolean; hosts: readonly string[] },
): Promise<void> {
  const r = await conn.call('JoinToken', { role, rotate: o.rotate }, { write: o.rotate });
  if (o.json) return printJson({ role: r.role, token: r.token });
  if (o.quiet) return void process.stdout.write(`${r.token}\n`);
  if (o.rotate) process.stdout.write(`Rotated the ${role} join token; the old one is refused from now on.\n\n`);
  const command =
    role === 'manager'
      ? `shoal manager join ${o.hosts[0]} --token ${r.token} --listen HOST:PORT --data DIR`
      : `shoal worker join ${o.hosts[0]} --token ${r.token} --data DIR`;
  process.stdout.write(`To add a ${role} to this cluster, run:\n\n    ${command}\n\n`);
}
