// Services on real processes: 3 managers and 3 workers (process runtime), real tasks (node
// processes serving HTTP on their node's 127.0.0.x), the routing mesh, and the failures the
// orchestrator exists for — a worker dying, the leader dying, a drain, crashing and unhealthy
// tasks, an agent restart — plus the `shoal service` CLI as a user runs it.
//
// One cluster serves the whole file: every test removes its services (and waits until no task
// is left), and workers or managers a test stopped are started again, in afterEach.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster, WorkerProcess } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { logLines } from './support/managers.js';
import {
  DEMO_WEB,
  NODE,
  answeringTasks,
  createService,
  demoTaskName,
  describeTasks,
  getService,
  hostOf,
  httpGetWhenListening,
  isFinal,
  isLive,
  isRunning,
  nodeOf,
  perNode,
  pidsOfTask,
  removeWorker,
  resetCluster,
  scriptSpec,
  servicePs,
  setAvailability,
  spreadIs,
  shoalEnv,
  taskFile,
  taskProcessesOfNode,
  tasksOf,
  updateService,
  waitConverged,
  waitFor,
  waitForTasks,
  webSpec,
  type Task,
} from './support/services.js';

/** Workers w1..w3 are 127.0.0.11..13 (LocalCluster's default); ports published here are 31xxx. */
const WORKERS = ['w1', 'w2', 'w3'];

