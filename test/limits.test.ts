// Size limits and validation gaps against a real 3-manager cluster (issue 9, bugs 4 and 5):
// a multi-MB service spec is refused before it reaches Raft and the leader keeps its term;
// numbers and ports the CLI used to take are refused; a bad availability is INVALID_ARGUMENT;
// a published port some other process holds on a node shows on the service; and a store of
// many large specs still reaches a lagging follower (log) and a new manager (snapshot).

import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from './support/refusal.js';
import { serviceSpecFromWire, type WireService__Output } from '@shoal/wire';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab, type ShoalResult } from './support/lab.js';
import { infoFrom, leaderCommit, waitCaughtUp, waitHealthy, withManager, writeLabel } from './support/managers.js';
import {
  DEMO_WEB,
  NODE,
  createService,
  getService,
  hostOf,
  httpGetWhenListening,
  removeAllServices,
  shoalEnv,
  specBytes,
  specOf,
  updateService,
  waitConverged,
  waitFor,
  webSpec,
} from './support/services.js';

const SPEC_LIMIT = 256 * 1024;

/** A process service whose env makes its spec about `bytes` long (replicas 0: nothing runs). */
function specOfSize(name: string, bytes: number): Record<string, unknown> {
  const env: Record<string, string> = {};
  const value = 30_000;
  for (let i = 0; i * value < bytes; i++) env[`V${i}`] = 'x'.repeat(Math.min(value, bytes - i * value));
  return { name, replicas: 0, task: { runtime: 'process', command: [NODE, DEMO_WEB], env } };
}

