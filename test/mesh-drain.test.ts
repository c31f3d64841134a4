// The routing mesh while a service shrinks and while a worker is away, on real processes (one
// manager, two workers, process runtime). Requests in flight through every worker's mesh while
// the service is scaled down all finish with 200: the leaving tasks leave every node's routing
// table first, and their agents drain them (drainMs, 2 s by default) before signalling them —
// demo-web exits at once on SIGTERM, so a request cut short would fail. A worker agent that
// restarts gets the whole routing table, not only what changed while it was away.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LocalCluster, WorkerProcess } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import {
  answeringTasks,
  createService,
  demoTaskName,
  hostOf,
  httpGet,
  httpGetWhenListening,
  tasksOf,
  updateService,
  waitConverged,
  waitFor,
  waitForTasks,
  webSpec,
} from './support/services.js';

/** Ports published by this file (35xxx: other test files use other ranges). */
const DRAIN_PORT = 35080;
const KEPT_PORT = 35081;
const LATE_PORT = 35082;
/** How long each request of the load takes in the task: well inside the 2 s drain. */
const SLOW_MS = 800;

interface Outcome {
  readonly host: string;
  readonly status: number;
  readonly task: string | undefined;
  readonly error: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Clients looping slow GETs through the mesh of each host until stopped. */
class SlowLoad {
  readonly outcomes: Outcome[] = [];
  inFlight = 0;
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(hosts: readonly string[], port: number, clientsPerHost: number) {
    for (const host of hosts) for (let i = 0; i < clientsPerHost; i++) this.loops.push(this.loop(host, port));
  }

  private async loop(host: string, port: number): Promise<void> {
    while (!this.stopped) {
      const startedAt = Date.now();
      this.inFlight++;
      try {
        const r = await httpGet(host, port, `/slow?ms=${SLOW_MS}`, 15_000);
        this.outcomes.push({ host, status: r.status, task: demoTaskName(r.body), error: '', startedAt, endedAt: Date.now() });
      } catch (e) {
        this.outcomes.push({ host, status: 0, task: undefined, error: (e as Error).message, startedAt, endedAt: Date.now() });
      } finally {
        this.inFlight--;
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

describe.sequential('the routing mesh under scale-down and worker restarts', () => {
  const lab = new Lab();
  let cluster: LocalCluster;
  let workers: WorkerProcess[];
  let anyFailed = false;
  const loads: SlowLoad[] = [];

  afterEach(async ({ task }) => {
    anyFailed ||= task.result?.state === 'fail';
    for (const l of loads.splice(0)) await l.stop();
  });
  afterAll(() => lab.cleanup({ failed: anyFailed }));

  it('requests in flight while the service is scaled down all complete with 200', async () => {
    cluster = await lab.cluster('mesh-drain', 1);
    // Addresses of their own: tasks of other test files' clusters take ports on 127.0.0.11 and up.
    workers = [await cluster.addWorker('w1', { host: '127.0.0.71' }), await cluster.addWorker('w2', { host: '127.0.0.72' })];
    const hosts = workers.map(hostOf);
    await createService(cluster, webSpec('drain', { replicas: 4, published: DRAIN_PORT }));
    const before = await waitConverged(cluster, 'drain', 4);
    for (const host of hosts) await answeringTasks(host, DRAIN_PORT, 4, demoTaskName);

    // Steady slow requests through both workers' meshes, spread over the four tasks.
    const load = new SlowLoad(hosts, DRAIN_PORT, 4);
    loads.push(load);
    const served = (): Set<string> => new Set(load.outcomes.flatMap((o) => (o.task ? [o.task] : [])));
    await waitFor('every task to have answered the load', () => (served().size === 4 ? true : undefined), 20_000);
    await waitFor('requests in flight', () => (load.inFlight >= 6 ? true : undefined));

    const scaledAt = Date.now();
    await updateService(cluster, 'drain', { replicas: 1 });
    // The leaving tasks drain, saying so, while still running...
    await waitForTasks(cluster, 'drain', 'a leaving task to drain', (ts) =>
      ts.some((t) => t.desiredState === 'shutdown' && t.state === 'running' && t.message === 'draining for 2s before stop'),
    );
    // ...then stop.
    const [kept] = await waitConverged(cluster, 'drain', 1);
    const convergedAt = Date.now();
    await waitFor('the remaining task to answer more of the load', () =>
      load.outcomes.filter((o) => o.startedAt > convergedAt && o.task === kept!.name).length >= 4 ? true : undefined,
    );
    await load.stop();

    const failures = load.outcomes.filter((o) => o.status !== 200);
    expect(failures).toEqual([]);
    // Leaving tasks finished requests that were in flight when the service shrank.
    const leaving = new Set(before.map((t) => t.name).filter((n) => n !== kept!.name));
    const finishedByLeaving = load.outcomes.filter((o) => o.task && leaving.has(o.task) && o.startedAt < scaledAt + 200 && o.endedAt > scaledAt);
    expect(finishedByLeaving.length).toBeGreaterThan(0);
    // And none was handed a request after it had left the tables and stopped.
    const stopped = (await tasksOf(cluster, 'drain')).filter((t) => leaving.has(t.name));
    expect(stopped.every((t) => t.state === 'shutdown')).toBe(true);
    expect(load.outcomes.filter((o) => o.startedAt > convergedAt && o.task && leaving.has(o.task))).toEqual([]);
  });

  it('a worker agent that restarts gets the whole routing table', async () => {
    await createService(cluster, webSpec('kept', { replicas: 1, published: KEPT_PORT }));
    await waitConverged(cluster, 'kept', 1);
    const w2 = workers[1]!;
    await httpGetWhenListening(hostOf(w2), KEPT_PORT);

    // While w2's agent is away: a new service, and the first one removed.
    await cluster.killWorker('w2', 'SIGKILL');
    // (on w1: the leader may not have noticed yet that w2 is away)
    await createService(cluster, webSpec('late', { published: LATE_PORT, task: { placement: { constraints: [`node.id==${workers[0]!.nodeId}`] } } }));
    await waitConverged(cluster, 'late', 1);
    await cluster.client().call('RemoveService', { service: 'drain' }, { write: true, timeoutMs: 3000 });

    await cluster.startWorker('w2');
    // Its mesh serves what did not change while it was away as well as what did.
    expect((await httpGetWhenListening(hostOf(w2), KEPT_PORT)).status).toBe(200);
    expect((await httpGetWhenListening(hostOf(w2), LATE_PORT)).status).toBe(200);
    await waitFor(`port ${DRAIN_PORT} to be unpublished on w2`, () =>
      httpGet(hostOf(w2), DRAIN_PORT).then(
        () => undefined,
        () => true,
      ),
    );
  });
});
