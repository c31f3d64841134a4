// `npm run bench -- schedule [--workers 50] [--replicas 2000] [--trials 3]`
//
// Real processes: 3 managers and 50 worker agents on the simulated runtime (it starts nothing
// and reports state transitions: the load-test runtime, never a default). A service of 2,000
// replicas (the seed's example) goes from create to all running; then it is scaled to 0 and
// back to 2,000; then removed, and the next trial does it again (the first trial runs on a
// fresh cluster). Reports the median of each phase, tasks per second, and the managers' peak
// memory.

import { readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { isFinalState } from '@shoal/store';
import { LocalCluster, waitFor } from '../lib/cluster.js';
import { median, type BenchReport } from './report.js';

/** Peak resident memory of a process (VmHWM), in MiB. */
function peakRssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export async function run(args: readonly string[]): Promise<BenchReport> {
  const argv = yargs([...args])
    .parserConfiguration({ 'greedy-arrays': false })
    .option('workers', { type: 'number', default: 50 })
    .option('replicas', { type: 'number', default: 2000 })
    .option('trials', { type: 'number', default: 3, describe: 'services created one after the other (the first on a fresh cluster)' })
    .strict()
    .parseSync();
  const cluster = await LocalCluster.create({ dir: join(tmpdir(), `shoal-bench-schedule-${process.pid}`), managers: 3 });
  const phaseNames = [`create ${argv.replicas} replicas → all running`, 'scale to 0 → all stopped', `scale back to ${argv.replicas} → all running`];
  /** Seconds per phase, one entry per trial. */
  const seconds: number[][] = phaseNames.map(() => []);
  let memory: { name: string; peakMiB: number }[] = [];
  try {
    process.stderr.write(`  starting ${argv.workers} workers on the simulated runtime ...\n`);
    for (let i = 1; i <= argv.workers; i++) await cluster.addWorker(`w${i}`, { runtime: 'simulated', host: `127.0.1.${i}` });
    const client = cluster.client();
    // Progress is watched on a follower (stale reads of its applied state), so the watching
    // does not load the leader doing the work: GetService carries the running count, and a
    // task list is read only to confirm that stopped tasks are all gone.
    const leader = await cluster.waitForLeader();
    const watcher = cluster.client([cluster.managers.find((m) => m !== leader)!.addr]);
    const runningOf = async (id: string): Promise<number> =>
      (await watcher.call('GetService', { service: id, read: { stale: true } }, { timeoutMs: 10_000 })).running;
    const allRunning = async (id: string): Promise<boolean> => (await runningOf(id)) === argv.replicas;
    const allStopped = async (id: string): Promise<boolean> => {
      if ((await runningOf(id)) > 0) return false;
      const { tasks } = await watcher.call('ListTasks', { service: id, read: { stale: true } }, { timeoutMs: 10_000 });
      return tasks.every((t) => isFinalState(t.state));
    };
    const timePhase = async (phase: number, trial: number, act: () => Promise<string>, done: (id: string) => Promise<boolean>): Promise<string> => {
      const t0 = performance.now();
      const id = await act();
      await waitFor(phaseNames[phase]!, async () => ((await done(id)) ? true : undefined), 300_000, 20);
      const s = (performance.now() - t0) / 1000;
      seconds[phase]!.push(s);
      process.stderr.write(`  trial ${trial}: ${phaseNames[phase]}: ${s.toFixed(2)} s\n`);
      return id;
    };
    try {
      for (let trial = 1; trial <= argv.trials; trial++) {
        const spec = { name: `big-${trial}`, replicas: argv.replicas, task: { runtime: 'simulated', command: { items: ['simulated'] } } };
        const id = await timePhase(0, trial, async () => (await client.call('CreateService', { spec }, { write: true, timeoutMs: 60_000 })).id, allRunning);
        const scale = async (replicas: number): Promise<string> => {
          const s = await client.call('GetService', { service: id });
          await client.call('UpdateService', { service: id, version: s.version, spec: { ...s.spec, replicas } }, { write: true, timeoutMs: 60_000 });
          return id;
        };
        await timePhase(1, trial, () => scale(0), allStopped);
        await timePhase(2, trial, () => scale(argv.replicas), allRunning);
        // Out of the way before the next trial: removed, and every task gone from the store.
        await client.call('RemoveService', { service: id }, { write: true, timeoutMs: 60_000 });
        await waitFor(
          'the service to be removed',
          async () => {
            const { tasks } = await watcher.call('ListTasks', { service: id, read: { stale: true } }, { timeoutMs: 10_000 }).catch(() => ({ tasks: [] }));
            return tasks.length === 0 ? true : undefined;
          },
          120_000,
          100,
        );
      }
    } finally {
      watcher.close();
    }
    memory = cluster.managers.map((m) => ({ name: m.name, peakMiB: peakRssMiB(m.proc?.pid) }));
  } finally {
    await cluster.destroy();
  }
  const rows = phaseNames.map((phase, i) => {
    const xs = seconds[i]!;
    return [phase, argv.replicas, median(xs), argv.replicas / median(xs), Math.min(...xs), Math.max(...xs)];
  });
  const createRate = argv.replicas / median(seconds[0]!);
  const coldRate = argv.replicas / (seconds[0]![0] ?? NaN);
  return {
    name: 'schedule',
    title: `Scheduling: ${argv.replicas} replicas over ${argv.workers} workers (simulated runtime), 3 manager processes (median of ${argv.trials} trials)`,
    columns: ['phase', 'tasks', 'median s', 'tasks/s', 'min s', 'max s'],
    rows,
    notes: [
      `target: ≥ 1,000 tasks placed and running per second → ${Math.round(createRate).toLocaleString('en-US')} on create (${(createRate / 1000).toFixed(2)}× target); the first service on the fresh cluster: ${Math.round(coldRate).toLocaleString('en-US')}/s`,
      `managers' peak memory (VmHWM): ${memory.map((m) => `${m.name} ${m.peakMiB.toFixed(0)} MiB`).join(', ')}`,
      `each task: created by the orchestrator, placed by the scheduler (one Raft entry per batch), sent to its worker, reported starting and running back (batched), all through Raft with 3 managers`,
      `the 3 managers, ${argv.workers} agents and this benchmark share this machine's ${cpus().length} cores`,
    ],
    data: { trials: argv.trials, phases: phaseNames.map((phase, i) => ({ phase, tasks: argv.replicas, seconds: seconds[i] })), memory },
  };
}
