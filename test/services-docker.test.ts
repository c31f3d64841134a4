// Services on the docker runtime: 3 managers and 3 workers started with `--runtime docker`,
// running busybox containers with host networking against the machine's real Docker engine.
// Skipped, with a message, where no engine answers at /var/run/docker.sock; CI runs it.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WireService__Output } from '@shoal/wire';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import {
  DOCKER_SOCKET,
  answeringTasks,
  createService,
  getService,
  docker,
  dockerEngineUp,
  hostOf,
  isFinal,
  isLive,
  isRunning,
  nodeOf,
  perNode,
  removeAllServices,
  resetCluster,
  servicePs,
  setAvailability,
  tasksOf,
  updateService,
  waitConverged,
  waitFor,
  waitForTasks,
} from './support/services.js';

const IMAGE = 'busybox:local';
const engineUp = await dockerEngineUp();
const imageHere = engineUp && docker(['images', '-q', IMAGE]).trim() !== '';
if (!engineUp) {
  console.warn(`Docker service tests skipped: no Docker engine answers at ${DOCKER_SOCKET}; start one as docs/docker.md shows — CI runs them`);
} else if (!imageHere) {
  console.warn(`Docker service tests skipped: the engine has no ${IMAGE} image; make it with scripts/docker/make-busybox-image.sh (docs/docker.md) — CI does`);
}

/** busybox httpd on the task's HOST:PORT (host networking), answering "ok-<task name>". */
const HTTPD = 'mkdir -p /www && echo ok-$SHOAL_TASK_NAME > /www/index.html && httpd -f -p $HOST:$PORT -h /www';

function httpdSpec(name: string, replicas: number, published: number): Record<string, unknown> {
  return {
    name,
    replicas,
    task: { runtime: 'docker', image: IMAGE, command: ['sh', '-c', HTTPD], stopGracePeriodMs: 2000 },
    ports: [{ published }],
  };
}

/** Container id and start time of each running container of `service`, by task id. */
function containerStarts(service: string): Map<string, string> {
  const out = new Map<string, string>();
  const ids = docker(['ps', '-q', '--filter', `label=shoal.service.name=${service}`])
    .split(/\s+/)
    .filter(Boolean);
  if (ids.length === 0) return out;
  for (const line of docker(['inspect', '--format', '{{index .Config.Labels "shoal.task.id"}} {{.Id}} {{.State.StartedAt}}', ...ids])
    .trim()
    .split('\n')) {
    const [task, id, started] = line.split(' ');
    out.set(task!, `${id} ${started}`);
  }
  return out;
}

/** The shoal.task.id labels of the containers Docker runs (or has) for `nodeId`. */
function containersOf(nodeId: string, o: { all?: boolean } = {}): string[] {
  return docker(['ps', ...(o.all ? ['-a'] : []), '--filter', `label=shoal.node.id=${nodeId}`, '--format', '{{.Label "shoal.task.id"}}'])
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
}

/** Waits until the service's update (or rollback) reaches `state`. */
async function waitUpdateState(cluster: LocalCluster, service: string, state: string, timeoutMs = 120_000): Promise<WireService__Output> {
  return waitFor(
    `${service}'s update to be ${state}`,
    async () => {
      const s = await getService(cluster, service);
      return s.updateStatus?.state === state ? s : undefined;
    },
    timeoutMs,
  );
}

