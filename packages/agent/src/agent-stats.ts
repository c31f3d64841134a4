// How responsive the agent is, for benchmarks and operators: its event-loop delay (the max and
// p99 since it started, from node:perf_hooks) and its memory, written every few seconds to
// DATA/agent-stats.json. A file, not a heartbeat field: the dispatcher protocol stays as it is,
// and a benchmark reads it without parsing logs.
//
//   {"eventLoopDelayMaxMs": 12.3, "eventLoopDelayP99Ms": 4.1, "rssBytes": 81234944,
//    "at": "2025-01-01T00:00:00.000Z", "startedAt": "..."}

import { readFileSync } from 'node:fs';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export const AGENT_STATS_FILE = 'agent-stats.json';
export const DEFAULT_STATS_INTERVAL_MS = 2_000;

export interface AgentStats {
  /** The longest the event loop was late (ms) since the agent started. */
  readonly eventLoopDelayMaxMs: number;
  readonly eventLoopDelayP99Ms: number;
  readonly rssBytes: number;
  /** When these figures were taken (ISO). */
  readonly at: string;
  /** When the measuring started: the figures cover [startedAt, at]. */
  readonly startedAt: string;
}

export function agentStatsPath(dataDir: string): string {
  return join(dataDir, AGENT_STATS_FILE);
}

/** Measures from construction; `start()` writes the file now and every `intervalMs`. */
export class AgentStatsWriter {
  private readonly histogram: IntervalHistogram;
  private readonly startedAt = new Date().toISOString();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly intervalMs = DEFAULT_STATS_INTERVAL_MS,
    private readonly onError: (e: Error) => void = () => undefined,
  ) {
    // 10 ms resolution: finer costs a timer wake-up per millisecond for no decision it changes.
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
  }

  start(): this {
    this.write();
    this.timer ??= setInterval(() => this.write(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  snapshot(): AgentStats {
    const h = this.histogram;
    // The histogram counts nanoseconds and reads NaN/huge before its first sample.
    const ms = (ns: number): number => (Number.isFinite(ns) && h.count > 0 ? Math.round(ns / 1e4) / 100 : 0);
    return {
      eventLoopDelayMaxMs: ms(h.max),
      eventLoopDelayP99Ms: ms(h.percentile(99)),
      rssBytes: process.memoryUsage.rss(),
      at: new Date().toISOString(),
      startedAt: this.startedAt,
    };
  }

  /** Stops measuring, after a last write. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.write();
    await this.writing;
    this.histogram.disable();
  }

  private write(): void {
    const stats = this.snapshot();
    const file = agentStatsPath(this.dataDir);
    const tmp = `${file}.${process.pid}.tmp`;
    // One write at a time; written then renamed, so a reader never sees half a file.
    this.writing = this.writing.then(async () => {
      try {
        await writeFile(tmp, `${JSON.stringify(stats)}\n`, { mode: 0o600 });
        await chmod(tmp, 0o600); // mode applies only when the file is created
        await rename(tmp, file);
      } catch (e) {
        this.onError(e as Error);
      }
    });
  }
}

/** Reads DATA/agent-stats.json; undefined when there is none yet or it is not agent stats. */
export function readAgentStats(dataDir: string): AgentStats | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(agentStatsPath(dataDir), 'utf8'));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const num = (k: string): number | undefined => {
    const x = v[k];
    return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
  };
  const str = (k: string): string | undefined => {
    const x = v[k];
    return typeof x === 'string' ? x : undefined;
  };
  const max = num('eventLoopDelayMaxMs');
  const p99 = num('eventLoopDelayP99Ms');
  const rss = num('rssBytes');
  const at = str('at');
  const startedAt = str('startedAt');
  if (max === undefined || p99 === undefined || rss === undefined || at === undefined || startedAt === undefined) return undefined;
  return { eventLoopDelayMaxMs: max, eventLoopDelayP99Ms: p99, rssBytes: rss, at, startedAt };
}
