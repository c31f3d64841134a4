// `npm run bench -- schedule [--workers 50] [--replicas 2000]`
//
// Real processes: 3 managers and 50 worker agents on the simulated runtime (it starts nothing
// and reports state transitions: the load-test runtime, never a default). A service of 2,000
// replicas (the seed's example) goes from create to all running; then it is scaled to 0 and
// back to 2,000. Reports tasks placed and running per second for each phase and the managers'
// peak memory.

import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import type { ListTasksResponse__Output, WireService__Output } from '@shoal/wire';
import { LocalCluster, waitFor } from '../lib/cluster.js';
import type { BenchReport } from './report.js';

const TERMINAL = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned']);

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
    .strict()
    .parseSync();
  const cluster = await LocalCluster.create({ dir: join(tmpdir(), `shoal-bench-schedule-${process.pid}`), managers: 3 });
  const phases: { phase: string; tasks: number; seconds: number; perSecond: number }[] = [];
  let memory: { name: string; peakMiB: number }[] = [];
  try {
    process.stderr.write(`  starting ${argv.workers} workers on the simulated runtime ...\n`);
    for (let i = 1; i <= argv.workers; i++) await cluster.addWorker(`w${i}`, { runtime: 'simulated', host: `127.0.1.${i}` });
    const client = cluster.client();
    const count = async (serviceId: string): Promise<{ running: number; live: number }> => {
      const { tasks } = await client.call<ListTasksResponse__Output>('ListTasks', { service: serviceId, read: { stale: true } }, { timeoutMs: 10_000 });
      let running = 0;
      let live = 0;
      for (const t of tasks) {
        if (t.desiredState !== 'running' || TERMINAL.has(t.state)) continue;
        live++;
        if (t.state === 'running') running++;
      }
      return { running, live };
    };
    const timePhase = async (phase: string, tasks: number, act: () => Promise<string>, done: (c: { running: number; live: number }) => boolean): Promise<string> => {
      const t0 = performance.now();
      const id = await act();
      await waitFor(phase, async () => (done(await count(id)) ? true : undefined), 300_000, 50);
      const seconds = (performance.now() - t0) / 1000;
      phases.push({ phase, tasks, seconds, perSecond: tasks / seconds });
      process.stderr.write(`  ${phase}: ${tasks} tasks in ${seconds.toFixed(2)} s\n`);
      return id;
    };
    const spec = { name: 'big', replicas: argv.replicas, task: { runtime: 'simulated', command: ['simulated'] } };
    let svc: WireService__Output | undefined;
    const id = await timePhase(
      `create ${argv.replicas} replicas → all running`,
      argv.replicas,
      async () => (svc = await client.call<WireService__Output>('CreateService', { specJson: JSON.stringify(spec) }, { write: true, timeoutMs: 60_000 })).id,
      (c) => c.running === argv.replicas,
    );
    const scale = async (replicas: number): Promise<string> => {
      const s = await client.call<WireService__Output>('GetService', { service: id });
      await client.call('UpdateService', { service: id, version: s.version, specJson: JSON.stringify({ ...JSON.parse(s.specJson), replicas }) }, { write: true, timeoutMs: 60_000 });
      return id;
    };
    await timePhase('scale to 0 → all stopped', argv.replicas, () => scale(0), (c) => c.live === 0);
    await timePhase(`scale back to ${argv.replicas} → all running`, argv.replicas, () => scale(argv.replicas), (c) => c.running === argv.replicas);
    void svc;
    memory = cluster.managers.map((m) => ({ name: m.name, peakMiB: peakRssMiB(m.proc?.pid) }));
  } finally {
    await cluster.destroy();
  }
  const create = phases[0];
  return {
    name: 'schedule',
    title: `Scheduling: ${argv.replicas} replicas over ${argv.workers} workers (simulated runtime), 3 manager processes`,
    columns: ['phase', 'tasks', 'seconds', 'tasks/s'],
    rows: phases.map((p) => [p.phase, p.tasks, p.seconds, p.perSecond]),
    notes: [
      `target: ≥ 1,000 tasks placed and running per second → ${create ? Math.round(create.perSecond).toLocaleString('en-US') : '?'} on create (${create ? (create.perSecond / 1000).toFixed(2) : '?'}× target)`,
      `managers' peak memory (VmHWM): ${memory.map((m) => `${m.name} ${m.peakMiB.toFixed(0)} MiB`).join(', ')}`,
      `each task: created by the orchestrator, placed by the scheduler (one Raft entry per batch), sent to its worker, reported starting and running back (batched), all through Raft with 3 managers`,
    ],
    data: { phases, memory },
  };
}
