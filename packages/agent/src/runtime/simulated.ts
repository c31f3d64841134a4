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

/** A simulated task's CPU: what it used up to `sinceMs`, and how busy it is from then on. */
interface SimulatedCpu {
  usedMicros: number;
  sinceMs: number;
  percent: number;
}

export class SimulatedRuntime extends RuntimeEventSource implements Runtime {
  readonly name = 'simulated' as const;
  private readonly cap: { nanoCpus: number; memoryBytes: number };
  private readonly tasks = new Map<string, { phase: Phase; timer?: NodeJS.Immediate }>();
  /** Per task, the CPU load a test set (setCpuPercent); 0 for the others. */
  private readonly cpu = new Map<string, SimulatedCpu>();

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
    this.cpu.delete(taskId);
  }

  /**
   * For tests of the autoscaler: from now on the task uses `percent` of one core (100 = one
   * core busy; more for several). It keeps that load until set again.
   */
  setCpuPercent(taskId: string, percent: number): void {
    if (!Number.isFinite(percent) || percent < 0) throw new RangeError(`a CPU load is a percentage of one core, 0 or more (got ${percent})`);
    const now = performance.now();
    const cpu = this.cpu.get(taskId);
    const usedMicros = cpu ? usedUntil(cpu, now) : 0;
    this.cpu.set(taskId, { usedMicros, sinceMs: now, percent });
  }

  async cpuTimes(): Promise<ReadonlyMap<string, number>> {
    const now = performance.now();
    const times = new Map<string, number>();
    for (const [taskId, record] of this.tasks) {
      if (record.phase !== 'running') continue;
      const cpu = this.cpu.get(taskId);
      times.set(taskId, cpu ? usedUntil(cpu, now) : 0);
    }
    return times;
  }

  async *logs(_taskId: string, _o: { follow: boolean; tail?: number; signal?: AbortSignal }): AsyncIterable<LogLine> {
    // A simulated task prints nothing.
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const record of this.tasks.values()) if (record.timer) clearImmediate(record.timer);
  }
}

function usedUntil(cpu: SimulatedCpu, nowMs: number): number {
  return cpu.usedMicros + ((nowMs - cpu.sinceMs) * 1000 * cpu.percent) / 100;
}
