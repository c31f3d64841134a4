// Recovery across real manager processes: a follower that fell behind the leader's compacted
// log catches up by snapshot, and a cluster that lost its quorum refuses writes clearly and is
// recovered with `shoal manager init --force-new-cluster`.

import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '@shoal/cli';
import { Lab } from './support/lab.js';
import { infoFrom, labelsFrom, leaderCommit, logLines, others, waitCaughtUp, waitFor, withManager, writeLabel } from './support/managers.js';

describe.sequential('manager recovery', () => {
  const lab = new Lab();
  afterEach(({ task }) => lab.cleanup({ failed: task.result?.state === 'fail' }));

  it('a follower behind the compacted log catches up by an installed snapshot', async () => {
    const cluster = await lab.cluster('snapshot', 3, { initArgs: ['--snapshot-every', '20'] });
    const client = cluster.client();
    await writeLabel(client, 'm1', 'before');
    const leader = await cluster.waitForLeader();
    const follower = others(cluster, leader)[0]!;
    await cluster.kill(follower.name, 'SIGTERM');
    const stoppedAt = await leaderCommit(cluster);

    // Write until every running manager has compacted its log past what the follower holds,
    // so the leader cannot send it entries any more. (The log keeps `keepEntries` entries
    // behind each snapshot, 1000 by default, so this takes a little more than that.) A node
    // holds at most 256 labels: the writes cycle over 200 keys, each with the write's number.
    const running = others(cluster, follower);
    const compactedPast = (): boolean =>
      running.every((m) => logLines(m, 'took a snapshot and compacted the log').some((l) => Number(l.firstIndex) > stoppedAt + 1));
    const expected: Record<string, string> = { before: 'v' };
    let writes = 0;
    while (!compactedPast()) {
      expect(writes, 'writes before the log was compacted past the stopped follower').toBeLessThan(5000);
      // 50 distinct keys at a time, so the last write to each key is known.
      const batch = Array.from({ length: 50 }, (_, i) => writes + i);
      await Promise.all(batch.map((n) => writeLabel(client, 'm1', `s${n % 200}`, { value: String(n) })));
      for (const n of batch) expected[`s${n % 200}`] = String(n);
      writes += batch.length;
    }

    await cluster.start(follower.name);
    const commit = await leaderCommit(cluster);
    await waitCaughtUp(cluster, follower, commit);
    expect(logLines(follower, 'installed a snapshot from the leader').length).toBeGreaterThan(0);
    expect(await labelsFrom(cluster, follower, 'm1')).toEqual(expected);
    // And it keeps following: a write after the snapshot reaches it too.
    await writeLabel(client, 'm1', 'after-snapshot');
    await waitFor(`${follower.name} to apply a write made after its snapshot`, async () =>
      (await labelsFrom(cluster, follower, 'm1'))['after-snapshot'] === 'v' ? true : undefined,
    );
  });

  it('without a quorum a write fails fast and says why; --force-new-cluster recovers all acknowledged data', async () => {
    const cluster = await lab.cluster('quorum', 3);
    const client = cluster.client();
    const keys = ['q0', 'q1', 'q2', 'q3', 'q4'];
    for (const k of keys) await writeLabel(client, 'm1', k);
    const survivor = await cluster.waitForLeader();
    await Promise.all(others(cluster, survivor).map((m) => cluster.kill(m.name, 'SIGKILL')));

    // Once the survivor has noticed it is alone, a write through it must come back with the
    // reason rather than hang until the client's deadline.
    await waitFor('the survivor to see it is alone', async () => ((await infoFrom(cluster, survivor)).reachableVoters === 1 ? true : undefined));
    const err = await withManager(cluster, survivor, (conn) =>
      conn
        .call('UpdateNode', { node: 'm1', addLabels: { lost: 'v' }, removeLabels: [], availability: '', version: '0' }, { write: true, timeoutMs: 8000 })
        .then(
          () => undefined,
          (e: unknown) => e,
        ),
    );
    expect(err).toBeInstanceOf(CliError);
    expect(['NO_QUORUM', 'UNAVAILABLE']).toContain((err as CliError).code);
    expect((err as CliError).message).toMatch(/1 of 3 managers reachable; 2 needed/);

    await cluster.kill(survivor.name, 'SIGTERM');
    const recovered = lab.spawnShoal(['manager', 'init', '--force-new-cluster', '--data', survivor.dataDir, '--metrics', survivor.metrics]);
    const info = await waitFor(
      'the recovered manager to lead alone',
      async () => {
        if (recovered.proc.exitCode !== null) throw new Error(`--force-new-cluster exited with ${recovered.proc.exitCode}:\n${recovered.output()}`);
        const i = await infoFrom(cluster, survivor);
        return i.leader === survivor.nodeId ? i : undefined;
      },
      30_000,
    );
    expect(info.voters).toBe(1);
    expect(info.managers.map((m) => m.id)).toEqual([survivor.nodeId]);

    await withManager(cluster, survivor, async (conn) => {
      const m1 = await waitFor('a linearizable read on the recovered manager', () =>
        conn.call('GetNode', { node: 'm1', read: { stale: false } }, { timeoutMs: 3000 }),
      );
      expect(keys.filter((k) => m1.labels[k] !== 'v')).toEqual([]);
      const written = await writeLabel(conn, 'm1', 'after-recovery');
      expect(written.labels['after-recovery']).toBe('v');
      const after = await conn.call('ClusterInfo', { read: { stale: false } });
      expect(after.quorum).toBe(1);
      expect(after.reachableVoters).toBe(1);
    });
  });
});
