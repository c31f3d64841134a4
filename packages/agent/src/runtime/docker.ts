// The docker runtime: a task is one container, made and watched through the Docker Engine API
// (dockerode).
//
// - Containers carry labels (shoal.task.id, shoal.node.id, ...): they are how a later agent
//   finds its tasks again (discover), and how the one events stream picks this node's
//   containers out of everything Docker does.
// - Docker restarts nothing (RestartPolicy 'no'): restarts are the orchestrator's decision.
// - Host networking: the task listens on PORT on the node itself, like a process task.
// - A `cmd` health check becomes the container's own HEALTHCHECK (it must run inside the
//   container); its health_status events become health events. An `http` check is probed by
//   the agent (health.ts), which reaches the task on 127.0.0.1 thanks to host networking.
// - Host networking also means a task's PORT is a port of the node: before a container starts,
//   the agent checks nothing listens on it, and fails the task with that reason if something does.

import { cpus, totalmem } from 'node:os';
import { Readable, Writable } from 'node:stream';
import Docker from 'dockerode';
import { pino, type Logger } from 'pino';
import { RuntimeEventSource } from './event-source.js';
import { AsyncQueue } from './async-queue.js';
import { DockerEvents, type DockerEvent } from './docker-events.js';
import { DockerCpuSampler } from './docker-stats.js';
import { RuntimeError } from './errors.js';
import { HealthProbe } from './health.js';
import { LineSplitter } from './lines.js';
import { portInUse } from './port-check.js';
import type { FoundTask, LogLine, Runtime, TaskLaunch } from './runtime.js';
import { envList, taskEnv } from './task-env.js';

export interface DockerRuntimeOptions {
  readonly nodeId: string;
  readonly logger?: Logger;
  /** Default: DOCKER_HOST (unix://...) or /var/run/docker.sock. */
  readonly socketPath?: string;
}

export const LABELS = {
  taskId: 'shoal.task.id',
  taskName: 'shoal.task.name',
  serviceId: 'shoal.service.id',
  serviceName: 'shoal.service.name',
  nodeId: 'shoal.node.id',
  slot: 'shoal.slot',
  /** The host port the task was given (its PORT): a later agent knows what its containers hold. */
  port: 'shoal.task.port',
} as const;

/** A container this runtime watches. */
interface Tracked {
  readonly taskId: string;
  /** Unset for a container an earlier agent started that this one only stops. */
  readonly launch: TaskLaunch | undefined;
  readonly containerId: string;
  /** 'starting' until 'running' was reported; an exit seen before that waits in `earlyExit`. */
  phase: 'starting' | 'running' | 'ended';
  earlyExit?: number | null;
  /** Likewise a health status seen before 'running': health never comes before it. */
  earlyHealth?: boolean;
  stopping: boolean;
  oomKilled: boolean;
  probe?: HealthProbe;
  healthy?: boolean;
  /** Health reports are looked up (for the check's output) one after the other, in order. */
  healthChain: Promise<void>;
}

/** Progress lines of a pull are reported at most this often (a pull prints hundreds). */
const PULL_REPORT_MS = 1_000;
/** A follower pauses Docker's log stream when this many lines wait unread. */
const LOG_BACKLOG_HIGH = 10_000;

export class DockerRuntime extends RuntimeEventSource implements Runtime {
  readonly name = 'docker' as const;
  readonly socketPath: string;
  private readonly docker: Docker;
  private readonly log: Logger;
  private readonly events: DockerEvents;
  private readonly tracked = new Map<string, Tracked>();
  private readonly settled = new Set<string>();
  private readonly starting = new Map<string, Promise<void>>();
  private readonly pulls = new Map<string, Promise<void>>();
  private connected: Promise<void> | undefined;
  private readonly cpuSampler: DockerCpuSampler;
  private cap: { nanoCpus: number; memoryBytes: number } = { nanoCpus: cpus().length * 1e9, memoryBytes: totalmem() };

  constructor(private readonly o: DockerRuntimeOptions) {
    super();
    this.log = (o.logger ?? pino({ enabled: false })).child({ runtime: 'docker' });
    this.socketPath = o.socketPath ?? defaultSocketPath();
    this.docker = new Docker({ socketPath: this.socketPath });
    this.cpuSampler = new DockerCpuSampler(this.docker);
    this.events = new DockerEvents({
      docker: this.docker,
      nodeId: o.nodeId,
      logger: this.log,
      onEvent: (e) => this.onDockerEvent(e),
      onReconnect: () => void this.reconcile(),
    });
  }

