// The docker runtime against a real Docker engine (busybox:local, host networking). Skipped,
// with a message, on a machine without an engine; CI starts one.

import { createServer, type AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerRuntime, DOCKER_LABELS, RuntimeError, containerName, type TaskLaunch } from '../src/runtime/index.js';
import { containerSpec } from '../src/runtime/docker.js';
import { EventRecorder, collect, eventually, freePort, launch } from './runtime-fixtures.js';

const SOCKET = process.env['DOCKER_HOST']?.replace('unix://', '') ?? '/var/run/docker.sock';
const IMAGE = 'busybox:local';
const docker = new Docker({ socketPath: SOCKET });
// One node id per run: cleanup by label then touches only this run's containers.
const NODE_ID = `node-docker-test-${process.pid}-${Date.now()}`;

const engineUp = await docker.ping().then(
  () => true,
  () => false,
);
const imageHere =
  engineUp &&
  (await docker
    .getImage(IMAGE)
    .inspect()
    .then(
      () => true,
      () => false,
    ));
if (!engineUp) {
  console.warn(`Docker tests skipped: no Docker engine at ${SOCKET}; start one as docs/docker.md shows — CI runs them`);
} else if (!imageHere) {
  console.warn(`Docker tests skipped: the engine has no ${IMAGE} image; make it with scripts/docker/make-busybox-image.sh (docs/docker.md) — CI does`);
}

