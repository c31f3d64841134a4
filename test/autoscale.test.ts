// Autoscaling on real processes: one manager, one worker (process runtime), demo-web behind a
// published port. Many long-lived TCP connections through the routing mesh make the service
// grow (target-connections), closing them makes it shrink, with windows of 1–2 s set through the
// API; the decisions show in `service inspect` and `service events`. Bad input (min > max, both
// targets, a global service, a missing service) is refused with a clear error and changes nothing.
//
// The load reaches the leader with the workers' heartbeats (the agent's per-task counters).

import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from './support/refusal.js';
import { autoscaleInputToWire } from '@shoal/wire';
import type { AutoscaleInput } from '@shoal/store';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab, type ShoalResult } from './support/lab.js';
import {
  createService,
  getService,
  hostOf,
  httpGetWhenListening,
  removeAllServices,
  scriptSpec,
  shoalEnv,
  specOf,
  waitConverged,
  waitFor,
  webSpec,
} from './support/services.js';

// A worker address and ports of this file alone (other files: .11–.13, .31, .51 up; 31xxx–33xxx).
const WORKER_HOST = '127.0.0.45';
const WEB_PORT = 34_501;

/** Opens `n` TCP connections to host:port and waits until all are established. */
async function openConnections(host: string, port: number, n: number): Promise<Socket[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect({ host, port });
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        }),
    ),
  );
}

