// `npm run bench -- commit [--managers 3] [--seconds 5]`
//
// Real manager processes on 127.0.0.1 (gRPC between them, synced LevelDB each). Clients in this
// process write through the control API, each waiting for its write to commit before the next:
// committed writes per second and latency with 1 and with 64 concurrent clients, each as unary
// calls (what the CLI makes) and pipelined on one Control.Pipeline stream (for programs making
// many calls at once).

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
  type Kind = 'write' | 'write, pipelined' | 'no-op read' | 'no-op read, pipelined';
  const KINDS: readonly Kind[] = ['write', 'write, pipelined', 'no-op read', 'no-op read, pipelined'];
  const runs = new Map<string, Run[]>();
  const key = (clients: number, kind: Kind): string => `${clients} ${kind}`;
  try {
    const leader = await cluster.waitForLeader();
    // Talk to the leader directly, as the CLI does once it has followed it.
    const unary = cluster.client([leader.addr]);
    const pipelined = cluster.client([leader.addr], { pipeline: true });
    const measure = async (clients: number, seconds: number, kind: Kind): Promise<Run> => {
      const client = kind.endsWith('pipelined') ? pipelined : unary;
      const write = kind.startsWith('write');
      const latencies: number[] = [];
      let errors = 0;
      let stop = false;
      const worker = async (id: number): Promise<void> => {
        let i = 0;
        while (!stop) {
          const t = performance.now();
          try {
            // Every client overwrites one label: each call is a full Raft write, and the node
            // (returned whole, as `docker node update` would) stays small. The no-op call is a
            // stale read: no Raft, no disk — what gRPC with TLS itself allows on this machine.
            if (write)
              await client.call(
                'UpdateNode',
                { node: 'm1', addLabels: { bench: `${id}-${i++}` }, removeLabels: [], availability: '', version: '0' },
                { write: true },
              );
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
    for (const kind of KINDS) await measure(8, 1, kind); // warm up connections and the JIT
    for (let t = 0; t < argv.trials; t++) {
      for (const clients of [1, 64]) {
        for (const kind of KINDS) {
          const seconds = kind.startsWith('write') ? argv.seconds : Math.min(argv.seconds, 3);
          const list = runs.get(key(clients, kind)) ?? [];
          list.push(await measure(clients, seconds, kind));
          runs.set(key(clients, kind), list);
        }
      }
    }
    unary.close();
    pipelined.close();
  } finally {
    await cluster.destroy();
  }
  const medianRun = (rs: Run[]): Run => [...rs].sort((a, b) => a.writesPerSecond - b.writesPerSecond)[Math.floor(rs.length / 2)]!;
  const m = (clients: number, kind: Kind): Run => medianRun(runs.get(key(clients, kind))!);
  const best = (clients: number): Run => [m(clients, 'write'), m(clients, 'write, pipelined')].sort((a, b) => b.writesPerSecond - a.writesPerSecond)[0]!;
  const many = best(64);
  const one = [m(1, 'write'), m(1, 'write, pipelined')].sort((a, b) => a.p50Ms - b.p50Ms)[0]!;
  return {
    name: 'commit',
    title: `Committed writes through the control API: ${argv.managers} manager processes, gRPC + synced LevelDB (median of ${argv.trials} trials × ${argv.seconds} s)`,
    columns: ['clients', 'call', 'calls/s', 'p50 ms', 'p99 ms', 'errors'],
    rows: [1, 64].flatMap((clients) =>
      KINDS.map((kind) => {
        const x = m(clients, kind);
        return [clients, kind, x.writesPerSecond, x.p50Ms, x.p99Ms, x.errors];
      }),
    ),
    notes: [
      `target: ≥ 5,000 writes/s with 64 clients → ${Math.round(many.writesPerSecond).toLocaleString('en-US')} (${(many.writesPerSecond / 5000).toFixed(2)}× target)`,
      `target: 1-client p50 < 3 ms → ${one.p50Ms.toFixed(2)} ms`,
      `pipelining: ${(m(64, 'no-op read, pipelined').writesPerSecond / m(64, 'no-op read').writesPerSecond).toFixed(1)}× the unary call rate for no-op reads, ` +
        `${(m(64, 'write, pipelined').writesPerSecond / m(64, 'write').writesPerSecond).toFixed(2)}× for writes (64 clients)`,
      `writes reach ${((m(64, 'write').writesPerSecond / m(64, 'no-op read').writesPerSecond) * 100).toFixed(0)}% of the unary no-op call rate with 64 clients; ` +
        `a 1-client unary write costs ${(m(1, 'write').p50Ms - m(1, 'no-op read').p50Ms).toFixed(2)} ms more than a no-op call (p50)`,
      'each write is a node label update: client → leader (gRPC/TLS) → Raft append to 2 followers (gRPC) → synced LevelDB on each → commit → apply → reply',
      "the clients, the 3 managers and the OS share this machine's 2 cores",
    ],
    data: { runs: Object.fromEntries(runs) },
  };
}
