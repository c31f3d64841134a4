// What the ingress and update benchmarks share: a service of the demo web server
// (scripts/demo-web.mjs) on the process runtime behind a published port, waiting until every
// replica runs (healthy) and the routing mesh answers from each, and one GET on a fresh
// connection — how a request is balanced anew by the mesh, which balances connections.

import { request } from 'node:http';
import { join } from 'node:path';
import { isFinalState } from '@shoal/store';
import { serviceSpecToWire, type WireService__Output, type WireTask__Output } from '@shoal/wire';
import { REPO_ROOT, waitFor, type LocalCluster } from '../lib/cluster.js';

export const DEMO_WEB = join(REPO_ROOT, 'scripts', 'demo-web.mjs');

type SpecInput = Parameters<typeof serviceSpecToWire>[0];

/** The demo web server, `replicas` times, published on `published`, with an HTTP health check. */
export function demoWebSpec(name: string, replicas: number, published: number, extra: Record<string, unknown> = {}): SpecInput {
  return {
    name,
    replicas,
    task: {
      runtime: 'process',
      command: [process.execPath, DEMO_WEB],
      stopGracePeriodMs: 2000,
      healthCheck: { test: { kind: 'http', path: '/health', port: 0 }, intervalMs: 500, timeoutMs: 1000, retries: 2, startPeriodMs: 5000 },
    },
    ports: [{ published }],
    ...extra,
  } as SpecInput;
}

export function createService(cluster: LocalCluster, spec: SpecInput): Promise<WireService__Output> {
  return cluster.client().call('CreateService', { spec: serviceSpecToWire(spec) }, { write: true, timeoutMs: 5000 });
}

export async function tasksOf(cluster: LocalCluster, service: string): Promise<WireTask__Output[]> {
  return (await cluster.client().call('ListTasks', { service, read: { stale: true } }, { timeoutMs: 3000 })).tasks;
}

/** Meant to run, runs, and passed its health check. */
export function isServing(t: WireTask__Output): boolean {
  return t.desiredState === 'running' && t.state === 'running' && t.health === 'healthy';
}

/** Waits until exactly `n` tasks of the service are live, all serving; returns them. */
export async function waitServing(cluster: LocalCluster, service: string, n: number, timeoutMs = 90_000): Promise<WireTask__Output[]> {
  return waitFor(
    `${n} healthy tasks of ${service}`,
    async () => {
      const tasks = await tasksOf(cluster, service);
      const live = tasks.filter((t) => t.desiredState === 'running' && !isFinalState(t.state));
      return live.length === n && live.every(isServing) ? live : undefined;
    },
    timeoutMs,
    200,
  );
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One GET on a fresh connection (`Connection: close`), so the mesh balances it anew. */
export function getOnce(host: string, port: number, timeoutMs = 3000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', method: 'GET', agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Waits until requests through the mesh at host:published have been answered by every task in `tasks`. */
export async function waitMeshReachesAll(host: string, published: number, tasks: readonly WireTask__Output[], timeoutMs = 30_000): Promise<void> {
  const unseen = new Set(tasks.map((t) => t.name));
  await waitFor(
    `the mesh on ${host}:${published} to reach all ${tasks.length} tasks (${unseen.size} not yet)`,
    async () => {
      for (let i = 0; i < tasks.length * 2; i++) {
        const a = await getOnce(host, published);
        const m = /hello from task (\S+)/.exec(a.body);
        if (m) unseen.delete(m[1]!);
      }
      return unseen.size === 0 ? true : undefined;
    },
    timeoutMs,
    100,
  );
}

/**
 * An address for a benchmark's worker: its own 127.x.y.z, not the launcher's default
 * 127.0.0.11 and up, which other clusters on a shared machine (tests, `npm start`) use — their
 * tasks would hold the ports ours are given there.
 */
export function benchWorkerHost(index: number): string {
  return `127.${200 + (process.pid % 50)}.${Math.floor(process.pid / 50) % 250}.${11 + index}`;
}

/** host of an address `host:port`. */
export function hostOf(addr: string): string {
  return addr.slice(0, addr.lastIndexOf(':'));
}
