// `npm run bench -- scale-process [--replicas 1000] [--timeout 120] [--settle 10]`
//
// The seed's "run 1000 instances" on the embedded default, with real processes: 3 managers, 2
// workers on the process runtime, one service of `--replicas` replicas of `sleep` (a tiny
// process). It measures what a user waits for and what shows flapping:
// - the time from `service create` until every replica runs (and how far it got if not);
// - tasks created per slot (1.0 means no task was replaced; a worker marked down while it
//   starts hundreds of processes shows up here as orphaned tasks and their replacements);
// - worker-down events seen (polling node states every 100 ms), until `--settle` s after;
// - the agents' peak event-loop delay and RSS (DATA/agent-stats.json, written by each agent).
// Then it removes the service and measures how long until every process is gone.

import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { LocalCluster, killProcessTasksOf, taskProcessesOf, waitFor, type WorkerProcess } from '../lib/cluster.js';
import type { BenchReport } from './report.js';

interface AgentStats {
  readonly eventLoopDelayMaxMs?: number;
  readonly eventLoopDelayP99Ms?: number;
  readonly rssBytes?: number;
}

function agentStats(w: WorkerProcess): AgentStats | undefined {
  const file = join(w.dataDir, 'agent-stats.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AgentStats;
  } catch {
    return undefined;
  }
}

export async function run(args: readonly string[]): Promise<BenchReport> {
  const argv = yargs([...args])
    .parserConfiguration({ 'greedy-arrays': false })
    .option('replicas', { type: 'number', default: 1000, describe: 'replicas of the service' })
    .option('timeout', { type: 'number', default: 120, describe: 'seconds to wait for all replicas to run' })
    .option('settle', { type: 'number', default: 10, describe: 'seconds to keep watching for flapping after convergence' })
    .strict()
    .parseSync();
  const replicas = argv.replicas;
  const cluster = await LocalCluster.create({ dir: join(tmpdir(), `shoal-bench-scale-process-${process.pid}`), managers: 3 });
  const downEvents: string[] = [];
  let convergedMs = NaN;
  let runningAtEnd = 0;
  let tasksAtConvergence = 0;
  let tasksAtEnd = 0;
  let removeMs = NaN;
  const stats: Record<string, AgentStats | undefined> = {};
  const progress: { atMs: number; running: number }[] = [];
  try {
    for (const w of ['w1', 'w2']) await cluster.addWorker(w);
    const client = cluster.client();

    // Node states every 100 ms: a transition to down is a worker-down event.
    let watching = true;
    const last = new Map<string, string>();
    const t0 = performance.now();
    const nodeWatch = (async () => {
      while (watching) {
        try {
          const { nodes } = await client.call('ListNodes', { read: { stale: true } }, { timeoutMs: 2000 });
          for (const n of nodes) {
            if (n.role !== 'worker') continue;
            if (n.status === 'down' && last.get(n.id) !== 'down')
              downEvents.push(`${n.name} down at ${((performance.now() - t0) / 1000).toFixed(1)} s: ${n.statusMessage}`);
            last.set(n.id, n.status);
          }
        } catch {
          /* a busy instant: look again */
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const spec = { name: 'scale', replicas, task: { runtime: 'process', command: { items: ['sleep', '100000'] }, stopGracePeriodMs: 1000 } };
    const createdAt = performance.now();
    const svc = await client.call('CreateService', { spec }, { write: true, timeoutMs: 10_000 });
    const count = async (): Promise<{ running: number; total: number }> => {
      const { tasks } = await client.call('ListTasks', { service: svc.id, read: { stale: true } }, { timeoutMs: 10_000 });
      return { running: tasks.filter((t) => t.desiredState === 'running' && t.state === 'running').length, total: tasks.length };
    };
    try {
      await waitFor(
        `all ${replicas} replicas to run`,
        async () => {
          const c = await count();
          progress.push({ atMs: Math.round(performance.now() - createdAt), running: c.running });
          runningAtEnd = c.running;
          if (c.running < replicas) return undefined;
          tasksAtConvergence = c.total;
          return true;
        },
        argv.timeout * 1000,
        250,
      );
      convergedMs = performance.now() - createdAt;
      process.stderr.write(`  all ${replicas} running after ${(convergedMs / 1000).toFixed(1)} s; watching ${argv.settle} s more for flapping\n`);
    } catch (e) {
      process.stderr.write(`  ${(e as Error).message} (${runningAtEnd} running)\n`);
    }
    await new Promise((r) => setTimeout(r, argv.settle * 1000));
    try {
      const end = await count();
      runningAtEnd = end.running;
      tasksAtEnd = end.total;
    } catch (e) {
      process.stderr.write(`  could not count the tasks at the end: ${(e as Error).message}\n`);
    }
    watching = false;
    await nodeWatch;
    for (const w of cluster.workers) stats[w.name] = agentStats(w);

    // Removal: every process gone.
    const removeAt = performance.now();
    try {
      await waitFor(
        'the service to be removed',
        () => client.call('RemoveService', { service: svc.id }, { write: true, timeoutMs: 10_000 }).then(() => true),
        60_000,
        500,
      );
      await waitFor(
        'every task process to be gone',
        () => (cluster.workers.every((w) => taskProcessesOf(w.nodeId).length === 0) ? true : undefined),
        120_000,
        250,
      );
      removeMs = performance.now() - removeAt;
    } catch (e) {
      process.stderr.write(`  ${(e as Error).message}\n`);
    }
  } finally {
    for (const w of cluster.workers) if (w.nodeId) killProcessTasksOf(w.nodeId);
    await cluster.destroy();
  }

  const s = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : 'n/a');
  const mib = (b: number | undefined): string => (b === undefined ? 'n/a' : (b / 2 ** 20).toFixed(0));
  const ms = (v: number | undefined): string => (v === undefined ? 'n/a' : v.toFixed(1));
  const converged = Number.isFinite(convergedMs);
  return {
    name: 'scale-process',
    title: `Scale on the embedded default: ${replicas} replicas of \`sleep\` on 2 process workers (3 managers), real processes`,
    columns: ['replicas', 'all running after s', 'running at end', 'tasks per slot', 'worker-down events', 'removal s'],
    rows: [
      [
        replicas,
        converged ? s(convergedMs) : `not within ${argv.timeout} s`,
        runningAtEnd,
        Number((tasksAtEnd / replicas).toFixed(3)),
        downEvents.length,
        s(removeMs),
      ],
    ],
    notes: [
      `target: all ${replicas} running in under 30 s → ${converged && convergedMs < 30_000 ? 'met' : 'MISSED'}; tasks per slot 1.0 → ${tasksAtEnd === replicas ? 'met' : 'MISSED'}; worker-down events 0 → ${downEvents.length === 0 ? 'met' : 'MISSED'}`,
      ...Object.entries(stats).map(
        ([w, st]) =>
          `${w}: peak event-loop delay ${ms(st?.eventLoopDelayMaxMs)} ms (p99 ${ms(st?.eventLoopDelayP99Ms)} ms; target < 100 ms), RSS ${mib(st?.rssBytes)} MiB`,
      ),
      ...downEvents.slice(0, 5).map((d) => `down: ${d}`),
    ],
    data: { replicas, convergedMs, runningAtEnd, tasksAtConvergence, tasksAtEnd, downEvents, removeMs, agentStats: stats, progress },
  };
}
