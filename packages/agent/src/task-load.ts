// Each task's load as this node sees it: CPU of the tasks it runs (two samples of the
// runtime's cpuTimes(), in percent of one core) and the connection counters of its routing
// mesh (for tasks anywhere: clients reach a task through every node's mesh). Heartbeats carry
// it to the leader's autoscaler (proto/dispatcher.proto TaskLoad); /metrics exports it.
//
// Cost is bounded: the runtime is sampled every `sampleMs` (one /proc scan, or a few
// container stats), and a heartbeat carries load at most every `reportMs`. A report holds the
// node's own tasks always, and the mesh's other tasks only when their counters moved or
// connections are open, with every counted task again every REFRESH_EVERY reports — so 50
// nodes that each route to 2,000 idle tasks do not resend 2,000 zeros twice a second.

import type { TaskCounters } from '@shoal/ingress';
import type { WireTaskLoad } from '@shoal/wire';
import type { Runtime } from './runtime/runtime.js';

export const DEFAULT_CPU_SAMPLE_MS = 2_000;
export const DEFAULT_LOAD_REPORT_MS = 2_000;
/** Every this many reports, every task the mesh counted goes along, moved or not. */
const REFRESH_EVERY = 5;

/** A task running here: who it is, for /metrics labels. */
export interface LocalTask {
  readonly taskId: string;
  readonly name: string;
  readonly serviceName: string;
}

export interface TaskLoadMeterOptions {
  readonly runtime: Pick<Runtime, 'cpuTimes'>;
  readonly mesh: { taskCounters(): ReadonlyMap<string, TaskCounters> };
  /** The tasks running here now. */
  readonly localTasks: () => readonly LocalTask[];
  readonly sampleMs?: number;
  readonly reportMs?: number;
  readonly now?: () => number;
  readonly onError?: (e: Error) => void;
}

const NO_COUNTERS: TaskCounters = { open: 0, total: 0, bytesIn: 0, bytesOut: 0, connectErrors: 0 };

export class TaskLoadMeter {
  private readonly sampleMs: number;
  private readonly reportMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;
  private previous: { atMs: number; micros: ReadonlyMap<string, number> } | undefined;
  private percents = new Map<string, number>();
  private lastReportAtMs = Number.NEGATIVE_INFINITY;
  private reports = 0;
  /** The counters each task had in the last report, to send only what moved. */
  private reported = new Map<string, TaskCounters>();

  constructor(private readonly o: TaskLoadMeterOptions) {
    this.sampleMs = o.sampleMs ?? DEFAULT_CPU_SAMPLE_MS;
    this.reportMs = o.reportMs ?? DEFAULT_LOAD_REPORT_MS;
    this.now = o.now ?? (() => performance.now());
  }

  start(): this {
    void this.sample();
    this.timer ??= setInterval(() => void this.sample(), this.sampleMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
  }

  /** Takes a CPU sample now (the timer does it every `sampleMs`); one at a time. */
  sample(): Promise<void> {
    this.sampling ??= this.takeSample().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async takeSample(): Promise<void> {
    let micros: ReadonlyMap<string, number>;
    try {
      micros = await this.o.runtime.cpuTimes();
    } catch (e) {
      this.o.onError?.(e as Error);
      return;
    }
    const atMs = this.now();
    const prev = this.previous;
    const percents = new Map<string, number>();
    if (prev && atMs > prev.atMs) {
      const wallMicros = (atMs - prev.atMs) * 1000;
      for (const [taskId, used] of micros) {
        const before = prev.micros.get(taskId);
        // A counter that went back (a process of the group ended unreaped) counts as idle.
        if (before !== undefined) percents.set(taskId, Math.max(0, ((used - before) / wallMicros) * 100));
      }
    }
    this.previous = { atMs, micros };
    this.percents = percents;
  }

  /** CPU of a task running here, percent of one core since the sample before; undefined = unknown yet. */
  cpuPercent(taskId: string): number | undefined {
    return this.percents.get(taskId);
  }

  /** The load a heartbeat carries now: [] between reports (see the header for what goes in one). */
  forHeartbeat(): WireTaskLoad[] {
    const now = this.now();
    if (now - this.lastReportAtMs < this.reportMs) return [];
    this.lastReportAtMs = now;
    const refresh = this.reports++ % REFRESH_EVERY === 0;
    const counters = this.o.mesh.taskCounters();
    const loads: WireTaskLoad[] = [];
    const reported = new Map<string, TaskCounters>();
    const local = new Set<string>();
    for (const t of this.o.localTasks()) {
      local.add(t.taskId);
      const c = counters.get(t.taskId) ?? NO_COUNTERS;
      loads.push(toWire(t.taskId, this.percents.get(t.taskId), c));
      reported.set(t.taskId, c);
    }
    for (const [taskId, c] of counters) {
      if (local.has(taskId) || (c.total === 0 && c.connectErrors === 0)) continue;
      const before = this.reported.get(taskId);
      if (refresh || c.open > 0 || !before || moved(before, c)) loads.push(toWire(taskId, undefined, c));
      reported.set(taskId, c);
    }
    this.reported = reported;
    return loads;
  }
}

function moved(a: TaskCounters, b: TaskCounters): boolean {
  return a.open !== b.open || a.total !== b.total || a.bytesIn !== b.bytesIn || a.bytesOut !== b.bytesOut || a.connectErrors !== b.connectErrors;
}

function toWire(taskId: string, cpuPercent: number | undefined, c: TaskCounters): WireTaskLoad {
  return {
    taskId,
    cpuPercent: cpuPercent ?? -1,
    openConnections: c.open,
    totalConnections: String(c.total),
    bytesIn: String(c.bytesIn),
    bytesOut: String(c.bytesOut),
    connectErrors: String(c.connectErrors),
  };
}
