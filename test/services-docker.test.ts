// Services on the docker runtime: 3 managers and 3 workers started with `--runtime docker`,
// running busybox containers with host networking against the machine's real Docker engine.
// Skipped, with a message, where no engine answers at /var/run/docker.sock; CI runs it.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { waitHealthy } from './support/managers.js';
import {
  DOCKER_SOCKET,
  answeringTasks,
  createService,
  docker,
  dockerEngineUp,
  hostOf,
  isLive,
  isRunning,
  nodeOf,
  perNode,
  removeAllServices,
  restoreWorkers,
  servicePs,
  waitConverged,
  waitFor,
  waitForTasks,
} from './support/services.js';

const IMAGE = 'busybox:local';
const engineUp = await dockerEngineUp();
const imageHere = engineUp && docker(['images', '-q', IMAGE]).trim() !== '';
if (!engineUp) {
  console.warn(`Docker service tests skipped: no Docker engine answers at ${DOCKER_SOCKET}; start one (see shared/notes/docker-on-this-machine.md) — CI runs them`);
} else if (!imageHere) {
  console.warn(`Docker service tests skipped: the engine has no ${IMAGE} image; make it as shared/notes/docker-on-this-machine.md shows — CI does`);
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

/** The shoal.task.id labels of the containers Docker runs (or has) for `nodeId`. */
function containersOf(nodeId: string, o: { all?: boolean } = {}): string[] {
  return docker(['ps', ...(o.all ? ['-a'] : []), '--filter', `label=shoal.node.id=${nodeId}`, '--format', '{{.Label "shoal.task.id"}}'])
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
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
    await waitHealthy(cluster, 3);
    await restoreWorkers(cluster);
    await removeAllServices(cluster);
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
      expect(docker(['inspect', '--format', '{{.HostConfig.NetworkMode}} {{index .Config.Labels "shoal.service.name"}}', `shoal-${t.name}`]).trim()).toBe('host dweb');
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

    const after = await waitForTasks(cluster, 'dweb', '3 tasks running on d1 and d2', (ts) => {
      const running = ts.filter(isRunning);
      return running.length === 3 && ts.filter(isLive).length === 3 && running.every((t) => t.nodeId !== victim.nodeId);
    }, 60_000);
    const running = after.filter(isRunning);
    expect(Object.keys(perNode(running))).toEqual(['d1', 'd2']);
    expect(after.find((t) => t.id === lost.id)?.state).toBe('orphaned');
    // The replacement is a container on a survivor.
    const replacement = running.find((t) => t.slot === lost.slot)!;
    expect(containersOf(replacement.nodeId)).toContain(replacement.id);
    await answeringTasks(hostOf(cluster.worker('d1')), 32081, 3, (body) => /^ok-(\S+)/.exec(body)?.[1]);
  });

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
