// A cluster recovered with --force-new-cluster is a new incarnation: managers of the old one
// that were only stopped (or partitioned), not lost, come back still forming the old quorum, at
// a higher term. They must not take over the recovered cluster; managers that join it after
// the recovery must be able to.

import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterInfoResponse__Output } from '@shoal/wire';
import { Lab } from './support/lab.js';
import { infoFrom, waitFor, writeLabel, withManager } from './support/managers.js';

describe.sequential('cluster incarnations', () => {
  const lab = new Lab();
  afterEach(({ task }) => lab.cleanup({ failed: task.result?.state === 'fail' }));

  it('managers left over from before --force-new-cluster cannot disturb the recovered cluster; new ones join it', async () => {
    const cluster = await lab.cluster('incarnation', 3);
    await writeLabel(cluster.client(), 'm1', 'before');
    const m1 = cluster.manager('m1');
    const [m2, m3] = [cluster.manager('m2'), cluster.manager('m3')];

    // m1 is lost first; m2 and m3 carry on, through a few leader changes (each a newer term),
    // then stop as well.
    await cluster.kill('m1', 'SIGKILL');
    const oldLeader = (): Promise<ClusterInfoResponse__Output> =>
      waitFor('m2 and m3 to elect a leader', async () => {
        const i = await infoFrom(cluster, m2.proc ? m2 : m3, { stale: true }).catch(() => undefined);
        return i && (i.leader === m2.nodeId || i.leader === m3.nodeId) ? i : undefined;
      });
    for (let round = 0; round < 3; round++) {
      const leader = cluster.manager((await oldLeader()).leader);
      await cluster.kill(leader.name, 'SIGTERM');
      await cluster.start(leader.name);
    }
    const oldTerm = Number((await oldLeader()).term);
    await cluster.kill('m2', 'SIGTERM');
    await cluster.kill('m3', 'SIGTERM');

    // m1, behind them, is recovered alone: a new incarnation, at a term below theirs.
    const recovered = lab.spawnShoal(['manager', 'init', '--force-new-cluster', '--data', m1.dataDir, '--metrics', m1.metrics]);
    const alone = await waitFor(
      'the recovered manager to lead alone',
      async () => {
        if (recovered.proc.exitCode !== null) throw new Error(`--force-new-cluster exited with ${recovered.proc.exitCode}:\n${recovered.output()}`);
        const i = await infoFrom(cluster, m1, { stale: true }).catch(() => undefined);
        return i?.leader === m1.nodeId ? i : undefined;
      },
      30_000,
    );
    expect(alone.voters).toBe(1);

    // The old managers come back: a quorum of the old cluster, electing at a higher term, with
    // m1 still a voter in their view.
    await cluster.start('m2');
    await cluster.start('m3');
    const old = await oldLeader();
    expect(Number(old.term)).toBeGreaterThan(oldTerm);
    expect(Number(old.term), 'the old managers campaign at a term above the recovered one').toBeGreaterThan(Number(alone.term));
    await waitFor("the recovered manager to say it drops the old managers' messages", () =>
      /dropping Raft messages from manager .*another incarnation of this cluster/.test(recovered.output()) ? true : undefined,
    );
    expect(recovered.output()).toMatch(/remove the old manager's data directory and join it again/);

    // m1 still leads its own cluster, in its own term, and takes writes.
    const after = await infoFrom(cluster, m1);
    expect(after.leader).toBe(m1.nodeId);
    expect(after.term).toBe(alone.term);
    expect(after.managers.map((m) => m.id)).toEqual([m1.nodeId]);
    await withManager(cluster, m1, (conn) => writeLabel(conn, 'm1', 'after-recovery'));

    // A manager joining the recovered cluster takes on its incarnation and becomes a voter.
    const m4 = await cluster.addManager('m4');
    await waitFor(
      'm4 to become a voter of the recovered cluster',
      async () => {
        const i = await infoFrom(cluster, m1, { stale: true });
        return i.managers.some((m) => m.id === m4.nodeId && m.raftRole === 'voter') ? true : undefined;
      },
      30_000,
    );
    const joined = await infoFrom(cluster, m4, { stale: true });
    expect(joined.leader).toBe(m1.nodeId);
  });
});
