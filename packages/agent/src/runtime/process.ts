// The process runtime, shoal's embedded default (Nomad's raw_exec): a task is a plain process
// on the node. An agent running as root runs it as the task user (task-user.ts, default
// nobody); otherwise it runs as the agent's own user. Either way it starts in its own working
// directory outside DATA (work-dirs.ts), with a clean environment (task-env.ts), and under the
// umask the agent was started with, not the 077 the CLI sets for the agent's own files
// (data-dir-modes.ts in @shoal/identity: what a task creates is the task's business).
//
// What the agent keeps of a task lives in DATA/tasks/<taskId>/ (0700, the agent's own):
//   launch.json  the TaskLaunch, written just before the spawn.
//   task.json    {pid, startTime, taskId, launch}: who the task's process is, written
//                atomically right after the spawn. pid + startTime (/proc/<pid>/stat field 22)
//                name the process for good, so a reused pid is never mistaken for the task.
//   exit.json    how it ended, once this runtime saw it end (kept for a later discover()).
//   stdout.log   the task's own stdout and stderr: the process writes the files itself, so
//   stderr.log   neither its output nor the process depend on the agent being alive. They
//                belong to the task user (0600), so a task may reopen /dev/stdout; it holds
//                them open but cannot reach them by path (DATA is closed to it).
//
// Each task is its own process group (detached), so it survives an agent crash and a stop
// reaches everything it started. A later agent adopts it through discover()/start(): it can
// no longer wait() for a process that is not its child, so it watches /proc instead, and
// learns that the process ended but not its exit code.
//
// Hundreds of tasks may start at once (a large service, a node taking over another's work):
// spawns take turns (spawn-turns.ts), a task whose port is taken fails with that reason
// before it is spawned, and what runs per task (stop polling, adopted-process checks) stays
// cheap enough for a thousand tasks without starving the agent's heartbeats.