describe.sequential('services on 3 managers and 3 workers', () => {
  const clusters = new Lab();
  const lab = new Lab();
  let cluster: LocalCluster;
  /** Workers a test added for itself: removed from the cluster for good after it. */
  const extraWorkers = new Set<string>();
  const removedWorkers = new Set<string>();
  let anyFailed = false;

  beforeAll(async () => {
    cluster = await clusters.cluster('services', 3);
    for (const name of WORKERS) await cluster.addWorker(name);
  }, 120_000);

  afterEach(async ({ task }) => {
    const failed = task.result?.state === 'fail';
    anyFailed ||= failed;
    await lab.cleanup({ failed });
    for (const name of extraWorkers) {
      if (removedWorkers.has(name)) continue;
      await removeWorker(cluster, name);
      removedWorkers.add(name);
    }
    await resetCluster(cluster, extraWorkers);
  });

  afterAll(() => clusters.cleanup({ failed: anyFailed }));

  const worker = (name: string): WorkerProcess => cluster.worker(name);
  const nodeIdOf = (name: string): string => worker(name).nodeId;

  it('6 replicas spread 2/2/2 over the workers and answer through the routing mesh on every worker', async () => {
    await createService(cluster, webSpec('web', { replicas: 6, published: 31080 }));
    const running = await waitConverged(cluster, 'web', 6);
    expect(perNode(running)).toEqual({ w1: 2, w2: 2, w3: 2 });
    // Each task got a port on its node and says who it is on HOST:PORT.
    for (const t of running) {
      const w = worker(t.nodeName);
      const r = await httpGetWhenListening(hostOf(w), t.port);
      expect(r.body).toContain(`hello from task ${t.name} (${t.id}) on ${hostOf(w)}:${t.port}`);
    }
    // The published port answers on every worker's address, balanced over tasks on all nodes.
    const names = new Set(running.map((t) => t.name));
    for (const w of cluster.workers) {
      const seen = await answeringTasks(hostOf(w), 31080, 3, demoTaskName);
      for (const n of seen) expect(names).toContain(n);
    }
  });

  it('kill -9 of a worker (and its tasks): the node goes down and its tasks run again on the other two', async () => {
    await createService(cluster, webSpec('web', { replicas: 6, published: 31081 }));
    const before = await waitConverged(cluster, 'web', 6);
    const victim = worker('w3');
    const lost = before.filter((t) => t.nodeId === victim.nodeId).map((t) => t.id);
    expect(lost).toHaveLength(2);

    await cluster.killWorker('w3');
    cluster.killWorkerTasks('w3');
    const down = await waitFor('w3 to be marked down', async () => {
      const n = await nodeOf(cluster, victim.nodeId);
      return n.status === 'down' ? n : undefined;
    });
    expect(down.statusMessage).toMatch(/heartbeat/);

    const after = await waitForTasks(cluster, 'web', '6 tasks running on w1 and w2', (ts) => {
      const running = ts.filter(isRunning);
      return running.length === 6 && ts.filter(isLive).length === 6 && running.every((t) => t.nodeId !== victim.nodeId);
    });
    expect(perNode(after.filter(isRunning))).toEqual({ w1: 3, w2: 3 });
    // The lost tasks ended as orphaned and stay in the history; each slot runs exactly once.
    for (const id of lost) {
      const t = after.find((x) => x.id === id)!;
      expect(t.state).toBe('orphaned');
      expect(t.message).toContain('w3 is down');
    }

    // `service ps --json` as a script reads it: one row per task with the stable fields.
    const rows = await servicePs(lab, cluster, 'web');
    for (const r of rows) {
      for (const key of ['id', 'slot', 'node', 'nodeName', 'desiredState', 'state', 'error'] as const) expect(r).toHaveProperty(key);
    }
    const runningRows = rows.filter((r) => r.desiredState === 'running' && r.state === 'running');
    expect(runningRows.map((r) => r.slot).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(runningRows.map((r) => r.nodeName))).toEqual(new Set(['w1', 'w2']));
    for (const r of runningRows) expect(r.node).toBe(nodeIdOf(r.nodeName));
    const orphanRows = rows.filter((r) => lost.includes(r.id));
    expect(orphanRows.map((r) => [r.nodeName, r.desiredState, r.state])).toEqual([
      ['w3', 'shutdown', 'orphaned'],
      ['w3', 'shutdown', 'orphaned'],
    ]);
    // The mesh still answers on the survivors.
    await answeringTasks(hostOf(worker('w1')), 31081, 2, demoTaskName);
  });

  it('kill -9 of the leader manager restarts no task, and the new leader keeps reconciling', async () => {
    await createService(cluster, webSpec('web', { replicas: 6 }));
    const before = await waitConverged(cluster, 'web', 6);
    const ids = before.map((t) => t.id).sort();

    const old = await cluster.waitForLeader();
    const killedAt = Date.now();
    await cluster.kill(old.name, 'SIGKILL');
    const leader = await cluster.waitForLeader(old.nodeId);
    // Every worker finds the new leader (its heartbeats then reach the node monitor there).
    await waitFor('every worker to open a session with the new leader', () => {
      const opened = logLines(leader, 'worker session opened').filter((l) => (l.time as number) >= killedAt);
      return WORKERS.every((w) => opened.some((l) => l.nodeId === nodeIdOf(w))) ? true : undefined;
    });

    // Reconciliation goes on under the new leader: scale up and watch it converge.
    await waitFor('the scale-up to be accepted', () => updateService(cluster, 'web', { replicas: 9 }));
    const after = await waitConverged(cluster, 'web', 9);
    expect(perNode(after)).toEqual({ w1: 3, w2: 3, w3: 3 });

    // Nothing was restarted: the 6 tasks from before still run, and no task of the service ended.
    const tasks = await tasksOf(cluster, 'web');
    expect(tasks.filter(isFinal), describeTasks(tasks)).toEqual([]);
    expect(
      tasks
        .filter((t) => ids.includes(t.id) && isRunning(t))
        .map((t) => t.id)
        .sort(),
    ).toEqual(ids);
    expect(tasks).toHaveLength(9);
    for (const w of WORKERS) expect((await nodeOf(cluster, nodeIdOf(w))).status).toBe('ready');
  });

  it("drain moves a worker's tasks to the others; back to active, a rebalance spreads them again", async () => {
    await createService(cluster, webSpec('web', { replicas: 6 }));
    const before = await waitConverged(cluster, 'web', 6);
    const onW3 = before.filter((t) => t.nodeName === 'w3').map((t) => t.id);

    await setAvailability(cluster, nodeIdOf('w3'), 'drain');
    const drained = await waitForTasks(cluster, 'web', 'w3 to be drained', (ts) => {
      const running = ts.filter(isRunning);
      return (
        running.length === 6 &&
        ts.filter(isLive).length === 6 &&
        running.every((t) => t.nodeName !== 'w3') &&
        onW3.every((id) => ts.find((t) => t.id === id)?.state === 'shutdown')
      );
    });
    expect(perNode(drained.filter(isRunning))).toEqual({ w1: 3, w2: 3 });
    // A drained task really stopped: no process of it is left.
    for (const id of onW3) expect(pidsOfTask(id)).toEqual([]);

    await setAvailability(cluster, nodeIdOf('w3'), 'active');
    await waitFor('w3 to be active again', async () => ((await nodeOf(cluster, nodeIdOf('w3'))).availability === 'active' ? true : undefined));
    await cluster.client().call('RebalanceService', { service: 'web' }, { write: true });
    const spread = await waitForTasks(cluster, 'web', 'web to be spread 2/2/2 again', (ts) => {
      const running = ts.filter(isRunning);
      return running.length === 6 && ts.filter(isLive).length === 6 && spreadIs(running, { w1: 2, w2: 2, w3: 2 });
    });
    expect(perNode(spread.filter(isRunning))).toEqual({ w1: 2, w2: 2, w3: 2 });
  });

  it('an unsatisfiable constraint leaves tasks pending with the reason; a worker with the label that joins gets them', async () => {
    await createService(cluster, webSpec('zoned', { replicas: 2, task: { placement: { constraints: ['node.labels.zone==b'] } } }));
    const pending = await waitForTasks(
      cluster,
      'zoned',
      'both tasks pending with a reason',
      (ts) => ts.length === 2 && ts.every((t) => t.state === 'pending' && t.message !== ''),
    );
    for (const t of pending) expect(t.message).toContain('node.labels.zone==b');
    const rows = await servicePs(lab, cluster, 'zoned');
    expect(rows.map((r) => r.state)).toEqual(['pending', 'pending']);
    for (const r of rows) expect(r.message).toContain('node.labels.zone==b');

    extraWorkers.add('wb');
    const wb = await cluster.addWorker('wb', { labels: { zone: 'b' } });
    const running = await waitConverged(cluster, 'zoned', 2);
    expect(running.map((t) => t.nodeId)).toEqual([wb.nodeId, wb.nodeId]);
  });

  it('a crashing task is restarted per policy: on-failure with max 2 attempts gives up after 3 runs; condition none never restarts', async () => {
    // Runs a moment (reported running), then exits 1.
    const crash = 'setTimeout(() => process.exit(1), 300)';
    await createService(cluster, scriptSpec('crash', crash, { task: { restartPolicy: { condition: 'on-failure', maxAttempts: 2, delayMs: 100 } } }));
    await createService(cluster, scriptSpec('once', crash, { task: { restartPolicy: { condition: 'none' } } }));

    // Given up: the slot's last task failed and the orchestrator set it to shutdown (no replacement).
    const gaveUp = (ts: Task[]): boolean => ts.length > 0 && ts.every((t) => t.state === 'failed' && t.desiredState === 'shutdown');
    const crashed = await waitForTasks(cluster, 'crash', 'crash to be given up', gaveUp);
    expect(crashed).toHaveLength(3);
    expect(crashed.map((t) => t.slot)).toEqual([1, 1, 1]);
    const once = await waitForTasks(cluster, 'once', 'once to fail and stay down', gaveUp);
    expect(once).toHaveLength(1);

    // The history is there for the user: three failed runs with their exit code, none live.
    const rows = await servicePs(lab, cluster, 'crash', { all: true });
    expect(rows.map((r) => [r.state, r.exitCode])).toEqual([
      ['failed', 1],
      ['failed', 1],
      ['failed', 1],
    ]);
    const onceRows = await servicePs(lab, cluster, 'once', { all: true });
    expect(onceRows.map((r) => [r.desiredState, r.state, r.exitCode])).toEqual([['shutdown', 'failed', 1]]);
    // Still nothing live after the decisions (they are final).
    expect((await tasksOf(cluster, 'crash')).filter(isLive)).toEqual([]);
    expect((await getService(cluster, 'crash')).running).toBe(0);
  });

  it('a global service runs one task per worker, and a worker that joins later gets one', async () => {
    // Created as a user would, waiting for it: the CLI's progress counts the 3 workers only.
    const created = await lab.runShoal(
      ['service', 'create', '--name', 'agentd', '--mode', 'global', '--timeout', '30s', '--command', `${NODE} ${DEMO_WEB}`],
      shoalEnv(cluster),
      60_000,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('overall progress: 3 out of 3 tasks');
    const running = await waitConverged(cluster, 'agentd', 3);
    expect(perNode(running)).toEqual({ w1: 1, w2: 1, w3: 1 });
    expect(running.every((t) => t.slot === 0)).toBe(true);
    // Managers run no agent here: they are not counted as places for the service.
    const svc = await getService(cluster, 'agentd');
    expect([svc.running, svc.desired]).toEqual([3, 3]);

    extraWorkers.add('w-late');
    const late = await cluster.addWorker('w-late');
    const after = await waitConverged(cluster, 'agentd', 4);
    expect(perNode(after)).toEqual({ w1: 1, w2: 1, w3: 1, 'w-late': 1 });
    expect(after.filter((t) => t.nodeId === late.nodeId)).toHaveLength(1);
    // The first three were not touched.
    expect(after.filter((t) => running.some((r) => r.id === t.id))).toHaveLength(3);
  });

  it('an agent restart (SIGTERM, then `worker start`) adopts its running tasks: same ids, same pids, nothing rescheduled', async () => {
    await createService(cluster, webSpec('web', { replicas: 6 }));
    const before = await waitConverged(cluster, 'web', 6);
    const w = worker('w2');
    const mine = before.filter((t) => t.nodeId === w.nodeId);
    expect(mine).toHaveLength(2);
    const files = new Map(mine.map((t) => [t.id, taskFile(w, t.id)!]));
    for (const t of mine) expect(pidsOfTask(t.id)).toEqual([files.get(t.id)!.pid]);

    // A planned stop says goodbye: the leader keeps the node up while the agent restarts.
    await cluster.killWorker('w2', 'SIGTERM');
    for (const t of mine) expect(pidsOfTask(t.id)).toEqual([files.get(t.id)!.pid]); // the tasks outlive their agent
    await cluster.startWorker('w2');
    const after = await waitConverged(cluster, 'web', 6);

    // The same task ids on w2, run by the very same processes, each exactly once; nothing ended.
    expect(
      after
        .filter((t) => t.nodeId === w.nodeId)
        .map((t) => t.id)
        .sort(),
    ).toEqual([...files.keys()].sort());
    for (const t of mine) {
      expect(taskFile(w, t.id)).toEqual(files.get(t.id));
      expect(pidsOfTask(t.id)).toEqual([files.get(t.id)!.pid]);
    }
    expect((await tasksOf(cluster, 'web')).filter(isFinal)).toEqual([]);
    expect(
      logLines(await cluster.waitForLeader(), 'worker agent is stopping; its tasks keep running while it restarts').some((l) => l.nodeId === w.nodeId),
    ).toBe(true);
  });

  it('an agent that dies (kill -9) is a lost node: its tasks move, and once back it stops its old copies', async () => {
    await createService(cluster, webSpec('web', { replicas: 6 }));
    const before = await waitConverged(cluster, 'web', 6);
    const w = worker('w2');
    const mine = before.filter((t) => t.nodeId === w.nodeId);
    expect(mine).toHaveLength(2);

    await cluster.killWorker('w2', 'SIGKILL');
    await waitFor('w2 to be marked down', async () => ((await nodeOf(cluster, w.nodeId)).status === 'down' ? true : undefined));
    const moved = await waitForTasks(
      cluster,
      'web',
      '6 tasks running on w1 and w3',
      (ts) => ts.filter(isRunning).length === 6 && ts.filter(isLive).length === 6 && ts.filter(isRunning).every((t) => t.nodeId !== w.nodeId),
    );
    for (const t of mine) expect(moved.find((x) => x.id === t.id)?.state).toBe('orphaned');
    // Its processes still run (only the agent died) until the agent comes back and, told by the
    // leader's full assignment set, stops them: no slot runs twice.
    for (const t of mine) expect(pidsOfTask(t.id)).toHaveLength(1);
    await cluster.startWorker('w2');
    await waitFor('the old copies on w2 to be stopped', () => (mine.every((t) => pidsOfTask(t.id).length === 0) ? true : undefined));
    expect(taskProcessesOfNode(w.nodeId).size).toBe(0);
  });

  it('a task failing its HTTP health check is replaced, and `service ps` says why', async () => {
    // Healthy until the test drops a file named after the task in `flags`.
    const flags = lab.dir('health-flags');
    mkdirSync(flags, { recursive: true });
    const server = [
      "const http = require('node:http'), fs = require('node:fs'), path = require('node:path');",
      'const sick = () => fs.existsSync(path.join(process.env.FLAGS, process.env.SHOAL_TASK_ID));',
      "http.createServer((q, s) => { if (q.url === '/health' && sick()) { s.statusCode = 500; s.end('sick'); } else s.end('ok'); })",
      '  .listen(Number(process.env.PORT), process.env.HOST);',
    ].join('\n');
    await createService(
      cluster,
      scriptSpec('checked', server, {
        task: {
          env: { FLAGS: flags },
          // The start period covers a slow start (node takes a moment to listen): failures in it do
          // not count, a pass counts at once.
          healthCheck: { test: { kind: 'http', path: '/health', port: 0 }, intervalMs: 300, timeoutMs: 1000, retries: 2, startPeriodMs: 3000 },
        },
      }),
    );
    const healthy = await waitForTasks(cluster, 'checked', 'the task to run healthy', (ts) => ts.some((t) => isRunning(t) && t.health === 'healthy'));
    const first = healthy.find((t) => isRunning(t) && t.health === 'healthy')!;

    writeFileSync(join(flags, first.id), '');
    const tasks = await waitForTasks(cluster, 'checked', 'the sick task to be replaced by a healthy one', (ts) => {
      const old = ts.find((t) => t.id === first.id);
      const fresh = ts.filter((t) => t.id !== first.id && isRunning(t) && t.health === 'healthy');
      return old?.state === 'failed' && fresh.length === 1;
    });
    const old = tasks.find((t) => t.id === first.id)!;
    expect(old.error).toMatch(/health check failed/);
    expect(old.error).toMatch(/500/);

    const rows = await servicePs(lab, cluster, 'checked');
    const row = rows.find((r) => r.id === first.id);
    expect(row).toMatchObject({ state: 'failed', health: 'unhealthy' });
    expect(row!.error).toMatch(/health check failed/);
    expect(rows.filter((r) => r.state === 'running')).toHaveLength(1);
  });

  it('`shoal service create` without --detach shows progress until converged; an unsatisfiable one times out saying why', async () => {
    const ok = await lab.runShoal(['service', 'create', '--name', 'cli-web', '--replicas', '3', '--command', `${NODE} ${DEMO_WEB}`], shoalEnv(cluster), 60_000);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('overall progress: 3 out of 3 tasks');
    expect(ok.stdout).toContain('verify: service converged');
    expect((await tasksOf(cluster, 'cli-web')).filter(isRunning)).toHaveLength(3);

    const stuck = await lab.runShoal(
      ['service', 'create', '--name', 'cli-stuck', '--constraint', 'node.labels.zone==nowhere', '--timeout', '3s', '--command', `${NODE} ${DEMO_WEB}`],
      shoalEnv(cluster),
      60_000,
    );
    expect(stuck.code).not.toBe(0);
    expect(stuck.stderr).toContain('did not converge');
    expect(stuck.stderr).toMatch(/pending: .*node\.labels\.zone==nowhere/);
  });

  it('`shoal service logs` shows what the tasks printed', async () => {
    await createService(cluster, webSpec('talker', { replicas: 2 }));
    const running = await waitConverged(cluster, 'talker', 2);
    const r = await lab.runShoal(['service', 'logs', 'talker'], shoalEnv(cluster));
    expect(r.code, r.stderr).toBe(0);
    for (const t of running) expect(r.stdout).toContain(`${t.name} | demo web server listening on`);
  });
});
