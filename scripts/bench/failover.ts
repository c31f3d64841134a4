// `npm run bench -- failover [--managers 5] [--trials 30]`
//
// Real manager processes on 127.0.0.1. Each trial: find the leader, SIGKILL it, and write
// through the control API (client failing over between all managers, retrying at once) until
// a write commits. The figure is the time from the kill to that first committed write. The
// killed manager is restarted and the cluster waits until every manager is back before the
// next trial.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import type { WireNode__Output } from '@shoal/wire';
import { LocalCluster, waitFor } from '../lib/cluster.js';
import { percentile, type BenchReport } from './report.js';

export async function run(args: readonly string[]): Promise<BenchReport> {
  const argv = yargs([...args])
    .parserConfiguration({ 'greedy-arrays': false })
    .option('managers', { type: 'number', default: 5 })
    .option('trials', { type: 'number', default: 30 })
    .strict()
    .parseSync();
  const cluster = await LocalCluster.create({ dir: join(tmpdir(), `shoal-bench-failover-${process.pid}`), managers: argv.managers });
  const samples: number[] = [];
  try {
    const client = cluster.client();
    let seq = 0;
    const write = (): Promise<WireNode__Output> =>
      client.call(
        'UpdateNode',
        { node: 'm1', addLabels: { failover: String(seq++) }, removeLabels: [], availability: '', version: '0' },
        { write: true, timeoutMs: 2000 },
      );
    await write();
    for (let trial = 1; trial <= argv.trials; trial++) {
      const leader = await cluster.waitForLeader();
      // The leader must be settled (every manager reachable) so each trial starts alike.
      await waitFor('all managers reachable', async () => {
        const info = await cluster.clusterInfo(true);
        return info.reachableVoters === argv.managers ? true : undefined;
      });
      await write();
      const killedAt = performance.now();
      await cluster.kill(leader.name, 'SIGKILL');
      for (;;) {
        try {
          await write();
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      const ms = performance.now() - killedAt;
      samples.push(ms);
      process.stderr.write(`  trial ${trial}/${argv.trials}: killed ${leader.name}, first write committed after ${ms.toFixed(0)} ms\n`);
      await cluster.start(leader.name);
    }
  } finally {
    await cluster.destroy();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const p = (q: number): number => percentile(sorted, q);
  return {
    name: 'failover',
    title: `Failover: SIGKILL the leader of ${argv.managers} managers, time to the first committed write through the control API (${samples.length} trials)`,
    columns: ['managers', 'trials', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    rows: [[argv.managers, samples.length, p(50), p(90), p(99), sorted[sorted.length - 1] ?? NaN]],
    notes: [
      `targets: p50 < 500 ms → ${p(50) < 500 ? 'met' : 'MISSED'}; p99 < 1500 ms → ${p(99) < 1500 ? 'met' : 'MISSED'}`,
      'defaults: heartbeat 50 ms, election timeout randomized in [300, 600) ms, pre-vote and check-quorum on',
      "for scale: Swarm's defaults take 10–20 s to elect, etcd's about 1–2 s",
    ],
    data: { samplesMs: samples },
  };
}
