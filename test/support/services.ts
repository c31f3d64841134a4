// Services on a cluster of real manager and worker processes, the way the cross-process tests
// need them: create and remove services through the control API, read their tasks, wait for
// them to converge, reach the routing mesh over HTTP, and look at what a worker really runs
// (task.json files, /proc) — always with deadlines, never fixed sleeps.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { isFinalState } from '@shoal/store';
import { serviceSpecFromWire, serviceSpecToWire, type WireNode__Output, type WireService__Output, type WireTask__Output } from '@shoal/wire';
import { REPO_ROOT, waitFor, type LocalCluster, type WorkerProcess } from '../../scripts/lib/cluster.js';
import type { Lab } from './lab.js';
import { waitHealthy } from './managers.js';

export { waitFor };

export type Task = WireTask__Output;

/** The node binary running the tests: process tasks run it, so they do not depend on PATH. */
export const NODE = process.execPath;
/** An HTTP server answering with its task's name (listens on HOST:PORT; /health answers ok). */
export const DEMO_WEB = join(REPO_ROOT, 'scripts', 'demo-web.mjs');

/** Meant to run and not ended. */
export function isLive(t: Task): boolean {
  return t.desiredState === 'running' && !isFinalState(t.state);
}

export function isRunning(t: Task): boolean {
  return t.desiredState === 'running' && t.state === 'running';
}

export function isFinal(t: Task): boolean {
  return isFinalState(t.state);
}

/** A replicated process service of `demo-web` (a partial spec, completed by the leader). */
export function webSpec(
  name: string,
  o: { replicas?: number; published?: number; task?: Record<string, unknown>; extra?: Record<string, unknown> } = {},
): Record<string, unknown> {
  return {
    name,
    replicas: o.replicas ?? 1,
    task: { runtime: 'process', command: [NODE, DEMO_WEB], stopGracePeriodMs: 2000, ...o.task },
    ...(o.published ? { ports: [{ published: o.published }] } : {}),
    ...o.extra,
  };
}

/** A process service running `node -e <script>`. */
export function scriptSpec(
  name: string,
  script: string,
  o: { replicas?: number; task?: Record<string, unknown>; extra?: Record<string, unknown> } = {},
): Record<string, unknown> {
  return {
    name,
    replicas: o.replicas ?? 1,
    task: { runtime: 'process', command: [NODE, '-e', script], stopGracePeriodMs: 2000, ...o.task },
    ...o.extra,
  };
}

/** A spec written as the store's JSON shape (partial), as a script would write it. */
type SpecInput = Parameters<typeof serviceSpecToWire>[0];

export function createService(cluster: LocalCluster, spec: Record<string, unknown>): Promise<WireService__Output> {
  return cluster.client().call('CreateService', { spec: serviceSpecToWire(spec as SpecInput) }, { write: true });
}

/** A service's spec in the store's form (what `service inspect` prints). */
export function specOf(s: WireService__Output): ReturnType<typeof serviceSpecFromWire> {
  return serviceSpecFromWire(s.spec);
}

/** The size of a spec as the leader measures it against its limit: its JSON. */
export function specBytes(spec: ReturnType<typeof serviceSpecFromWire>): number {
  return Buffer.byteLength(JSON.stringify(spec));
}

export function getService(cluster: LocalCluster, service: string): Promise<WireService__Output> {
  return cluster.client().call('GetService', { service, read: { stale: false } }, { timeoutMs: 3000 });
}

/** Changes part of a service's spec (a partial spec merged over the current one). */
export function updateService(cluster: LocalCluster, service: string, patch: Record<string, unknown>): Promise<WireService__Output> {
  return cluster.client().call('UpdateService', { service, version: '0', spec: serviceSpecToWire(patch as SpecInput) }, { write: true, timeoutMs: 3000 });
}

/** A service's tasks, every one the store holds (history included), by a linearizable read. */
export async function tasksOf(cluster: LocalCluster, service: string): Promise<Task[]> {
  return (await cluster.client().call('ListTasks', { service, read: { stale: false } }, { timeoutMs: 3000 })).tasks;
}

export async function allTasks(cluster: LocalCluster): Promise<Task[]> {
  return (await cluster.client().call('ListTasks', { read: { stale: false } }, { timeoutMs: 3000 })).tasks;
}

export async function nodes(cluster: LocalCluster): Promise<WireNode__Output[]> {
  return (await cluster.client().call('ListNodes', { read: { stale: false } }, { timeoutMs: 3000 })).nodes;
}

