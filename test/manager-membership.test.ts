// Membership across real manager processes: managers join and become voters, a demoted
// manager leaves Raft and stops on its own, a removed node is gone, a leader can be demoted
// through the client, and the CLI warns about an even number of managers.

import { afterEach, describe, expect, it } from 'vitest';
import type { ListNodesResponse__Output } from '@shoal/wire';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { logLines, others, waitFor, waitForExit, waitHealthy, writeLabel, writeLabelEventually } from './support/managers.js';

async function voters(cluster: LocalCluster): Promise<string[]> {
  const info = await waitFor('cluster info', () => cluster.clusterInfo(false));
  return info.managers.filter((m) => m.raftRole === 'voter').map((m) => m.id);
}

async function nodes(cluster: LocalCluster): Promise<ListNodesResponse__Output['nodes']> {
  return (await cluster.client().call('ListNodes', { read: { stale: false } })).nodes;
}

describe.sequential('manager membership', () => {
  const lab = new Lab();
  afterEach(({ task }) => lab.cleanup({ failed: task.result?.state === 'fail' }));

  it('grow 3 → 5 (warned at 4), demote and remove a follower, then demote the leader through the client', async () => {
    const cluster = await lab.cluster('membership', 3);
    const client = cluster.client();
    await writeLabel(client, 'm1', 'before');

    // 4 voters: tolerates no more failures than 3 and can split in halves — the CLI says so.
    await cluster.addManager('m4');
    await cluster.waitForVoters(4);
    const even = await lab.runShoal(['cluster-info'], { SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: cluster.adminDir });
    expect(even.code, even.stderr).toBe(0);
    expect(even.stderr).toMatch(/even/);
    expect(even.stderr).toMatch(/odd number/);
    const ls = await lab.runShoal(['node', 'ls'], { SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: cluster.adminDir });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stderr).toMatch(/odd number/);

    await cluster.addManager('m5');
    await cluster.waitForVoters(5);
    const odd = await lab.runShoal(['cluster-info'], { SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: cluster.adminDir });
    expect(odd.code, odd.stderr).toBe(0);
    expect(odd.stderr).not.toMatch(/odd number/);
    expect(await voters(cluster)).toHaveLength(5);

    // Demote a follower: it leaves the Raft group and its process stops by itself.
    const leader = await waitHealthy(cluster, 5);
    const victim = others(cluster, leader).find((m) => m.name !== 'm1')!;
    const demoted = await client.call('DemoteNode', { node: victim.name }, { write: true, timeoutMs: 15_000 });
    expect(demoted.role).toBe('worker');
    expect(await waitForExit(victim)).toBe(0);
    // It stops because it applied its own removal, or — when a peer's refusal reaches it first —
    // because another manager refuses it as demoted: either way for the demotion, and says so.
    expect(logLines(victim, 'manager stopped').map((l) => String(l.reason))).toEqual(
      expect.arrayContaining([expect.stringMatching(/removed from the Raft group|another manager refuses this one: node \S+ \(\w+\) was demoted to a worker/)]),
    );
    const after = await voters(cluster);
    expect(after).toHaveLength(4);
    expect(after).not.toContain(victim.nodeId);
    const asWorker = (await nodes(cluster)).find((n) => n.id === victim.nodeId);
    expect(asWorker?.role).toBe('worker');
    expect(asWorker?.managerStatus).toBeNull();

    await client.call('RemoveNode', { node: victim.name, force: false }, { write: true });
    expect((await nodes(cluster)).map((n) => n.id)).not.toContain(victim.nodeId);
    await writeLabel(client, 'm1', 'after-remove');

    // Demote the leader itself: it hands leadership over and the client follows NOT_LEADER
    // to the new leader, which carries the demotion out.
    const oldLeader = await waitHealthy(cluster, 4);
    const r = await client.call('DemoteNode', { node: oldLeader.name }, { write: true, timeoutMs: 15_000 });
    expect(r.id).toBe(oldLeader.nodeId);
    expect(r.role).toBe('worker');
    expect(await waitForExit(oldLeader)).toBe(0);
    const newLeader = await cluster.waitForLeader(oldLeader.nodeId);
    expect(newLeader.nodeId).not.toBe(oldLeader.nodeId);
    const three = await voters(cluster);
    expect(three).toHaveLength(3);
    expect(three).not.toContain(oldLeader.nodeId);
    await writeLabelEventually(client, 'm1', 'after-leader-demoted');
    const info = await cluster.client().call('ClusterInfo', { read: { stale: false } });
    expect(info.quorum).toBe(2);
    const m1 = await client.call('GetNode', { node: 'm1', read: { stale: false } });
    expect(m1.labels).toMatchObject({ before: 'v', 'after-remove': 'v', 'after-leader-demoted': 'v' });
  });
});