import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, fchownSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { constants, cpus, totalmem } from 'node:os';
import { join, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import { withStartingUmask, writePrivateJson } from '@shoal/identity';
import { RuntimeEventSource } from './event-source.js';
import { RuntimeError } from './errors.js';
import { HealthProbe } from './health.js';
import { readLogFiles } from './log-files.js';
import { portInUse } from './port-check.js';
import { findTaskLeader, groupCpuMicros, isGroupAlive, isSameProcess, readProcStat, signalGroup } from './proc.js';
import type { FoundTask, LogLine, Runtime, TaskLaunch } from './runtime.js';
import { nextSpawnTurn } from './spawn-turns.js';
import { agentBaseEnv, taskEnv } from './task-env.js';
import { agentIdentity, resolveTaskUser, taskUserWarning, type AgentIdentity, type TaskUser } from './task-user.js';
import { WorkDirs, defaultTasksRoot } from './work-dirs.js';

export interface ProcessRuntimeOptions {
  readonly nodeId: string;
  /** The agent's data directory; tasks live in DATA/tasks/<taskId>/. */
  readonly dataDir: string;
  readonly logger?: Logger;
  /** How often adopted processes are checked in /proc (default 250 ms). */
  readonly adoptedPollMs?: number;
  /** Who tasks run as (resolveTaskUser); default resolveTaskUser(undefined): nobody when the agent is root, else the agent's user. */
  readonly taskUser?: TaskUser;
  /** Where tasks' working directories go: ROOT/<nodeId>/<taskId> (default defaultTasksRoot()). */
  readonly tasksRoot?: string;
  /** Who the agent is (tests play other identities); default the process's effective uid/gid. */
  readonly agent?: AgentIdentity;
}

/** DATA/tasks/<taskId>/task.json */
export interface TaskFile {
  readonly format: 1;
  readonly pid: number;
  readonly startTime: string;
  readonly taskId: string;
  readonly launch: TaskLaunch;
  readonly startedAt: string;
  /** The task's working directory, so remove() finds it even if --tasks-root changed since. */
  readonly workDir?: string;
}

/** DATA/tasks/<taskId>/exit.json */
interface ExitFile {
  readonly state: 'complete' | 'failed' | 'shutdown';
  readonly exitCode: number | null;
  readonly message: string;
  readonly error?: string;
  readonly finishedAt: string;
}

/** A task whose process this runtime watches. */
interface Tracked {
  readonly launch: TaskLaunch;
  /** Also the process group id: the task leads its own group. */
  readonly pid: number;
  readonly startTime: string;
  readonly workDir: string;
  /** Set when this runtime spawned it (it gets 'exit'); unset when adopted (watched in /proc). */
  readonly child?: ChildProcess;
  probe?: HealthProbe;
  stopping: boolean;
  /** Escalated to SIGKILL: said in the shutdown message. */
  killed: boolean;
  ended: boolean;
  readonly whenEnded: Promise<void>;
  readonly markEnded: () => void;
}

/** How long stop() waits for a group to vanish after SIGKILL before it gives up. */
const KILL_WAIT_MS = 10_000;
/** stop() looks for the group's end this often: from the first value, slowing to the second. */
const GROUP_POLL_MIN_MS = 10;
const GROUP_POLL_MAX_MS = 100;
/** Adopted processes checked in /proc per poll (round robin): a thousand need not be read at once. */
const ADOPTED_CHECKS_PER_POLL = 100;

export class ProcessRuntime extends RuntimeEventSource implements Runtime {
  readonly name = 'process' as const;
  private readonly log: Logger;
  private readonly tasksDir: string;
  /** The data directory's real path: no task may be given a working directory inside it. */
  private readonly realDataDir: string;
  private readonly workDirs: WorkDirs;
  /** Who tasks run as. */
  readonly taskUser: TaskUser;
  /** Said once at start by the agent when tasks can read its key material (see taskUserWarning). */
  readonly isolationWarning: string | undefined;
  private readonly tracked = new Map<string, Tracked>();
  /** Tasks this runtime already answered with a final state without running them. */
  private readonly settled = new Set<string>();
  private readonly starting = new Map<string, Promise<void>>();
  /** One timer for every adopted task, not one each: an agent may adopt hundreds. */
  private adoptedPoll: NodeJS.Timeout | undefined;
  /** Where the next adopted-process poll goes on from. */
  private adoptedCursor = 0;

  constructor(private readonly o: ProcessRuntimeOptions) {
    super();
    this.log = (o.logger ?? pino({ enabled: false })).child({ runtime: 'process' });
    this.tasksDir = join(o.dataDir, 'tasks');
    mkdirSync(this.tasksDir, { recursive: true, mode: 0o700 });
    this.realDataDir = realpathSync(o.dataDir);
    const agent = o.agent ?? agentIdentity();
    this.taskUser = o.taskUser ?? resolveTaskUser(undefined, agent);
    this.isolationWarning = taskUserWarning(this.taskUser, agent);
    this.workDirs = new WorkDirs({ root: o.tasksRoot ?? defaultTasksRoot(agent), nodeId: o.nodeId, dataDir: o.dataDir, user: this.taskUser, agent });
  }

  /** Where tasks' working directories go (ROOT/<nodeId>/<taskId>). */
  get tasksRoot(): string {
    return this.workDirs.root;
  }

  capacity(): { nanoCpus: number; memoryBytes: number } {
    return { nanoCpus: cpus().length * 1e9, memoryBytes: totalmem() };
  }

  taskDir(taskId: string): string {
    // Task ids are printable ids; refuse anything that could step out of tasks/.
    if (!isTaskId(taskId)) throw new Error(`invalid task id: ${JSON.stringify(taskId)}`);
    return join(this.tasksDir, taskId);
  }

  /** The task's working directory (its cwd unless spec.workdir names another), outside DATA. */
  workDir(taskId: string): string {
    if (!isTaskId(taskId)) throw new Error(`invalid task id: ${JSON.stringify(taskId)}`);
    return this.workDirs.path(taskId);
  }

  async discover(): Promise<FoundTask[]> {
    const found: FoundTask[] = [];
    for (const taskId of readdirSync(this.tasksDir)) {
      if (!isTaskId(taskId)) continue;
      const t = this.tracked.get(taskId);
      if (t) {
        found.push({
          taskId,
          runtimeId: String(t.pid),
          running: !t.ended,
          ...(t.ended ? { exitCode: this.readExit(taskId)?.exitCode ?? null } : { ...portOf(t.launch) }),
        });
        continue;
      }
      const file = this.readTaskFile(taskId) ?? this.recoverTaskFile(taskId);
      if (file && isSameProcess(file.pid, file.startTime)) {
        found.push({ taskId, runtimeId: String(file.pid), running: true, ...portOf(file.launch) });
      } else {
        found.push({ taskId, runtimeId: file ? String(file.pid) : '', running: false, exitCode: this.readExit(taskId)?.exitCode ?? null });
      }
    }
    return found;
  }

  start(task: TaskLaunch): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the process runtime is closed'));
    const { taskId } = task;
    if (this.tracked.has(taskId) || this.settled.has(taskId)) return Promise.resolve();
    let pending = this.starting.get(taskId);
    if (!pending) {
      pending = this.startOrAdopt(task).finally(() => this.starting.delete(taskId));
      this.starting.set(taskId, pending);
    }
    return pending;
  }

  private async startOrAdopt(task: TaskLaunch): Promise<void> {
    const { taskId } = task;
    const file = this.readTaskFile(taskId) ?? this.recoverTaskFile(taskId);
    if (file && isSameProcess(file.pid, file.startTime)) {
      this.adopt(task, file, true);
      return;
    }
    // A task id runs once: if it already ran here, tell how it ended instead of running it again.
    const exit = this.readExit(taskId);
    if (file || exit) {
      this.settled.add(taskId);
      const state = exit?.state ?? 'failed';
      const message = exit?.message ?? 'exited while no agent watched it (exit code unknown)';
      this.emitState(taskId, state, message, {
        exitCode: exit?.exitCode ?? null,
        ...(file ? { runtimeId: String(file.pid) } : {}),
        ...(state === 'failed' ? { error: exit?.error ?? message } : {}),
      });
      return;
    }
    await this.spawnTask(task);
  }

  private async spawnTask(task: TaskLaunch): Promise<void> {
    const { taskId, spec } = task;
    const dir = this.taskDir(taskId);
    // Private: launch.json and task.json hold the spec's env, which may carry secrets.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const [cmd, ...args] = spec.command;
    if (cmd === undefined || cmd === '') return this.failToStart(task, 'no command: a process task needs spec.command');
    let workDir: string;
    try {
      workDir = this.workDirs.create(taskId);
    } catch (e) {
      return this.failToStart(task, `cannot create the task's working directory: ${(e as Error).message}`);
    }
    const cwd = spec.workdir || workDir;
    if (!isDirectory(cwd)) return this.failToStart(task, `working directory not found: ${cwd}`);
    if (this.isInDataDir(cwd)) {
      return this.failToStart(
        task,
        `working directory ${cwd} is inside the worker's data directory, which holds the node's key: tasks may not run there; choose another workdir`,
      );
    }
    // A taken port would make the task fail with some exit code of its own: say why instead.
    const busy = await portInUse(task.host, task.port);
    if (busy) return this.failToStart(task, busy);

    this.emitState(taskId, 'starting', `starting ${cmd}`);
    await nextSpawnTurn();
    // Closed while waiting for the turn: the next agent must not take the empty directory for a task that ran.
    if (this.closed) {
      await Promise.all([rm(dir, { recursive: true, force: true }), this.workDirs.remove(workDir)]);
      return;
    }
    // Written before the spawn: if the agent dies before task.json exists, a later one can
    // still find the process (by SHOAL_TASK_ID) and knows what it was.
    writeJsonAtomic(join(dir, 'launch.json'), task);
    const env = this.envOf(task, workDir);
    const out = this.openLog(join(dir, 'stdout.log'));
    const err = this.openLog(join(dir, 'stderr.log'));
    let child: ChildProcess;
    try {
      // The spawn happens synchronously here, so the child holds its own copies of the fds by
      // the time they are closed below. uid/gid also clear the supplementary groups (libuv).
      // Under the umask the agent was started with, not the CLI's 077 (withStartingUmask).
      child = withStartingUmask(() => spawn(cmd, args, { cwd, env, ...this.spawnUser(), detached: true, stdio: ['ignore', out, err] }));
    } catch (e) {
      return this.failToStart(task, `cannot start ${cmd}: ${(e as Error).message}`);
    } finally {
      closeSync(out);
      closeSync(err);
    }
    const pid = child.pid;
    if (pid === undefined) {
      // The spawn failed; Node reports why in an 'error' event on the next tick.
      const [e] = (await EventEmitter.once(child, 'error')) as [NodeJS.ErrnoException];
      const why = e.code === 'ENOENT' ? `command not found: ${cmd}` : e.code === 'EACCES' ? this.notExecutable(cmd, env) : `cannot start ${cmd}: ${e.message}`;
      return this.failToStart(task, why);
    }
    // The child cannot have been reaped yet (that needs this event loop), so /proc has it.
    const startTime = readProcStat(pid)?.startTime ?? '';
    this.writeTaskFile({ format: 1, pid, startTime, taskId, launch: task, startedAt: new Date().toISOString(), workDir });

    const t = this.track(task, pid, startTime, workDir, child);
    child.on('exit', (code, signal) => this.ended(t, code, signal));
    // The agent may exit while the task runs on: the child must not hold the event loop.
    child.unref();
    this.log.info({ taskId, pid, cmd, user: this.taskUser.name }, 'task started');
    this.emitState(taskId, 'running', `running as pid ${pid}`, { runtimeId: String(pid) });
    this.startProbe(t);
  }

  private failToStart(task: TaskLaunch, error: string): void {
    this.settled.add(task.taskId);
    this.writeExit(task.taskId, { state: 'failed', exitCode: null, message: error, error, finishedAt: new Date().toISOString() });
    this.log.warn({ taskId: task.taskId, error }, 'task failed to start');
    this.emitState(task.taskId, 'failed', error, { error, exitCode: null });
  }

  /** The task's environment (task-env.ts): HOME is its working directory when it runs as its own user. */
  private envOf(task: TaskLaunch, workDir: string): Record<string, string> {
    return taskEnv(task, agentBaseEnv(this.taskUser.separate ? { separateHome: workDir } : {}));
  }

  /** Why EACCES: for a bare name, a PATH directory the task user may not search also gives it. */
  private notExecutable(cmd: string, env: Record<string, string>): string {
    const who = this.taskUser.separate ? ` for the task user ${this.taskUser.name}` : '';
    if (cmd.includes('/')) return `command not executable${who}: ${cmd} (permission denied)`;
    return `command not executable${who}: ${cmd} (permission denied on it, or on a directory in PATH=${env['PATH'] ?? ''})`;
  }

  /** spawn()'s uid/gid for a task user other than the agent's. */
  private spawnUser(): { uid?: number; gid?: number } {
    return this.taskUser.separate ? { uid: this.taskUser.uid, gid: this.taskUser.gid } : {};
  }

  /** A log file the task writes: 0600, its own (a task may reopen /dev/stdout). */
  private openLog(path: string): number {
    const fd = openSync(path, 'a', 0o600);
    if (this.taskUser.separate) fchownSync(fd, this.taskUser.uid, this.taskUser.gid);
    return fd;
  }

  /** Whether `path` (a task's working directory) lies inside the agent's data directory. */
  private isInDataDir(path: string): boolean {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return false; // it does not exist: isDirectory() refused it already
    }
    return real === this.realDataDir || real.startsWith(this.realDataDir.endsWith(sep) ? this.realDataDir : this.realDataDir + sep);
  }

  private track(launch: TaskLaunch, pid: number, startTime: string, workDir: string, child?: ChildProcess): Tracked {
    let markEnded!: () => void;
    const whenEnded = new Promise<void>((resolve) => (markEnded = resolve));
    const t: Tracked = { launch, pid, startTime, workDir, ...(child ? { child } : {}), stopping: false, killed: false, ended: false, whenEnded, markEnded };
    this.tracked.set(launch.taskId, t);
    return t;
  }

  /** Watches a process an earlier agent started; `announce` reports it running. */
  private adopt(task: TaskLaunch, file: TaskFile, announce: boolean): Tracked {
    const t = this.track(task, file.pid, file.startTime, file.workDir ?? this.workDirs.path(task.taskId));
    this.log.info({ taskId: task.taskId, pid: file.pid }, 'adopted a running task');
    if (announce) {
      this.emitState(task.taskId, 'running', `running as pid ${file.pid} (adopted from an earlier agent)`, { runtimeId: String(file.pid) });
      this.startProbe(t);
    }
    this.adoptedPoll ??= setInterval(() => this.pollAdopted(), this.o.adoptedPollMs ?? 250).unref();
    return t;
  }

  private pollAdopted(): void {
    const adopted = [...this.tracked.values()].filter((t) => !t.child && !t.ended);
    if (adopted.length === 0) {
      clearInterval(this.adoptedPoll);
      this.adoptedPoll = undefined;
      return;
    }
    // A slice per poll: with a thousand adopted tasks an exit is noticed within a few polls,
    // and no poll reads a thousand /proc files in one go.
    const n = Math.min(adopted.length, ADOPTED_CHECKS_PER_POLL);
    const from = this.adoptedCursor % adopted.length;
    for (let i = 0; i < n; i++) {
      const t = adopted[(from + i) % adopted.length] as Tracked;
      if (!isSameProcess(t.pid, t.startTime)) this.ended(t, null, null);
    }
    this.adoptedCursor = from + n;
  }

  private startProbe(t: Tracked): void {
    const check = t.launch.spec.healthCheck;
    if (!check || this.closed) return;
    t.probe = new HealthProbe({
      taskId: t.launch.taskId,
      check,
      port: t.launch.port,
      ...(t.launch.host ? { host: t.launch.host } : {}),
      env: this.envOf(t.launch, t.workDir),
      cwd: t.launch.spec.workdir || t.workDir,
      ...(this.taskUser.separate ? { user: this.taskUser } : {}),
      report: (e) => this.emitEvent(e),
    }).start();
  }

  /** The task's process ended: `code`/`signal` from wait(), or both null when adopted. */
  private ended(t: Tracked, code: number | null, signal: NodeJS.Signals | null): void {
    // A closed runtime has handed its tasks to the next agent: it neither reports nor records.
    if (t.ended || this.closed) return;
    t.ended = true;
    t.probe?.stop();
    // The task is over when its main process is: what it left running in its group goes too,
    // as in a container. (Skipped while stopping: stop() is already on it.)
    if (!t.stopping && groupAlive(t)) signalGroup(t.pid, 'SIGKILL');

    const adopted = t.child === undefined;
    // A signal death gets 128 + signal number, the shell's and Docker's convention.
    const exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null);
    const how = adopted ? 'exited while adopted (exit code unknown)' : signal ? `killed by ${signal}` : `exited with code ${code}`;
    let state: 'complete' | 'failed' | 'shutdown';
    let message: string;
    if (t.stopping) {
      state = 'shutdown';
      message = t.killed ? `stopped: killed with SIGKILL after the grace period` : `stopped (${how})`;
    } else if (code === 0) {
      state = 'complete';
      message = how;
    } else {
      state = 'failed';
      message = how;
    }
    const exit: ExitFile = { state, exitCode, message, ...(state === 'failed' ? { error: message } : {}), finishedAt: new Date().toISOString() };
    // Recorded for a later agent: its discover() then knows the exit code.
    this.writeExit(t.launch.taskId, exit);
    this.log.info({ taskId: t.launch.taskId, pid: t.pid, state, exitCode }, 'task ended');
    this.emitState(t.launch.taskId, state, message, { exitCode, runtimeId: String(t.pid), ...(exit.error ? { error: exit.error } : {}) });
    t.markEnded();
  }

  async stop(taskId: string, graceMs: number): Promise<void> {
    if (this.closed) throw new Error('the process runtime is closed');
    await this.starting.get(taskId)?.catch(() => undefined);
    let t = this.tracked.get(taskId);
    if (!t) {
      // Left by an earlier agent and not adopted (the leader no longer wants it): watch it
      // just long enough to stop it.
      const file = this.readTaskFile(taskId) ?? this.recoverTaskFile(taskId);
      if (!file || !isSameProcess(file.pid, file.startTime)) return;
      t = this.adopt(file.launch, file, false);
    }
    if (t.ended) {
      // Its main process is gone, but make sure nothing of it lingers.
      if (groupAlive(t)) signalGroup(t.pid, 'SIGKILL');
      return;
    }
    t.stopping = true;
    this.log.info({ taskId, pid: t.pid, graceMs }, 'stopping task');
    signalGroup(t.pid, 'SIGTERM');
    const tracked = t;
    if (!(await waitUntil(() => !groupAlive(tracked), graceMs))) {
      t.killed = true;
      signalGroup(t.pid, 'SIGKILL');
      if (!(await waitUntil(() => !groupAlive(tracked), KILL_WAIT_MS))) {
        throw new Error(`task ${taskId}: process group ${t.pid} survived SIGKILL for ${KILL_WAIT_MS} ms (stuck in the kernel?)`);
      }
    }
    // Our own child: its 'exit' comes as soon as Node reaps it. Adopted: no need to wait for the poll.
    if (!t.child) this.ended(t, null, null);
    await t.whenEnded;
  }

  async remove(taskId: string): Promise<void> {
    await this.stop(taskId, 0);
    const t = this.tracked.get(taskId);
    t?.probe?.stop();
    this.tracked.delete(taskId);
    this.settled.delete(taskId);
    // The working directory first: once DATA/tasks/<id> is gone, its recorded path is too.
    const recorded = this.readTaskFile(taskId)?.workDir;
    const workDir = this.workDirs.path(taskId);
    const earlier = typeof recorded === 'string' && recorded !== workDir && recorded.endsWith(`${sep}${taskId}`) ? [recorded] : [];
    await Promise.all([workDir, ...earlier].map((d) => this.workDirs.remove(d)));
    await rm(this.taskDir(taskId), { recursive: true, force: true });
  }

  logs(taskId: string, o: { follow: boolean; tail?: number; signal?: AbortSignal }): AsyncIterable<LogLine> {
    return this.readLogs(taskId, o);
  }

  private async *readLogs(taskId: string, o: { follow: boolean; tail?: number; signal?: AbortSignal }): AsyncGenerator<LogLine> {
    const dir = this.taskDir(taskId);
    if (!existsSync(dir)) throw new RuntimeError('NO_SUCH_TASK', `no logs for task ${taskId}: it never ran on this node, or it was removed`);
    yield* readLogFiles({
      taskId,
      stdout: join(dir, 'stdout.log'),
      stderr: join(dir, 'stderr.log'),
      follow: o.follow,
      tail: o.tail,
      signal: o.signal,
      isRunning: () => this.isRunning(taskId),
    });
  }

  private isRunning(taskId: string): boolean {
    const t = this.tracked.get(taskId);
    if (t) return !t.ended;
    if (this.starting.has(taskId)) return true;
    const file = this.readTaskFile(taskId);
    return file !== undefined && isSameProcess(file.pid, file.startTime);
  }

  /** Each running task's process group: one /proc scan for all of them (proc.ts). */
  async cpuTimes(): Promise<ReadonlyMap<string, number>> {
    const live = [...this.tracked.values()].filter((t) => !t.ended);
    const byGroup = await groupCpuMicros(new Set(live.map((t) => t.pid)));
    const times = new Map<string, number>();
    for (const t of live) {
      const micros = byGroup.get(t.pid);
      if (micros !== undefined && !t.ended) times.set(t.launch.taskId, micros);
    }
    return times;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.adoptedPoll);
    this.adoptedPoll = undefined;
    for (const t of this.tracked.values()) t.probe?.stop();
  }

  // --- files ---

  private readTaskFile(taskId: string): TaskFile | undefined {
    const f = readJson<TaskFile>(join(this.taskDir(taskId), 'task.json'));
    return f && f.format === 1 && Number.isInteger(f.pid) && typeof f.startTime === 'string' ? f : undefined;
  }

  /**
   * An agent that died between the spawn and writing task.json left a task nobody knows the
   * pid of; its environment (SHOAL_TASK_ID) still names it. Found, it gets its task.json.
   */
  private recoverTaskFile(taskId: string): TaskFile | undefined {
    const dir = this.taskDir(taskId);
    if (!existsSync(dir) || existsSync(join(dir, 'exit.json')) || existsSync(join(dir, 'task.json'))) return undefined;
    const launch = readJson<TaskLaunch>(join(dir, 'launch.json'));
    const leader = launch ? findTaskLeader(taskId) : undefined;
    if (!launch || !leader) return undefined;
    const file: TaskFile = { format: 1, pid: leader.pid, startTime: leader.startTime, taskId, launch, startedAt: new Date().toISOString() };
    this.writeTaskFile(file);
    return file;
  }

  private writeTaskFile(file: TaskFile): void {
    writeJsonAtomic(join(this.taskDir(file.taskId), 'task.json'), file);
  }

  private readExit(taskId: string): ExitFile | undefined {
    return readJson<ExitFile>(join(this.taskDir(taskId), 'exit.json'));
  }

  private writeExit(taskId: string, exit: ExitFile): void {
    try {
      writeJsonAtomic(join(this.taskDir(taskId), 'exit.json'), exit);
    } catch (e) {
      // The directory may be gone already (remove() raced the exit): nothing left to record.
      this.log.debug({ taskId, err: e }, 'could not record the exit');
    }
  }
}

