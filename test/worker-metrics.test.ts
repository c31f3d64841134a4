// A worker's /metrics (prom-client, `worker join --metrics`): per-task counters of its routing
// mesh and the CPU of the tasks it runs, labelled by task id, task name and service. One manager
// and one worker on the process runtime; a request through the worker's mesh shows up there.

import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LocalCluster, WorkerProcess } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { createService, hostOf, httpGet, httpGetWhenListening, waitConverged, waitFor, webSpec } from './support/services.js';

/** An address and port of its own: suites running meanwhile use 127.0.0.11 and up. */
const WORKER_HOST = '127.0.0.161';
const PUBLISHED = 38471;

/** Where the worker says it serves /metrics (`--metrics 0` lets the kernel pick the port). */
function metricsAddrOf(w: WorkerProcess): string | undefined {
  for (const line of readFileSync(w.logFile, 'utf8').split('\n')) {
    if (!line.includes('serving /metrics')) continue;
    return (JSON.parse(line) as { metrics: string }).metrics;
  }
  return undefined;
}

/** The value of the series `name` whose labels include all of `labels`; undefined when none. */
function valueOf(body: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe.sequential("a worker's /metrics", () => {
  const lab = new Lab();
  let anyFailed = false;
  afterEach(({ task }) => {
    anyFailed ||= task.result?.state === 'fail';
  });
  afterAll(() => lab.cleanup({ failed: anyFailed }));

  it('counts a request through its mesh for the task that answered, and shows the CPU of the tasks it runs', async () => {
    const cluster: LocalCluster = await lab.cluster('worker-metrics', 1);
    const w1 = await cluster.addWorker('w1', { host: WORKER_HOST, args: ['--metrics', '0'] });
    const metrics = await waitFor('w1 to serve /metrics', () => metricsAddrOf(w1));
    // A bare port binds the worker's own loopback address.
    expect(metrics).toMatch(new RegExp(`^${hostOf(w1).replaceAll('.', '\\.')}:\\d+$`));
    const [host, port] = [metrics.slice(0, metrics.lastIndexOf(':')), Number(metrics.slice(metrics.lastIndexOf(':') + 1))];

    await createService(cluster, webSpec('metered', { replicas: 1, published: PUBLISHED }));
    const [task] = await waitConverged(cluster, 'metered', 1);
    const answer = await httpGetWhenListening(hostOf(w1), PUBLISHED);
    expect(answer.status).toBe(200);

    const labels = { task_id: task!.id, task_name: task!.name, service: 'metered', node: w1.nodeId };
    const scraped = await waitFor('the task counted and measured on /metrics', async () => {
      const r = await httpGet(host, port, '/metrics');
      if (r.status !== 200) return undefined;
      const total = valueOf(r.body, 'shoal_task_connections_total', labels);
      const cpu = valueOf(r.body, 'shoal_task_cpu_percent', labels);
      return total !== undefined && total >= 1 && cpu !== undefined ? r.body : undefined;
    });
    expect(valueOf(scraped, 'shoal_task_bytes_in_total', labels)).toBeGreaterThan(0);
    expect(valueOf(scraped, 'shoal_task_bytes_out_total', labels)).toBeGreaterThan(0);
    expect(valueOf(scraped, 'shoal_task_open_connections', labels)).toBe(0);
    // Refused connects while the task was not listening yet are counted (and retried): some or none.
    expect(valueOf(scraped, 'shoal_task_connect_errors_total', labels)).toBeGreaterThanOrEqual(0);
    expect(valueOf(scraped, 'shoal_task_cpu_percent', labels)).toBeGreaterThanOrEqual(0);
    expect(scraped).toMatch(/^shoal_agent_event_loop_delay_max_seconds\{[^}]*\} \d/m);
    expect(scraped).toMatch(/^process_resident_memory_bytes\{[^}]*\} \d/m);
    expect(await httpGet(host, port, '/')).toMatchObject({ status: 404 });
  });
});
