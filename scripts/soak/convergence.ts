// The end check: once the churn and the kills stopped, the cluster must settle — every manager
// up, exactly one leader that every manager reaches, and every service running exactly its
// replicas (no update still rolling, no task left over).

import { isFinalState } from '@shoal/store';
import { waitFor, type LocalCluster } from '../lib/cluster.js';
import { scrapeRaftMetrics } from './raft-metrics.js';

export interface Convergence {
  readonly converged: boolean;
  /** Seconds the cluster took to settle after the churn stopped (or the timeout). */
  readonly seconds: number;
  readonly leader: string | undefined;
  readonly services: number;
  readonly replicas: number;
  /** What was still wrong at the deadline. */
  readonly problems: readonly string[];
}

/** What keeps the cluster from being settled right now (empty: settled). */
async function problemsNow(cluster: LocalCluster): Promise<{ problems: string[]; leader?: string; services: number; replicas: number }> {
  const problems: string[] = [];
  const down = cluster.managers.filter((m) => !m.proc).map((m) => m.name);
  if (down.length > 0) problems.push(`managers down: ${down.join(', ')}`);
  const metrics = await Promise.all(cluster.managers.map((m) => scrapeRaftMetrics(m.metrics)));
  const leaders = cluster.managers.filter((_, i) => metrics[i]?.isLeader).map((m) => m.name);
  if (leaders.length !== 1) problems.push(`${leaders.length} managers say they lead (${leaders.join(', ') || 'none'})`);
  const client = cluster.client();
  const info = await client.call('ClusterInfo', { read: { stale: false } }, { timeoutMs: 3000 });
  if (info.reachableVoters !== cluster.managers.length) problems.push(`the leader reaches ${info.reachableVoters} of ${cluster.managers.length} managers`);
  const { services } = await client.call('ListServices', { read: { stale: false } }, { timeoutMs: 3000 });
  const { tasks } = await client.call('ListTasks', { read: { stale: false } }, { timeoutMs: 5000 });
  let replicas = 0;
  for (const s of services) {
    const want = Number(s.spec?.replicas ?? 0);
    replicas += want;
    const mine = tasks.filter((t) => t.serviceId === s.id && t.desiredState === 'running' && !isFinalState(t.state));
    const running = mine.filter((t) => t.state === 'running').length;
    if (running !== want || mine.length !== want) problems.push(`${s.spec?.name ?? s.id}: ${running} running, ${mine.length} live, wants ${want}`);
  }
  const leader = cluster.managers.find((m) => m.nodeId === info.leader)?.name;
  return { problems, ...(leader ? { leader } : {}), services: services.length, replicas };
}

export async function waitConverged(cluster: LocalCluster, timeoutMs: number): Promise<Convergence> {
  const started = performance.now();
  let last: Awaited<ReturnType<typeof problemsNow>> = { problems: ['not checked yet'], services: 0, replicas: 0 };
  try {
    await waitFor(
      'the cluster to converge',
      async () => {
        last = await problemsNow(cluster);
        return last.problems.length === 0 ? true : undefined;
      },
      timeoutMs,
      500,
    );
  } catch (e) {
    if (last.problems.length === 0) last = { ...last, problems: [(e as Error).message] };
  }
  return {
    converged: last.problems.length === 0,
    seconds: (performance.now() - started) / 1000,
    leader: last.leader,
    services: last.services,
    replicas: last.replicas,
    problems: last.problems,
  };
}