  /**
   * Reaches the engine: reads its capacity and opens the events stream (before any container
   * starts, so no exit can be missed). createRuntime() calls it; other methods call it when
   * needed. Rejects with ENGINE_UNREACHABLE when dockerd does not answer.
   */
  connect(): Promise<void> {
    this.connected ??= (async () => {
      const info = (await this.call(() => this.docker.info())) as { NCPU?: number; MemTotal?: number };
      if (info.NCPU && info.MemTotal) this.cap = { nanoCpus: info.NCPU * 1e9, memoryBytes: info.MemTotal };
      await this.call(() => this.events.open());
      this.log.info({ socket: this.socketPath, ...this.cap }, 'connected to the Docker engine');
    })().catch((e: unknown) => {
      this.connected = undefined; // try again next time
      throw e;
    });
    return this.connected;
  }

  /** From `docker info` once connected; the host's own figures before. */
  capacity(): { nanoCpus: number; memoryBytes: number } {
    return this.cap;
  }

  async discover(): Promise<FoundTask[]> {
    await this.connect();
    const list = await this.call(() => this.docker.listContainers({ all: true, filters: { label: [`${LABELS.nodeId}=${this.o.nodeId}`] } }));
    const found: FoundTask[] = [];
    for (const c of list) {
      const taskId = c.Labels[LABELS.taskId];
      if (!taskId) continue;
      if (isRunningState(c.State)) {
        const port = Number(c.Labels[LABELS.port]);
        found.push({ taskId, runtimeId: c.Id, running: true, ...(Number.isInteger(port) && port > 0 ? { port } : {}) });
      } else {
        found.push({ taskId, runtimeId: c.Id, running: false, exitCode: await this.exitCodeOf(c.Id) });
      }
    }
    return found;
  }

  private async exitCodeOf(containerId: string): Promise<number | null> {
    try {
      const info = await this.docker.getContainer(containerId).inspect();
      // A container that was created but never started has no exit code to speak of.
      return info.State.Status === 'created' ? null : info.State.ExitCode;
    } catch {
      return null;
    }
  }

