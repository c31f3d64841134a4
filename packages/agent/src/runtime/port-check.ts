// Before a task is started on its host port, the agent checks that nothing on the node holds
// it: a task that cannot listen would otherwise fail with an exit code of its own and no word
// of why (seen with an old container still in its stop grace period on the same port).

import { createServer } from 'node:net';

/**
 * Why `port` on `host` cannot be given to a task ("port 20000 on 127.0.0.41 is in use"), or
 * undefined when it is free (or 0: the task has no port). Only a port another socket listens
 * on counts; any other bind error (an address not on this machine, a privileged port) is left
 * for the task itself to meet and report.
 */
export async function portInUse(host: string | undefined, port: number): Promise<string | undefined> {
  if (!Number.isInteger(port) || port <= 0) return undefined;
  // Without a node address the task may listen anywhere: the wildcard address collides with all.
  const address = host && host !== '' ? host : '0.0.0.0';
  const code = await tryBind(address, port);
  if (code !== 'EADDRINUSE') return undefined;
  return `port ${port} on ${address} is in use: another process on this node listens on it (the task was not started)`;
}

/** Binds and closes at once; resolves with the error code, or undefined when the bind worked. */
function tryBind(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'UNKNOWN'));
    // exclusive: a cluster worker would otherwise share the primary's handle and never see a clash.
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
