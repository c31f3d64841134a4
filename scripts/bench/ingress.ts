// `npm run bench -- ingress [--replicas 4] [--connections 32] [--duration 3] [--rounds 5]`
//
// The routing mesh's cost, measured against going straight to the tasks. One manager, one
// process-runtime worker, a service of `replicas` demo web servers (scripts/demo-web.mjs)
// published on a port. The same load generator (autocannon: keep-alive connections, latency
// histograms) runs in the same process against three targets, in rounds that alternate their
// order:
//   mesh        the published port on the worker: every connection goes through the mesh
//               (the worker agent's TCP proxy) to one of the tasks;
//   direct all  the tasks' own ports, connections spread round robin over them: the same
//               backends with the same load, without the mesh — the fair comparison;
//   direct one  one task's own port (what "directly to a task" means at its simplest: a single
//               Node process serving every connection).
// Each target's figures are the medians over the rounds; the ratio mesh / direct is on the
// medians of requests/s.

import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import yargs from 'yargs';
import { freePort, LocalCluster } from '../lib/cluster.js';
import { median, type BenchReport } from './report.js';
import { benchWorkerHost, createService, demoWebSpec, hostOf, waitMeshReachesAll, waitServing } from './web-service.js';

/** The target: the mesh keeps at least this share of direct throughput. */
const TARGET_RATIO = 0.7;

interface Target {
  readonly label: string;
  readonly urls: string[];
}

interface Sample {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly requests: number;
}

async function load(t: Target, connections: number, durationS: number): Promise<Sample> {
  // autocannon spreads its connections round robin over several urls (its types say one).
  const r = await autocannon({ url: (t.urls.length === 1 ? t.urls[0] : t.urls) as string, connections, duration: durationS, timeout: 5 });
  return {
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    requests: r.requests.total,
  };
}

export async function run(args: readonly string[]): Promise<BenchReport> {
  const argv = yargs([...args])
    .parserConfiguration({ 'greedy-arrays': false })
    .option('replicas', { type: 'number', default: 4, describe: 'tasks of the demo web service' })
    .option('connections', { type: 'number', default: 32, describe: 'concurrent keep-alive connections of the load generator' })
    .option('duration', { type: 'number', default: 3, describe: 'seconds of load per target and round' })
    .option('rounds', { type: 'number', default: 5, describe: 'rounds (each loads every target once, in a rotating order)' })
    .check((a) => {
      for (const k of ['replicas', 'connections', 'duration', 'rounds'] as const) {
        if (!Number.isInteger(a[k]) || a[k] < 1) throw new Error(`--${k} must be a whole number ≥ 1 (got ${a[k]})`);
      }
      return true;
    })
    .strict()
    .parseSync();
  const { replicas, connections, duration, rounds } = argv;
  const loadBefore = loadavg()[0]!;
  const cluster = await LocalCluster.create({ dir: join(tmpdir(), `shoal-bench-ingress-${process.pid}`), managers: 1 });
  const samples = new Map<string, Sample[]>();
  let targets: Target[] = [];
  try {
    const worker = await cluster.addWorker('w1', { host: benchWorkerHost(0) });
    const host = hostOf(worker.addr);
    const published = await freePort();
    await createService(cluster, demoWebSpec('web', replicas, published));
    const tasks = await waitServing(cluster, 'web', replicas);
    await waitMeshReachesAll(host, published, tasks);
    const direct = tasks.map((t) => `http://${host}:${t.port}/`);
    targets = [
      { label: 'mesh (published port)', urls: [`http://${host}:${published}/`] },
      { label: `direct, all ${replicas} tasks`, urls: direct },
      { label: 'direct, one task', urls: [direct[0]!] },
    ];
    for (const t of targets) samples.set(t.label, []);
    // One short unmeasured pass: JIT, connection set-up, the page cache.
    for (const t of targets) await load(t, connections, 1);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < targets.length; k++) {
        const t = targets[(round + k) % targets.length]!;
        const s = await load(t, connections, duration);
        samples.get(t.label)!.push(s);
        process.stderr.write(
          `  round ${round + 1}/${rounds} ${t.label.padEnd(22)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms  errors ${s.errors}\n`,
        );
      }
    }
  } finally {
    await cluster.destroy();
  }
  const med = (label: string, f: (s: Sample) => number): number => median((samples.get(label) ?? []).map(f));
  const [mesh, all, one] = targets.map((t) => t.label) as [string, string, string];
  const ratioAll = med(mesh, (s) => s.rps) / med(all, (s) => s.rps);
  const ratioOne = med(mesh, (s) => s.rps) / med(one, (s) => s.rps);
  const verdict = (r: number): string => `${(r * 100).toFixed(0)} % → ${r >= TARGET_RATIO ? 'met' : 'MISSED'}`;
  return {
    name: 'ingress',
    title: `Routing mesh vs direct: ${replicas} demo web tasks on 1 process-runtime worker, autocannon with ${connections} keep-alive connections, ${duration} s per target, ${rounds} rounds (medians)`,
    columns: ['target', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'mesh / this'],
    rows: targets.map((t) => [
      t.label,
      med(t.label, (s) => s.rps),
      med(t.label, (s) => s.p50),
      med(t.label, (s) => s.p99),
      (samples.get(t.label) ?? []).reduce((n, s) => n + s.errors, 0),
      t.label === mesh ? '' : `${((med(mesh, (s) => s.rps) / med(t.label, (s) => s.rps)) * 100).toFixed(0)} %`,
    ]),
    notes: [
      `target: mesh ≥ ${TARGET_RATIO * 100} % of direct throughput — vs all tasks direct (same backends, the fair comparison): ${verdict(ratioAll)}; vs one task direct: ${verdict(ratioOne)}`,
      'the mesh is a TCP proxy in the worker agent (one Node process): each connection is balanced once, then its bytes are copied both ways',
      'errors: connection errors + timeouts + non-2xx responses, summed over the rounds',
      `this machine has ${cpus().length} cores, shared by the manager, the agent, the tasks, the load generator (one thread) and other work (load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end): figures are relative, not capacity`,
    ],
    data: { replicas, connections, durationS: duration, rounds, samples: Object.fromEntries(samples) },
  };
}
