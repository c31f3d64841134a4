// `npm run bench -- update [--replicas 20] [--rate 100] [--monitor-ms 1000] [--parallelism 1] [--orders start-first,stop-first] [--trials 1]`
//
// A rolling update under steady load, as a user ships a new version. For each update order (and
// trial), a cluster of its own: one manager, two process-runtime workers on their own 127.x.y.z,
// and a service of `replicas` demo web servers (scripts/demo-web.mjs) with an HTTP health check,
// published on a port, its update config set at creation (the order, `parallelism`, a short
// monitor period, failure action pause). A fixed-rate loop sends GETs to the published port on
// the first worker, each on a new connection — the mesh balances connections, so each request is
// balanced anew, as a client behind a TCP load balancer reconnecting would be. Then one
// UpdateService call changes the task's environment (every task must be replaced) and the
// benchmark polls GetService until update_status says "completed" (paused or rollback_* is a
// failure). The load starts before the call and goes on a while after the update completed, so
// the last old tasks' drain and stop are inside the window.
//
// Measured: the update's duration (the call to "completed" seen), the requests sent and those
// that failed (refused, reset, timed out, not 200), and the fewest tasks serving (running,
// healthy, meant to run) seen by polling the store during the update.

import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import yargs from 'yargs';
import { serviceSpecToWire, type WireService__Output } from '@shoal/wire';
import { freePort, LocalCluster, waitFor } from '../lib/cluster.js';
import type { BenchReport } from './report.js';
import { benchWorkerHost, createService, demoWebSpec, getOnce, hostOf, isServing, tasksOf, waitMeshReachesAll, waitServing } from './web-service.js';

type Order = 'start-first' | 'stop-first';

/** Load before the update call, and after it completed: seconds. */
const LEAD_S = 2;
const TAIL_S = 4;
/** Where the nodes' logs go when something failed. */
const LOGS_KEPT = join('bench-results', 'update-logs');

interface Failure {
  /** ms since the update call (negative: before it). */
  readonly at: number;
  readonly error: string;
}

/** A fixed-rate request loop: one GET per period on a new connection, not waiting for the previous. */
class SteadyLoad {
  sent = 0;
  ok = 0;
  readonly failures: Failure[] = [];
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  private origin = performance.now();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly rate: number,
  ) {}

  start(): void {
    const period = 1000 / this.rate;
    const began = performance.now();
    this.loop = (async () => {
      for (let i = 0; !this.stopped; i++) {
        const wait = began + i * period - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        this.fire();
      }
    })();
  }

  /** Failure times are told relative to this moment (the update call). */
  markOrigin(): void {
    this.origin = performance.now();
  }

  private fire(): void {
    this.sent++;
    const at = performance.now() - this.origin;
    const p = getOnce(this.host, this.port, 5000).then(
      (a) => {
        if (a.status === 200) this.ok++;
        else this.failures.push({ at, error: `HTTP ${a.status}` });
      },
      (e: Error & { code?: string }) => {
        this.failures.push({ at, error: e.code ?? e.message });
      },
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await Promise.all([...this.pending]);
  }
}

interface Outcome {
  readonly order: Order;
  readonly parallelism: number;
  readonly durationMs: number;
  /** The update's final state ("completed" when it went well). */
  readonly state: string;
  readonly message: string;
  readonly sent: number;
  readonly failed: number;
  readonly minServing: number;
  readonly failures: Failure[];
  /** The longest w1's agent (the mesh the load goes through) saw its event loop late, over the whole run (ms). */
  readonly meshLoopDelayMaxMs?: number;
  /** With --keep-alive: autocannon's requests over long-lived connections, and those that failed. */
  readonly keepAlive?: { readonly requests: number; readonly failed: number };
}

/**
 * Load over keep-alive connections (autocannon at a fixed overall rate) beside the steady loop:
 * the mesh balances a connection once, so these stay on their task until it goes away.
 */
