// The worker's executor: makes what runs here match what the leader assigned.
//
// The leader's assignment set is authoritative. A task assigned with desired state "running"
// is started (or adopted, if a previous life of the agent left it running); one whose desired
// state became "shutdown" is stopped; anything running here that the leader does not assign
// (after a full assignment set) is stopped and removed — no duplicates, no orphans. Runtime
// events become task reports for the dispatcher. The executor never restarts anything on its
// own: a task that ends is reported, and the leader's orchestrator decides.

import type { TaskSpec } from '@shoal/store';
import type { Assignments__Output, TaskReport } from '@shoal/wire';
import type { Logger } from 'pino';
import type { FoundTask, Runtime, RuntimeEvent, RuntimeState } from './runtime/runtime.js';

/** The fields of the store's TaskObject the agent needs (the assignment's task_json). */
export interface AssignedTask {
  readonly id: string;
  readonly name: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly slot: number;
  readonly nodeId: string;
  readonly spec: TaskSpec;
  readonly port: number;
  readonly desiredState: 'running' | 'shutdown';
  /** The leader's view of the task's observed state. */
  readonly status?: { readonly state: string };
}

/** Final states in the store: such a task never runs (again) here. */
const STORE_FINAL = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned']);

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
  /** Found running at startup: start() adopts it rather than launching a second copy. */
  adoptable: boolean;
  /** Set when we stop a task because it failed its health check: its end is a failure. */
  failWith?: string;
}

const TERMINAL: ReadonlySet<LocalState> = new Set(['complete', 'failed', 'shutdown']);

export class Executor {
  private readonly tasks = new Map<string, Local>();
  private assignmentsSeen = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly report: (r: TaskReport) => void,
    private readonly logger: Logger,
    /** This node's address, given to tasks as HOST. */
    private readonly host: string,
  ) {
    runtime.on('event', (e) => this.onRuntimeEvent(e));
  }

  /** Learns what a previous life of the agent left behind (before the first session). */
  async adopt(): Promise<FoundTask[]> {
    const found = await this.runtime.discover();
    for (const f of found) {
      this.tasks.set(f.taskId, {
        task: undefined,
        desired: 'running',
        state: f.running ? 'running' : f.exitCode === 0 ? 'complete' : 'failed',
        message: f.running ? 'adopted after an agent restart' : 'ended while the agent was down',
        error: '',
        exitCode: f.exitCode,
        runtimeId: f.runtimeId,
        health: '',
        busy: false,
        adoptable: f.running,
      });
    }
    if (found.length > 0) this.logger.info({ running: found.filter((f) => f.running).length, finished: found.filter((f) => !f.running).length }, 'found tasks from a previous run');
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
  apply(a: Assignments__Output): void {
    const assigned = new Set<string>();
    for (const as of a.assigned) {
      let task: AssignedTask;
      try {
        task = JSON.parse(as.taskJson) as AssignedTask;
      } catch {
        this.logger.warn({ taskId: as.taskId }, 'ignoring an assignment whose task is not valid JSON');
        continue;
      }
      assigned.add(task.id);
      // A task the store says has ended must not run: keep it only for its output.
      const ended = STORE_FINAL.has(task.status?.state ?? '');
      const desired = as.desiredState === 'shutdown' || ended ? 'shutdown' : 'running';
      let l = this.tasks.get(task.id);
      if (!l) {
        const state: LocalState = ended ? 'shutdown' : 'assigned';
        l = { task, desired, state, message: '', error: '', exitCode: undefined, runtimeId: '', health: '', busy: false, adoptable: false };
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
    const running = l.state === 'running' || l.state === 'starting' || l.state === 'preparing';
    if (l.desired === 'running' && (l.state === 'assigned' || (l.adoptable && running)) && l.task) {
      l.busy = true;
      const adopting = l.adoptable;
      l.adoptable = false;
      const t = l.task;
      this.runtime
        .start({ taskId, taskName: t.name, serviceId: t.serviceId, serviceName: t.serviceName, slot: t.slot, nodeId: t.nodeId, spec: t.spec, port: t.port, host: this.host })
        .catch((e: Error) => this.onRuntimeEvent({ kind: 'state', taskId, state: 'failed', message: 'could not start', error: e.message }))
        .finally(() => {
          l.busy = false;
          if (adopting) this.logger.info({ taskId }, 'adopted a running task');
          this.drive(taskId, l);
        });
      return;
    }
    if (l.desired === 'shutdown' && !TERMINAL.has(l.state)) {
      if (l.state === 'assigned') {
        this.setState(taskId, l, 'shutdown', 'shut down before it started');
        return;
      }
      l.busy = true;
      this.runtime
        .stop(taskId, l.task?.spec.stopGracePeriodMs ?? 10_000)
        .catch((e: Error) => this.logger.warn({ taskId, err: e.message }, 'stopping a task failed'))
        .finally(() => {
          l.busy = false;
          if (!TERMINAL.has(l.state)) this.setState(taskId, l, 'shutdown', 'stopped');
        });
    }
  }

  /** Stops (if needed) and removes a task that is no longer assigned here. */
  private forget(taskId: string): void {
    const l = this.tasks.get(taskId);
    if (!l) return;
    this.tasks.delete(taskId);
    const grace = l.task?.spec.stopGracePeriodMs ?? 10_000;
    const stop = TERMINAL.has(l.state) || l.state === 'assigned' ? Promise.resolve() : this.runtime.stop(taskId, grace);
    stop
      .then(() => this.runtime.remove(taskId))
      .catch((e: Error) => this.logger.warn({ taskId, err: e.message }, 'removing a task failed'));
  }

  private setState(taskId: string, l: Local, state: LocalState, message: string, extra: Partial<Local> = {}): void {
    Object.assign(l, { state, message }, extra);
    this.report(this.reportOf(taskId, l));
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    const l = this.tasks.get(e.taskId);
    if (!l) return; // forgotten meanwhile
    if (e.kind === 'health') {
      l.health = e.healthy ? 'healthy' : 'unhealthy';
      this.report(this.reportOf(e.taskId, l));
      // An unhealthy task is stopped and reported failed; the orchestrator replaces it.
      if (!e.healthy && !TERMINAL.has(l.state) && !l.busy) {
        l.busy = true;
        l.failWith = `health check failed: ${e.message}`;
        this.runtime
          .stop(e.taskId, l.task?.spec.stopGracePeriodMs ?? 10_000)
          .catch(() => undefined)
          .finally(() => {
            l.busy = false;
            if (!TERMINAL.has(l.state)) this.setState(e.taskId, l, 'failed', 'stopped: health check failed', { error: l.failWith ?? '' });
          });
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

  /** Whether the first full assignment set has arrived (orphans are cleaned only after it). */
  get synced(): boolean {
    return this.assignmentsSeen;
  }

  taskIds(): string[] {
    return [...this.tasks.keys()];
  }
}
