// `npm run bench -- raft [--seconds S] [--payload BYTES]`
//
// A 3-node Raft group in one process, each node on its own LevelDB Raft database with synced
// batches, messages handed between nodes on the event loop. Measures committed entries per
// second and commit latency with 1 and with 64 concurrent proposers (each proposer waits for
// its entry to be applied before proposing the next), and the cost of one synced batch.
// The group's host loop lives in scripts/lib/in-process-group.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { LevelStorage } from '@shoal/raft/level';
import { startGroup, type GroupNode } from '../lib/in-process-group.js';
import { median, percentile, type BenchReport } from './report.js';

interface RunResult {
  readonly proposers: number;
  readonly entries: number;
  readonly seconds: number;
  readonly entriesPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly entriesPerSync: number;
}

async function measure(leader: GroupNode, proposers: number, seconds: number, payload: number): Promise<RunResult> {
  const data = new Uint8Array(payload).fill(0x61);
  const latencies: number[] = [];
  const batchesBefore = leader.batchSizes.length;
  let stop = false;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (!stop) {
      const t = performance.now();
      await leader.propose(data);
      latencies.push(performance.now() - t);
    }
  };
  // Warm-up is excluded: measure from the first full second of steady state.
  const workers = Array.from({ length: proposers }, () => worker());
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  await Promise.all(workers);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const batches = leader.batchSizes.slice(batchesBefore);
  return {
    proposers,
    entries: latencies.length,
    seconds: elapsed,
    entriesPerSecond: latencies.length / elapsed,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    entriesPerSync: batches.reduce((a, b) => a + b, 0) / Math.max(1, batches.length),
  };
}

/** Cost of one synced batch carrying one entry and a hard state, as the host writes it. */
async function syncedBatchCost(dir: string, count: number, payload: number): Promise<number[]> {
  const storage = await LevelStorage.open(join(dir, 'batch'));
  const data = new Uint8Array(payload);
  const costs: number[] = [];
  try {
    for (let i = 1; i <= count; i++) {
      const t = performance.now();
      await storage.save({ entries: [{ index: i, term: 1, type: 0, data }], hardState: { term: 1, vote: '', commit: i } });
      costs.push(performance.now() - t);
    }
  } finally {
    await storage.close();
  }
  return costs.sort((a, b) => a - b);
}

export async function run(args: readonly string[]): Promise<BenchReport> {
  const argv = yargs([...args])
    .parserConfiguration({ 'greedy-arrays': false })
    .option('seconds', { type: 'number', default: 5, describe: 'measuring time per proposer count' })
    .option('trials', { type: 'number', default: 3, describe: 'trials per proposer count (median reported)' })
    .option('payload', { type: 'number', default: 128, describe: 'entry payload bytes' })
    .strict()
    .parseSync();
  const dir = mkdtempSync(join(tmpdir(), 'shoal-bench-raft-'));
  try {
    const costs = await syncedBatchCost(dir, 500, argv.payload);
    const syncP50 = percentile(costs, 50);
    const results: Record<number, RunResult[]> = { 1: [], 64: [] };
    for (let trial = 0; trial < argv.trials; trial++) {
      const trialDir = join(dir, `trial${trial}`);
      const nodes = await startGroup(trialDir);
      try {
        for (const proposers of [1, 64]) results[proposers]!.push(await measure(nodes[0]!, proposers, argv.seconds, argv.payload));
      } finally {
        for (const n of nodes) await n.stop();
        for (const n of nodes) await n.storage.close();
      }
    }
    const pick = (p: number): RunResult => {
      // The trial with the median throughput, so its latency figures belong together.
      const sorted = [...results[p]!].sort((a, b) => a.entriesPerSecond - b.entriesPerSecond);
      return sorted[Math.floor(sorted.length / 2)]!;
    };
    const one = pick(1);
    const many = pick(64);
    const rows = [one, many].map((r) => [r.proposers, r.entriesPerSecond, r.latencyP50Ms, r.latencyP99Ms, r.entriesPerSync, r.latencyP50Ms / syncP50]);
    return {
      name: 'raft',
      title: `Raft group of 3 in one process, LevelDB with sync, ${argv.payload}-byte entries (median of ${argv.trials} trials × ${argv.seconds} s)`,
      columns: ['proposers', 'committed entries/s', 'p50 ms', 'p99 ms', 'entries per fsync (leader)', 'p50 / synced batch'],
      rows,
      notes: [
        `one synced batch (1 entry + hard state): p50 ${syncP50.toFixed(3)} ms, p99 ${percentile(costs, 99).toFixed(3)} ms over ${costs.length} writes`,
        `target: ≥ 20,000 entries/s with 64 proposers → ${Math.round(many.entriesPerSecond).toLocaleString('en-US')} (${(many.entriesPerSecond / 20000).toFixed(2)}× target)`,
        `target: 1-proposer commit within ~3 synced batches → ${(one.latencyP50Ms / syncP50).toFixed(2)} batches (p50)`,
        `64-proposer throughput is ${(many.entriesPerSecond / one.entriesPerSecond).toFixed(1)}× the 1-proposer figure; median per-trial: ` +
          `${median(results[64]!.map((r) => r.entriesPerSecond)).toFixed(0)} entries/s`,
      ],
      data: { syncedBatchMs: { p50: syncP50, p99: percentile(costs, 99), count: costs.length }, trials: results },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