// One worker at 127.0.0.33 (other files use .11 up, .31, docker .51 up); ports 34xxx.
describe.sequential('limits and validation on a 3-manager cluster', () => {
  const clusters = new Lab();
  const lab = new Lab();
  let cluster: LocalCluster;
  let anyFailed = false;

  beforeAll(async () => {
    // Snapshots every 30 entries, so the large-store test below replicates one.
    cluster = await clusters.cluster('limits', 3, { initArgs: ['--snapshot-every', '30'] });
    await cluster.addWorker('w1', { host: '127.0.0.33' });
  });

  afterEach(async ({ task }) => {
    const failed = task.result?.state === 'fail';
    anyFailed ||= failed;
    await lab.cleanup({ failed });
    await removeAllServices(cluster);
  });

  afterAll(() => clusters.cleanup({ failed: anyFailed }));

  const shoal = (...args: string[]): Promise<ShoalResult> => lab.runShoal(args, shoalEnv(cluster));

  /** Every running manager's own term and leader. */
  async function terms(): Promise<{ term: string; leader: string }[]> {
    return Promise.all(
      cluster.managers
        .filter((m) => m.proc)
        .map(async (m) => {
          const info = await infoFrom(cluster, m);
          return { term: info.term, leader: info.leader };
        }),
    );
  }

  it('a multi-MB spec is refused naming the limit, and the leader keeps its term', async () => {
    const leader = await waitHealthy(cluster, 3);
    const before = await terms();
    expect(new Set(before.map((t) => `${t.term}/${t.leader}`)).size).toBe(1);

    // 256 env values of 30 kB, each within its own limit: 7.7 MB (it used to force elections).
    const huge = specOfSize('huge', 256 * 30_000);
    const e = await refusal(createService(cluster, huge));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/^invalid service spec: spec is (\d+) bytes \([\d.]+ MiB\) encoded; a service spec may be at most 262144 bytes \(256 KiB\)/);
    expect(Number(/spec is (\d+) bytes/.exec(e.message)![1])).toBeGreaterThan(7_000_000);

    // The CLI says the same (10 --env of 30 kB: argv allows that much).
    const env = Array.from({ length: 10 }, (_, i) => ['--env', `V${i}=${'y'.repeat(30_000)}`]).flat();
    const r = await shoal('service', 'create', '--detach', '--name', 'big', '--replicas', '0', ...env, '--command', `${NODE} ${DEMO_WEB}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: invalid service spec: spec is \d+ bytes \([\d.]+ KiB\) encoded; a service spec may be at most 262144 bytes \(256 KiB\)/);

    // Just under the limit is fine, and so is an update to just under it.
    const under = specOfSize('under', SPEC_LIMIT - 4_000);
    const created = await createService(cluster, under);
    expect(specBytes(specOf(created))).toBeGreaterThan(SPEC_LIMIT - 4_000);
    expect(specBytes(specOf(created))).toBeLessThanOrEqual(SPEC_LIMIT);

    // The cluster carries on: writes are acknowledged and no manager saw another term or leader.
    for (let i = 0; i < 10; i++) await writeLabel(cluster.client(), leader.nodeId, `after-${i}`);
    expect(await terms()).toEqual(before);
    const { services } = await cluster.client().call('ListServices', { read: { stale: false } });
    expect(services.map((s) => s.name)).toEqual(['under']);
  });

  it('refuses --replicas abc, other non-numbers, target port 0 and a bad availability', async () => {
    const cmd = `${NODE} ${DEMO_WEB}`;
    const [replicas, maxPerNode, retries, publish0, publishBig, tail, scale] = await Promise.all([
      shoal('service', 'create', '--detach', '--name', 'abc', '--replicas', 'abc', '--command', cmd),
      shoal('service', 'create', '--detach', '--name', 'abc', '--replicas-max-per-node', '1.5', '--command', cmd),
      shoal('service', 'create', '--detach', '--name', 'abc', '--health-cmd', 'true', '--health-retries', 'three', '--command', cmd),
      shoal('service', 'create', '--detach', '--name', 'zero', '-p', '34090:0', '--command', cmd),
      shoal('service', 'create', '--detach', '--name', 'big', '-p', '34090:70000', '--command', cmd),
      shoal('service', 'logs', 'nosuch', '--tail', 'ten'),
      shoal('service', 'scale', 'nosuch=abc'),
    ]);
    expect(replicas.code).toBe(1);
    expect(replicas.stderr).toContain('--replicas wants a whole number like 3 (got "abc")');
    expect(maxPerNode.stderr).toContain('--replicas-max-per-node wants a whole number like 3 (got "1.5")');
    expect(retries.stderr).toContain('--health-retries wants a whole number like 3 (got "three")');
    expect(publish0.code).toBe(1);
    expect(publish0.stderr).toContain('-p/--publish 34090:0: the target port 0 is not a port (1..65535)');
    expect(publishBig.stderr).toContain('-p/--publish 34090:70000: the target port 70000 is not a port (1..65535)');
    expect(tail.code).toBe(1);
    expect(tail.stderr).toContain('--tail wants a whole number like 3 (got "ten")');
    expect(scale.code).toBe(1);
    expect(scale.stderr).toContain('scale wants SERVICE=REPLICAS like web=5 (got "nosuch=abc")');

    // The same spec through the API: the leader refuses target 0 (and a target left out is the published port).
    const zero = await refusal(createService(cluster, webSpec('zero', { extra: { ports: [{ published: 34090, target: 0 }] } })));
    expect(zero.code).toBe('INVALID_ARGUMENT');
    expect(zero.message).toContain('spec.ports[0].target 0 is not a port (1..65535)');
    const ok = await createService(cluster, webSpec('defaulted', { replicas: 0, published: 34091 }));
    expect(specOf(ok).ports).toEqual([{ published: 34091, target: 34091, protocol: 'tcp' }]);

    // A bad availability over the API is the caller's mistake, not an internal error.
    const w1 = cluster.worker('w1');
    const bogus = await refusal(
      cluster.client().call('UpdateNode', { node: w1.nodeId, availability: 'bogus', addLabels: {}, removeLabels: [], version: '0' }, { write: true }),
    );
    expect(bogus.code).toBe('INVALID_ARGUMENT');
    expect(bogus.message).toBe('availability must be one of active, pause, drain (got "bogus")');
    // Nothing was created by any of it but the one valid service.
    const { services } = await cluster.client().call('ListServices', { read: { stale: false } });
    expect(services.map((s) => s.name)).toEqual(['defaulted']);
  });

  it('a published port another process holds on a node shows on the service until it is freed', async () => {
    const w1 = cluster.worker('w1');
    const port = 34092;
    // Another process on w1's address holds the port the service publishes.
    const squatter: Server = createServer((s) => s.destroy());
    await new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.listen(port, hostOf(w1), resolve);
    });
    let squatterOpen = true;
    try {
      const svc = await createService(cluster, webSpec('held', { published: port }));
      await waitConverged(cluster, 'held', 1);
      const withError = await waitFor('the publish error on the service', async () => {
        const s = await getService(cluster, svc.id);
        return s.publishErrors.length > 0 ? s : undefined;
      });
      expect(withError.publishErrors).toEqual([
        { published: port, nodeId: w1.nodeId, nodeName: 'w1', error: `address in use: another process on this node listens on ${hostOf(w1)}:${port}` },
      ]);

      // What a user sees: `service inspect` has the endpoint state per node, `service ps` says it under the tasks.
      const inspect = await shoal('service', 'inspect', 'held');
      expect(inspect.code).toBe(0);
      const [view] = JSON.parse(inspect.stdout) as { endpoint: { publishErrors: { message: string; nodeName: string }[] } }[];
      expect(view!.endpoint.publishErrors.map((e) => e.message)).toEqual([
        `port ${port} on node w1: address in use: another process on this node listens on ${hostOf(w1)}:${port}`,
      ]);
      const ps = await shoal('service', 'ps', 'held');
      expect(ps.code).toBe(0);
      expect(ps.stdout).toContain(`held: not published: port ${port} on node w1: address in use`);

      // Freed, the mesh takes the port on its next try and the error goes.
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
      squatterOpen = false;
      await waitFor('the publish error to clear', async () => ((await getService(cluster, svc.id)).publishErrors.length === 0 ? true : undefined), 20_000);
      const answer = await httpGetWhenListening(hostOf(w1), port);
      expect(answer.status).toBe(200);
      expect((await shoal('service', 'ps', 'held')).stdout).not.toContain('not published');
    } finally {
      if (squatterOpen) squatter.close();
    }
  });

  it('a log and a store of large specs reach a follower that was away (log) and a new manager (snapshot)', async () => {
    // 10 services of ~240 kB, each updated 6 times: 17 MB of entries, more than one gRPC message
    // may carry (16 MiB), and a store of ~5 MB (spec and previous spec of each).
    const leader = await waitHealthy(cluster, 3);
    const away = cluster.managers.find((m) => m.proc && m.nodeId !== leader.nodeId)!;
    await cluster.kill(away.name);
    for (let i = 0; i < 10; i++) await createService(cluster, specOfSize(`large-${i}`, 240_000));
    for (let round = 1; round <= 6; round++) {
      for (let i = 0; i < 10; i++) {
        const s = await updateService(cluster, `large-${i}`, { labels: { round: String(round) } });
        expect(specBytes(specOf(s))).toBeGreaterThan(240_000);
      }
    }
    const commit = await leaderCommit(cluster);
    const termBefore = (await cluster.clusterInfo()).term;

    // Back, m3 catches up from the leader's log (entries kept behind the snapshots).
    await cluster.start(away.name);
    await waitCaughtUp(cluster, away, commit, 60_000);
    const seen = await withManager(cluster, away, async (c) => (await c.call('ListServices', { read: { stale: true } })).services);
    expect(seen.filter((s) => s.name.startsWith('large-') && specOf(s).labels['round'] === '6')).toHaveLength(10);

    // A manager joining now gets the ~5 MB store as a snapshot, in chunks of 1 MiB.
    const m4 = await cluster.addManager('m4');
    await cluster.waitForVoters(4, 60_000);
    await waitCaughtUp(cluster, m4, commit, 60_000);
    const fromM4 = await withManager(cluster, m4, async (c) => (await c.call('ListServices', { read: { stale: true } })).services);
    expect(fromM4.filter((s) => s.name.startsWith('large-') && specOf(s).labels['round'] === '6')).toHaveLength(10);
    const sample = fromM4.find((s) => s.name === 'large-7') as WireService__Output;
    expect(specBytes(specOf(sample))).toBeGreaterThan(240_000);
    expect(specBytes(serviceSpecFromWire(sample.previousSpec))).toBeGreaterThan(240_000);
    // No election was needed for any of it.
    expect((await infoFrom(cluster, m4)).term).toBe(termBefore);
  });
});