function isTaskId(s: string): boolean {
  return /^[A-Za-z0-9_.-]+$/.test(s) && !s.startsWith('.');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** 0600, whole or not at all: launch.json and task.json carry the spec's environment, which may hold secrets. */
function writeJsonAtomic(path: string, value: unknown): void {
  writePrivateJson(path, value);
}

/**
 * Whether anything of the task's process group still runs. While our own child has not been
 * reaped yet, its group certainly has a member (the child or its zombie, which this event loop
 * reaps shortly): no /proc scan for that. After that, or for an adopted process, proc.ts asks.
 */
function groupAlive(t: Tracked): boolean {
  if (t.child && t.child.exitCode === null && t.child.signalCode === null) return true;
  return isGroupAlive(t.pid);
}

/** Polls `done` (quickly at first, then less often) until it holds; false if `ms` passed first. */
async function waitUntil(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  let every = GROUP_POLL_MIN_MS;
  for (;;) {
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(every, Math.max(1, deadline - Date.now())));
    every = Math.min(GROUP_POLL_MAX_MS, every * 2);
  }
}

/** The port a running task holds, for FoundTask. */
function portOf(launch: TaskLaunch | undefined): { port?: number } {
  return launch && Number.isInteger(launch.port) && launch.port > 0 ? { port: launch.port } : {};
}
