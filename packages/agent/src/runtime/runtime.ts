// The one interface every runtime implements: the agent's executor drives tasks through it
// without knowing whether they are processes, containers or simulations.
//
// A runtime owns the mechanics (spawn, stop, pull, logs, health); the agent owns the decisions
// (what should run here, what to report). Runtimes report every change of a task's observed
// state as an event; they never decide to restart anything (shoal's orchestrator does).

import type { EventEmitter } from 'node:events';
import type { TaskSpec } from '@shoal/store';

export type RuntimeName = 'process' | 'docker' | 'simulated';

/** Everything a runtime needs to run one task. */
export interface TaskLaunch {
  readonly taskId: string;
  /** A readable task name (service.slot.id) for container names and log prefixes. */
  readonly taskName: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly slot: number;
  readonly nodeId: string;
  readonly spec: TaskSpec;
  /** The port the task must listen on (given to it as PORT); 0 = none. */
  readonly port: number;
  /** The node's address the task should listen on (given to it as HOST), if known. */
  readonly host?: string;
}

/** Observed states a runtime reports; the agent forwards them to the manager. */
export type RuntimeState = 'preparing' | 'starting' | 'running' | 'complete' | 'failed' | 'shutdown';

export type RuntimeEvent =
  | {
      readonly kind: 'state';
      readonly taskId: string;
      readonly state: RuntimeState;
      /** Human-readable: "pulling busybox:local: 40%", "exited with code 3", "killed by SIGKILL". */
      readonly message: string;
      /** Set for failures: what went wrong, for `service ps` ("no such image: foo:1"). */
      readonly error?: string;
      readonly exitCode?: number | null;
      /** Container id or process id. */
      readonly runtimeId?: string;
    }
  | {
      readonly kind: 'health';
      readonly taskId: string;
      readonly healthy: boolean;
      readonly message: string;
    };

/** A task a runtime found when it started (left by a previous life of the agent). */
export interface FoundTask {
  readonly taskId: string;
  readonly runtimeId: string;
  readonly running: boolean;
  /** For a task that ended while nobody watched. */
  readonly exitCode?: number | null;
  /** The host port a running task holds (its PORT), when the runtime knows it. */
  readonly port?: number;
}

export interface LogLine {
  readonly taskId: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface Runtime extends EventEmitter {
  readonly name: RuntimeName;

  /** What this node offers for scheduling (CPU in nano-CPUs, memory in bytes). */
  capacity(): { nanoCpus: number; memoryBytes: number };

  /**
   * Tasks left running (or finished) by a previous life of the agent, so it can adopt what
   * the leader still assigns here and stop the rest: no duplicates, no orphans.
   */
  discover(): Promise<FoundTask[]>;

  /**
   * Starts a task, or adopts it when `discover()` found it running. Resolves once the task
   * was handed to the runtime (it reports progress through events). Idempotent per task id.
   * A task whose host port something on the node already listens on fails with that reason.
   * The executor limits how many starts are in flight; a runtime keeps each one's
   * synchronous work small (the agent's heartbeats share its event loop).
   */
  start(task: TaskLaunch): Promise<void>;

  /** Stops a task: the stop signal, then a kill after `graceMs`. Resolves when it is gone. */
  stop(taskId: string, graceMs: number): Promise<void>;

  /** Forgets a finished task and frees what it left (container, files). */
  remove(taskId: string): Promise<void>;

  /** The task's output; with `follow`, keeps yielding until `signal` aborts. */
  logs(taskId: string, o: { follow: boolean; tail?: number; signal?: AbortSignal }): AsyncIterable<LogLine>;

  /**
   * The CPU time each running task has used so far, in microseconds (all its processes or its
   * container), in one call for every task: the agent turns two samples into percent of one
   * core. Tasks the runtime cannot measure (yet) are left out. Cheap enough to call every few
   * seconds with hundreds of tasks.
   */
  cpuTimes(): Promise<ReadonlyMap<string, number>>;

  /** Releases watchers and connections; running tasks keep running. */
  close(): Promise<void>;

  on(event: 'event', listener: (e: RuntimeEvent) => void): this;
  emit(event: 'event', e: RuntimeEvent): boolean;
}
