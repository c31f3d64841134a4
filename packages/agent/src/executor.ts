// The worker's executor: makes what runs here match what the leader assigned.
//
// The leader's assignment set is authoritative. A task assigned with desired state "running"
// is started (or adopted, if a previous life of the agent left it running); one whose desired
// state became "shutdown" is stopped; anything running here that the leader does not assign
// (after a full assignment set) is stopped and removed — no duplicates, no orphans. Runtime
// events become task reports for the dispatcher. The executor never restarts anything on its
// own: a task that ends is reported, and the leader's orchestrator decides.
//
// Starts are queued (first come, first started) with a few in flight at a time, one handed to
// the runtime per event-loop turn: a node given hundreds of tasks at once keeps heartbeating
// and answering while it works through them. Stops never wait in that queue.
//
// A running task with published ports that is desired shut down drains first: it left every
// node's routing mesh (the leader sends the route change before the stop), and it keeps
// running for its spec's drainMs, reported as "draining for 2s before stop", so requests in
// flight through any node's mesh finish; then it is signalled. A task that ends meanwhile is
// not signalled, and the agent stopping does not wait for a drain (its tasks keep running).
//
// A host port is this node's until the task holding it has ended here: a task whose port is
// still held by another task of this node (one being stopped, or lost to the leader while it
// still ran) waits in "preparing" and starts once the holder has ended.

import { FINAL_TASK_STATES, type AssignedTask } from '@shoal/store';
import { EndOfTurn, type TaskReport } from '@shoal/wire';
import type { Logger } from 'pino';
import type { TaskAssignments } from './assignments.js';
import type { FoundTask, Runtime, RuntimeEvent, RuntimeState } from './runtime/runtime.js';

export type { AssignedTask };

export interface ExecutorOptions {
  /** Starts handed to the runtime and not finished yet, at most (default 8). */
  readonly maxStartsInFlight?: number;
  /** A stop that failed is tried again after this long (default 5 s). */
  readonly stopRetryMs?: number;
}

export const DEFAULT_MAX_STARTS_IN_FLIGHT = 8;
const DEFAULT_STOP_RETRY_MS = 5_000;

/** Final states in the store: such a task never runs (again) here. */
const STORE_FINAL: ReadonlySet<string> = new Set(FINAL_TASK_STATES);

type LocalState = RuntimeState | 'assigned';

interface Local {
  task: AssignedTask | undefined;
  desired: 'running' | 'shutdown';
  state: LocalState;
  message: string;
  error: string;
  exitCode: number | null | undefined;
  runtimeId: string;
  health: '' | 'healthy' | 'unhealthy';
  /** start() or stop() in progress. */
  busy: boolean;
  /** Handed to the runtime (or found there): from now on only the runtime can end it. */
  launched: boolean;
  /** Found running at startup: start() adopts it rather than launching a second copy. */
  adoptable: boolean;
  /** Waiting in the start queue. */
  queued: boolean;
  /** The host port this task holds here (0 = none): from its launch until it has ended. */
  heldPort: number;
  /** Set when we stop a task because it failed its health check: its end is a failure. */
  failWith?: string;
  /** The drain before its stop: running now, or over. */
  drain?: NodeJS.Timeout | 'over';
}

const TERMINAL: ReadonlySet<LocalState> = new Set(['complete', 'failed', 'shutdown']);

export class Executor {
  private readonly tasks = new Map<string, Local>();
  private assignmentsSeen = false;
  private readonly maxStartsInFlight: number;
  private readonly stopRetryMs: number;
  /** Task ids waiting to be started, oldest first (entries before `queueHead` are done). */
  private queue: string[] = [];
  private queueHead = 0;
  private startsInFlight = 0;
  private readonly pumpSoon = new EndOfTurn(() => this.pump());
  /** Host port → the task of this node holding it (forgotten tasks too, until they have stopped). */
  private readonly portHolders = new Map<number, { taskId: string; name: string }>();
  /** Host port → tasks waiting for it, in arrival order. */
  private readonly portWaiters = new Map<number, Set<string>>();

  constructor(
    private readonly runtime: Runtime,
    private readonly report: (r: TaskReport) => void,
    private readonly logger: Logger,
    /** This node's address, given to tasks as HOST. */
    private readonly host: string,
    o: ExecutorOptions = {},
  ) {
    this.maxStartsInFlight = Math.max(1, o.maxStartsInFlight ?? DEFAULT_MAX_STARTS_IN_FLIGHT);
    this.stopRetryMs = o.stopRetryMs ?? DEFAULT_STOP_RETRY_MS;
    runtime.on('event', (e) => this.onRuntimeEvent(e));
  }

