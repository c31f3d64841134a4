// What a process task can reach: the user it runs as, its working directory, its environment.
// The tests that switch users need root (as CI runs them); without root they are skipped, and
// say so. Choosing the user and checking the tasks root run anywhere (identities are injected).

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProcessRuntime, isRuntimeError, resolveTaskUser, taskUserWarning, type TaskLaunch, type TaskUser } from '../src/runtime/index.js';
import { DEFAULT_PATH } from '../src/runtime/task-env.js';
import { WorkDirs } from '../src/runtime/work-dirs.js';
import { EventRecorder, collect, eventually, isAlive, killProcessGroup, launch, processesOfTask } from './runtime-fixtures.js';

const NODE = process.execPath;
const NODE_ID = 'node-task-user-test-0000001';
const IS_ROOT = process.geteuid?.() === 0;
const FOREVER = 'setInterval(() => {}, 1000)';

if (!IS_ROOT) {
  process.stderr.write('process-task-user.test.ts: the tests that run tasks as another user need root (uid 0) and are SKIPPED; run them as root, as CI does\n');
}

/** `id -u nobody` / `id -g nobody`: what the default task user must resolve to. */
function idOf(flag: '-u' | '-g', who: string): number {
  return Number(execFileSync('id', [flag, who], { encoding: 'utf8' }).trim());
}

let dataDir: string;
let tasksRoot: string;
let keyFile: string;
let runtimes: ProcessRuntime[];
let launched: TaskLaunch[];

beforeEach(() => {
  // A worker's data directory as a worker has it: its key 0600 in tls/. DATA itself is left
  // 0755 on purpose: the task user must be kept out by more than DATA's own mode.
  dataDir = mkdtempSync(join(tmpdir(), 'shoal-task-user-data-'));
  chmodSync(dataDir, 0o755);
  mkdirSync(join(dataDir, 'tls'), { mode: 0o700 });
  keyFile = join(dataDir, 'tls', 'node-key.pem');
  writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\nnot a real key\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
  tasksRoot = mkdtempSync(join(tmpdir(), 'shoal-task-user-tasks-'));
  chmodSync(tasksRoot, 0o711);
  runtimes = [];
  launched = [];
});

afterEach(async () => {
  for (const l of launched) for (const pid of processesOfTask(l.taskId)) killProcessGroup(pid);
  for (const rt of runtimes) await rt.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(tasksRoot, { recursive: true, force: true });
});

function newRuntime(o: { taskUser?: TaskUser } = {}): { rt: ProcessRuntime; events: EventRecorder } {
  const rt = new ProcessRuntime({ nodeId: NODE_ID, dataDir, tasksRoot, adoptedPollMs: 50, ...o });
  runtimes.push(rt);
  return { rt, events: new EventRecorder(rt) };
}

function nodeTask(script: string, over: Parameters<typeof launch>[1] = {}): TaskLaunch {
  const l = launch(NODE_ID, { runtime: 'process', command: [NODE, '-e', script], ...over });
  launched.push(l);
  return l;
}

async function stdoutOf(rt: ProcessRuntime, taskId: string): Promise<string[]> {
  return (await collect(rt.logs(taskId, { follow: false }))).filter((l) => l.stream === 'stdout').map((l) => l.line);
}

/** What a task reports about itself, as one JSON line on stdout. */
const REPORT = `
const fs = require('fs');
const attempt = (p) => { try { fs.readFileSync(p); return 'read'; } catch (e) { return e.code; } };
const status = fs.readFileSync('/proc/self/status', 'utf8');
const groups = (/^Groups:(.*)$/m.exec(status) || ['', '?'])[1].trim();
console.log(JSON.stringify({
  uid: process.getuid(), gid: process.getgid(), groups, cwd: process.cwd(),
  relativeKey: attempt('../../tls/node-key.pem'), absoluteKey: attempt(process.argv[1]),
}));`;

