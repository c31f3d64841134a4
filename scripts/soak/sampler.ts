// Samples every manager every few seconds: who leads in which term, its Raft log size (from
// /metrics), its RSS (/proc) and its data directory's size on disk.

import { loadavg } from 'node:os';
import type { LocalCluster } from '../lib/cluster.js';
import { dirSizeMiB } from './dir-size.js';
import { rssMiB } from './process-memory.js';
import { scrapeRaftMetrics, type RaftMetrics } from './raft-metrics.js';

export interface ManagerSample {
  readonly name: string;
  readonly up: boolean;
  readonly rssMiB: number | undefined;
  readonly dataDirMiB: number;
  /** undefined when the manager is down or did not answer /metrics in time. */
  readonly raft: RaftMetrics | undefined;
}

export interface Sample {
  /** Seconds since the soak started. */
  readonly t: number;
  /** The leader's name as the managers report it (the highest term's), undefined if none. */
  readonly leader: string | undefined;
  readonly term: number | undefined;
  /** The largest Raft log (entries) among the managers. */
  readonly maxLogEntries: number | undefined;
  readonly managers: readonly ManagerSample[];
  /** The machine's 1-minute load average: shared machines make every figure slower. */
  readonly load1: number;
}

export async function takeSample(cluster: LocalCluster, t: number): Promise<Sample> {
  const managers = await Promise.all(
    cluster.managers.map(async (m): Promise<ManagerSample> => {
      const pid = m.proc?.exitCode === null ? m.proc.pid : undefined;
      return {
        name: m.name,
        up: pid !== undefined,
        rssMiB: rssMiB(pid),
        dataDirMiB: dirSizeMiB(m.dataDir),
        raft: pid !== undefined ? await scrapeRaftMetrics(m.metrics) : undefined,
      };
    }),
  );
  const leaders = managers.filter((m) => m.raft?.isLeader).sort((a, b) => b.raft!.term - a.raft!.term);
  const logs = managers.map((m) => m.raft?.logEntries).filter((n): n is number => n !== undefined && Number.isFinite(n));
  return {
    t,
    leader: leaders[0]?.name,
    term: leaders[0]?.raft?.term ?? Math.max(0, ...managers.map((m) => m.raft?.term ?? 0)),
    maxLogEntries: logs.length > 0 ? Math.max(...logs) : undefined,
    managers,
    load1: loadavg()[0]!,
  };
}

/** Takes a sample every `everyMs` until stopped; the samples are kept in order. */
export class Sampler {
  readonly samples: Sample[] = [];
  private running = true;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly cluster: LocalCluster,
    private readonly startedAt: number,
    private readonly everyMs: number,
    private readonly onSample: (s: Sample) => void = () => {},
  ) {}

  start(): void {
    this.loop = (async () => {
      while (this.running) {
        const begun = performance.now();
        const s = await takeSample(this.cluster, (begun - this.startedAt) / 1000);
        this.samples.push(s);
        this.onSample(s);
        await sleepWhile(() => this.running, this.everyMs - (performance.now() - begun));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** Sleeps `ms`, waking early once `cond` turns false (checked every 100 ms). */
export async function sleepWhile(cond: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (cond() && performance.now() < until) await new Promise((r) => setTimeout(r, Math.min(100, Math.max(0, until - performance.now()))));
}