  start(task: TaskLaunch): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the docker runtime is closed'));
    const { taskId } = task;
    if (this.tracked.has(taskId) || this.settled.has(taskId)) return Promise.resolve();
    let pending = this.starting.get(taskId);
    if (!pending) {
      pending = this.startOrAdopt(task)
        .catch((e: unknown) => this.failToStart(task, (e as Error).message))
        .finally(() => this.starting.delete(taskId));
      this.starting.set(taskId, pending);
    }
    return pending;
  }

  private async startOrAdopt(task: TaskLaunch): Promise<void> {
    const { taskId, spec } = task;
    await this.connect();
    const existing = await this.findContainer(taskId);
    if (existing) {
      const info = await this.call(() => this.docker.getContainer(existing).inspect());
      if (isRunningState(info.State.Status)) {
        this.adopt(task, info);
        return;
      }
      if (info.State.Status !== 'created') {
        // A task id runs once: it already ran here, so tell how it ended instead of rerunning it.
        this.settled.add(taskId);
        const code = info.State.ExitCode;
        const how = info.State.OOMKilled ? 'killed: out of memory' : `exited with code ${code} while no agent watched it`;
        const state = code === 0 && !info.State.OOMKilled ? 'complete' : 'failed';
        this.emitState(taskId, state, how, { exitCode: code, runtimeId: info.Id, ...(state === 'failed' ? { error: how } : {}) });
        return;
      }
      // Created but never started (the agent died in between): start it now.
      const busy = await portInUse(task.host, task.port);
      if (busy) return this.failToStart(task, busy);
      await this.startContainer(task, existing);
      return;
    }

    if (!spec.image) return this.failToStart(task, 'no image: a docker task needs spec.image');
    if (!(await this.ensureImage(task))) return;
    // Checked after the pull (which may take a while), right before the container is made.
    const busy = await portInUse(task.host, task.port);
    if (busy) return this.failToStart(task, busy);
    this.emitState(taskId, 'starting', `creating container from ${spec.image}`);
    let containerId: string;
    try {
      const container = await this.call(() => this.docker.createContainer(containerSpec(task)));
      containerId = container.id;
    } catch (e) {
      const err = e as DockerError;
      if (err.statusCode === 409) {
        return this.failToStart(task, `container name ${containerName(task)} is taken by another container: remove it (docker rm -f ${containerName(task)})`);
      }
      if (err.statusCode === 404) {
        return this.failToStart(task, `image ${spec.image} disappeared before its container could be created: ${reason(err)}`);
      }
      throw e;
    }
    await this.startContainer(task, containerId);
  }

  private async startContainer(task: TaskLaunch, containerId: string): Promise<void> {
    const t = this.track(task.taskId, task, containerId, 'starting');
    try {
      await this.call(() => this.docker.getContainer(containerId).start());
    } catch (e) {
      const err = e as DockerError;
      if (err.statusCode === 304) {
        // Already started (a concurrent start): go on as if this call had done it.
      } else {
        t.phase = 'ended';
        const r = reason(err);
        const missing = /exec: "([^"]+)": executable file not found/.exec(r);
        const why = missing ? `command not found: ${missing[1]}` : `container ${short(containerId)} could not start: ${r}`;
        this.emitState(task.taskId, 'failed', why, { error: why, exitCode: null, runtimeId: containerId });
        return;
      }
    }
    this.log.info({ taskId: task.taskId, container: short(containerId) }, 'container started');
    this.running(t, `running in container ${short(containerId)}`);
  }

  /** Reports 'running', then whatever exit was already seen (the events stream can be faster than start()'s answer). */
  private running(t: Tracked, message: string): void {
    t.phase = 'running';
    this.emitState(t.taskId, 'running', message, { runtimeId: t.containerId });
    if (t.earlyExit !== undefined) {
      this.ended(t, t.earlyExit);
      return;
    }
    if (t.earlyHealth !== undefined) this.health(t, t.earlyHealth);
    const check = t.launch?.spec.healthCheck;
    if (check?.test.kind === 'http') {
      t.probe = new HealthProbe({
        taskId: t.taskId,
        check,
        port: t.launch?.port ?? 0,
        ...(t.launch?.host ? { host: t.launch.host } : {}),
        report: (e) => this.emitEvent(e),
      }).start();
    }
  }

  private adopt(task: TaskLaunch, info: Docker.ContainerInspectInfo): void {
    const t = this.track(task.taskId, task, info.Id, 'starting');
    this.log.info({ taskId: task.taskId, container: short(info.Id) }, 'adopted a running container');
    this.running(t, `running in container ${short(info.Id)} (adopted from an earlier agent)`);
    // Docker's health status is not re-announced: pass on what it is now.
    const status = info.State.Health?.Status;
    if (status === 'healthy' || status === 'unhealthy') this.health(t, status === 'healthy');
  }

  private track(taskId: string, launch: TaskLaunch | undefined, containerId: string, phase: Tracked['phase']): Tracked {
    const t: Tracked = { taskId, launch, containerId, phase, stopping: false, oomKilled: false, healthChain: Promise.resolve() };
    this.tracked.set(taskId, t);
    return t;
  }

  private failToStart(task: TaskLaunch, error: string): void {
    this.settled.add(task.taskId);
    const t = this.tracked.get(task.taskId);
    if (t) t.phase = 'ended';
    this.log.warn({ taskId: task.taskId, error }, 'task failed to start');
    this.emitState(task.taskId, 'failed', error, { error, exitCode: null });
  }

  // --- images ---

  /** True once the image is here; false after reporting why it cannot be. */
  private async ensureImage(task: TaskLaunch): Promise<boolean> {
    const image = task.spec.image;
    if (await this.hasImage(image)) return true;
    let pull = this.pulls.get(image);
    if (!pull) {
      pull = this.pull(image, task.taskId).finally(() => this.pulls.delete(image));
      this.pulls.set(image, pull);
    } else {
      this.emitState(task.taskId, 'preparing', `pulling ${image} (already under way)`);
    }
    try {
      await pull;
      return true;
    } catch (e) {
      if (e instanceof RuntimeError && e.code === 'ENGINE_UNREACHABLE') throw e;
      this.failToStart(task, `image ${image} not found locally and could not be pulled: ${(e as Error).message}`);
      return false;
    }
  }

  private async hasImage(image: string): Promise<boolean> {
    try {
      await this.call(() => this.docker.getImage(image).inspect());
      return true;
    } catch (e) {
      if ((e as DockerError).statusCode === 404) return false;
      throw e;
    }
  }

  /** Pulls `image`, reporting progress on `taskId`; rejects with the registry's reason. */
  private async pull(image: string, taskId: string): Promise<void> {
    this.emitState(taskId, 'preparing', `pulling ${image}`);
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.call(() => this.docker.pull(image));
    } catch (e) {
      if (e instanceof RuntimeError) throw e;
      throw new Error(reason(e as DockerError));
    }
    let lastReport = 0;
    let lastStatus = '';
    await new Promise<void>((resolve, reject) => {
      let failure: string | undefined;
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => {
          if (err) reject(new Error(reason(err as DockerError)));
          else if (failure !== undefined) reject(new Error(failure));
          else resolve();
        },
        (p: { status?: string; progress?: string; error?: string }) => {
          // Registry errors arrive as a progress line, not as a failed request.
          if (p.error) failure ??= p.error;
          const status = `${p.status ?? ''} ${p.progress ?? ''}`.trim();
          const now = Date.now();
          if (status && (status !== lastStatus || now - lastReport >= PULL_REPORT_MS) && now - lastReport >= 100) {
            lastReport = now;
            lastStatus = status;
            this.emitState(taskId, 'preparing', `pulling ${image}: ${status}`);
          }
        },
      );
    });
    if (!(await this.hasImage(image))) throw new Error('the pull finished but the image is still missing');
  }

  // --- exits and health, from the events stream ---

  private onDockerEvent(e: DockerEvent): void {
    const attrs = e.Actor?.Attributes ?? {};
    const taskId = attrs[LABELS.taskId];
    const t = taskId ? this.tracked.get(taskId) : undefined;
    if (!t || t.containerId !== e.Actor?.ID) return;
    const action = e.Action ?? '';
    if (action === 'oom') {
      t.oomKilled = true;
    } else if (action === 'die') {
      const code = Number(attrs['exitCode']);
      this.ended(t, Number.isInteger(code) ? code : null);
    } else if (action.startsWith('health_status')) {
      const status = action.slice(action.indexOf(':') + 1).trim();
      if (status === 'healthy' || status === 'unhealthy') this.health(t, status === 'healthy');
    }
  }

  private ended(t: Tracked, exitCode: number | null): void {
    if (t.phase === 'ended') return;
    if (t.phase === 'starting') {
      t.earlyExit = exitCode; // reported right after 'running'
      return;
    }
    t.phase = 'ended';
    t.probe?.stop();
    let state: 'complete' | 'failed' | 'shutdown';
    let message: string;
    if (t.stopping) {
      state = 'shutdown';
      message = `stopped (exit code ${exitCode ?? 'unknown'})`;
    } else if (t.oomKilled) {
      state = 'failed';
      message = `killed: out of memory (limit ${t.launch?.spec.resources.limits.memoryBytes ?? '?'} bytes)`;
    } else if (exitCode === 0) {
      state = 'complete';
      message = 'exited with code 0';
    } else {
      state = 'failed';
      message = exitCode === null ? 'exited (exit code unknown)' : `exited with code ${exitCode}`;
    }
    this.log.info({ taskId: t.taskId, container: short(t.containerId), state, exitCode }, 'container ended');
    this.emitState(t.taskId, state, message, { exitCode, runtimeId: t.containerId, ...(state === 'failed' ? { error: message } : {}) });
  }

  /** A Docker health status change, reported with the check's last output. */
  private health(t: Tracked, healthy: boolean): void {
    if (t.phase === 'starting') {
      t.earlyHealth = healthy;
      return;
    }
    t.healthChain = t.healthChain.then(async () => {
      if (t.phase === 'ended' || t.healthy === healthy) return;
      let output = '';
      try {
        const info = await this.docker.getContainer(t.containerId).inspect();
        const last = info.State.Health?.Log?.at(-1);
        if (last) output = `: exit ${last.ExitCode}${last.Output.trim() ? `, ${last.Output.trim().slice(0, 512)}` : ''}`;
      } catch {
        /* the status alone will do */
      }
      // Checked again: the container may have ended during the lookup; health must not follow the end.
      if (hasEnded(t) || t.healthy === healthy) return;
      t.healthy = healthy;
      const check = t.launch?.spec.healthCheck?.test;
      const what = check?.kind === 'cmd' ? check.cmd.join(' ') : 'health check';
      this.emitEvent({ kind: 'health', taskId: t.taskId, healthy, message: `${what}: ${healthy ? 'healthy' : 'unhealthy'}${output}` });
    });
  }

  /** After the events stream was down: anything that ended meanwhile is found by asking. */
  private async reconcile(): Promise<void> {
    for (const t of this.tracked.values()) {
      if (t.phase !== 'running') continue;
      try {
        const info = await this.docker.getContainer(t.containerId).inspect();
        if (!isRunningState(info.State.Status)) {
          t.oomKilled ||= info.State.OOMKilled;
          this.ended(t, info.State.ExitCode);
        }
      } catch (e) {
        if ((e as DockerError).statusCode === 404) this.ended(t, null);
      }
    }
  }

  // --- stop, remove ---

  async stop(taskId: string, graceMs: number): Promise<void> {
    await this.starting.get(taskId);
    let t = this.tracked.get(taskId);
    if (!t) {
      // Left by an earlier agent and not adopted: watch it just long enough to stop it.
      await this.connect();
      const id = await this.findContainer(taskId);
      if (!id) return;
      const info = await this.call(() => this.docker.getContainer(id).inspect());
      if (!isRunningState(info.State.Status)) return;
      t = this.track(taskId, undefined, id, 'running');
    }
    if (t.phase === 'ended') return;
    t.stopping = true;
    this.log.info({ taskId, container: short(t.containerId), graceMs }, 'stopping container');
    try {
      await this.call(() => this.docker.getContainer(t.containerId).stop({ t: Math.ceil(Math.max(0, graceMs) / 1000) }));
    } catch (e) {
      const code = (e as DockerError).statusCode;
      // 304: it had already exited on its own, so its own outcome is the one to report.
      if (code === 304) t.stopping = false;
      else if (code !== 404) throw e;
    }
    if (!hasEnded(t)) {
      // The 'die' event may still be on its way: the container's own record settles it now.
      let exitCode: number | null = null;
      try {
        const info = await this.docker.getContainer(t.containerId).inspect();
        exitCode = info.State.ExitCode;
        t.oomKilled ||= info.State.OOMKilled;
      } catch {
        /* removed meanwhile */
      }
      if (t.phase === 'starting') t.phase = 'running'; // stopped mid-start: no 'running' to report
      this.ended(t, exitCode);
    }
  }

  async remove(taskId: string): Promise<void> {
    await this.stop(taskId, 0);
    const t = this.tracked.get(taskId);
    t?.probe?.stop();
    const id = t?.containerId ?? (await this.findContainer(taskId));
    this.tracked.delete(taskId);
    this.settled.delete(taskId);
    if (!id) return;
    try {
      await this.call(() => this.docker.getContainer(id).remove({ force: true }));
    } catch (e) {
      const code = (e as DockerError).statusCode;
      if (code !== 404 && code !== 409) throw e; // 409: removal already in progress
    }
  }

  // --- logs ---

  logs(taskId: string, o: { follow: boolean; tail?: number; signal?: AbortSignal }): AsyncIterable<LogLine> {
    return this.readLogs(taskId, o);
  }

  private async *readLogs(taskId: string, o: { follow: boolean; tail?: number; signal?: AbortSignal }): AsyncGenerator<LogLine> {
    await this.connect();
    const id = this.tracked.get(taskId)?.containerId ?? (await this.findContainer(taskId));
    if (!id) throw new RuntimeError('NO_SUCH_TASK', `no logs for task ${taskId}: it has no container on this node (never ran here, or removed)`);
    const container = this.docker.getContainer(id);
    const options = { stdout: true, stderr: true, ...(o.tail !== undefined ? { tail: o.tail } : {}) };
    const raw: NodeJS.ReadableStream | Buffer = o.follow
      ? await this.call(() => container.logs({ ...options, follow: true }))
      : await this.call(() => container.logs({ ...options, follow: false }));
    const stream: NodeJS.ReadableStream = Buffer.isBuffer(raw) ? Readable.from([raw]) : raw;

    const queue = new AsyncQueue<LogLine>();
    const sink = (s: LogLine['stream']) => {
      const lines = new LineSplitter();
      const w = new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const line of lines.push(chunk)) queue.push({ taskId, stream: s, line });
          done();
        },
      });
      return { w, flush: () => lines.end().forEach((line) => queue.push({ taskId, stream: s, line })) };
    };
    const out = sink('stdout');
    const err = sink('stderr');
    // The container has no TTY, so Docker multiplexes both streams into one with frame headers.
    this.docker.modem.demuxStream(stream, out.w, err.w);
    const finish = (e?: Error): void => {
      out.flush();
      err.flush();
      queue.end(e);
    };
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', (e: Error) => finish(e));
    const abort = (): void => {
      (stream as Readable).destroy?.();
      finish();
    };
    o.signal?.addEventListener('abort', abort, { once: true });
    if (o.signal?.aborted) abort();
    try {
      for await (const line of queue) {
        // A slow reader must not make the agent buffer a whole log: pause Docker meanwhile.
        if (queue.backlog > LOG_BACKLOG_HIGH) stream.pause();
        else if (stream.isPaused()) stream.resume();
        yield line;
      }
    } finally {
      o.signal?.removeEventListener('abort', abort);
      (stream as Readable).destroy?.();
    }
  }

  /** From each running container's stats (docker-stats.ts: reused for a few seconds, few requests at once). */
  async cpuTimes(): Promise<ReadonlyMap<string, number>> {
    const running = new Map<string, string>();
    for (const t of this.tracked.values()) if (t.phase === 'running' && !t.stopping) running.set(t.taskId, t.containerId);
    if (running.size === 0) return new Map();
    return this.cpuSampler.sample(running);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.events.close();
    for (const t of this.tracked.values()) t.probe?.stop();
  }

  // --- helpers ---

  /** The container of a task on this node (running or not), by label. */
  private async findContainer(taskId: string): Promise<string | undefined> {
    const list = await this.call(() =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABELS.taskId}=${taskId}`, `${LABELS.nodeId}=${this.o.nodeId}`] } }),
    );
    return list[0]?.Id;
  }

  /** Runs an engine call; a socket that does not answer becomes a clear ENGINE_UNREACHABLE. */
  private async call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code && UNREACHABLE.has(code)) {
        throw new RuntimeError('ENGINE_UNREACHABLE', `cannot reach the Docker engine at ${this.socketPath}: ${(e as Error).message}; is dockerd running?`, {
          cause: e,
        });
      }
      throw e;
    }
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ENOTSOCK']);

interface DockerError extends Error {
  statusCode?: number;
  reason?: string;
  json?: { message?: string } | null;
}

/** The engine's own words, without dockerode's "(HTTP code 500) server error -" prefix. */
function reason(e: DockerError): string {
  const m = e.json?.message;
  if (typeof m === 'string' && m.trim()) return m.trim();
  return e.message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** Read through a function: the phase changes across awaits, which TypeScript's narrowing cannot see. */
function hasEnded(t: Tracked): boolean {
  return t.phase === 'ended';
}

function isRunningState(state: string): boolean {
  return state === 'running' || state === 'paused' || state === 'restarting';
}

function short(containerId: string): string {
  return containerId.slice(0, 12);
}

export function defaultSocketPath(): string {
  const host = process.env['DOCKER_HOST'];
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

/** `shoal-<taskName>`, reduced to what Docker accepts in a name ([a-zA-Z0-9][a-zA-Z0-9_.-]*). */
export function containerName(task: TaskLaunch): string {
  return `shoal-${task.taskName}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 200);
}

