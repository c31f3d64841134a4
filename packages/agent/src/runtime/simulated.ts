// The simulated runtime, for load tests only (never a default): tasks "run" without running
// anything, so one machine can play a node with thousands of tasks. Per task it keeps one
// small record and, while starting, one setImmediate.

import { RuntimeEventSource } from './event-source.js';
import type { FoundTask, LogLine, Runtime, TaskLaunch } from './runtime.js';

export interface SimulatedRuntimeOptions {
  /** What the node claims to offer (default 64 CPUs, 256 GiB). */
  readonly capacity?: { nanoCpus: number; memoryBytes: number };
}

type Phase = 'starting' | 'running' | 'ended';

export class SimulatedRuntime extends RuntimeEventSource implements Runtime {
  readonly name = 'simulated' as const;
  private readonly cap: { nanoCpus: number; memoryBytes: number };
  private readonly tasks = new Map<string, { phase: Phase; timer?: NodeJS.Immediate }>();

  constructor(o: SimulatedRuntimeOptions = {}) {
    super();
    this.cap = o.capacity ?? { nanoCpus: 64e9, memoryBytes: 256 * 2 ** 30 };
  }

  capacity(): { nanoCpus: number; memoryBytes: number } {
    return this.cap;
  }

  async discover(): Promise<FoundTask[]> {
    return []; // nothing outlives the agent
  }

  async start(task: TaskLaunch): Promise<void> {
    const { taskId } = task;
    if (this.tasks.has(taskId)) return;
    const record: { phase: Phase; timer?: NodeJS.Immediate } = { phase: 'starting' };
    this.tasks.set(taskId, record);
    this.emitEvent({ kind: 'state', taskId, state: 'starting', message: 'starting (simulated)' });
    // Asynchronous, like a real runtime: 'running' never arrives inside start().
    record.timer = setImmediate(() => {
      record.timer = undefined;
      record.phase = 'running';
      this.emitEvent({ kind: 'state', taskId, state: 'running', message: 'running (simulated)', runtimeId: `sim-${taskId}` });
    });
  }

  async stop(taskId: string, _graceMs: number): Promise<void> {
    const record = this.tasks.get(taskId);
    if (!record || record.phase === 'ended') return;
    if (record.timer) clearImmediate(record.timer);
    record.timer = undefined;
    record.phase = 'ended';
    this.emitEvent({ kind: 'state', taskId, state: 'shutdown', message: 'stopped (simulated)', exitCode: 0 });
  }

  /** For load tests: a running task ends on its own with `exitCode`. */
  exit(taskId: string, exitCode: number): void {
    const record = this.tasks.get(taskId);
    if (!record || record.phase !== 'running') return;
    record.phase = 'ended';
    const message = `exited with code ${exitCode}`;
    this.emitEvent({ kind: 'state', taskId, state: exitCode === 0 ? 'complete' : 'failed', message, exitCode, ...(exitCode === 0 ? {} : { error: message }) });
  }

  async remove(taskId: string): Promise<void> {
    await this.stop(taskId, 0);
    this.tasks.delete(taskId);
  }

  async *logs(_taskId: string, _o: { follow: boolean; tail?: number; signal?: AbortSignal }): AsyncIterable<LogLine> {
    // A simulated task prints nothing.
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const record of this.tasks.values()) if (record.timer) clearImmediate(record.timer);
  }
}