describe.sequential('autoscaling on 1 manager and 1 worker', () => {
  const clusters = new Lab();
  const lab = new Lab();
  let cluster: LocalCluster;
  let anyFailed = false;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    cluster = await clusters.cluster('autoscale', 1);
    await cluster.addWorker('w1', { host: WORKER_HOST });
  }, 120_000);

  afterEach(async ({ task }) => {
    for (const s of sockets.splice(0)) s.destroy();
    const failed = task.result?.state === 'fail';
    anyFailed ||= failed;
    await lab.cleanup({ failed });
    await removeAllServices(cluster);
  });

  afterAll(() => clusters.cleanup({ failed: anyFailed }));

  const shoal = (...args: string[]): Promise<ShoalResult> => lab.runShoal(args, shoalEnv(cluster));
  const autoscale = (service: string, input: AutoscaleInput | null) =>
    cluster.client().call('AutoscaleService', { service, ...(input ? { autoscale: autoscaleInputToWire(input) } : {}) }, { write: true });

  it('grows under many open connections and shrinks back once they close', async () => {
    await createService(cluster, webSpec('web', { replicas: 1, published: WEB_PORT }));
    await waitConverged(cluster, 'web', 1);
    await httpGetWhenListening(WORKER_HOST, WEB_PORT);
    // 16 connections for 1 task, 4 wanted per task: 4 tasks, cut to the max, 3.
    const set = await autoscale('web', { minReplicas: 1, maxReplicas: 3, targetConnections: 4, scaleUpWindowMs: 1_000, scaleDownWindowMs: 2_000 });
    expect(set.autoscale).toMatchObject({ minReplicas: 1, maxReplicas: 3, targetConnections: 4, scaleUpWindowMs: '1000', scaleDownWindowMs: '2000' });
    expect(hostOf(cluster.worker('w1'))).toBe(WORKER_HOST);

    sockets.push(...(await openConnections(WORKER_HOST, WEB_PORT, 16)));
    await waitFor('web to be scaled up to 3 replicas', async () => (specOf(await getService(cluster, 'web')).replicas === 3 ? true : undefined), 60_000, 200);
    await waitConverged(cluster, 'web', 3);
    const up = (await getService(cluster, 'web')).autoscaleStatus!.decisions;
    expect(up.at(-1)).toMatchObject({ fromReplicas: 1, toReplicas: 3 });
    expect(up.at(-1)!.reason).toMatch(/^connections 16 per task vs target 4 ±10% over 1 task: 1 -> 3 \(max 3\), held 1\.0 s$/);

    for (const s of sockets.splice(0)) s.destroy();
    await waitFor('web to be scaled back to 1 replica', async () => (specOf(await getService(cluster, 'web')).replicas === 1 ? true : undefined), 60_000, 200);
    await waitConverged(cluster, 'web', 1);
    const down = (await getService(cluster, 'web')).autoscaleStatus!.decisions;
    // Usually 3 -> 1 at once; a heartbeat caught halfway through the closes may add a step.
    expect(down.at(-1)).toMatchObject({ toReplicas: 1 });
    expect(down.at(-1)!.reason).toMatch(
      /^connections 0 per task vs target 4 ±10% over \d+ tasks?: \d -> 1 \(min 1\), highest recommendation of the last 2\.0 s$/,
    );

    // What a user sees: the config and decisions in inspect, the decisions in `service events`.
    const inspect = await shoal('service', 'inspect', 'web');
    expect(inspect.code, inspect.stderr).toBe(0);
    const [shown] = JSON.parse(inspect.stdout) as { autoscale: { config: Record<string, unknown>; decisions: { toReplicas: number }[] } }[];
    expect(shown!.autoscale.config).toEqual({
      minReplicas: 1,
      maxReplicas: 3,
      metric: 'connections',
      target: 4,
      scaleUpWindowMs: 1_000,
      scaleDownWindowMs: 2_000,
      tolerance: 0.1,
    });
    expect(shown!.autoscale.decisions.map((d) => d.toReplicas)).toContain(3);
    expect(shown!.autoscale.decisions.at(-1)!.toReplicas).toBe(1);
    const events = await shoal('service', 'events', 'web');
    expect(events.code, events.stderr).toBe(0);
    expect(events.stdout).toContain('connections 16 per task');
    expect(events.stdout).toContain('connections 0 per task');

    // --off: the service keeps its replica count and is no longer scaled.
    const off = await shoal('service', 'autoscale', 'web', '--off');
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toContain('web: autoscaling off');
    expect((await getService(cluster, 'web')).autoscale).toBeNull();
  }, 180_000);

  it('bad input is refused with a clear error and leaves the service as it was', async () => {
    await createService(cluster, webSpec('api', { replicas: 2 }));
    await createService(cluster, scriptSpec('agent', 'setInterval(() => {}, 1000)', { extra: { mode: 'global', replicas: 0 } }));
    await waitConverged(cluster, 'api', 2);
    const before = await getService(cluster, 'api');

    const cases: { args: string[]; error: string }[] = [
      { args: ['--min', '5', '--max', '3', '--target-cpu', '50'], error: '--min 5 is larger than --max 3' },
      {
        args: ['--min', '1', '--max', '3', '--target-cpu', '50', '--target-connections', '10'],
        error: 'give one target, --target-cpu or --target-connections, not both',
      },
      { args: ['--min', '1', '--max', '3'], error: 'give a target: --target-cpu' },
      { args: ['--min', '0', '--max', '3', '--target-cpu', '50'], error: '--min must be a whole number from 1' },
      { args: ['--min', '1', '--max', '3', '--target-cpu', '50', '--tolerance', '2'], error: '--tolerance must be a ratio from 0 to 1' },
      { args: ['--min', '1', '--max', '3', '--target-cpu', 'lots'], error: '--target-cpu wants a number like 50 (got "lots")' },
      { args: ['--off', '--min', '1'], error: '--off removes autoscaling; leave out the other flags (got --min)' },
    ];
    const results = await Promise.all(cases.map((c) => shoal('service', 'autoscale', 'api', ...c.args)));
    cases.forEach((c, i) => {
      const r = results[i]!;
      // Caught by the CLI before sending: a usage error (exit 2).
      expect(r.code, `${c.args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(c.error);
    });

    // What the CLI checks, the leader checks too (a script calling the API).
    const wire = { minReplicas: 5, maxReplicas: 3, targetCpuPercent: 50, targetConnections: 0, scaleUpWindowMs: '0', scaleDownWindowMs: '0', tolerance: 0.1 };
    const minMax = await refusal(cluster.client().call('AutoscaleService', { service: 'api', autoscale: wire }, { write: true }));
    expect(minMax.code).toBe('INVALID_ARGUMENT');
    expect(minMax.message).toContain('--min 5 is larger than --max 3');
    const both = await refusal(
      cluster.client().call('AutoscaleService', { service: 'api', autoscale: { ...wire, minReplicas: 1, targetConnections: 10 } }, { write: true }),
    );
    expect(both.message).toContain('not both');

    const global = await shoal('service', 'autoscale', 'agent', '--min', '1', '--max', '3', '--target-cpu', '50');
    expect(global.code).toBe(1);
    expect(global.stderr).toContain('agent is a global service: it runs one task per eligible node, so there is no replica count to autoscale');
    const missing = await shoal('service', 'autoscale', 'nosuch', '--min', '1', '--max', '3', '--target-cpu', '50');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nosuch/);

    const after = await getService(cluster, 'api');
    expect(after.version).toBe(before.version);
    expect(after.autoscale).toBeNull();
    expect((await getService(cluster, 'agent')).autoscale).toBeNull();
  }, 120_000);
});