  /** Learns what a previous life of the agent left behind (before the first session). */
  async adopt(): Promise<FoundTask[]> {
    const found = await this.runtime.discover();
    for (const f of found) {
      const l: Local = {
        task: undefined,
        desired: 'running',
        state: f.running ? 'running' : f.exitCode === 0 ? 'complete' : 'failed',
        message: f.running ? 'adopted after an agent restart' : 'ended while the agent was down',
        error: '',
        exitCode: f.exitCode,
        runtimeId: f.runtimeId,
        health: '',
        busy: false,
        launched: true,
        adoptable: f.running,
        queued: false,
        heldPort: 0,
      };
      this.tasks.set(f.taskId, l);
      if (f.running && f.port !== undefined && f.port > 0) this.hold(f.taskId, l, f.port, f.taskId);
    }
    if (found.length > 0)
      this.logger.info({ running: found.filter((f) => f.running).length, finished: found.filter((f) => !f.running).length }, 'found tasks from a previous run');
    return found;
  }

  /** Every task's current state, for the Hello that opens a session. */
  reports(): TaskReport[] {
    return [...this.tasks.entries()].filter(([, l]) => l.state !== 'assigned').map(([id, l]) => this.reportOf(id, l));
  }

  private reportOf(taskId: string, l: Local): TaskReport {
    return {
      taskId,
      state: l.state,
      message: l.message,
      error: l.error,
      hasExitCode: typeof l.exitCode === 'number',
      exitCode: typeof l.exitCode === 'number' ? l.exitCode : 0,
      runtimeId: l.runtimeId,
      health: l.health,
    };
  }

  /** Runs the assignments a manager sent (the full set, or changes to it). */
  apply(a: TaskAssignments): void {
    const assigned = new Set<string>();
    for (const u of a.unreadable) {
      // Still assigned here (a full set must not stop what may run of it), but never started:
      // the leader hears why, once, and its orchestrator decides what comes next.
      assigned.add(u.taskId);
      this.logger.warn({ taskId: u.taskId, err: u.error }, 'rejecting an assigned task that could not be read');
      if (!this.tasks.has(u.taskId))
        this.report({ taskId: u.taskId, state: 'rejected', message: 'the agent could not read the task it was assigned', error: u.error });
    }
    for (const task of a.assigned) {
      assigned.add(task.id);
      // A task the store says has ended must not run: keep it only for its output.
      const ended = STORE_FINAL.has(task.state);
      const desired = task.desiredState === 'shutdown' || ended ? 'shutdown' : 'running';
      let l = this.tasks.get(task.id);
      if (!l) {
        const state: LocalState = ended ? 'shutdown' : 'assigned';
        l = {
          task,
          desired,
          state,
          message: '',
          error: '',
          exitCode: undefined,
          runtimeId: '',
          health: '',
          busy: false,
          launched: false,
          adoptable: false,
          queued: false,
          heldPort: 0,
        };
        this.tasks.set(task.id, l);
      }
      l.task = task;
      l.desired = desired;
      this.drive(task.id, l);
    }
    for (const id of a.removed) this.forget(id);
    if (a.full) {
      // Anything here the leader does not assign goes: an orphan from before a restart, or a
      // task moved elsewhere while this node was cut off.
      for (const id of [...this.tasks.keys()]) if (!assigned.has(id)) this.forget(id);
      this.assignmentsSeen = true;
    }
  }

  /** Moves one task toward its desired state. */
  private drive(taskId: string, l: Local): void {
    if (l.busy) return;
    if (this.wantsStart(l)) {
      if (!this.waitForPort(taskId, l)) this.enqueue(taskId, l);
      return;
    }
    if (l.desired === 'shutdown' && !TERMINAL.has(l.state)) {
      if (!l.launched) {
        this.unwait(taskId, l);
        this.setState(taskId, l, 'shutdown', 'shut down before it started');
        return;
      }
      if (this.mustDrain(l)) {
        this.drain(taskId, l);
        return;
      }
      this.stopTask(
        taskId,
        l,
        () => this.setState(taskId, l, 'shutdown', 'stopped'),
        () => this.drive(taskId, l),
      );
    }
  }

  /** Meant to run and not handed to the runtime yet (or found running, to be adopted). */
  private wantsStart(l: Local): boolean {
    if (l.desired !== 'running' || !l.task || l.busy) return false;
    if (l.adoptable) return l.state === 'running' || l.state === 'starting' || l.state === 'preparing';
    return !l.launched && !TERMINAL.has(l.state);
  }

