// The process runtime against real processes: `node -e` tasks, real signals, real files.

import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcessRuntime, type LogLine, type TaskLaunch } from '../src/runtime/index.js';
import { EventRecorder, collect, eventually, freePort, isAlive, killProcessGroup, launch, processesOfTask } from './runtime-fixtures.js';

const NODE = process.execPath;
const NODE_ID = 'node-process-test-00000001';

let dataDir: string;
/** --tasks-root: outside dataDir, as the agent wants it. */
let tasksRoot: string;
let runtimes: ProcessRuntime[];
let launched: TaskLaunch[];

function newRuntime(): { rt: ProcessRuntime; events: EventRecorder } {
  const rt = new ProcessRuntime({ nodeId: NODE_ID, dataDir, tasksRoot, adoptedPollMs: 50 });
  runtimes.push(rt);
  return { rt, events: new EventRecorder(rt) };
}

/** A task running `node -e script`. */
function nodeTask(script: string, over: Parameters<typeof launch>[1] = {}, extra: Parameters<typeof launch>[2] = {}): TaskLaunch {
  const l = launch(NODE_ID, { runtime: 'process', command: [NODE, '-e', script], ...over }, extra);
  launched.push(l);
  return l;
}

async function logLines(rt: ProcessRuntime, taskId: string, o: { tail?: number } = {}): Promise<LogLine[]> {
  return collect(rt.logs(taskId, { follow: false, ...o }));
}

const FOREVER = 'setInterval(() => {}, 1000)';

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'shoal-process-rt-'));
  tasksRoot = mkdtempSync(join(tmpdir(), 'shoal-process-rt-tasks-'));
  // As root, tasks run as nobody: it must be able to pass the root to reach its directory.
  chmodSync(tasksRoot, 0o711);
  runtimes = [];
  launched = [];
});

afterEach(async () => {
  // Whatever a test left running goes, even when it failed half-way.
  for (const l of launched) {
    for (const pid of processesOfTask(l.taskId)) killProcessGroup(pid);
  }
  for (const rt of runtimes) await rt.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(tasksRoot, { recursive: true, force: true });
});