export function containerSpec(task: TaskLaunch): Docker.ContainerCreateOptions {
  const { spec } = task;
  const { limits, reservations } = spec.resources;
  const check = spec.healthCheck;
  const ms = (v: number): number | undefined => (v > 0 ? v * 1e6 : undefined); // Docker wants ns; 0 = its default
  return {
    name: containerName(task),
    Image: spec.image,
    ...(spec.command.length > 0 ? { Cmd: [...spec.command] } : {}),
    ...(spec.workdir ? { WorkingDir: spec.workdir } : {}),
    Env: envList(taskEnv(task)),
    Labels: {
      [LABELS.taskId]: task.taskId,
      [LABELS.taskName]: task.taskName,
      [LABELS.serviceId]: task.serviceId,
      [LABELS.serviceName]: task.serviceName,
      [LABELS.nodeId]: task.nodeId,
      [LABELS.slot]: String(task.slot),
      ...(task.port > 0 ? { [LABELS.port]: String(task.port) } : {}),
    },
    ...(check?.test.kind === 'cmd'
      ? {
          Healthcheck: {
            Test: ['CMD', ...check.test.cmd],
            Interval: ms(check.intervalMs),
            Timeout: ms(check.timeoutMs),
            Retries: check.retries > 0 ? check.retries : undefined,
            StartPeriod: ms(check.startPeriodMs),
          },
        }
      : {}),
    HostConfig: {
      NetworkMode: 'host',
      RestartPolicy: { Name: 'no' },
      ...(limits.memoryBytes > 0 ? { Memory: limits.memoryBytes } : {}),
      ...(limits.nanoCpus > 0 ? { NanoCpus: limits.nanoCpus } : {}),
      ...(reservations.memoryBytes > 0 ? { MemoryReservation: reservations.memoryBytes } : {}),
    },
  };
}
