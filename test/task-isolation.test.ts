// What a process task can reach on a real worker (`shoal worker join` as root): it runs as
// nobody, in a working directory outside the worker's data directory, and cannot read the
// node's key; an agent restart adopts it as before; removing the service removes its
// directories. Needs root (a worker that is not root cannot switch users): skipped, saying
// so, otherwise.

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster, WorkerProcess } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { createService, nodes, pidsOfTask, removeAllServices, scriptSpec, shoalEnv, taskFile, waitConverged, waitFor } from './support/services.js';

const IS_ROOT = process.geteuid?.() === 0;
if (!IS_ROOT) process.stderr.write('task-isolation.test.ts: needs root (uid 0) to run tasks as another user: SKIPPED; run it as root, as CI does\n');

/** The default tasks root of an agent running as root (work-dirs.ts). */
const TASKS_ROOT = '/var/lib/shoal-tasks';

describe.skipIf(!IS_ROOT)('process tasks on a worker running as root (needs root: skipped when not root)', () => {
  const clusters = new Lab();
  const lab = new Lab();
  let cluster: LocalCluster;
  let w: WorkerProcess;
  let anyFailed = false;

  beforeAll(async () => {
    // The agent's own default tasks root, which this test checks (other clusters use DIR/task-dirs).
    cluster = await clusters.cluster('task-user', 1, { tasksRoot: null });
    w = await cluster.addWorker('w1');
  }, 120_000);

  afterEach(async ({ task }) => {
    const failed = task.result?.state === 'fail';
    anyFailed ||= failed;
    await lab.cleanup({ failed });
    await removeAllServices(cluster);
  });

  afterAll(async () => {
    await clusters.cleanup({ failed: anyFailed });
    if (w?.nodeId) rmSync(join(TASKS_ROOT, w.nodeId), { recursive: true, force: true });
  });

  /** /proc/<pid>/status's real uid. */
  const uidOf = (pid: number): number => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

  it('a task cannot read the node key, runs as nobody outside DATA, and its directories go with the service', async () => {
    const key = join(w.dataDir, 'tls', 'node-key.pem');
    expect(existsSync(key)).toBe(true);
    const peek = `
      const fs = require('fs');
      const attempt = (p) => { try { fs.readFileSync(p); return 'read'; } catch (e) { return e.code; } };
      console.log('peek ' + JSON.stringify({ uid: process.getuid(), cwd: process.cwd(), relative: attempt('../../tls/node-key.pem'), absolute: attempt(${JSON.stringify(key)}) }));
      setInterval(() => {}, 1000);`;
    await createService(cluster, scriptSpec('peek', peek));
    const [task] = await waitConverged(cluster, 'peek', 1);
    const id = task!.id;

    const r = await waitFor('the task to print what it reached', async () => {
      const out = await lab.runShoal(['service', 'logs', 'peek'], shoalEnv(cluster));
      return out.stdout.includes('peek {') ? out : undefined;
    });
    const seen = JSON.parse(r.stdout.slice(r.stdout.indexOf('peek {') + 5).split('\n')[0]!) as { uid: number; cwd: string; relative: string; absolute: string };
    const workDir = join(TASKS_ROOT, w.nodeId, id);
    expect(seen).toEqual({ uid: 65534, cwd: workDir, relative: 'ENOENT', absolute: 'EACCES' });
    expect(uidOf(taskFile(w, id)!.pid)).toBe(65534);

    await removeAllServices(cluster);
    await waitFor('the task directories to be removed', () => !existsSync(workDir) && !existsSync(join(w.dataDir, 'tasks', id)));
  });

  it('an agent restart adopts a task running as nobody and stops it when its service goes', async () => {
    await createService(cluster, scriptSpec('sleeper', 'setInterval(() => {}, 1000)'));
    const [task] = await waitConverged(cluster, 'sleeper', 1);
    const { pid } = taskFile(w, task!.id)!;
    expect(uidOf(pid)).toBe(65534);

    await cluster.killWorker('w1', 'SIGTERM');
    await cluster.startWorker('w1');
    const [after] = await waitConverged(cluster, 'sleeper', 1);
    expect(after!.id).toBe(task!.id);
    expect(pidsOfTask(task!.id)).toEqual([pid]);

    await removeAllServices(cluster);
    expect(pidsOfTask(task!.id)).toEqual([]);
    await waitFor('the work directory to be removed', () => !existsSync(join(TASKS_ROOT, w.nodeId, task!.id)));
  });

  it('`worker join --task-user` names an unknown user: refused before joining, saying what to do', async () => {
    const token = await cluster.joinToken('worker');
    const before = (await nodes(cluster)).map((n) => n.id).sort();
    const data = lab.dir('bad-task-user');
    const r = await lab.runShoal(['worker', 'join', cluster.hosts[0]!, '--token', token, '--data', data, '--task-user', 'shoal-no-such-user-x7']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: --task-user shoal-no-such-user-x7: no such user on this node .*useradd --system --no-create-home shoal-no-such-user-x7/m);
    const d = await lab.runShoal([
      'worker',
      'join',
      cluster.hosts[0]!,
      '--token',
      token,
      '--data',
      lab.dir('docker-task-user'),
      '--runtime',
      'docker',
      '--task-user',
      'nobody',
    ]);
    expect(d.code).toBe(1);
    expect(d.stderr).toContain('error: --task-user applies to the process runtime only (this worker runs docker tasks): leave it out');
    // Neither joined: the cluster has the nodes it had.
    expect((await nodes(cluster)).map((n) => n.id).sort()).toEqual(before);
  });
});