async function removeTestContainers(): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${DOCKER_LABELS.nodeId}=${NODE_ID}`] } });
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

describe.skipIf(!engineUp || !imageHere)('DockerRuntime (real engine)', () => {
  let runtimes: DockerRuntime[];

  async function newRuntime(): Promise<{ rt: DockerRuntime; events: EventRecorder }> {
    const rt = new DockerRuntime({ nodeId: NODE_ID, socketPath: SOCKET });
    runtimes.push(rt);
    const events = new EventRecorder(rt);
    await rt.connect();
    return { rt, events };
  }

  function task(s: Parameters<typeof launch>[1]): TaskLaunch {
    return launch(NODE_ID, { runtime: 'docker', image: IMAGE, ...s });
  }

  beforeEach(() => {
    runtimes = [];
  });

  afterEach(async () => {
    for (const rt of runtimes) await rt.close();
    await removeTestContainers();
  });

  it('runs a container with host networking, labels and no Docker restarts; logs; stop', async () => {
    const { rt, events } = await newRuntime();
    const t = {
      ...task({ command: ['sh', '-c', 'echo hi; echo oops >&2; echo port=$PORT slot=$SHOAL_SLOT; sleep 30'], env: { GREETING: 'hello' } }),
      port: 18_123,
    };
    await rt.start(t);
    const running = await events.state(t.taskId, 'running');
    expect(events.states(t.taskId)).toEqual(['starting', 'running']);

    const info = await docker.getContainer(running.runtimeId ?? '').inspect();
    expect(info.Name).toBe(`/${containerName(t)}`);
    expect(info.HostConfig.NetworkMode).toBe('host');
    expect(info.HostConfig.RestartPolicy?.Name).toBe('no');
    expect(info.Config.Labels).toMatchObject({
      'shoal.task.id': t.taskId,
      'shoal.task.name': t.taskName,
      'shoal.service.id': t.serviceId,
      'shoal.service.name': 'web',
      'shoal.node.id': NODE_ID,
      'shoal.slot': '1',
      'shoal.task.port': '18123',
    });
    expect(info.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello', 'PORT=18123', `SHOAL_TASK_ID=${t.taskId}`, 'SHOAL_SERVICE=web']));

    const lines = await eventually('three log lines', async () => {
      const l = await collect(rt.logs(t.taskId, { follow: false }));
      return l.length >= 3 && l;
    });
    expect(lines.map((l) => `${l.stream}:${l.line}`).sort()).toEqual(['stderr:oops', 'stdout:hi', 'stdout:port=18123 slot=1']);
    // Docker keeps one log of both streams, in the order its log driver got them (which
    // between stdout and stderr need not be the write order): tail counts lines of that log.
    const tail = await collect(rt.logs(t.taskId, { follow: false, tail: 1 }));
    expect(tail).toEqual([lines.at(-1)]);

    // A follower sees the history, then ends when the container stops.
    const followed = collect(rt.logs(t.taskId, { follow: true }));
    await rt.stop(t.taskId, 1000);
    expect(await events.end(t.taskId)).toMatchObject({ state: 'shutdown', runtimeId: running.runtimeId });
    expect((await followed).map((l) => l.line)).toContain('hi');
    expect((await docker.getContainer(running.runtimeId ?? '').inspect()).State.Running).toBe(false);

    await rt.remove(t.taskId);
    await expect(docker.getContainer(running.runtimeId ?? '').inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("cpuTimes: from the containers' stats, busy far above idle, nothing of stopped ones", async () => {
    const { rt, events } = await newRuntime();
    const busy = task({ command: ['sh', '-c', 'while :; do :; done'] });
    const idle = task({ command: ['sleep', '300'] });
    await rt.start(busy);
    await rt.start(idle);
    await events.state(busy.taskId, 'running');
    await events.state(idle.taskId, 'running');
    const before = await eventually('both containers measured', async () => {
      const t = await rt.cpuTimes();
      return t.has(busy.taskId) && t.has(idle.taskId) && t;
    });
    // Stats are reused for a few seconds: wait on the work done, not on time.
    const after = await eventually(
      'the busy container to use CPU',
      async () => {
        const t = await rt.cpuTimes();
        return (t.get(busy.taskId) ?? 0) - before.get(busy.taskId)! >= 1_500_000 && t;
      },
      60_000,
    );
    expect(after.get(busy.taskId)! - before.get(busy.taskId)!).toBeGreaterThan(5 * (after.get(idle.taskId)! - before.get(idle.taskId)!));

    await rt.stop(busy.taskId, 1000);
    expect((await rt.cpuTimes()).has(busy.taskId)).toBe(false);
    await rt.stop(idle.taskId, 1000);
  }, 90_000);

  it('learns exits from the events stream: exit 3 is failed with code 3, exit 0 complete', async () => {
    const { rt, events } = await newRuntime();
    const failing = task({ command: ['sh', '-c', 'exit 3'] });
    const ok = task({ command: ['true'] });
    await Promise.all([rt.start(failing), rt.start(ok)]);
    expect(await events.end(failing.taskId)).toMatchObject({ state: 'failed', exitCode: 3, error: 'exited with code 3' });
    expect(await events.end(ok.taskId)).toMatchObject({ state: 'complete', exitCode: 0 });
    // 'running' always comes before the exit, even when the container died before start() returned.
    expect(events.states(failing.taskId)).toEqual(['starting', 'running', 'failed']);
  });

  it('reports an image it cannot pull as failed, saying so', async () => {
    const { rt, events } = await newRuntime();
    const t = task({ image: 'nosuch/image:1', command: ['true'] });
    await rt.start(t);
    const end = await events.end(t.taskId);
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(/^image nosuch\/image:1 not found locally and could not be pulled: .+/);
    expect(events.states(t.taskId)[0]).toBe('preparing');
  });

  it('reports a command missing from the image as command not found', async () => {
    const { rt, events } = await newRuntime();
    const t = task({ command: ['shoal-no-such-command'] });
    await rt.start(t);
    expect(await events.end(t.taskId)).toMatchObject({ state: 'failed', error: 'command not found: shoal-no-such-command' });
  });

  it('turns a cmd health check into a Docker HEALTHCHECK whose status flips health', async () => {
    const { rt, events } = await newRuntime();
    const t = task({
      command: ['sleep', '60'],
      healthCheck: { test: { kind: 'cmd', cmd: ['sh', '-c', 'test -f /ok'] }, intervalMs: 200, timeoutMs: 2000, retries: 1, startPeriodMs: 0 },
    });
    await rt.start(t);
    const running = await events.state(t.taskId, 'running');
    const info = await docker.getContainer(running.runtimeId ?? '').inspect();
    expect(info.Config.Healthcheck).toMatchObject({ Test: ['CMD', 'sh', '-c', 'test -f /ok'], Interval: 200e6, Retries: 1 });

    await events.health(t.taskId, false);
    const exec = await docker.getContainer(running.runtimeId ?? '').exec({ Cmd: ['sh', '-c', 'echo > /ok'] });
    await exec.start({ Detach: true });
    expect((await events.health(t.taskId, true)).message).toContain('healthy');
    await rt.stop(t.taskId, 0);
  });

  it('probes an http health check from the agent over host networking', async () => {
    const { rt, events } = await newRuntime();
    const port = await freePort();
    const t = {
      ...task({
        command: ['sh', '-c', 'httpd -f -p 127.0.0.1:$PORT -h /etc'],
        healthCheck: { test: { kind: 'http', path: '/hostname', port: 0 }, intervalMs: 100, timeoutMs: 1000, retries: 3, startPeriodMs: 0 },
      }),
      port,
    };
    await rt.start(t);
    expect((await events.health(t.taskId, true)).message).toBe(`GET http://127.0.0.1:${port}/hostname: HTTP 200`);
    await rt.stop(t.taskId, 1000);
  });

  it('finds its containers again after a restart and adopts them without a second copy', async () => {
    const first = await newRuntime();
    const t = task({ command: ['sleep', '60'] });
    await first.rt.start(t);
    const running = await first.events.state(t.taskId, 'running');
    const done = task({ command: ['sh', '-c', 'exit 5'] });
    await first.rt.start(done);
    const doneEnd = await first.events.end(done.taskId);
    // Docker sends 'die' a moment before its own record says the container exited.
    await eventually('docker to record the exit', async () => !(await docker.getContainer(doneEnd.runtimeId ?? '').inspect()).State.Running);
    await first.rt.close();

    const { rt, events } = await newRuntime();
    const found = await rt.discover();
    expect(found).toEqual(
      expect.arrayContaining([
        { taskId: t.taskId, runtimeId: running.runtimeId, running: true },
        { taskId: done.taskId, runtimeId: expect.any(String), running: false, exitCode: 5 },
      ]),
    );
    expect(found).toHaveLength(2);

    await rt.start(t);
    expect(await events.state(t.taskId, 'running')).toMatchObject({ runtimeId: running.runtimeId });
    const containers = await docker.listContainers({ all: true, filters: { label: [`${DOCKER_LABELS.taskId}=${t.taskId}`] } });
    expect(containers).toHaveLength(1);

    // The adopted container's exit still comes through the new runtime's events stream.
    await docker.getContainer(running.runtimeId ?? '').kill({ signal: 'SIGKILL' });
    expect(await events.end(t.taskId)).toMatchObject({ state: 'failed', exitCode: 137 });
  });

  it('does not start a container on a host port something listens on, and says so', async () => {
    const { rt, events } = await newRuntime();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const t = { ...task({ command: ['sleep', '60'] }), port, host: '127.0.0.1' };
      await rt.start(t);
      const why = `port ${port} on 127.0.0.1 is in use: another process on this node listens on it (the task was not started)`;
      expect(await events.end(t.taskId)).toMatchObject({ state: 'failed', error: why });
      const containers = await docker.listContainers({ all: true, filters: { label: [`${DOCKER_LABELS.taskId}=${t.taskId}`] } });
      expect(containers).toHaveLength(0);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('reopens a broken events stream and still learns of an exit that happened meanwhile', async () => {
    const { rt, events } = await newRuntime();
    const t = task({ command: ['sleep', '60'] });
    await rt.start(t);
    const running = await events.state(t.taskId, 'running');
    // Break the stream from our side (as a dockerd restart would), then end the container in the gap.
    const stream = (rt as unknown as { events: { stream?: { destroy(): void } } }).events.stream;
    expect(stream).toBeDefined();
    stream?.destroy();
    await docker.getContainer(running.runtimeId ?? '').kill({ signal: 'SIGKILL' });
    expect(await events.end(t.taskId)).toMatchObject({ state: 'failed', exitCode: 137 });
    // And the reopened stream goes on working.
    const next = task({ command: ['sh', '-c', 'exit 7'] });
    await rt.start(next);
    expect(await events.end(next.taskId)).toMatchObject({ state: 'failed', exitCode: 7 });
  });
});