// Docker workers get 127.0.0.51..53 (process workers of other files use .11 up, the compose
// journey 127.0.0.21..27 and .41 up); ports 32xxx.
describe.skipIf(!engineUp || !imageHere)('services on docker workers (in order, sharing one cluster)', () => {
  const clusters = new Lab();
  const lab = new Lab();
  let cluster: LocalCluster;
  let anyFailed = false;

  beforeAll(async () => {
    cluster = await clusters.cluster('services-docker', 3);
    for (let i = 1; i <= 3; i++) await cluster.addWorker(`d${i}`, { runtime: 'docker', host: `127.0.0.${50 + i}` });
  }, 120_000);

  afterEach(async ({ task }) => {
    const failed = task.result?.state === 'fail';
    anyFailed ||= failed;
    await lab.cleanup({ failed });
    await resetCluster(cluster);
  });

  afterAll(() => clusters.cleanup({ failed: anyFailed }));

  it('3 replicas of busybox httpd spread over the docker workers, answer through the mesh, and run as labelled containers', async () => {
    await createService(cluster, httpdSpec('dweb', 3, 32080));
    const running = await waitConverged(cluster, 'dweb', 3, 60_000);
    expect(perNode(running)).toEqual({ d1: 1, d2: 1, d3: 1 });

    const names = new Set(running.map((t) => t.name));
    for (const w of cluster.workers) {
      const seen = await answeringTasks(hostOf(w), 32080, 3, (body) => /^ok-(\S+)/.exec(body)?.[1]);
      expect(seen).toEqual(names);
    }
    // `docker ps` shows one running container per task, labelled with it, on its node.
    for (const t of running) {
      expect(containersOf(t.nodeId)).toEqual([t.id]);
      expect(docker(['inspect', '--format', '{{.HostConfig.NetworkMode}} {{index .Config.Labels "shoal.service.name"}}', `shoal-${t.name}`]).trim()).toBe(
        'host dweb',
      );
    }
  });

  it('kill -9 of a docker worker (and its containers): its task is replaced on the other two', async () => {
    await createService(cluster, httpdSpec('dweb', 3, 32081));
    const before = await waitConverged(cluster, 'dweb', 3, 60_000);
    const victim = cluster.worker('d3');
    const lost = before.find((t) => t.nodeId === victim.nodeId)!;

    await cluster.killWorker('d3');
    cluster.killWorkerTasks('d3');
    expect(containersOf(victim.nodeId, { all: true })).toEqual([]);
    await waitFor('d3 to be marked down', async () => ((await nodeOf(cluster, victim.nodeId)).status === 'down' ? true : undefined));

    const after = await waitForTasks(
      cluster,
      'dweb',
      '3 tasks running on d1 and d2',
      (ts) => {
        const running = ts.filter(isRunning);
        return running.length === 3 && ts.filter(isLive).length === 3 && running.every((t) => t.nodeId !== victim.nodeId);
      },
      60_000,
    );
    const running = after.filter(isRunning);
    expect(Object.keys(perNode(running))).toEqual(['d1', 'd2']);
    expect(after.find((t) => t.id === lost.id)?.state).toBe('orphaned');
    // The replacement is a container on a survivor.
    const replacement = running.find((t) => t.slot === lost.slot)!;
    expect(containersOf(replacement.nodeId)).toContain(replacement.id);
    await answeringTasks(hostOf(cluster.worker('d1')), 32081, 3, (body) => /^ok-(\S+)/.exec(body)?.[1]);
  });

  it('kill -9 of the leader manager restarts no container, and the new leader keeps reconciling', async () => {
    await createService(cluster, httpdSpec('dweb', 3, 32082));
    await waitConverged(cluster, 'dweb', 3, 60_000);
    const before = containerStarts('dweb');
    expect(before.size).toBe(3);

    const old = await cluster.waitForLeader();
    await cluster.kill(old.name, 'SIGKILL');
    await cluster.waitForLeader(old.nodeId);
    await waitFor('the scale-up to be accepted', () => updateService(cluster, 'dweb', { replicas: 6 }));
    const after = await waitConverged(cluster, 'dweb', 6, 60_000);
    expect(perNode(after)).toEqual({ d1: 2, d2: 2, d3: 2 });
    // The same containers, started once: the failover touched none of them.
    const now = containerStarts('dweb');
    for (const [task, container] of before) expect(now.get(task)).toBe(container);
    expect((await tasksOf(cluster, 'dweb')).filter(isFinal)).toEqual([]);
  });

  it('drain moves the containers off a worker; its containers stop', async () => {
    await createService(cluster, httpdSpec('dweb', 3, 32083));
    await waitConverged(cluster, 'dweb', 3, 60_000);
    const d2 = cluster.worker('d2');
    await setAvailability(cluster, d2.nodeId, 'drain');
    const moved = await waitForTasks(
      cluster,
      'dweb',
      'd2 to be drained',
      (ts) => {
        const running = ts.filter(isRunning);
        return running.length === 3 && ts.filter(isLive).length === 3 && running.every((t) => t.nodeId !== d2.nodeId);
      },
      60_000,
    );
    expect(Object.keys(perNode(moved.filter(isRunning))).sort()).toEqual(['d1', 'd3']);
    // Its container stopped; it stays (exited) for `service logs` until the task is reaped, as
    // Swarm keeps a task's history.
    await waitFor('the drained container to stop', async () => (containersOf(d2.nodeId).length === 0 ? true : undefined), 30_000);
    expect(containersOf(d2.nodeId, { all: true })).toHaveLength(1);
    await setAvailability(cluster, d2.nodeId, 'active');
  });

  it('a container that exits 3 is restarted per policy: on-failure, 2 attempts, then it stays failed', async () => {
    await createService(cluster, {
      name: 'crash',
      replicas: 1,
      task: {
        runtime: 'docker',
        image: IMAGE,
        command: ['sh', '-c', 'sleep 0.2; exit 3'],
        restartPolicy: { condition: 'on-failure', maxAttempts: 2, delayMs: 0 },
      },
    });
    // A task's failure and the orchestrator's answer to it (desired shutdown: replaced, or
    // given up on) are two writes; wait for both.
    const ended = await waitForTasks(
      cluster,
      'crash',
      '3 runs that failed with code 3, each given up on',
      (ts) => ts.length === 3 && ts.every((t) => t.state === 'failed' && t.desiredState === 'shutdown'),
      60_000,
    );
    for (const t of ended) {
      expect(t.exitCode).toBe(3);
      expect(t.desiredState).toBe('shutdown');
    }
    expect(ended.map((t) => t.slot)).toEqual([1, 1, 1]);
    // No fourth run comes: the orchestrator gave up, and the service says why.
    const rows = await servicePs(lab, cluster, 'crash');
    expect(rows.filter((r) => r.state === 'failed')).toHaveLength(3);
    expect(rows.every((r) => r.error.includes('3'))).toBe(true);
    // Removing the service removes its containers too: no orphans left on the engine.
    expect(docker(['ps', '-aq', '--filter', 'label=shoal.service.name=crash']).trim()).not.toBe('');
    await removeAllServices(cluster);
    await waitFor(
      'the crashed containers to be removed',
      async () => (docker(['ps', '-aq', '--filter', 'label=shoal.service.name=crash']).trim() === '' ? true : undefined),
      30_000,
    );
  });

  it('an agent restart (SIGTERM, then `worker start`) adopts its containers: same containers, no second copy', async () => {
    await createService(cluster, httpdSpec('dweb', 3, 32084));
    const tasks = await waitConverged(cluster, 'dweb', 3, 60_000);
    const before = containerStarts('dweb');
    const d1 = cluster.worker('d1');
    const mine = tasks.filter((t) => t.nodeId === d1.nodeId).map((t) => t.id);
    expect(mine).toHaveLength(1);

    await cluster.killWorker('d1', 'SIGTERM');
    expect(containersOf(d1.nodeId)).toEqual(mine); // its container runs on without its agent
    await cluster.startWorker('d1');
    await waitFor(
      'd1 to report its task running again',
      async () => {
        const ts = await tasksOf(cluster, 'dweb');
        return ts.filter(isRunning).length === 3 && ts.filter(isLive).length === 3 ? true : undefined;
      },
      30_000,
    );
    expect(containerStarts('dweb')).toEqual(before);
    const onD1 = docker([
      'ps',
      '-a',
      '--filter',
      `label=shoal.node.id=${d1.nodeId}`,
      '--filter',
      'label=shoal.service.name=dweb',
      '--format',
      '{{.Label "shoal.task.id"}}',
    ])
      .trim()
      .split('\n');
    expect(onD1).toEqual(mine);
    expect((await tasksOf(cluster, 'dweb')).filter(isFinal)).toEqual([]);
  });

  it('a rolling update (start-first) replaces every container with one of the new spec; an update to a missing image rolls back by itself', async () => {
    await createService(cluster, {
      ...httpdSpec('dupd', 3, 32085),
      update: { parallelism: 1, monitorMs: 500, order: 'start-first', failureAction: 'rollback' },
      rollback: { parallelism: 0, monitorMs: 500 },
    });
    await waitConverged(cluster, 'dupd', 3);
    const before = containerStarts('dupd');
    await updateService(cluster, 'dupd', { task: { env: { RELEASE: '2' } } });
    const done = await waitUpdateState(cluster, 'dupd', 'completed');
    const live = (await tasksOf(cluster, 'dupd')).filter(isLive);
    expect(live.map((t) => t.specVersion)).toEqual(Array(3).fill(done.specVersion));
    // Docker runs exactly the new tasks' containers once the old ones drained and stopped.
    await waitFor(
      'only the new containers to run',
      () => {
        const now = containerStarts('dupd');
        return now.size === 3 && live.every((t) => now.has(t.id)) && [...now.keys()].every((id) => !before.has(id));
      },
      60_000,
      250,
    );
    await answeringTasks(hostOf(cluster.worker('d1')), 32085, 3, (body) => /^ok-(\S+)/.exec(body)?.[1]);

    await updateService(cluster, 'dupd', { task: { image: 'nosuch/image:2' } });
    const back = await waitUpdateState(cluster, 'dupd', 'rollback_completed');
    expect(back.specVersion).toBe(done.specVersion);
    expect(back.updateStatus?.message).toMatch(/^rollback completed; update rolled back: task dupd\.\d\.\w+ (failed|rejected).*nosuch\/image:2/);
    const after = await waitConverged(cluster, 'dupd', 3);
    expect(after.map((t) => t.specVersion)).toEqual(Array(3).fill(done.specVersion));
  }, 180_000);

  it('an image the engine does not have fails the task with an error naming the image', async () => {
    await createService(cluster, {
      name: 'ghost',
      replicas: 1,
      task: { runtime: 'docker', image: 'nosuch/image:1', restartPolicy: { condition: 'none' } },
    });
    const [t] = await waitForTasks(cluster, 'ghost', 'the task to fail', (ts) => ts.length === 1 && ts[0]!.state === 'failed', 60_000);
    expect(t!.error).toContain('nosuch/image:1');
    const rows = await servicePs(lab, cluster, 'ghost');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'failed' });
    expect(rows[0]!.error).toContain('nosuch/image:1');
  });
});