  // --- the start queue ---

  private enqueue(taskId: string, l: Local): void {
    if (l.queued) return;
    l.queued = true;
    this.queue.push(taskId);
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.queueHead < this.queue.length) this.pumpSoon.request();
  }

  /** Hands the next queued task to the runtime: one per turn, so timers and I/O run in between. */
  private pump(): void {
    while (this.startsInFlight < this.maxStartsInFlight && this.queueHead < this.queue.length) {
      const taskId = this.queue[this.queueHead++] as string;
      const l = this.tasks.get(taskId);
      if (!l || !l.queued) continue; // forgotten, or a stale entry
      l.queued = false;
      if (!this.wantsStart(l) || this.waitForPort(taskId, l)) continue;
      this.launch(taskId, l);
      break;
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    if (this.startsInFlight < this.maxStartsInFlight) this.schedulePump();
  }

  private launch(taskId: string, l: Local): void {
    const t = l.task as AssignedTask;
    l.busy = true;
    l.launched = true;
    const adopting = l.adoptable;
    l.adoptable = false;
    if (t.port > 0) this.hold(taskId, l, t.port, t.name);
    this.startsInFlight++;
    this.runtime
      .start({
        taskId,
        taskName: t.name,
        serviceId: t.serviceId,
        serviceName: t.serviceName,
        slot: t.slot,
        nodeId: t.nodeId,
        spec: t.spec,
        port: t.port,
        host: this.host,
      })
      .catch((e: Error) => this.onRuntimeEvent({ kind: 'state', taskId, state: 'failed', message: 'could not start', error: e.message }))
      .finally(() => {
        this.startsInFlight--;
        l.busy = false;
        if (adopting) this.logger.info({ taskId }, 'adopted a running task');
        if (this.tasks.get(taskId) === l) this.drive(taskId, l);
        this.schedulePump();
      });
  }

  /** How many tasks wait to be handed to the runtime, and how many starts are in flight. */
  get startBacklog(): { queued: number; inFlight: number } {
    let queued = 0;
    for (let i = this.queueHead; i < this.queue.length; i++) if (this.tasks.get(this.queue[i] as string)?.queued) queued++;
    return { queued, inFlight: this.startsInFlight };
  }

  // --- host ports ---

  private hold(taskId: string, l: Local, port: number, name: string): void {
    this.portHolders.set(port, { taskId, name });
    l.heldPort = port;
  }

  /** The task has ended (or was forgotten and stopped): its port is free for a waiting task. */
  private release(taskId: string, l: Local): void {
    const port = l.heldPort;
    if (port === 0) return;
    l.heldPort = 0;
    if (this.portHolders.get(port)?.taskId !== taskId) return;
    this.portHolders.delete(port);
    const waiters = this.portWaiters.get(port);
    if (!waiters) return;
    this.portWaiters.delete(port);
    for (const id of waiters) {
      const w = this.tasks.get(id);
      if (w) this.drive(id, w);
    }
  }

  /** True (and the task reported waiting) when another task here still holds its port. */
  private waitForPort(taskId: string, l: Local): boolean {
    const port = l.task?.port ?? 0;
    const holder = port > 0 ? this.portHolders.get(port) : undefined;
    if (!holder || holder.taskId === taskId) return false;
    let waiters = this.portWaiters.get(port);
    if (!waiters) this.portWaiters.set(port, (waiters = new Set()));
    waiters.add(taskId);
    const message = `waiting for port ${port} held by task ${holder.name} to stop`;
    if (l.state !== 'preparing' || l.message !== message) {
      this.logger.info({ taskId, port, holder: holder.taskId }, 'task waits for its port');
      this.setState(taskId, l, 'preparing', message);
    }
    return true;
  }

  private unwait(taskId: string, l: Local): void {
    const port = l.task?.port ?? 0;
    const waiters = port > 0 ? this.portWaiters.get(port) : undefined;
    waiters?.delete(taskId);
    if (waiters?.size === 0) this.portWaiters.delete(port);
  }

  // --- stopping ---

  /** A running task the mesh routed to, whose drain has not begun. */
  private mustDrain(l: Local): boolean {
    return l.drain === undefined && l.state === 'running' && (l.task?.ports.length ?? 0) > 0 && (l.task?.spec.drainMs ?? 0) > 0;
  }

  /** Keeps the task running for its drain period, then drives it on (to its stop). */
  private drain(taskId: string, l: Local): void {
    const ms = l.task?.spec.drainMs ?? 0;
    l.busy = true;
    l.drain = setTimeout(() => {
      l.drain = 'over';
      l.busy = false;
      if (this.tasks.get(taskId) === l) this.drive(taskId, l);
    }, ms);
    l.drain.unref();
    this.logger.info({ taskId, drainMs: ms }, 'draining a task before stopping it');
    this.setState(taskId, l, l.state, `draining for ${ms / 1000}s before stop`);
  }

  /** Ends a drain early (the task is forgotten, or the agent stops). */
  private cancelDrain(l: Local): void {
    if (l.drain === undefined || l.drain === 'over') return;
    clearTimeout(l.drain);
    l.drain = 'over';
    l.busy = false;
  }

  /** Cancels pending drains: the agent stops, and its tasks keep running until it is back. */
  close(): void {
    for (const l of this.tasks.values()) this.cancelDrain(l);
  }

  /**
   * Stops a launched task; `stopped` runs once the runtime is done (unless it already reported
   * the end). A stop that fails is not taken for an end — the task may still run and hold its
   * port — so it is reported and `retry` runs after a while.
   */
  private stopTask(taskId: string, l: Local, stopped: () => void, retry: () => void): void {
    l.busy = true;
    this.runtime.stop(taskId, l.task?.spec.stopGracePeriodMs ?? 10_000).then(
      () => {
        l.busy = false;
        if (!TERMINAL.has(l.state)) stopped();
      },
      (e: Error) => {
        l.busy = false;
        this.logger.warn({ taskId, err: e.message }, 'stopping a task failed');
        if (this.tasks.get(taskId) !== l || TERMINAL.has(l.state)) return;
        this.setState(taskId, l, l.state, `could not stop it: ${e.message}; trying again in ${Math.round(this.stopRetryMs / 1000)} s`);
        setTimeout(() => {
          if (this.tasks.get(taskId) === l && !l.busy) retry();
        }, this.stopRetryMs).unref();
      },
    );
  }

  /** Stops (if needed) and removes a task that is no longer assigned here. */
  private forget(taskId: string): void {
    const l = this.tasks.get(taskId);
    if (!l) return;
    this.tasks.delete(taskId);
    this.unwait(taskId, l);
    this.cancelDrain(l);
    const grace = l.task?.spec.stopGracePeriodMs ?? 10_000;
    const stop = TERMINAL.has(l.state) || !l.launched ? Promise.resolve() : this.runtime.stop(taskId, grace);
    stop
      .catch((e: Error) => this.logger.warn({ taskId, err: e.message }, 'stopping a forgotten task failed'))
      // Its port stays taken until the stop is over.
      .finally(() => this.release(taskId, l))
      .then(() => this.runtime.remove(taskId))
      .catch((e: Error) => this.logger.warn({ taskId, err: e.message }, 'removing a task failed'));
  }

  private setState(taskId: string, l: Local, state: LocalState, message: string, extra: Partial<Local> = {}): void {
    Object.assign(l, { state, message }, extra);
    this.report(this.reportOf(taskId, l));
    if (TERMINAL.has(state)) this.release(taskId, l);
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    const l = this.tasks.get(e.taskId);
    if (!l) return; // forgotten meanwhile
    if (e.kind === 'health') {
      l.health = e.healthy ? 'healthy' : 'unhealthy';
      this.report(this.reportOf(e.taskId, l));
      // An unhealthy task is stopped and reported failed; the orchestrator replaces it.
      if (!e.healthy && !TERMINAL.has(l.state) && !l.busy) {
        l.failWith = `health check failed: ${e.message}`;
        this.stopUnhealthy(e.taskId, l);
      }
      return;
    }
    if (TERMINAL.has(l.state)) return; // a late event after the outcome was reported
    if (l.failWith && (e.state === 'shutdown' || e.state === 'complete')) {
      this.setState(e.taskId, l, 'failed', 'stopped: health check failed', { error: l.failWith });
      return;
    }
    this.setState(e.taskId, l, e.state, e.message, {
      error: e.error ?? '',
      ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
      ...(e.runtimeId ? { runtimeId: e.runtimeId } : {}),
    });
  }

  private stopUnhealthy(taskId: string, l: Local): void {
    this.stopTask(
      taskId,
      l,
      () => this.setState(taskId, l, 'failed', 'stopped: health check failed', { error: l.failWith ?? '' }),
      () => this.stopUnhealthy(taskId, l),
    );
  }

  /** Whether the first full assignment set has arrived (orphans are cleaned only after it). */
  get synced(): boolean {
    return this.assignmentsSeen;
  }

  taskIds(): string[] {
    return [...this.tasks.keys()];
  }
}
