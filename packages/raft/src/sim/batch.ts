// Runs many seeds, spread over worker threads, and sums up what they found.

import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PlantedBugs } from '../raft.js';
import { runSeed, type SimOptions, type SimResult } from './simulation.js';
import type { Violation } from './invariants.js';

export const CLUSTER_SIZES = [3, 5, 7] as const;

/** Mixed sizes unless one is fixed: seed s runs 3, 5 or 7 voters by s mod 3. */
export function sizeForSeed(seed: number, nodes?: number): number {
  return nodes ?? CLUSTER_SIZES[seed % CLUSTER_SIZES.length]!;
}

export interface BatchOptions {
  readonly seeds: number;
  readonly firstSeed?: number;
  readonly nodes?: number;
  readonly faultMs?: number;
  readonly bugs?: PlantedBugs;
  /** 0 runs inline (tests); default: one per core. */
  readonly workers?: number;
  /** Stop at the first violating seed. */
  readonly stopOnViolation?: boolean;
  readonly onResult?: (r: SeedOutcome) => void;
}

/** What a seed's run reports back (no trace: a failing seed is replayed to get one). */
export interface SeedOutcome {
  readonly seed: number;
  readonly nodes: number;
  readonly violations: readonly Violation[];
  readonly virtualMs: number;
  readonly events: number;
  readonly recoveryMs: number;
  readonly acked: number;
}

export interface BatchSummary {
  readonly seeds: number;
  readonly violations: number;
  readonly failures: readonly SeedOutcome[];
  readonly events: number;
  readonly virtualMs: number;
  readonly acked: number;
  readonly wallMs: number;
  /** Median and worst virtual time from healing to the first new commit. */
  readonly recoveryMedianMs: number;
  readonly recoveryMaxMs: number;
}

export function seedOptions(seed: number, o: Pick<BatchOptions, 'nodes' | 'faultMs' | 'bugs'>): SimOptions {
  return {
    seed,
    nodes: sizeForSeed(seed, o.nodes),
    ...(o.faultMs !== undefined ? { faultMs: o.faultMs } : {}),
    ...(o.bugs ? { bugs: o.bugs } : {}),
  };
}

export function outcomeOf(r: SimResult): SeedOutcome {
  return {
    seed: r.seed,
    nodes: r.nodes,
    violations: r.violations,
    virtualMs: r.stats.virtualMs,
    events: r.stats.events,
    recoveryMs: r.stats.recoveryMs,
    acked: r.stats.proposalsAcked,
  };
}

export async function runSeeds(o: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const first = o.firstSeed ?? 1;
  const seeds = Array.from({ length: o.seeds }, (_, i) => first + i);
  const outcomes: SeedOutcome[] = [];
  const workers = Math.min(o.workers ?? availableParallelism(), seeds.length);
  let stop = false;
  const record = (r: SeedOutcome): void => {
    outcomes.push(r);
    o.onResult?.(r);
    if (r.violations.length > 0 && o.stopOnViolation) stop = true;
  };

  if (workers <= 0) {
    for (const seed of seeds) {
      if (stop) break;
      record(outcomeOf(runSeed(seedOptions(seed, o))));
    }
  } else {
    await runInWorkers(seeds, workers, o, record, () => stop);
  }

  const failures = outcomes.filter((r) => r.violations.length > 0).sort((a, b) => a.seed - b.seed);
  const recoveries = outcomes
    .map((r) => r.recoveryMs)
    .filter((ms) => ms >= 0)
    .sort((a, b) => a - b);
  return {
    seeds: outcomes.length,
    violations: failures.reduce((n, f) => n + f.violations.length, 0),
    failures,
    events: outcomes.reduce((n, r) => n + r.events, 0),
    virtualMs: outcomes.reduce((n, r) => n + r.virtualMs, 0),
    acked: outcomes.reduce((n, r) => n + r.acked, 0),
    wallMs: performance.now() - started,
    recoveryMedianMs: recoveries[Math.floor(recoveries.length / 2)] ?? -1,
    recoveryMaxMs: recoveries[recoveries.length - 1] ?? -1,
  };
}

function runInWorkers(seeds: number[], count: number, o: BatchOptions, record: (r: SeedOutcome) => void, stopped: () => boolean): Promise<void> {
  // Under tsx the worker is worker.ts and inherits tsx's loader through execArgv; from dist, worker.js.
  const ext = extname(new URL(import.meta.url).pathname);
  const workerUrl = new URL(`./worker${ext}`, import.meta.url);
  // tsx's loader hooks do not reach worker threads by themselves: register them first.
  const entry: string | URL =
    ext === '.ts' ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); });` : workerUrl;
  let next = 0;
  return new Promise((resolve, reject) => {
    let running = count;
    for (let i = 0; i < count; i++) {
      const w = new Worker(entry, { eval: ext === '.ts', workerData: { nodes: o.nodes, faultMs: o.faultMs, bugs: o.bugs } });
      const feed = (): void => {
        if (stopped() || next >= seeds.length) {
          void w.terminate();
          return;
        }
        w.postMessage(seeds[next++]);
      };
      w.on('message', (r: SeedOutcome) => {
        record(r);
        feed();
      });
      w.on('error', (e) => reject(e));
      w.on('exit', () => {
        if (--running === 0) resolve();
      });
      feed();
    }
  });
}
