// Reading and writing a cluster of real managers the way the tests need: label writes as the
// unit of acknowledged Raft writes, and reads answered by one chosen manager (stale, i.e. its
// own state) to see what that manager has applied.

import { readFileSync } from 'node:fs';
import type { ControlConnection } from '@shoal/cli';
import type { ClusterInfoResponse__Output, ListNodesResponse__Output, WireNode__Output } from '@shoal/wire';
import { waitFor, type LocalCluster, type ManagerProcess } from '../../scripts/lib/cluster.js';

export { waitFor };

/** One acknowledged Raft write: adds label `key`=`value` to `node`. */
export function writeLabel(client: ControlConnection, node: string, key: string, o: { timeoutMs?: number; value?: string } = {}): Promise<WireNode__Output> {
  return client.call(
    'UpdateNode',
    { node, addLabels: { [key]: o.value ?? 'v' }, removeLabels: [], availability: '', version: '0' },
    { write: true, ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) },
  );
}

/**
 * Writes until one attempt is acknowledged (right after a failover the first attempts may meet
 * a manager that does not know the new leader yet). Fails with the last error at the deadline.
 */
export function writeLabelEventually(client: ControlConnection, node: string, key: string, timeoutMs = 20_000): Promise<WireNode__Output> {
  return waitFor(`the write ${key} to be acknowledged`, () => writeLabel(client, node, key, { timeoutMs: 3000 }), timeoutMs);
}

/** Runs `fn` with a connection to exactly one manager, so that it alone answers. */
export async function withManager<T>(cluster: LocalCluster, m: ManagerProcess, fn: (conn: ControlConnection) => Promise<T>): Promise<T> {
  const conn = cluster.client([m.addr]);
  try {
    return await fn(conn);
  } finally {
    conn.close();
  }
}

/** `m`'s own view (stale read, answered by `m`). */
export function infoFrom(cluster: LocalCluster, m: ManagerProcess, o: { stale?: boolean } = {}): Promise<ClusterInfoResponse__Output> {
  return withManager(cluster, m, async (conn) => {
    const info = await conn.call('ClusterInfo', { read: { stale: o.stale ?? true } }, { timeoutMs: 3000 });
    if (info.answeredBy !== m.nodeId) throw new Error(`${m.name} did not answer itself`);
    return info;
  });
}

/** The nodes as `m` has them (stale read answered by `m`). */
export function nodesFrom(cluster: LocalCluster, m: ManagerProcess): Promise<ListNodesResponse__Output['nodes']> {
  return withManager(cluster, m, async (conn) => (await conn.call('ListNodes', { read: { stale: true } }, { timeoutMs: 3000 })).nodes);
}

/** The labels of `node` as `m` has them (stale read answered by `m`). */
export async function labelsFrom(cluster: LocalCluster, m: ManagerProcess, node: string): Promise<Record<string, string>> {
  const n = (await nodesFrom(cluster, m)).find((x) => x.name === node || x.id === node);
  if (!n) throw new Error(`${m.name} has no node ${node}`);
  return n.labels;
}

/**
 * The leader's commit index after a linearizable read on the leader: every write acknowledged
 * before the call is at or below it.
 */
export async function leaderCommit(cluster: LocalCluster, timeoutMs = 20_000): Promise<number> {
  return waitFor(
    "the leader's commit index",
    async () => {
      const leader = await cluster.waitForLeader(undefined, timeoutMs);
      const info = await infoFrom(cluster, leader, { stale: false });
      return info.leader === leader.nodeId ? Number(info.commitIndex) : undefined;
    },
    timeoutMs,
  );
}

/** Waits until `m` has applied everything up to `index`. */
export async function waitCaughtUp(cluster: LocalCluster, m: ManagerProcess, index: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `${m.name} to apply up to index ${index}`,
    async () => (Number((await infoFrom(cluster, m)).appliedIndex) >= index ? true : undefined),
    timeoutMs,
  );
}

/** Waits until the leader has `voters` voters and reaches all of them; returns the leader. */
export async function waitHealthy(cluster: LocalCluster, voters: number, timeoutMs = 30_000): Promise<ManagerProcess> {
  return waitFor(
    `a leader reaching all ${voters} voters`,
    async () => {
      const leader = await cluster.waitForLeader(undefined, timeoutMs);
      const info = await infoFrom(cluster, leader);
      return info.leader === leader.nodeId && info.voters === voters && info.reachableVoters === voters ? leader : undefined;
    },
    timeoutMs,
  );
}

/** Waits for a manager process to exit on its own; returns its exit code. */
export async function waitForExit(m: ManagerProcess, timeoutMs = 20_000): Promise<number | null> {
  const proc = m.proc;
  if (!proc) throw new Error(`${m.name} has no process`);
  if (proc.exitCode === null && proc.signalCode === null) {
    await waitFor(`${m.name}'s process to exit`, () => (proc.exitCode !== null || proc.signalCode !== null ? true : undefined), timeoutMs);
  }
  m.proc = undefined;
  return proc.exitCode;
}

/** The pino JSON lines of a manager's log file with this `msg`. */
export function logLines(m: ManagerProcess, msg: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(m.logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const rec = JSON.parse(line) as Record<string, unknown>;
      if (rec.msg === msg) out.push(rec);
    } catch {
      /* a line still being written */
    }
  }
  return out;
}

/** The running managers other than `not`. */
export function others(cluster: LocalCluster, ...not: ManagerProcess[]): ManagerProcess[] {
  return cluster.managers.filter((m) => m.proc && !not.some((n) => n.nodeId === m.nodeId));
}
