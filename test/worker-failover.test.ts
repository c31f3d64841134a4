// Workers and the loss of a manager, in the order docker-compose meets them: the workers join
// through the first manager before the other managers exist. The leader tells every session
// each new manager as it joins; the agent keeps the list on disk; so killing whichever manager
// leads — the one the workers joined through included — moves no task, and a restarted agent
// finds the cluster through the managers it learned. A worker that cannot reach any manager
// it knows says so, in its log and, once back, in `node inspect`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LocalCluster, WorkerProcess } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { logLines } from './support/managers.js';
import { createService, describeTasks, isFinal, isRunning, nodeOf, tasksOf, waitConverged, waitFor, webSpec, type Task } from './support/services.js';

/** The managers a worker's data directory lists (what a restarted agent dials). */
function managersOnDisk(w: WorkerProcess): string[] {
  return (JSON.parse(readFileSync(join(w.dataDir, 'worker.json'), 'utf8')) as { managers: string[] }).managers;
}

/** The lines of a worker agent's log that contain `text`. */
function workerLog(w: WorkerProcess, text: string): string[] {
  return readFileSync(w.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes(text));
}

const summary = (ts: readonly Task[]): string[] => ts.map((t) => `${t.id}:${t.nodeName}:${t.state}`).sort();

describe.sequential('workers that joined before the other managers', () => {
  const lab = new Lab();
  let anyFailed = false;

  afterEach(({ task }) => {
    anyFailed ||= task.result?.state === 'fail';
  });
  afterAll(() => lab.cleanup({ failed: anyFailed }));

  it('learn every manager as it joins, and kill -9 of the leader they joined through restarts no task; every worker stays ready', async () => {
    // docker-compose's order: one manager, the workers at once, then the other managers.
    const cluster: LocalCluster = await lab.cluster('early-workers', 1);
    const w1 = await cluster.addWorker('w1');
    const w2 = await cluster.addWorker('w2');
    expect(managersOnDisk(w1)).toEqual([cluster.managers[0]!.addr]);
    await cluster.addManager('m2');
    await cluster.addManager('m3');
    await cluster.waitForVoters(3);

    // The leader pushed each new manager to the open sessions, and the agents wrote them down.
    const all = cluster.managers.map((m) => m.addr).sort();
    for (const w of [w1, w2])
      await waitFor(`${w.name} to know all 3 managers`, () => (JSON.stringify([...managersOnDisk(w)].sort()) === JSON.stringify(all) ? true : undefined));

    await createService(cluster, webSpec('web', { replicas: 4 }));
    const before = await waitConverged(cluster, 'web', 4);

    // Kill whichever manager leads (m1, which the workers joined through, unless it moved).
    const old = await cluster.waitForLeader();
    const killedAt = Date.now();
    await cluster.kill(old.name, 'SIGKILL');
    const leader = await cluster.waitForLeader(old.nodeId);

    // Watch the workers through the failover: from the kill until well past the new leader's
    // grace period (2 s) and a few heartbeat periods after every worker found it, no read may
    // show a worker anything but ready.
    const notReady: string[] = [];
    const watchUntil = { ms: Number.POSITIVE_INFINITY };
    const watching = (async () => {
      while (Date.now() < watchUntil.ms) {
        try {
          for (const n of (await cluster.client().call('ListNodes', { read: { stale: true } }, { timeoutMs: 2000 })).nodes) {
            if (n.role === 'worker' && n.status !== 'ready') notReady.push(`${n.name} was ${n.status} ${Date.now() - killedAt} ms after the kill`);
          }
        } catch {
          /* no manager answered this instant (the election): try again */
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await waitFor('both workers to open a session with the new leader', () => {
      const opened = logLines(leader, 'worker session opened').filter((l) => (l.time as number) >= killedAt);
      return [w1, w2].every((w) => opened.some((l) => l.nodeId === w.nodeId)) ? true : undefined;
    });
    watchUntil.ms = Math.max(Date.now() + 3_000, killedAt + 6_000);
    await watching;
    expect(notReady).toEqual([]);

    // No task changed: the same 4 tasks run where they ran, nothing ended, nothing was added.
    const after = await tasksOf(cluster, 'web');
    expect(after.filter(isFinal), describeTasks(after)).toEqual([]);
    expect(summary(after.filter(isRunning))).toEqual(summary(before));
    expect(after).toHaveLength(4);
    expect(logLines(leader, 'applied a plan').filter((l) => l.controller === 'node-monitor')).toEqual([]);

    // The dead manager is still a member (until `node demote`/`rm`), so it stays listed; a
    // restarted agent skips it, finds the cluster through the others and adopts its tasks.
    expect([...managersOnDisk(w1)].sort()).toEqual(all);
    await cluster.killWorker('w1', 'SIGTERM');
    await cluster.startWorker('w1');
    await waitFor('w1 to adopt its tasks', async () => {
      const ts = await tasksOf(cluster, 'web');
      return ts.filter(isRunning).length === 4 && workerLog(w1, 'adopted a running task').length >= 2 ? true : undefined;
    });
    const adopted = await tasksOf(cluster, 'web');
    expect(summary(adopted.filter(isRunning))).toEqual(summary(before));
    expect(adopted.filter(isFinal)).toEqual([]);
  });

  it('a worker that cannot reach any manager it knows says so in its log, and in node inspect once it is back', async () => {
    const cluster = await lab.cluster('lost-worker', 1);
    const w = await cluster.addWorker('w1');
    await cluster.kill('m1', 'SIGKILL');
    const lost = await waitFor(
      'the worker to say it cannot reach any manager',
      () => workerLog(w, 'cannot reach any of the 1 manager(s) this worker knows')[0],
      30_000,
      200,
    );
    expect(lost).toContain(cluster.managers[0]!.addr);
    expect(lost).toContain('shoal worker join');

    await cluster.start('m1');
    const back = await waitFor(
      'the node to be ready again, saying where it was',
      async () => {
        const n = await nodeOf(cluster, w.nodeId);
        return n.status === 'ready' && n.statusMessage !== '' ? n : undefined;
      },
      30_000,
    );
    expect(back.statusMessage).toMatch(/^back after \d+ s without a session: could not reach the manager it knew \(127\.0\.0\.1:\d+: /);
  });
});