describe('ProcessRuntime', () => {
  it('gives the task PORT and SHOAL_* and reports starting, running, complete', async () => {
    const { rt, events } = newRuntime();
    const port = await freePort();
    const t = nodeTask(
      `const e = process.env; console.log(JSON.stringify({ PORT: e.PORT, id: e.SHOAL_TASK_ID, name: e.SHOAL_TASK_NAME, slot: e.SHOAL_SLOT, service: e.SHOAL_SERVICE, node: e.SHOAL_NODE_ID, mine: e.MINE, cwd: process.cwd(), hasPath: !!e.PATH }))`,
      { env: { MINE: 'yes', PORT: '1' } },
      { port },
    );
    await rt.start(t);
    const end = await events.end(t.taskId);
    expect(events.states(t.taskId)).toEqual(['starting', 'running', 'complete']);
    expect(end).toMatchObject({ state: 'complete', exitCode: 0 });
    const running = events.of(t.taskId).find((e) => e.kind === 'state' && e.state === 'running');
    expect(running).toMatchObject({ runtimeId: expect.stringMatching(/^\d+$/) });

    const [line] = await logLines(rt, t.taskId);
    expect(JSON.parse(line?.line ?? '{}')).toEqual({
      PORT: String(port), // shoal's PORT wins over the spec's
      id: t.taskId,
      name: t.taskName,
      slot: '1',
      service: 'web',
      node: NODE_ID,
      mine: 'yes',
      cwd: rt.workDir(t.taskId),
      hasPath: true,
    });
  });

  it('keeps stdout and stderr in files, readable with tail', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask(`for (let i = 1; i <= 5; i++) { console.log('out ' + i); console.error('err ' + i); } process.stdout.write('no newline')`);
    await rt.start(t);
    await events.end(t.taskId);
    expect(existsSync(join(rt.taskDir(t.taskId), 'stdout.log'))).toBe(true);

    const all = await logLines(rt, t.taskId);
    expect(all.filter((l) => l.stream === 'stdout').map((l) => l.line)).toEqual(['out 1', 'out 2', 'out 3', 'out 4', 'out 5', 'no newline']);
    expect(all.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual(['err 1', 'err 2', 'err 3', 'err 4', 'err 5']);
    expect(all.every((l) => l.taskId === t.taskId)).toBe(true);

    const tail = await logLines(rt, t.taskId, { tail: 2 });
    expect(tail.map((l) => `${l.stream}:${l.line}`)).toEqual(['stdout:out 5', 'stdout:no newline', 'stderr:err 4', 'stderr:err 5']);
  });

  it('follows output as it is written, and the follower ends when the task does', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask(`let i = 0; const h = setInterval(() => { console.log('tick ' + ++i); if (i === 5) { clearInterval(h); } }, 100)`);
    await rt.start(t);
    await events.state(t.taskId, 'running');
    const lines = await collect(rt.logs(t.taskId, { follow: true, tail: 0 }));
    expect(lines.map((l) => l.line)).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5'].slice(5 - lines.length));
    expect(lines.length).toBeGreaterThanOrEqual(3); // the follower began before most ticks
    expect(events.states(t.taskId)).toContain('complete');
  });

  it('stops following when the signal aborts', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask(`console.log('first'); ${FOREVER}`);
    await rt.start(t);
    await events.state(t.taskId, 'running');
    const abort = new AbortController();
    const seen: string[] = [];
    for await (const l of rt.logs(t.taskId, { follow: true, signal: abort.signal })) {
      seen.push(l.line);
      abort.abort();
    }
    expect(seen).toEqual(['first']);
  });

  it('reports a non-zero exit as failed with its code', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask('process.exit(3)');
    await rt.start(t);
    expect(await events.end(t.taskId)).toMatchObject({ state: 'failed', exitCode: 3, message: 'exited with code 3', error: 'exited with code 3' });
  });

  it('reports the signal that killed a task', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask(`process.kill(process.pid, 'SIGKILL')`);
    await rt.start(t);
    expect(await events.end(t.taskId)).toMatchObject({ state: 'failed', message: 'killed by SIGKILL', exitCode: 137 });
  });

  it('reports a command that does not exist as failed: command not found', async () => {
    const { rt, events } = newRuntime();
    const t = launch(NODE_ID, { command: ['shoal-no-such-command-7f3a'] });
    await rt.start(t);
    expect(await events.end(t.taskId)).toMatchObject({ state: 'failed', error: 'command not found: shoal-no-such-command-7f3a' });
    expect(events.states(t.taskId)).toEqual(['starting', 'failed']);
  });

  it('does not start a task whose port something on the node listens on, and says so', async () => {
    const { rt, events } = newRuntime();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const t = nodeTask(FOREVER, {}, { port, host: '127.0.0.1' });
      await rt.start(t);
      const end = await events.end(t.taskId);
      const why = `port ${port} on 127.0.0.1 is in use: another process on this node listens on it (the task was not started)`;
      expect(end).toMatchObject({ state: 'failed', message: why, error: why, exitCode: null });
      expect(events.states(t.taskId)).toEqual(['failed']);
      expect(processesOfTask(t.taskId)).toEqual([]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    // Once the port is free, a task on it starts.
    const next = nodeTask(FOREVER, {}, { port, host: '127.0.0.1' });
    await rt.start(next);
    await events.state(next.taskId, 'running');
    await rt.stop(next.taskId, 1000);
  });

  it('stop() ends the whole process group and reports shutdown', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask(
      `const c = require('child_process').spawn(process.execPath, ['-e', '${FOREVER}'], { stdio: 'ignore' }); console.log('child ' + c.pid); ${FOREVER}`,
    );
    await rt.start(t);
    const running = await events.state(t.taskId, 'running');
    const pid = Number(running.runtimeId);
    const line = await eventually('the child pid in the log', async () => (await logLines(rt, t.taskId)).find((l) => l.line.startsWith('child ')));
    const childPid = Number(line.line.split(' ')[1]);
    expect(isAlive(pid) && isAlive(childPid)).toBe(true);

    await rt.stop(t.taskId, 5_000);
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(childPid)).toBe(false);
    expect(await events.end(t.taskId)).toMatchObject({ state: 'shutdown' });
  });

  it('stop() kills with SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask(`process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); ${FOREVER}`);
    await rt.start(t);
    await eventually('the task to be ready', async () => (await logLines(rt, t.taskId)).some((l) => l.line === 'ready'));
    const began = Date.now();
    await rt.stop(t.taskId, 400);
    expect(Date.now() - began).toBeGreaterThanOrEqual(400);
    const end = await events.end(t.taskId);
    expect(end).toMatchObject({ state: 'shutdown', exitCode: 137 });
    expect(end.message).toContain('SIGKILL');
    expect((await logLines(rt, t.taskId)).map((l) => l.line)).toContain('ignoring SIGTERM');
  });

  it('start() is idempotent per task id', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask(FOREVER);
    await Promise.all([rt.start(t), rt.start(t)]);
    await rt.start(t);
    await events.state(t.taskId, 'running');
    expect(processesOfTask(t.taskId)).toHaveLength(1);
    expect(events.states(t.taskId)).toEqual(['starting', 'running']);
    await rt.stop(t.taskId, 1000);
  });

  it('remove() deletes the task directory', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask('');
    await rt.start(t);
    await events.end(t.taskId);
    expect(existsSync(rt.workDir(t.taskId))).toBe(true);
    await rt.remove(t.taskId);
    expect(existsSync(rt.taskDir(t.taskId))).toBe(false);
    expect(existsSync(rt.workDir(t.taskId))).toBe(false);
    expect(await rt.discover()).toEqual([]);
  });

  describe('after an agent restart', () => {
    it('discovers a running task and adopts it without starting a second copy', async () => {
      const first = newRuntime();
      const t = nodeTask(FOREVER);
      await first.rt.start(t);
      const pid = Number((await first.events.state(t.taskId, 'running')).runtimeId);
      await first.rt.close();

      const { rt, events } = newRuntime();
      expect(await rt.discover()).toEqual([{ taskId: t.taskId, runtimeId: String(pid), running: true }]);
      await rt.start(t);
      expect(await events.state(t.taskId, 'running')).toMatchObject({ runtimeId: String(pid) });
      expect(events.states(t.taskId)).toEqual(['running']); // adopted: no 'starting', no new spawn
      expect(processesOfTask(t.taskId)).toEqual([pid]);

      await rt.stop(t.taskId, 2000);
      expect(isAlive(pid)).toBe(false);
      expect(await events.end(t.taskId)).toMatchObject({ state: 'shutdown' });
    });

    it('notices an adopted task ending, without its exit code', async () => {
      const first = newRuntime();
      const t = nodeTask(`setInterval(() => { if (require('fs').existsSync('done')) process.exit(0) }, 20)`);
      await first.rt.start(t);
      await first.events.state(t.taskId, 'running');
      await first.rt.close();

      const { rt, events } = newRuntime();
      await rt.start(t);
      await events.state(t.taskId, 'running');
      writeFileSync(join(rt.workDir(t.taskId), 'done'), '');
      expect(await events.end(t.taskId)).toMatchObject({ state: 'failed', exitCode: null, message: 'exited while adopted (exit code unknown)' });
    });

    it('discovers a task that ended while no runtime watched it as finished', async () => {
      const first = newRuntime();
      const t = nodeTask(`setInterval(() => { if (require('fs').existsSync('done')) process.exit(0) }, 20)`);
      await first.rt.start(t);
      const pid = Number((await first.events.state(t.taskId, 'running')).runtimeId);
      await first.rt.close();
      writeFileSync(join(first.rt.workDir(t.taskId), 'done'), '');
      await eventually('the task to end', () => !isAlive(pid));

      const { rt, events } = newRuntime();
      expect(await rt.discover()).toEqual([{ taskId: t.taskId, runtimeId: String(pid), running: false, exitCode: null }]);
      // Asked to start it anyway, it says how it ended instead of running it again.
      await rt.start(t);
      expect(await events.end(t.taskId)).toMatchObject({ state: 'failed', exitCode: null });
      expect(processesOfTask(t.taskId)).toEqual([]);
    });

    it('discovers the exit code of a task that ended before the restart', async () => {
      const first = newRuntime();
      const t = nodeTask('process.exit(4)');
      await first.rt.start(t);
      await first.events.end(t.taskId);
      await first.rt.close();

      const { rt } = newRuntime();
      expect(await rt.discover()).toEqual([{ taskId: t.taskId, runtimeId: expect.stringMatching(/^\d+$/), running: false, exitCode: 4 }]);
    });

    it('stops a task it found but was not asked to adopt', async () => {
      const first = newRuntime();
      const t = nodeTask(FOREVER);
      await first.rt.start(t);
      const pid = Number((await first.events.state(t.taskId, 'running')).runtimeId);
      await first.rt.close();

      const { rt, events } = newRuntime();
      await rt.stop(t.taskId, 2000);
      expect(isAlive(pid)).toBe(false);
      expect(await events.end(t.taskId)).toMatchObject({ state: 'shutdown' });
    });
  });

  describe('health checks', () => {
    const server = (status: number): string =>
      `require('http').createServer((req, res) => { res.statusCode = req.url === '/health' ? ${status} : 404; res.end() }).listen(+process.env.PORT, '127.0.0.1')`;

    it('http: a server that answers 200 becomes healthy', async () => {
      const { rt, events } = newRuntime();
      const t = nodeTask(
        server(200),
        { healthCheck: { test: { kind: 'http', path: '/health', port: 0 }, intervalMs: 100, timeoutMs: 1000, retries: 3, startPeriodMs: 0 } },
        { port: await freePort() },
      );
      await rt.start(t);
      const h = await events.health(t.taskId, true);
      expect(h.message).toContain('HTTP 200');
      await rt.stop(t.taskId, 1000);
      expect(events.of(t.taskId).filter((e) => e.kind === 'health')).toHaveLength(1); // changes only
    });

    it('http: a server that answers 500 becomes unhealthy after `retries` failures', async () => {
      const { rt, events } = newRuntime();
      const t = nodeTask(
        server(500),
        { healthCheck: { test: { kind: 'http', path: '/health', port: 0 }, intervalMs: 100, timeoutMs: 1000, retries: 3, startPeriodMs: 0 } },
        { port: await freePort() },
      );
      await rt.start(t);
      const h = await events.health(t.taskId, false);
      expect(h.message).toMatch(/failed 3 time\(s\) in a row: GET http:\/\/127\.0\.0\.1:\d+\/health: HTTP 500/);
      expect(events.of(t.taskId).filter((e) => e.kind === 'health')).toHaveLength(1);
      await rt.stop(t.taskId, 1000);
    });

    it('cmd: runs with the task env and directory, and flips with the result', async () => {
      const { rt, events } = newRuntime();
      const port = await freePort();
      const check = `process.exit(process.env.PORT === '${port}' && require('fs').existsSync('ok') ? 0 : 1)`;
      const t = nodeTask(
        FOREVER,
        { healthCheck: { test: { kind: 'cmd', cmd: [NODE, '-e', check] }, intervalMs: 100, timeoutMs: 5000, retries: 1, startPeriodMs: 0 } },
        { port },
      );
      await rt.start(t);
      await events.health(t.taskId, false);
      writeFileSync(join(rt.workDir(t.taskId), 'ok'), '');
      await events.health(t.taskId, true);
      await rt.stop(t.taskId, 1000);
    });

    it('stops probing when the task ends', async () => {
      const { rt, events } = newRuntime();
      const t = nodeTask(FOREVER, { healthCheck: { test: { kind: 'cmd', cmd: ['true'] }, intervalMs: 50, timeoutMs: 1000, retries: 1, startPeriodMs: 0 } });
      await rt.start(t);
      await events.health(t.taskId, true);
      await rt.stop(t.taskId, 1000);
      const last = events.all.at(-1);
      expect(last).toMatchObject({ kind: 'state', state: 'shutdown' });
    });
  });

  it("cpuTimes: a task's whole process group, busy far above idle, and nothing of ended tasks", async () => {
    const { rt, events } = newRuntime();
    // The busy work is in a child: the group's CPU counts, not only its leader's.
    const busy = nodeTask(`require('child_process').spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }); ${FOREVER}`);
    const idle = nodeTask(FOREVER);
    await rt.start(busy);
    await rt.start(idle);
    await events.state(busy.taskId, 'running');
    await events.state(idle.taskId, 'running');
    const before = await eventually('both tasks measured', async () => {
      const t = await rt.cpuTimes();
      return t.has(busy.taskId) && t.has(idle.taskId) && t;
    });
    // Wait on work done, not on time: the busy group has used 1.5 s of CPU more.
    const after = await eventually(
      'the busy task to use CPU',
      async () => {
        const t = await rt.cpuTimes();
        return (t.get(busy.taskId) ?? 0) - before.get(busy.taskId)! >= 1_500_000 && t;
      },
      60_000,
    );
    const busyUsed = after.get(busy.taskId)! - before.get(busy.taskId)!;
    const idleUsed = after.get(idle.taskId)! - before.get(idle.taskId)!;
    expect(busyUsed).toBeGreaterThan(5 * idleUsed);

    await rt.stop(busy.taskId, 1000);
    const last = await rt.cpuTimes();
    expect(last.has(busy.taskId)).toBe(false);
    expect(last.has(idle.taskId)).toBe(true);
    await rt.stop(idle.taskId, 1000);
  }, 90_000);
});
