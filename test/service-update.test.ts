// Rolling updates on real processes (process runtime): a start-first update of 6 replicas
// behind a published port under steady HTTP load with no failed request; stop-first with
// parallelism 1 never below 5 running; an update to a command that exits at once rolls back by
// itself and says why; canaries with continue and with rollback; a leader killed (-9) in the
// middle of an update of 10 replicas; and bad input refused with the service unchanged.
//
// One manager and two workers (127.0.0.61, .62; ports 36xxx) serve the first part; the leader
// kill has its own 3 managers and two workers (127.0.0.63, .64).

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from './support/refusal.js';
import type { WireService__Output } from '@shoal/wire';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import {
  NODE,
  createService,
  describeTasks,
  getService,
  hostOf,
  httpGet,
  httpGetWhenListening,
  isLive,
  isRunning,
  removeAllServices,
  tasksOf,
  updateService,
  waitConverged,
  waitFor,
  waitForTasks,
  webSpec,
  type Task,
} from './support/services.js';
import { serviceSpecToWire } from '@shoal/wire';

/** Short monitor periods keep the updates quick; the rules are the same. */
const FAST = { monitorMs: 500, delayMs: 0 };

function update(
  cluster: LocalCluster,
  service: string,
  patch: Record<string, unknown>,
  o: { canary?: number; continue?: boolean } = {},
): Promise<WireService__Output> {
  return cluster
    .client()
    .call(
      'UpdateService',
      { service, version: '0', spec: serviceSpecToWire(patch as never), canary: o.canary ?? 0, continue: o.continue ?? false },
      { write: true, timeoutMs: 3000 },
    );
}

function rollback(cluster: LocalCluster, service: string): Promise<WireService__Output> {
  return cluster.client().call('RollbackService', { service, version: '0' }, { write: true, timeoutMs: 3000 });
}

/** Waits until the service's update status is `state`; returns the service. */
async function waitUpdateState(cluster: LocalCluster, service: string, state: string, timeoutMs = 60_000): Promise<WireService__Output> {
  let last: WireService__Output | undefined;
  try {
    return await waitFor(
      `${service}'s update to be ${state}`,
      async () => {
        last = await getService(cluster, service);
        return last.updateStatus?.state === state ? last : undefined;
      },
      timeoutMs,
      100,
    );
  } catch (e) {
    const tasks = await tasksOf(cluster, service).catch(() => []);
    throw new Error(`${(e as Error).message}; last status: ${JSON.stringify(last?.updateStatus)}\n${describeTasks(tasks)}`);
  }
}

const version = (t: Task): string => t.specVersion;