describe('the task environment', () => {
  it("holds PATH, HOME, PORT and SHOAL_* and the spec env: none of the agent's own environment", async () => {
    process.env['SHOAL_TEST_AGENT_SECRET'] = 'agent-only';
    try {
      const { rt, events } = newRuntime();
      const t = nodeTask('console.log(JSON.stringify(process.env))', { env: { MINE: 'yes' } });
      await rt.start(t);
      expect(await events.end(t.taskId)).toMatchObject({ state: 'complete' });
      const env = JSON.parse((await stdoutOf(rt, t.taskId))[0] ?? '{}') as Record<string, string>;
      expect(Object.keys(env).sort()).toEqual([
        'HOME',
        'MINE',
        'PATH',
        'SHOAL_NODE_ID',
        'SHOAL_SERVICE',
        'SHOAL_SERVICE_ID',
        'SHOAL_SLOT',
        'SHOAL_TASK_ID',
        'SHOAL_TASK_NAME',
      ]);
      if (rt.taskUser.separate) {
        expect(env).toMatchObject({ HOME: rt.workDir(t.taskId), PATH: DEFAULT_PATH });
      } else {
        expect(env).toMatchObject({ HOME: process.env['HOME'], PATH: process.env['PATH'] });
      }
    } finally {
      delete process.env['SHOAL_TEST_AGENT_SECRET'];
    }
  });
});