describe('DockerRuntime without an engine', () => {
  it('labels a container with the host port its task holds, so a later agent knows it', () => {
    const t = { ...launch(NODE_ID, { runtime: 'docker', image: IMAGE, command: ['true'] }), port: 20_000 };
    expect(containerSpec(t).Labels).toMatchObject({ [DOCKER_LABELS.port]: '20000', [DOCKER_LABELS.taskId]: t.taskId });
    expect(containerSpec({ ...t, port: 0 }).Labels).not.toHaveProperty(DOCKER_LABELS.port);
  });

  it('says clearly that the engine cannot be reached', async () => {
    const rt = new DockerRuntime({ nodeId: NODE_ID, socketPath: '/tmp/shoal-no-such-docker.sock' });
    const events = new EventRecorder(rt);
    await expect(rt.connect()).rejects.toThrow(/^cannot reach the Docker engine at \/tmp\/shoal-no-such-docker\.sock: .*; is dockerd running\?$/);
    await expect(rt.connect()).rejects.toBeInstanceOf(RuntimeError);
    const t = launch(NODE_ID, { runtime: 'docker', image: IMAGE, command: ['true'] });
    await rt.start(t);
    const end = await events.end(t.taskId);
    expect(end).toMatchObject({ state: 'failed' });
    expect(end.error).toContain('is dockerd running?');
    await rt.close();
  });
});