describe.sequential('rolling updates on 1 manager and 2 workers', () => {
  const clusters = new Lab();
  let cluster: LocalCluster;
  let anyFailed = false;

  beforeAll(async () => {
    cluster = await clusters.cluster('service-update', 1);
    await cluster.addWorker('w1', { host: '127.0.0.61' });
    await cluster.addWorker('w2', { host: '127.0.0.62' });
  }, 120_000);

  afterEach(async ({ task }) => {
    anyFailed ||= task.result?.state === 'fail';
    await removeAllServices(cluster);
  });

  afterAll(() => clusters.cleanup({ failed: anyFailed }));

  it('start-first with a health check, 6 replicas behind a published port under steady load: not one request fails', async () => {
    // A start period: a node process on a busy machine may take a while to listen; failed checks then do not count.
    const health = { test: { kind: 'http', path: '/health', port: 0 }, intervalMs: 200, timeoutMs: 1000, retries: 3, startPeriodMs: 10_000 };
    await createService(
      cluster,
      webSpec('load', {
        replicas: 6,
        published: 36080,
        task: { healthCheck: health, env: { VERSION: '1' } },
        extra: { update: { ...FAST, parallelism: 2, order: 'start-first' } },
      }),
    );
    await waitConverged(cluster, 'load', 6);
    const host = hostOf(cluster.worker('w1'));
    await httpGetWhenListening(host, 36080);
    await waitForTasks(cluster, 'load', 'every task healthy', (ts) => ts.filter((t) => isRunning(t) && t.health === 'healthy').length === 6);

    const failures: string[] = [];
    let requests = 0;
    let done = false;
    const client = async (): Promise<void> => {
      while (!done) {
        try {
          const r = await httpGet(host, 36080);
          if (r.status !== 200) failures.push(`status ${r.status}: ${r.body}`);
        } catch (e) {
          failures.push((e as Error).message);
        }
        requests++;
      }
    };
    const clients = [client(), client(), client(), client()];
    try {
      const before = await getService(cluster, 'load');
      await update(cluster, 'load', { task: { env: { VERSION: '2' } } });
      const after = await waitUpdateState(cluster, 'load', 'completed');
      expect(after.specVersion).not.toBe(before.specVersion);
      expect(after.updateStatus).toMatchObject({ updated: 6, total: 6, failed: 0, message: 'update completed' });
      const live = (await tasksOf(cluster, 'load')).filter(isLive);
      expect(live.map(version)).toEqual(Array(6).fill(after.specVersion));
    } finally {
      done = true;
      await Promise.all(clients);
    }
    expect(requests).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  }, 120_000);

  it('stop-first, parallelism 1: never fewer than 5 of 6 running while it updates', async () => {
    await createService(cluster, webSpec('steady', { replicas: 6, extra: { update: { ...FAST, parallelism: 1, order: 'stop-first' } } }));
    await waitConverged(cluster, 'steady', 6);
    let lowest = 6;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const running = (await tasksOf(cluster, 'steady')).filter(isRunning).length;
        lowest = Math.min(lowest, running);
      }
    })();
    try {
      await update(cluster, 'steady', { task: { env: { VERSION: '2' } } });
      const after = await waitUpdateState(cluster, 'steady', 'completed');
      const tasks = await tasksOf(cluster, 'steady');
      expect(tasks.filter(isLive).map(version)).toEqual(Array(6).fill(after.specVersion));
    } finally {
      done = true;
      await sampler;
    }
    expect(lowest).toBeGreaterThanOrEqual(5);
  }, 120_000);

  it('an update to a command that exits at once, failure action rollback: back to the old spec by itself, and the status says why', async () => {
    await createService(cluster, webSpec('crash', { replicas: 3, extra: { update: { ...FAST, failureAction: 'rollback' }, rollback: FAST } }));
    await waitConverged(cluster, 'crash', 3);
    const v1 = (await getService(cluster, 'crash')).specVersion;
    await update(cluster, 'crash', { task: { command: [NODE, '-e', 'process.exit(3)'] } });
    const back = await waitUpdateState(cluster, 'crash', 'rollback_completed');
    expect(back.specVersion).toBe(v1);
    // Once over, the status still says why it rolled back.
    expect(back.updateStatus?.message).toMatch(/^rollback completed; update rolled back: task crash\.\d\.\w+ failed/);
    const tasks = await waitConverged(cluster, 'crash', 3);
    expect(tasks.every((t) => t.specVersion === v1)).toBe(true);
    // Nothing of the crashing version is left meant to run.
    const v2 = (await tasksOf(cluster, 'crash')).filter((t) => t.specVersion !== v1);
    expect(v2.length).toBeGreaterThan(0);
    expect(v2.filter(isLive)).toEqual([]);
  }, 120_000);

  it('the reason for an automatic rollback is in GetService while it runs', async () => {
    // A long monitor period for the rollback keeps the status "rollback_started" long enough to read.
    await createService(cluster, webSpec('why', { replicas: 2, extra: { update: { ...FAST, failureAction: 'rollback' }, rollback: { monitorMs: 60_000 } } }));
    await waitConverged(cluster, 'why', 2);
    await update(cluster, 'why', { task: { command: [NODE, '-e', 'process.exit(3)'] } });
    const s = await waitUpdateState(cluster, 'why', 'rollback_started');
    expect(s.updateStatus?.message).toMatch(
      /^update rolled back: task why\.\d\.\w+ failed: exited with code 3 \(\d of \d updated tasks? failed, more than the max failure ratio 0\)$/,
    );
  }, 120_000);

  it('canary 2 of 6 holds with 2 tasks on the new version; continue finishes the rollout', async () => {
    await createService(cluster, webSpec('canary', { replicas: 6, extra: { update: { ...FAST, parallelism: 0 } } }));
    await waitConverged(cluster, 'canary', 6);
    await update(cluster, 'canary', { task: { env: { VERSION: '2' } } }, { canary: 2 });
    const held = await waitUpdateState(cluster, 'canary', 'paused');
    expect(held.updateStatus?.message).toBe(
      `canary: 2 of 6 tasks run version ${held.specVersion}; \`shoal service update canary --continue\` finishes, \`shoal service rollback canary\` undoes it`,
    );
    const live = (await tasksOf(cluster, 'canary')).filter(isLive);
    expect(live.filter((t) => t.specVersion === held.specVersion)).toHaveLength(2);
    await update(cluster, 'canary', {}, { continue: true });
    const after = await waitUpdateState(cluster, 'canary', 'completed');
    expect((await waitConverged(cluster, 'canary', 6)).map(version)).toEqual(Array(6).fill(after.specVersion));
  }, 120_000);

  it('canary 2 of 6 rolled back: only the 2 canaries change back, the other 4 tasks are the same ones', async () => {
    await createService(cluster, webSpec('undo', { replicas: 6, extra: { update: { ...FAST, parallelism: 0 }, rollback: { ...FAST, parallelism: 0 } } }));
    const v1 = (await getService(cluster, 'undo')).specVersion;
    await waitConverged(cluster, 'undo', 6);
    await update(cluster, 'undo', { task: { env: { VERSION: '2' } } }, { canary: 2 });
    await waitUpdateState(cluster, 'undo', 'paused');
    const untouched = (await tasksOf(cluster, 'undo'))
      .filter((t) => isLive(t) && t.specVersion === v1)
      .map((t) => t.id)
      .sort();
    expect(untouched).toHaveLength(4);
    await rollback(cluster, 'undo');
    const back = await waitUpdateState(cluster, 'undo', 'rollback_completed');
    expect(back.specVersion).toBe(v1);
    const live = await waitConverged(cluster, 'undo', 6);
    expect(live.map(version)).toEqual(Array(6).fill(v1));
    const kept = live.filter((t) => untouched.includes(t.id)).map((t) => t.id);
    expect(kept.sort()).toEqual(untouched);
  }, 120_000);

  it('bad input is refused with a clear error, and the service is unchanged', async () => {
    await createService(cluster, webSpec('bad', { replicas: 6 }));
    const before = await getService(cluster, 'bad');
    const cases: { call: () => Promise<unknown>; code: string; message: RegExp }[] = [
      {
        call: () => update(cluster, 'bad', { update: { parallelism: -1 } }),
        code: 'INVALID_ARGUMENT',
        message: /spec\.update\.parallelism must be an integer from 0 to 10000 \(got -1\)/,
      },
      {
        call: () => update(cluster, 'bad', { update: { maxFailureRatio: 1.5 } }),
        code: 'INVALID_ARGUMENT',
        message: /spec\.update\.maxFailureRatio must be .*0.*1.*1\.5/,
      },
      {
        call: () => update(cluster, 'bad', { update: { failureAction: 'explode' } }),
        code: 'INVALID_ARGUMENT',
        message: /spec\.update\.failureAction must be one of "pause", "continue", "rollback" \(got "explode"\)/,
      },
      {
        call: () => update(cluster, 'bad', { rollback: { order: 'sideways' } }),
        code: 'INVALID_ARGUMENT',
        message: /spec\.rollback\.order must be one of "stop-first", "start-first" \(got "sideways"\)/,
      },
      {
        call: () => update(cluster, 'bad', { task: { env: { V: '2' } } }, { canary: 9 }),
        code: 'INVALID_ARGUMENT',
        message: /^a canary of 9 is larger than the service's 6 replicas/,
      },
      {
        call: () => update(cluster, 'bad', {}, { continue: true }),
        code: 'FAILED_PRECONDITION',
        message: /service bad has no paused update to continue: it was never updated/,
      },
      { call: () => rollback(cluster, 'bad'), code: 'FAILED_PRECONDITION', message: /^service bad has no previous spec to roll back to/ },
      { call: () => update(cluster, 'nosuch', { task: { env: { V: '2' } } }), code: 'NOT_FOUND', message: /no service matches "nosuch"/ },
      { call: () => rollback(cluster, 'nosuch'), code: 'NOT_FOUND', message: /no service matches "nosuch"/ },
    ];
    for (const c of cases) {
      const e = await refusal(c.call());
      expect({ code: e.code, message: e.message }).toMatchObject({ code: c.code, message: expect.stringMatching(c.message) });
    }
    const after = await getService(cluster, 'bad');
    expect(after.version).toBe(before.version);
    expect(after.spec).toEqual(before.spec);
    expect(after.updateStatus).toBeNull();
  }, 60_000);
});

