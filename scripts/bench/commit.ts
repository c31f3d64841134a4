// `npm run bench -- commit [--managers 3] [--seconds 5]`
//
// Real manager processes on 127.0.0.1 (gRPC between them, synced LevelDB each). Clients in this
// process write through the control API, each waiting for its write to commit before the next:
// committed writes per second and latency with 1 and with 64 concurrent clients.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { LocalCluster } from '../lib/cluster.js';
import { percentile, type BenchReport } from './report.js';

interface Run {
  readonly clients: number;
  readonly writes: number;
  readonly seconds: number;
  readonly writesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export async function run(args: readonly string[]): Promise<BenchReport> {
  const argv = yargs([...args])
    .parserConfiguration({ 'greedy-arrays': false })
    .option('managers', { type: 'number', default: 3 })
    .option('seconds', { type: 'number', default: 5 })
    .option('trials', { type: 'number', default: 3, describe: 'trials per client count (median reported)' })
    .strict()
    .parseSync();
  const cluster = await LocalCluster.create({ dir: join(tmpdir(), `shoal-bench-commit-${process.pid}`), managers: argv.managers });
  const runs: Record<number, Run[]> = { 1: [], 64: [] };
  // The same clients making a no-op call (a stale read: no Raft, no disk) show what gRPC with
  // TLS itself allows on this machine.
  const ceiling: Record<number, Run[]> = { 1: [], 64: [] };
  try {
    const leader = await cluster.waitForLeader();
    // Talk to the leader directly, as the CLI does once it has followed it.
    const client = cluster.client([leader.addr]);
    const measure = async (clients: number, seconds: number, write = true): Promise<Run> => {
      const latencies: number[] = [];
      let errors = 0;
      let stop = false;
      const worker = async (id: number): Promise<void> => {
        let i = 0;
        while (!stop) {
          const t = performance.now();
          try {
            // Every client overwrites one label: each call is a full Raft write, and the node
            // (returned whole, as `docker node update` would) stays small.
            if (write) await client.call('UpdateNode', { node: 'm1', addLabels: { bench: `${id}-${i++}` }, removeLabels: [], availability: '', version: '0' }, { write: true });
            else await client.call('GetNode', { node: 'm1', read: { stale: true } });
            latencies.push(performance.now() - t);
          } catch {
            errors++;
          }
        }
      };
      const started = performance.now();
      const workers = Array.from({ length: clients }, (_, id) => worker(id));
      await new Promise((r) => setTimeout(r, seconds * 1000));
      stop = true;
      await Promise.all(workers);
      const elapsed = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      return {
        clients,
        writes: latencies.length,
        seconds: elapsed,
        writesPerSecond: latencies.length / elapsed,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        errors,
      };
    };
    await measure(8, 1); // warm up connections and the JIT
    for (let t = 0; t < argv.trials; t++) {
      for (const clients of [1, 64]) {
        runs[clients]!.push(await measure(clients, argv.seconds));
        ceiling[clients]!.push(await measure(clients, Math.min(argv.seconds, 3), false));
      }
    }
    client.close();
  } finally {
    await cluster.destroy();
  }
  const medianRun = (rs: Run[]): Run => [...rs].sort((a, b) => a.writesPerSecond - b.writesPerSecond)[Math.floor(rs.length / 2)]!;
  const one = medianRun(runs[1]!);
  const many = medianRun(runs[64]!);
  const oneNoop = medianRun(ceiling[1]!);
  const manyNoop = medianRun(ceiling[64]!);
  return {
    name: 'commit',
    title: `Committed writes through the control API: ${argv.managers} manager processes, gRPC + synced LevelDB (median of ${argv.trials} trials × ${argv.seconds} s)`,
    columns: ['clients', 'call', 'calls/s', 'p50 ms', 'p99 ms', 'errors'],
    rows: [
      [one, 'write'],
      [oneNoop, 'no-op read'],
      [many, 'write'],
      [manyNoop, 'no-op read'],
    ].map(([r, call]) => {
      const x = r as Run;
      return [x.clients, call as string, x.writesPerSecond, x.p50Ms, x.p99Ms, x.errors];
    }),
    notes: [
      `target: ≥ 5,000 writes/s with 64 clients → ${Math.round(many.writesPerSecond).toLocaleString('en-US')} (${(many.writesPerSecond / 5000).toFixed(2)}× target)`,
      `target: 1-client p50 < 3 ms → ${one.p50Ms.toFixed(2)} ms`,
      `writes reach ${((many.writesPerSecond / manyNoop.writesPerSecond) * 100).toFixed(0)}% of the no-op call rate with 64 clients; ` +
        `a 1-client write costs ${(one.p50Ms - oneNoop.p50Ms).toFixed(2)} ms more than a no-op call (p50)`,
      'each write is a node label update: client → leader (gRPC/TLS) → Raft append to 2 followers (gRPC) → synced LevelDB on each → commit → apply → reply',
      'the clients, the 3 managers and the OS share this machine\'s 2 cores',
    ],
    data: { runs, noopCalls: ceiling },
  };
}