function keepAliveLoad(url: string, connections: number, rate: number): { stop: () => Promise<{ requests: number; failed: number }> } {
  let done!: (r: autocannon.Result) => void;
  const finished = new Promise<autocannon.Result>((r) => (done = r));
  const instance = autocannon({ url, connections, overallRate: rate, duration: 3600, timeout: 5 }, (_err, result) => done(result));
  return {
    stop: async () => {
      instance.stop();
      const r = await finished;
      return { requests: r.requests.total, failed: r.errors + r.timeouts + r.non2xx };
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The agent's own figure (DATA/agent-stats.json, written every 2 s): its event loop's longest delay so far. */
function loopDelayMaxMs(dataDir: string): number | undefined {
  try {
    const v = (JSON.parse(readFileSync(join(dataDir, 'agent-stats.json'), 'utf8')) as { eventLoopDelayMaxMs?: unknown }).eventLoopDelayMaxMs;
    return typeof v === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs one update on a cluster of its own (1 manager, 2 workers on their own addresses), so
 * runs do not inherit each other's leftovers; keeps the nodes' logs when requests failed.
 */
async function inOwnCluster(order: Order, trial: number, fn: (cluster: LocalCluster, host: string) => Promise<Outcome>): Promise<Outcome> {
  const cluster = await LocalCluster.create({ dir: join(tmpdir(), `shoal-bench-update-${process.pid}`), managers: 1 });
  let outcome: Outcome | undefined;
  try {
    const w1 = await cluster.addWorker('w1', { host: benchWorkerHost(0) });
    await cluster.addWorker('w2', { host: benchWorkerHost(1) });
    outcome = await fn(cluster, hostOf(w1.addr));
    return { ...outcome, meshLoopDelayMaxMs: loopDelayMaxMs(w1.dataDir) };
  } finally {
    if (!outcome || outcome.failed > 0 || outcome.state !== 'completed') {
      const kept = join(LOGS_KEPT, `${order}-${trial}`);
      mkdirSync(kept, { recursive: true });
      cpSync(join(cluster.dir, 'logs'), kept, { recursive: true });
      process.stderr.write(`  the nodes' logs are kept in ${kept}\n`);
    }
    await cluster.destroy();
  }
}

async function oneUpdate(
  cluster: LocalCluster,
  host: string,
  o: { order: Order; replicas: number; parallelism: number; monitorMs: number; rate: number; keepAlive: number; timeoutMs: number },
): Promise<Outcome> {
  const name = `web-${o.order}`;
  const published = await freePort();
  const update = { parallelism: o.parallelism, delayMs: 0, monitorMs: o.monitorMs, failureAction: 'pause', maxFailureRatio: 0, order: o.order };
  await createService(cluster, demoWebSpec(name, o.replicas, published, { update }));
  const before = await waitServing(cluster, name, o.replicas);
  await waitMeshReachesAll(host, published, before, 60_000);
  process.stderr.write(`  ${name}: ${o.replicas} tasks serving through ${host}:${published}; load ${o.rate} req/s, then the update\n`);

  const load = new SteadyLoad(host, published, o.rate);
  load.start();
  const kept = o.keepAlive > 0 ? keepAliveLoad(`http://${host}:${published}/`, o.keepAlive, o.rate) : undefined;
  await sleep(LEAD_S * 1000);
  const client = cluster.client();
  load.markOrigin();
  const calledAt = performance.now();
  const patch = serviceSpecToWire({ task: { env: { BENCH_VERSION: `${o.order}-2` } } } as Parameters<typeof serviceSpecToWire>[0]);
  await client.call('UpdateService', { service: name, version: '0', spec: patch, canary: 0, continue: false }, { write: true, timeoutMs: 5000 });
  let minServing = Infinity;
  let last: WireService__Output | undefined;
  let lastReport = 0;
  let final: { state: string; message: string; durationMs: number };
  try {
    final = await waitFor(
      `the update of ${name} to end`,
      async () => {
        const [svc, tasks] = await Promise.all([
          client.call('GetService', { service: name, read: { stale: true } }, { timeoutMs: 3000 }),
          tasksOf(cluster, name),
        ]);
        last = svc;
        minServing = Math.min(minServing, tasks.filter(isServing).length);
        const st = svc.updateStatus;
        const elapsed = performance.now() - calledAt;
        if (!st?.state && elapsed > 10_000) {
          const message = `${name} has no update status 10 s after UpdateService: this server does not drive rolling updates (the updater duty of i11-update)`;
          return { state: 'no update status', message, durationMs: elapsed };
        }
        if (elapsed - lastReport > 5000) {
          lastReport = elapsed;
          process.stderr.write(
            `    ${(elapsed / 1000).toFixed(0)} s: ${st?.state || '-'} ${st?.updated ?? 0}/${st?.total ?? 0}, ${load.failures.length} failed of ${load.sent}\n`,
          );
        }
        if (!st?.state || st.state === 'updating') return undefined;
        if (st.state === 'completed' || st.state.startsWith('rollback') || st.state === 'paused')
          return { state: st.state, message: st.message, durationMs: elapsed };
        return undefined;
      },
      o.timeoutMs,
      100,
    );
  } catch (e) {
    final = { state: last?.updateStatus?.state || 'timeout', message: (e as Error).message, durationMs: performance.now() - calledAt };
  }
  await sleep(TAIL_S * 1000);
  await load.stop();
  const keepAlive = await kept?.stop();
  process.stderr.write(
    `  ${name}: ${final.state} after ${(final.durationMs / 1000).toFixed(1)} s; ${load.failures.length} failed of ${load.sent}; fewest serving ${minServing}\n`,
  );
  return {
    order: o.order,
    parallelism: o.parallelism,
    durationMs: final.durationMs,
    state: final.state,
    message: final.message,
    sent: load.sent,
    failed: load.failures.length,
    minServing: Number.isFinite(minServing) ? minServing : 0,
    failures: load.failures,
    ...(keepAlive ? { keepAlive } : {}),
  };
}

/** "ECONNRESET ×3 (at +1.2, +1.3, +7.9 s), HTTP 502 ×1 (at +4.0 s)": when, from the update call. */
function summarize(failures: readonly Failure[]): string {
  const byError = new Map<string, number[]>();
  for (const f of failures) byError.set(f.error, [...(byError.get(f.error) ?? []), f.at]);
  return [...byError]
    .map(([e, ats]) => {
      const shown = ats.slice(0, 5).map((at) => `${at >= 0 ? '+' : ''}${(at / 1000).toFixed(1)}`);
      return `${e} ×${ats.length} (at ${shown.join(', ')}${ats.length > 5 ? ', …' : ''} s)`;
    })
    .join(', ');
}

export async function run(args: readonly string[]): Promise<BenchReport> {
  const argv = yargs([...args])
    .parserConfiguration({ 'greedy-arrays': false })
    .option('replicas', { type: 'number', default: 20, describe: 'tasks of the service' })
    .option('rate', { type: 'number', default: 100, describe: 'requests per second of the steady load (each on a new connection)' })
    .option('monitor-ms', { type: 'number', default: 1000, describe: "the update's monitor period" })
    .option('parallelism', { type: 'number', default: 1, describe: 'tasks replaced at a time (both orders)' })
    .option('orders', { type: 'string', default: 'start-first,stop-first', describe: 'update orders to measure, comma-separated' })
    .option('keep-alive', {
      type: 'number',
      default: 0,
      describe: 'also load through N keep-alive connections (autocannon, at --rate) and count their failures; 0 = off',
    })
    .option('trials', { type: 'number', default: 1, describe: 'runs of each order (alternating), each on a fresh cluster' })
    .option('timeout', { type: 'number', default: 300, describe: 'seconds an update may take before it counts as failed' })
    .check((a) => {
      if (!Number.isInteger(a.replicas) || a.replicas < 1) throw new Error(`--replicas must be a whole number ≥ 1 (got ${a.replicas})`);
      if (!Number.isInteger(a['keep-alive']) || a['keep-alive'] < 0) throw new Error(`--keep-alive must be a whole number ≥ 0 (got ${a['keep-alive']})`);
      if (!Number.isInteger(a.trials) || a.trials < 1) throw new Error(`--trials must be a whole number ≥ 1 (got ${a.trials})`);
      if (!(a.rate > 0 && a.rate <= 2000)) throw new Error(`--rate must be in (0, 2000] requests/s (got ${a.rate})`);
      if (!Number.isInteger(a['monitor-ms']) || a['monitor-ms'] < 0) throw new Error(`--monitor-ms must be a whole number ≥ 0 (got ${a['monitor-ms']})`);
      if (!Number.isInteger(a.parallelism) || a.parallelism < 0)
        throw new Error(`--parallelism must be a whole number ≥ 0, 0 = all at once (got ${a.parallelism})`);
      for (const o of a.orders.split(',')) {
        if (o !== 'start-first' && o !== 'stop-first') throw new Error(`--orders: "${o}" is not an update order; use start-first and/or stop-first`);
      }
      return true;
    })
    .strict()
    .parseSync();
  const orders = argv.orders.split(',') as Order[];
  const loadBefore = loadavg()[0]!;
  rmSync(LOGS_KEPT, { recursive: true, force: true });
  const outcomes: Outcome[] = [];
  for (let trial = 1; trial <= argv.trials; trial++) {
    for (const order of orders) {
      outcomes.push(
        await inOwnCluster(order, trial, (cluster, host) =>
          oneUpdate(cluster, host, {
            order,
            replicas: argv.replicas,
            parallelism: argv.parallelism,
            monitorMs: argv['monitor-ms'],
            rate: argv.rate,
            keepAlive: argv['keep-alive'],
            timeoutMs: argv.timeout * 1000,
          }),
        ),
      );
    }
  }
  const startFirst = outcomes.filter((x) => x.order === 'start-first');
  return {
    name: 'update',
    title: `Rolling update of ${argv.replicas} demo web replicas (1 manager, 2 process-runtime workers, HTTP health check, monitor ${argv['monitor-ms']} ms) under ${argv.rate} requests/s through the mesh`,
    columns: [
      'order',
      'parallelism',
      'result',
      'duration s',
      'requests',
      'failed',
      'fewest serving',
      'w1 agent loop delay max ms',
      ...(argv['keep-alive'] > 0 ? ['keep-alive requests', 'keep-alive failed'] : []),
    ],
    rows: outcomes.map((x) => [
      x.order,
      x.parallelism,
      x.state,
      x.durationMs / 1000,
      x.sent,
      x.failed,
      x.minServing,
      x.meshLoopDelayMaxMs ?? NaN,
      ...(x.keepAlive ? [x.keepAlive.requests, x.keepAlive.failed] : []),
    ]),
    notes: [
      startFirst.length > 0
        ? `target: zero failed requests with start-first → ${startFirst.every((x) => x.state === 'completed' && x.failed === 0) ? 'met' : 'MISSED'}${startFirst.length > 1 ? ` (${startFirst.filter((x) => x.state === 'completed' && x.failed === 0).length} of ${startFirst.length} runs)` : ''}`
        : 'target: zero failed requests with start-first (not measured in this run)',
      `duration: from the UpdateService call to update_status "completed" seen (polled every 100 ms); load ran from ${LEAD_S} s before the call to ${TAIL_S} s after the end`,
      'each request a GET on a new connection to the published port of worker w1 (the mesh balances connections); failed = refused, reset, timed out (5 s) or not HTTP 200',
      'fewest serving: the fewest tasks running, healthy and meant to run, as the store said while polling during the update',
      ...(argv['keep-alive'] > 0
        ? [
            `keep-alive: ${argv['keep-alive']} more connections (autocannon, ${argv.rate} requests/s in all) to the same port, beside the loop; a connection stays on the task the mesh gave it until that task exits after its drain period, then the client reconnects (failed = errors, timeouts, non-2xx)`,
          ]
        : []),
      'w1 agent loop delay: the longest the event loop of the agent whose mesh takes the load was late, over the run (its DATA/agent-stats.json); each run has a cluster of its own',
      ...outcomes.filter((x) => x.failed > 0).map((x) => `${x.order} failures, by error and time from the update call: ${summarize(x.failures)}`),
      ...outcomes.filter((x) => x.state !== 'completed').map((x) => `${x.order}: ${x.state}: ${x.message}`),
      `this machine has ${cpus().length} cores, shared by the manager, 2 agents, up to ${argv.replicas * 2} tasks, the load loop and other work (load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end)`,
    ],
    data: {
      trials: argv.trials,
      replicas: argv.replicas,
      rate: argv.rate,
      keepAliveConnections: argv['keep-alive'],
      monitorMs: argv['monitor-ms'],
      parallelism: argv.parallelism,
      outcomes,
    },
  };
}
