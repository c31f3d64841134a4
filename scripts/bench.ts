// `npm run bench -- <name> [options]`: runs one benchmark, prints its table, writes its JSON.
//
// Speeds are proven here, never by timed assertions in tests: the machines are shared and
// noisy, so each benchmark reports medians and ratios over repeated trials.

import { printReport, writeReport, type BenchReport } from './bench/report.js';

type Bench = (args: readonly string[]) => Promise<BenchReport>;

const BENCHES: Record<string, { describe: string; load: () => Promise<Bench> }> = {
  raft: {
    describe: '3-node Raft group in one process over the LevelDB Raft database (synced): entries/s and latency with 1 and 64 proposers',
    load: async () => (await import('./bench/raft.js')).run,
  },
  failover: {
    describe: '5 manager processes: SIGKILL the leader, time to the first committed write through the control API (30 trials)',
    load: async () => (await import('./bench/failover.js')).run,
  },
  reschedule: {
    describe: '3 managers, 3 workers: SIGKILL a worker running 10 tasks, time until all replicas run again (10 trials)',
    load: async () => (await import('./bench/reschedule.js')).run,
  },
  schedule: {
    describe: '3 managers, 50 workers on the simulated runtime: 2,000 replicas created, scaled to 0 and back',
    load: async () => (await import('./bench/schedule.js')).run,
  },
  commit: {
    describe: '3 manager processes over gRPC + synced LevelDB: committed writes/s and latency with 1 and 64 clients',
    load: async () => (await import('./bench/commit.js')).run,
  },
  'scale-process': {
    describe:
      "3 managers, 2 process-runtime workers: 1,000 replicas of a tiny process, time until all run, tasks per slot, worker-down events, agents' event-loop delay and RSS",
    load: async () => (await import('./bench/scale-process.js')).run,
  },
  cli: {
    describe: 'the shoal CLI as new processes against 3 managers: wall time of reads and a write vs `node -e 0`, and a write during a leader kill',
    load: async () => (await import('./bench/cli.js')).run,
  },
  ingress: {
    describe: '1 manager, 1 process-runtime worker, 4 demo web tasks: requests/s and p50/p99 through the routing mesh vs straight to the tasks (autocannon)',
    load: async () => (await import('./bench/ingress.js')).run,
  },
  update: {
    describe: 'rolling update of 20 demo web replicas under steady load: duration and failed requests, start-first vs stop-first parallelism 1',
    load: async () => (await import('./bench/update.js')).run,
  },
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const { assertBuilt } = await import('./lib/cluster.js');
  if (name !== 'raft') assertBuilt();
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    console.error(name ? `unknown benchmark "${name}".` : 'which benchmark?');
    console.error('usage: npm run bench -- <name> [options]\n');
    for (const [n, b] of Object.entries(BENCHES)) console.error(`  ${n.padEnd(12)} ${b.describe}`);
    return 2;
  }
  const report = await (await bench.load())(rest);
  printReport(report);
  console.log(`\n  JSON written to ${writeReport(report)}`);
  return 0;
}

process.exitCode = await main();