describe.sequential('a rolling update across a leader kill (3 managers, 2 workers)', () => {
  const clusters = new Lab();
  let anyFailed = false;

  afterEach(({ task }) => {
    anyFailed ||= task.result?.state === 'fail';
  });
  afterAll(() => clusters.cleanup({ failed: anyFailed }));

  it('kill -9 of the leader mid-update of 10 replicas: the update completes, and each slot got exactly one new-spec task', async () => {
    const cluster = await clusters.cluster('service-update-failover', 3);
    await cluster.addWorker('w1', { host: '127.0.0.63' });
    await cluster.addWorker('w2', { host: '127.0.0.64' });
    await createService(cluster, webSpec('ten', { replicas: 10, extra: { update: { monitorMs: 300, parallelism: 1 } } }));
    await waitConverged(cluster, 'ten', 10, 60_000);
    const s = await updateService(cluster, 'ten', { task: { env: { VERSION: '2' } } });
    const v2 = s.specVersion;
    // Mid-update: some slots on the new version, some still to go.
    await waitForTasks(cluster, 'ten', 'a few slots updated', (ts) => ts.filter((t) => isRunning(t) && t.specVersion === v2).length >= 3, 60_000);
    const leader = await cluster.waitForLeader();
    await cluster.kill(leader.name, 'SIGKILL');
    await cluster.waitForLeader(leader.nodeId, 30_000);
    const done = await waitUpdateState(cluster, 'ten', 'completed', 90_000);
    expect(done.specVersion).toBe(v2);
    const tasks = await tasksOf(cluster, 'ten');
    expect(tasks.filter(isLive).map(version)).toEqual(Array(10).fill(v2));
    const perSlot = new Map<number, number>();
    for (const t of tasks) if (t.specVersion === v2) perSlot.set(t.slot, (perSlot.get(t.slot) ?? 0) + 1);
    expect([...perSlot.entries()].sort((a, b) => a[0] - b[0])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 1]));
  }, 180_000);
});