export async function nodeOf(cluster: LocalCluster, name: string): Promise<WireNode__Output> {
  const n = (await nodes(cluster)).find((x) => x.name === name || x.id === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
}

/** Waits until the tasks of `service` pass `ok`; returns them. The message lists them on timeout. */
export async function waitForTasks(cluster: LocalCluster, service: string, what: string, ok: (tasks: Task[]) => boolean, timeoutMs = 30_000): Promise<Task[]> {
  let last: Task[] = [];
  try {
    return await waitFor(
      what,
      async () => {
        last = await tasksOf(cluster, service);
        return ok(last) ? last : undefined;
      },
      timeoutMs,
      100,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${service}'s tasks:\n${describeTasks(last)}`);
  }
}

/** Waits until exactly `n` tasks of `service` run and no other is meant to; returns the running ones. */
export async function waitConverged(cluster: LocalCluster, service: string, n: number, timeoutMs = 30_000): Promise<Task[]> {
  const tasks = await waitForTasks(
    cluster,
    service,
    `${service} to run ${n} tasks`,
    (ts) => ts.filter(isRunning).length === n && ts.filter(isLive).length === n,
    timeoutMs,
  );
  return tasks.filter(isRunning);
}

/** How many of `tasks` each node name has (keys sorted, so two counts compare as JSON). */
export function perNode(tasks: readonly Task[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of tasks.map((t) => t.nodeName || '(none)').sort()) out[name] = (out[name] ?? 0) + 1;
  return out;
}

/** Whether `tasks` are spread exactly as `counts` says (node name → tasks). */
export function spreadIs(tasks: readonly Task[], counts: Record<string, number>): boolean {
  return (
    JSON.stringify(perNode(tasks)) ===
    JSON.stringify(perNode(Object.entries(counts).flatMap(([n, k]) => Array.from({ length: k }, () => ({ nodeName: n }) as Task))))
  );
}

/** One line per task, for failure messages. */
export function describeTasks(tasks: readonly Task[]): string {
  return tasks
    .map(
      (t) =>
        `  ${t.name} slot=${t.slot} node=${t.nodeName || '-'} desired=${t.desiredState} state=${t.state}${t.health ? `(${t.health})` : ''} msg=${JSON.stringify(t.message)} err=${JSON.stringify(t.error)}`,
    )
    .join('\n');
}

/** Removes every service and waits until the store holds no task at all (every task stopped and reaped). */
export async function removeAllServices(cluster: LocalCluster, timeoutMs = 30_000): Promise<void> {
  const client = cluster.client();
  const { services } = await waitFor('the list of services', () => client.call('ListServices', { read: { stale: false } }, { timeoutMs: 3000 }));
  for (const s of services) {
    await waitFor(`service ${s.name} to be removed`, () =>
      client.call('RemoveService', { service: s.id }, { write: true, timeoutMs: 3000 }).then(
        () => true,
        (e: Error & { code?: string }) => {
          if (e.code === 'NOT_FOUND') return true;
          throw e;
        },
      ),
    );
  }
  let left: Task[] = [];
  try {
    await waitFor(
      'every task to stop and be removed',
      async () => {
        left = await allTasks(cluster);
        return left.length === 0 ? true : undefined;
      },
      timeoutMs,
      100,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${describeTasks(left)}`);
  }
}

/**
 * Brings every worker back to the standard state: agent running, node ready and active.
 * Workers listed in `skip` (e.g. removed from the cluster by a test) are left alone.
 */
export async function restoreWorkers(cluster: LocalCluster, skip: ReadonlySet<string> = new Set()): Promise<void> {
  for (const w of cluster.workers) {
    if (skip.has(w.name)) continue;
    if (!w.proc) {
      cluster.killWorkerTasks(w.name);
      await cluster.startWorker(w.name);
    }
    const n = await waitFor(`node ${w.name}`, () => nodeOf(cluster, w.nodeId));
    if (n.availability !== 'active') await setAvailability(cluster, w.nodeId, 'active');
    await cluster.waitForWorkerReady(w);
  }
}

export function setAvailability(cluster: LocalCluster, node: string, availability: 'active' | 'pause' | 'drain'): Promise<WireNode__Output> {
  return cluster.client().call('UpdateNode', { node, availability, addLabels: {}, removeLabels: [], version: '0' }, { write: true });
}

/**
 * Stops a worker for good: kills its agent and tasks and removes its node from the cluster,
 * so later tests see only the workers they expect.
 */
export async function removeWorker(cluster: LocalCluster, name: string): Promise<void> {
  const w = cluster.worker(name);
  await cluster.killWorker(name);
  cluster.killWorkerTasks(name);
  await waitFor(`node ${name} to be removed`, () =>
    cluster
      .client()
      .call('RemoveNode', { node: w.nodeId, force: true }, { write: true, timeoutMs: 3000 })
      .then(
        () => true,
        (e: Error & { code?: string }) => {
          if (e.code === 'NOT_FOUND') return true;
          throw e;
        },
      ),
  );
}

// ------------------------------------------------------------------ HTTP and the routing mesh

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One GET on a fresh connection (no keep-alive, so each request is balanced anew). */
export function httpGet(host: string, port: number, path = '/', timeoutMs = 3000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}:${port}${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * GET that waits for the server to be up: a task is "running" once its process has started,
 * which can be a moment before it listens (as in Swarm without a health check).
 */
export function httpGetWhenListening(host: string, port: number, path = '/', timeoutMs = 20_000): Promise<HttpAnswer> {
  return waitFor(`an HTTP answer on ${host}:${port}${path}`, () => httpGet(host, port, path), timeoutMs);
}

/** The host part of a worker's address: where the routing mesh publishes ports. */
export function hostOf(w: WorkerProcess): string {
  return w.addr.split(':')[0]!;
}

/**
 * GETs the published port on `host` until answers came from `distinct` different tasks (the
 * mesh balances over the service's tasks in rotation, in turn when equally loaded); returns the task names seen.
 * `taskName` extracts the answering task from a body.
 */
export async function answeringTasks(
  host: string,
  port: number,
  distinct: number,
  taskName: (body: string) => string | undefined,
  timeoutMs = 20_000,
): Promise<Set<string>> {
  const seen = new Set<string>();
  await waitFor(
    `answers from ${distinct} tasks on ${host}:${port}`,
    async () => {
      const r = await httpGet(host, port);
      const name = r.status === 200 ? taskName(r.body) : undefined;
      if (name) seen.add(name);
      return seen.size >= distinct ? true : undefined;
    },
    timeoutMs,
  );
  return seen;
}

/** demo-web's answer: "hello from task <name> (<id>) on <host>:<port>". */
export function demoTaskName(body: string): string | undefined {
  return /^hello from task (\S+) /.exec(body)?.[1];
}

// ------------------------------------------------------------------ what a worker really runs

/** DATA/tasks/<id>/task.json of a process worker: the task's pid (and start time). */
export function taskFile(w: WorkerProcess, taskId: string): { pid: number; startTime: string } | undefined {
  const file = join(w.dataDir, 'tasks', taskId, 'task.json');
  if (!existsSync(file)) return undefined;
  const { pid, startTime } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; startTime: string };
  return { pid, startTime };
}

/** The pids of every live process whose environment has SHOAL_TASK_ID=`taskId`. */
export function pidsOfTask(taskId: string): number[] {
  const needle = `\0SHOAL_TASK_ID=${taskId}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (isZombie(entry)) continue;
      const env = `\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`;
      if (env.includes(needle)) pids.push(Number(entry));
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return pids;
}

/** Every live task process of a node (SHOAL_NODE_ID=`nodeId`): task id → its pids. */
export function taskProcessesOfNode(nodeId: string): Map<string, number[]> {
  const node = `\0SHOAL_NODE_ID=${nodeId}\0`;
  const out = new Map<string, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (isZombie(entry)) continue;
      const env = `\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`;
      if (!env.includes(node)) continue;
      const id = /\0SHOAL_TASK_ID=([^\0]*)\0/.exec(env)?.[1] ?? '?';
      out.set(id, [...(out.get(id) ?? []), Number(entry)]);
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return out;
}

function isZombie(pid: string): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}

// ------------------------------------------------------------------ the `shoal` CLI

/** SHOAL_HOST and SHOAL_CERTS for a spawned `shoal` talking to `cluster`. */
export function shoalEnv(cluster: LocalCluster): NodeJS.ProcessEnv {
  return { SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: cluster.adminDir };
}

/** The JSON rows of `shoal service ps --json [--all] SERVICE`. */
export interface PsRow {
  id: string;
  name: string;
  slot: number;
  node: string;
  nodeName: string;
  desiredState: string;
  state: string;
  message: string;
  error: string;
  exitCode: number | null;
  port: number;
  health: string;
  updatedAt: string;
}

export async function servicePs(lab: Lab, cluster: LocalCluster, service: string, o: { all?: boolean } = {}): Promise<PsRow[]> {
  const r = await lab.runShoal(['service', 'ps', '--json', ...(o.all ? ['--all'] : []), service], shoalEnv(cluster));
  if (r.code !== 0) throw new Error(`shoal service ps ${service} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as PsRow[];
}

// ------------------------------------------------------------------ Docker

export const DOCKER_SOCKET = process.env['DOCKER_HOST']?.replace('unix://', '') ?? '/var/run/docker.sock';

/** Whether a Docker engine answers /_ping at the socket. */
export function dockerEngineUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: DOCKER_SOCKET, path: '/_ping', method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** `docker <args>` through the engine's own CLI; throws with its stderr on failure. */
export function docker(args: readonly string[]): string {
  const r = spawnSync('/usr/bin/docker', args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.status}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/**
 * Puts a shared cluster back as the next test expects it: stopped managers started again and
 * all 3 voting, stopped workers (but `skipWorkers`) started again, and no service left.
 */
export async function resetCluster(cluster: LocalCluster, skipWorkers: ReadonlySet<string> = new Set()): Promise<void> {
  for (const m of cluster.managers) if (!m.proc) await cluster.start(m.name);
  await waitHealthy(cluster, 3);
  await restoreWorkers(cluster, skipWorkers);
  await removeAllServices(cluster);
}
