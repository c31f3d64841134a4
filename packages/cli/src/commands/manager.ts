// `shoal manager init|join|start`: run a manager in this process, in the foreground.
// Logs go to stderr (JSON lines, pino); what a person needs to read goes to stdout.

import { hostname } from 'node:os';
import { readUnlockKeyFile, usePrivateUmask } from '@shoal/identity';
import { Manager, type ManagerHandle, type RaftTimings } from '@shoal/manager';
import { printJson } from '../output.js';
import { hideCommandLine, readJoinToken, type TokenSource } from '../token-input.js';

export interface RunOptions {
  readonly data: string;
  readonly listen?: string;
  readonly name?: string;
  readonly metrics?: string;
  readonly json: boolean;
}

/** Keeps the process up until the manager stops; SIGTERM/SIGINT stop it (handing leadership over first). */
async function runUntilStopped(m: ManagerHandle): Promise<void> {
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    process.stderr.write(`\n${sig}: stopping the manager${m.isLeader ? ' (handing leadership over first)' : ''}...\n`);
    void m.stop({ transferLeadership: true });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const reason = await m.stopped;
  if (reason) process.stderr.write(`${reason}\n`);
  exitIfHeldOpen();
}

/** How long a stopped manager's process may stay up for what is still pending. */
const EXIT_GRACE_MS = 3000;

/**
 * Once the manager has stopped the process ends, whatever still holds the event loop (a gRPC
 * channel watch, a socket a peer never closed): an unref'd timer exits after a grace period,
 * naming what was still pending.
 */
function exitIfHeldOpen(): void {
  const timer = setTimeout(() => {
    const counts = new Map<string, number>();
    for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
    const pending = [...counts].map(([r, n]) => (n > 1 ? `${r} ×${n}` : r)).join(', ');
    process.stderr.write(
      `the manager stopped but the process was still held open ${EXIT_GRACE_MS} ms later (pending: ${pending || 'nothing named'}); exiting\n`,
    );
    process.exit();
  }, EXIT_GRACE_MS);
  timer.unref();
}

export async function managerInit(
  o: RunOptions & {
    forceNewCluster: boolean;
    timings?: Partial<RaftTimings>;
    nodeHeartbeatMs?: number;
    taskHistoryLimit: number;
    certExpirySeconds?: number;
    autolock?: boolean;
    unlockKeyFile?: string | undefined;
  },
): Promise<void> {
  // Before anything is created: LevelDB makes its files itself (data-dir-modes.ts in @shoal/identity).
  usePrivateUmask();
  if (o.forceNewCluster) {
    const m = await Manager.forceNewCluster({
      data: o.data,
      ...(o.listen ? { listen: o.listen } : {}),
      ...(o.metrics !== undefined ? { metrics: o.metrics } : {}),
      ...unlockKeyFrom(o.unlockKeyFile),
    });
    process.stdout.write(
      `Recovered a new single-manager cluster from ${o.data}: node ${m.nodeId} now leads alone and keeps all the state.\n` +
        'The other managers are no longer part of it: remove their data before letting them rejoin, then add managers with `shoal join-token manager`.\n',
    );
    return runUntilStopped(m);
  }
  const {
    manager: m,
    tokens,
    adminDir,
    unlockKey,
  } = await Manager.init({
    data: o.data,
    listen: o.listen!,
    name: o.name ?? hostname(),
    ...(o.metrics !== undefined ? { metrics: o.metrics } : {}),
    ...(o.timings ? { timings: o.timings } : {}),
    ...(o.nodeHeartbeatMs !== undefined ? { nodeHeartbeatMs: o.nodeHeartbeatMs } : {}),
    taskHistoryLimit: o.taskHistoryLimit,
    ...(o.certExpirySeconds !== undefined ? { certExpirySeconds: o.certExpirySeconds } : {}),
    ...(o.autolock ? { autolock: true } : {}),
  });
  if (o.json) {
    printJson({ nodeId: m.nodeId, clusterId: m.clusterId, listen: m.listen, tokens, certs: adminDir, ...(unlockKey ? { unlockKey } : {}) });
  } else {
    process.stdout.write(
      `Cluster ${m.clusterId} initialized: this node (${m.nodeId}) is its first manager and leader.\n\n` +
        `To add a worker:\n    shoal worker join ${m.listen} --token ${tokens.worker} --data DIR\n\n` +
        `To add a manager:\n    shoal manager join ${m.listen} --token ${tokens.manager} --listen HOST:PORT --data DIR\n\n` +
        `CLI credentials (keep them private) are in ${adminDir}:\n    export SHOAL_HOST=${m.listen} SHOAL_CERTS=${adminDir}\n`,
    );
    if (unlockKey) {
      process.stdout.write(
        `\nThis cluster is autolocked. Its unlock key is:\n\n    ${unlockKey}\n\n` +
          'Keep it safe, away from the managers (a password manager): a restarted manager stays locked, serving nothing,\n' +
          `until it is given this key (\`shoal manager unlock --data DIR\`, or --unlock-key-file FILE at start).\n` +
          'Without it, a stopped manager cannot be restarted. `shoal manager unlock-key` prints it again.\n',
      );
    }
  }
  return runUntilStopped(m);
}

export async function managerJoin(o: RunOptions & { remote: string; token: TokenSource }): Promise<void> {
  const token = readJoinToken(o.token, 'manager');
  const name = o.name ?? hostname();
  hideCommandLine(`shoal manager join --data ${o.data} (joining as ${name})`);
  usePrivateUmask();
  const m = await Manager.join({
    data: o.data,
    listen: o.listen!,
    remote: o.remote,
    token,
    name,
    ...(o.metrics !== undefined ? { metrics: o.metrics } : {}),
  });
  hideCommandLine(`shoal manager --data ${o.data} (joined as ${name})`);
  if (o.json) printJson({ nodeId: m.nodeId, clusterId: m.clusterId, listen: m.listen });
  else process.stdout.write(`This node (${m.nodeId}) joined cluster ${m.clusterId} as a manager; it catches up and becomes a voter.\n`);
  return runUntilStopped(m);
}

/** --unlock-key-file, read and checked before the manager's data is touched. */
function unlockKeyFrom(file: string | undefined): { unlockKey?: string } {
  return file === undefined ? {} : { unlockKey: readUnlockKeyFile(file) };
}

export async function managerStart(o: RunOptions & { unlockKeyFile?: string | undefined }): Promise<void> {
  usePrivateUmask();
  const m = await Manager.start({
    data: o.data,
    ...(o.listen ? { listen: o.listen } : {}),
    ...(o.metrics !== undefined ? { metrics: o.metrics } : {}),
    ...unlockKeyFrom(o.unlockKeyFile),
  });
  if (o.json) printJson({ nodeId: m.nodeId, clusterId: m.clusterId, listen: m.listen });
  else process.stdout.write(`Manager ${m.nodeId} of cluster ${m.clusterId} resumed from ${o.data}, serving on ${m.listen}.\n`);
  return runUntilStopped(m);
}
