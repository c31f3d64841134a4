// Failover across real manager processes: kill -9 leaders and followers, restart them from
// their data directories, stop and start the whole cluster — and check that every
// acknowledged write survives on every manager.

import { afterEach, describe, expect, it } from 'vitest';
import { Lab } from './support/lab.js';
import {
  infoFrom,
  labelsFrom,
  leaderCommit,
  nodesFrom,
  others,
  waitCaughtUp,
  waitFor,
  waitHealthy,
  writeLabel,
  writeLabelEventually,
} from './support/managers.js';
import type { LocalCluster, ManagerProcess } from '../scripts/lib/cluster.js';

/** Waits until `m` has applied the leader's commit index and shows every label in `keys` on node m1. */
async function expectCaughtUp(cluster: LocalCluster, m: ManagerProcess, keys: readonly string[]): Promise<void> {
  const commit = await leaderCommit(cluster);
  await waitCaughtUp(cluster, m, commit);
  const labels = await labelsFrom(cluster, m, 'm1');
  const missing = keys.filter((k) => labels[k] !== 'v');
  expect(missing, `labels missing on ${m.name}`).toEqual([]);
}

describe.sequential('manager failover', () => {
  const lab = new Lab();
  afterEach(({ task }) => lab.cleanup({ failed: task.result?.state === 'fail' }));

  it('3 managers: after kill -9 of the leader another is elected and takes writes; the old leader catches up on restart', async () => {
    const cluster = await lab.cluster('failover3', 3);
    const client = cluster.client();
    await writeLabel(client, 'm1', 'before');
    const old = await cluster.waitForLeader();

    await cluster.kill(old.name, 'SIGKILL');
    const leader = await cluster.waitForLeader(old.nodeId);
    expect(leader.nodeId).not.toBe(old.nodeId);
    await writeLabelEventually(client, 'm1', 'after');

    await cluster.start(old.name);
    const commit = await leaderCommit(cluster);
    // Its own view, answered by it alone: the write made while it was dead, and the whole log.
    await waitFor(`${old.name} to show the write made while it was down`, async () =>
      (await labelsFrom(cluster, old, 'm1')).after === 'v' ? true : undefined,
    );
    await waitCaughtUp(cluster, old, commit);
    const info = await infoFrom(cluster, old);
    expect(info.answeredBy).toBe(old.nodeId);
    expect(Number(info.appliedIndex)).toBeGreaterThanOrEqual(commit);
    expect(info.leader).toBe(leader.nodeId);
    const m1 = (await nodesFrom(cluster, old)).find((n) => n.name === 'm1');
    expect(m1?.labels).toMatchObject({ before: 'v', after: 'v' });
  });

  it('5 managers: survive the leader and then a follower dying (3 of 5 left), and both catch up on restart', async () => {
    const cluster = await lab.cluster('failover5', 5);
    const client = cluster.client();
    await writeLabel(client, 'm1', 'a');

    const firstLeader = await cluster.waitForLeader();
    await cluster.kill(firstLeader.name, 'SIGKILL');
    const secondLeader = await cluster.waitForLeader(firstLeader.nodeId);
    expect(secondLeader.nodeId).not.toBe(firstLeader.nodeId);
    await writeLabelEventually(client, 'm1', 'b');

    const follower = others(cluster, secondLeader)[0]!;
    await cluster.kill(follower.name, 'SIGKILL');
    await writeLabelEventually(client, 'm1', 'c');
    const leader = await cluster.waitForLeader();
    await waitFor('the leader to see 3 of 5 managers', async () => {
      const info = await infoFrom(cluster, leader);
      return info.voters === 5 && info.reachableVoters === 3 ? true : undefined;
    });
    await writeLabel(client, 'm1', 'd');

    await cluster.start(firstLeader.name);
    await cluster.start(follower.name);
    await waitHealthy(cluster, 5);
    for (const m of [firstLeader, follower]) await expectCaughtUp(cluster, m, ['a', 'b', 'c', 'd']);
  });

  it('kill -9 a minority over and over while a client writes: no acknowledged write is lost on any manager', async () => {
    const cluster = await lab.cluster('chaos', 3);
    const client = cluster.client();
    await writeLabel(client, 'm1', 'k-start');

    // The writer writes k0, k1, ... one after the other, spread over the three node objects
    // (a node holds at most 256 labels). It writes while it has budget, which each round of
    // kills tops up, so writes are in flight at every kill and restart but their number stays
    // bounded. A failed write is not acknowledged and is not retried: the next key follows.
    const nodes = ['m1', 'm2', 'm3'];
    const acked: { node: string; key: string }[] = [];
    let failed = 0;
    let budget = 0;
    let stop = false;
    const writer = (async () => {
      for (let i = 0; ; i++) {
        await waitFor('write budget', () => (stop || budget > 0 ? true : undefined), 300_000);
        if (stop) return;
        const w = { node: nodes[i % nodes.length]!, key: `k${i}` };
        try {
          await writeLabel(client, w.node, w.key, { timeoutMs: 3000 });
          acked.push(w);
          budget--;
        } catch {
          // Allowed while a leader is being elected. Pace the next attempt on the election.
          failed++;
          await cluster.waitForLeader(undefined, 10_000).catch(() => undefined);
        }
      }
    })();
    const ackedAtLeast = (n: number, what: string): Promise<true> => waitFor(what, () => (acked.length >= n ? true : undefined));

    try {
      for (let round = 0; round < 5; round++) {
        const leader = await cluster.waitForLeader();
        // Alternate: the leader, then a follower.
        const victim = round % 2 === 0 ? leader : others(cluster, leader)[Math.floor(round / 2) % 2]!;
        budget += 40;
        await ackedAtLeast(acked.length + 5, 'writes to flow');
        await cluster.kill(victim.name, 'SIGKILL');
        await cluster.waitForLeader(victim.nodeId);
        await ackedAtLeast(acked.length + 10, `writes to be acknowledged with ${victim.name} down`);
        await cluster.start(victim.name);
        await waitHealthy(cluster, 3);
      }
      budget += 10;
      await ackedAtLeast(acked.length + 5, 'writes to be acknowledged after the last restart');
    } finally {
      stop = true;
      await writer;
    }

    expect(acked.length).toBeGreaterThanOrEqual(5 * 15);
    const commit = await leaderCommit(cluster);
    for (const m of cluster.managers) {
      await waitCaughtUp(cluster, m, commit);
      const have = new Map((await nodesFrom(cluster, m)).map((n) => [n.name, n.labels]));
      const lost = acked.filter((w) => have.get(w.node)?.[w.key] !== 'v').map((w) => `${w.node}:${w.key}`);
      expect(lost, `acknowledged writes missing on ${m.name} (${acked.length} acknowledged, ${failed} failed)`).toEqual([]);
    }
  });

  it('a full stop (SIGTERM to all) and start from the data directories keeps the data and the members', async () => {
    const cluster = await lab.cluster('fullstop', 3);
    const client = cluster.client();
    const keys = Array.from({ length: 10 }, (_, i) => `s${i}`);
    for (const k of keys) await writeLabel(client, 'm1', k);
    const members = (info: { managers: { id: string; name: string; addr: string; raftRole: string }[] }) =>
      info.managers.map((m) => `${m.id} ${m.name} ${m.addr} ${m.raftRole}`).sort();
    const before = members(await cluster.clusterInfo(false));
    expect(before).toHaveLength(3);

    await cluster.stopAll('SIGTERM');
    for (const m of cluster.managers) expect(m.proc).toBeUndefined();
    for (const m of cluster.managers) await cluster.start(m.name);

    await cluster.waitForLeader();
    const labels = await waitFor(
      'a linearizable read of node m1',
      async () => (await client.call('GetNode', { node: 'm1', read: { stale: false } }, { timeoutMs: 3000 })).labels,
    );
    expect(keys.filter((k) => labels[k] !== 'v')).toEqual([]);
    const after = members(await waitFor('cluster info', () => cluster.clusterInfo(false)));
    expect(after).toEqual(before);
    await writeLabelEventually(client, 'm1', 'after-restart');
    for (const m of cluster.managers) await expectCaughtUp(cluster, m, [...keys, 'after-restart']);
  });
});