describe('choosing the task user', () => {
  const rootAgent = { uid: 0, gid: 0 };
  const plainAgent = { uid: 4242, gid: 4343 };

  it('an agent running as root runs tasks as nobody by default, in a group of their own', () => {
    expect(resolveTaskUser(undefined, rootAgent)).toEqual({ name: 'nobody', uid: idOf('-u', 'nobody'), gid: idOf('-g', 'nobody'), separate: true });
  });

  it('accepts a name, a UID (its group from the user database) or UID:GID', () => {
    expect(resolveTaskUser('nobody', rootAgent)).toMatchObject({ uid: idOf('-u', 'nobody'), gid: idOf('-g', 'nobody'), separate: true });
    expect(resolveTaskUser(String(idOf('-u', 'nobody')), rootAgent)).toMatchObject({ name: 'nobody', gid: idOf('-g', 'nobody') });
    expect(resolveTaskUser('70000:70001', rootAgent)).toEqual({ name: 'uid 70000', uid: 70000, gid: 70001, separate: true });
  });

  it('an agent that is not root runs tasks as itself, and warns that they can read its key', () => {
    const own = resolveTaskUser(undefined, plainAgent);
    expect(own).toMatchObject({ uid: 4242, gid: 4343, separate: false });
    expect(taskUserWarning(own, plainAgent)).toMatch(
      /the agent's own user: they can read this worker's key material .*run the agent as root .* or use the docker runtime/,
    );
    // Naming itself is allowed: nothing to switch.
    expect(resolveTaskUser('4242:4343', plainAgent)).toMatchObject({ separate: false });
  });

  it('an agent that is not root refuses another task user, saying why and what to do', () => {
    expect(() => resolveTaskUser('nobody', plainAgent)).toThrow(
      /--task-user nobody: only an agent running as root can run tasks as another user \(this agent runs as uid 4242\); start the agent as root, or leave --task-user out/,
    );
    try {
      resolveTaskUser('70000:70001', plainAgent);
      expect.unreachable();
    } catch (e) {
      expect(isRuntimeError(e, 'INVALID_TASK_USER')).toBe(true);
    }
  });

  it('refuses unknown users and malformed ids with a clear error', () => {
    expect(() => resolveTaskUser('shoal-no-such-user-x7', rootAgent)).toThrow(
      /--task-user shoal-no-such-user-x7: no such user on this node .*useradd --system --no-create-home shoal-no-such-user-x7/,
    );
    expect(() => resolveTaskUser('3999999', rootAgent)).toThrow(
      /uid 3999999 has no user entry, so its group is unknown: give it as UID:GID \(e\.g\. 3999999:3999999\)/,
    );
    expect(() => resolveTaskUser('bad name', rootAgent)).toThrow(/"bad name" is neither a user name nor UID or UID:GID/);
    expect(() => resolveTaskUser('4294967295:0', rootAgent)).toThrow(/uid 4294967295 is out of range/);
  });

  it('warns when tasks would run as root', () => {
    const root = resolveTaskUser('0:0', rootAgent);
    expect(root.separate).toBe(false);
    expect(taskUserWarning(root, rootAgent)).toMatch(/^process tasks run as root: they can read this worker's key material/);
    expect(taskUserWarning(resolveTaskUser(undefined, rootAgent), rootAgent)).toBeUndefined();
  });
});

describe('the tasks root', () => {
  const me = { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };
  const asMe: TaskUser = { name: 'me', ...me, separate: false };
  const other: TaskUser = { name: 'someone', uid: 70000, gid: 70001, separate: true };

  const refusal = (root: string, user: TaskUser = asMe): string => {
    try {
      new WorkDirs({ root, nodeId: NODE_ID, dataDir, user, agent: me });
    } catch (e) {
      expect(isRuntimeError(e, 'INVALID_TASKS_ROOT')).toBe(true);
      return (e as Error).message;
    }
    throw new Error(`the tasks root ${root} was accepted`);
  };

  it('must neither lie inside the data directory nor hold it', () => {
    expect(refusal(join(dataDir, 'tasks-root'))).toMatch(/is inside the worker's data directory .*: tasks must not reach it; choose a --tasks-root outside it/);
    expect(refusal(join(dataDir, '..'))).toMatch(/holds the worker's data directory/);
  });

  it('must not be writable by other users (unless sticky, like /tmp)', () => {
    chmodSync(tasksRoot, 0o777);
    expect(refusal(tasksRoot)).toMatch(/is writable by other users \(mode 0777\): chmod go-w/);
    chmodSync(tasksRoot, 0o1777);
    expect(() => new WorkDirs({ root: tasksRoot, nodeId: NODE_ID, dataDir, user: asMe, agent: me })).not.toThrow();
  });

  it("is created passable for a separate task user, parents included, whatever the agent's umask", () => {
    const before = process.umask(0o077); // as the shoal CLI runs agents
    try {
      new WorkDirs({ root: join(tasksRoot, 'a', 'b'), nodeId: NODE_ID, dataDir, user: other, agent: me });
    } finally {
      process.umask(before);
    }
    expect(statSync(join(tasksRoot, 'a')).mode & 0o7777).toBe(0o711);
    expect(statSync(join(tasksRoot, 'a', 'b')).mode & 0o7777).toBe(0o711);
  });

  it('must be reachable by a separate task user', () => {
    const closed = mkdtempSync(join(tmpdir(), 'shoal-task-user-closed-'));
    try {
      chmodSync(closed, 0o700);
      expect(refusal(join(closed, 'root'), other)).toMatch(
        new RegExp(`the task user someone \\(uid 70000\\) cannot reach the tasks root .*: ${closed} is mode 0700 .*chmod o\\+x ${closed}`),
      );
    } finally {
      rmSync(closed, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!IS_ROOT)('tasks run as another user (needs root: skipped when not root)', () => {
  const NOBODY = { uid: () => idOf('-u', 'nobody'), gid: () => idOf('-g', 'nobody') };
  let groupsBefore: number[];
  const groups = (): { get: () => number[]; set: (g: number[]) => void } => {
    if (!process.getgroups || !process.setgroups) throw new Error('this platform has no process.getgroups/setgroups (POSIX only)');
    return { get: process.getgroups.bind(process), set: process.setgroups.bind(process) };
  };

  beforeAll(() => {
    // Give the agent supplementary groups, to see that the task does not inherit them.
    groupsBefore = groups().get();
    groups().set([0, 4, 27]);
    expect(groups().get()).toEqual([0, 4, 27]);
  });
  afterAll(() => groups().set(groupsBefore));

  it("cannot read the node key: runs as nobody without the agent's groups, in a private directory outside DATA", async () => {
    const { rt, events } = newRuntime();
    expect(rt.taskUser).toMatchObject({ name: 'nobody', separate: true });
    const t = nodeTask(REPORT, { command: [NODE, '-e', REPORT, keyFile] });
    await rt.start(t);
    expect(await events.end(t.taskId)).toMatchObject({ state: 'complete' });
    const seen = JSON.parse((await stdoutOf(rt, t.taskId))[0] ?? '{}') as {
      uid: number;
      gid: number;
      groups: string;
      cwd: string;
      relativeKey: string;
      absoluteKey: string;
    };

    expect(seen).toMatchObject({ uid: NOBODY.uid(), gid: NOBODY.gid(), groups: '' });
    // Where a task started in DATA/tasks/<id>, ../../tls/node-key.pem was the key: now it is nothing.
    expect(seen.relativeKey).toBe('ENOENT');
    expect(seen.absoluteKey).toBe('EACCES');
    expect(seen.cwd).toBe(rt.workDir(t.taskId));
    expect(seen.cwd.startsWith(`${dataDir}/`)).toBe(false);
    expect(seen.cwd.startsWith(`${tasksRoot}/`)).toBe(true);
    const dir = statSync(seen.cwd);
    expect({ uid: dir.uid, gid: dir.gid, mode: dir.mode & 0o7777 }).toEqual({ uid: NOBODY.uid(), gid: NOBODY.gid(), mode: 0o700 });
    // The agent's own record of the task stays the agent's.
    expect(statSync(rt.taskDir(t.taskId)).mode & 0o777).toBe(0o700);
    expect(statSync(join(rt.taskDir(t.taskId), 'launch.json')).uid).toBe(0);
  });

  it('may reopen its stdout and stderr (/dev/stdout) though the log files live in DATA', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask('', { command: ['/bin/sh', '-c', 'echo to-dev-stdout > /dev/stdout && echo to-dev-stderr > /dev/stderr'] });
    await rt.start(t);
    expect(await events.end(t.taskId)).toMatchObject({ state: 'complete' });
    const lines = await collect(rt.logs(t.taskId, { follow: false }));
    expect(lines.map((l) => `${l.stream}:${l.line}`)).toEqual(['stdout:to-dev-stdout', 'stderr:to-dev-stderr']);
  });

  it('runs a cmd health check as the task user too', async () => {
    const { rt, events } = newRuntime();
    const check = `process.exit(process.getuid() === ${NOBODY.uid()} && process.cwd() === process.env.HOME ? 0 : 1)`;
    const t = nodeTask(FOREVER, {
      healthCheck: { test: { kind: 'cmd', cmd: [NODE, '-e', check] }, intervalMs: 50, timeoutMs: 5000, retries: 1, startPeriodMs: 0 },
    });
    await rt.start(t);
    await events.health(t.taskId, true);
    await rt.stop(t.taskId, 1000);
  });

  it('may not be given a working directory inside DATA', async () => {
    const { rt, events } = newRuntime();
    const t = nodeTask(FOREVER, { workdir: join(dataDir, 'tls') });
    await rt.start(t);
    const end = await events.end(t.taskId);
    expect(end).toMatchObject({ state: 'failed' });
    expect(end.error).toMatch(
      /^working directory .*\/tls is inside the worker's data directory, which holds the node's key: tasks may not run there; choose another workdir$/,
    );
    expect(processesOfTask(t.taskId)).toEqual([]);
  });

  it('a restarted agent adopts, stops and removes a task running as nobody, even one it must find in /proc', async () => {
    const first = newRuntime();
    const a = nodeTask(FOREVER);
    const b = nodeTask(`require('fs').writeFileSync('left-behind', 'x'); require('fs').mkdirSync('locked'); require('fs').chmodSync('locked', 0); ${FOREVER}`);
    await first.rt.start(a);
    await first.rt.start(b);
    const pidA = Number((await first.events.state(a.taskId, 'running')).runtimeId);
    const pidB = Number((await first.events.state(b.taskId, 'running')).runtimeId);
    await eventually('b to leave its files', () => existsSync(join(first.rt.workDir(b.taskId), 'locked')));
    await first.rt.close();
    // As if the agent had died between b's spawn and its task.json: b is found by its environment.
    unlinkSync(join(first.rt.taskDir(b.taskId), 'task.json'));

    const { rt, events } = newRuntime();
    const found = (await rt.discover()).sort((x, y) => (x.taskId === a.taskId ? -1 : y.taskId === a.taskId ? 1 : 0));
    expect(found).toEqual([
      { taskId: a.taskId, runtimeId: String(pidA), running: true },
      { taskId: b.taskId, runtimeId: String(pidB), running: true },
    ]);
    await rt.start(a);
    await rt.start(b);
    expect(await events.state(a.taskId, 'running')).toMatchObject({ runtimeId: String(pidA) });
    expect(await events.state(b.taskId, 'running')).toMatchObject({ runtimeId: String(pidB) });
    expect(events.states(a.taskId)).toEqual(['running']);
    expect(readFileSync(`/proc/${pidA}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${NOBODY.uid()}\\s`, 'm'));

    await rt.stop(a.taskId, 2000);
    expect(isAlive(pidA)).toBe(false);
    expect(await events.end(a.taskId)).toMatchObject({ state: 'shutdown' });
    await rt.remove(b.taskId);
    expect(isAlive(pidB)).toBe(false);
    expect(existsSync(rt.workDir(b.taskId))).toBe(false);
    expect(existsSync(rt.taskDir(b.taskId))).toBe(false);
  });
});
