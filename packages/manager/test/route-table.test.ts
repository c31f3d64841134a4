// The routing table the leader builds from the store: who is in rotation, and the patches
// that carry only what changed.

import { describe, expect, it } from 'vitest';
import { RouteTable, buildRoutes } from '../src/route-table.js';
import { TestCluster } from './test-cluster.js';

const HEALTH = { test: { kind: 'http' as const, path: '/health', port: 0 }, intervalMs: 100, timeoutMs: 1000, retries: 1, startPeriodMs: 0 };

/** Two workers with addresses; "api" on 8080 and "shop" on 9090, two running tasks each. */
function cluster(): TestCluster {
  const c = new TestCluster();
  c.addNode('w1', { addr: '127.0.0.11:4000' });
  c.addNode('w2', { addr: '127.0.0.12:4000' });
  c.createService('api', { replicas: 2, ports: [{ published: 8080 }] });
  c.createService('shop', { replicas: 2, ports: [{ published: 9090 }, { published: 9091 }] });
  c.converge();
  return c;
}

const backendsOf = (c: TestCluster, port: number): string[] => (buildRoutes(c.store).get(port)?.backends ?? []).map((b) => b.taskId);

describe('routing table', () => {
  it("routes every published port to the service's running tasks, on their node's host", () => {
    const c = cluster();
    const routes = buildRoutes(c.store);
    expect([...routes.keys()].sort()).toEqual([8080, 9090, 9091]);
    const api = routes.get(8080)!;
    expect(api.serviceName).toBe('api');
    expect(api.backends.map((b) => b.taskId).sort()).toEqual(
      c
        .live('api')
        .map((t) => t.id)
        .sort(),
    );
    for (const b of api.backends) {
      const t = c.store.getTask(b.taskId)!;
      expect(b).toEqual({ host: c.store.getNode(t.nodeId)!.addr.split(':')[0], port: t.port, taskId: t.id });
    }
  });

  it('takes a task with a health check into rotation only once healthy, and one without once running', () => {
    const c = cluster();
    c.createService('hc', { replicas: 1, ports: [{ published: 7070 }], task: { healthCheck: HEALTH } });
    c.converge(); // running, health not known yet
    const [t] = c.live('hc');
    expect(t!.status.state).toBe('running');
    expect(backendsOf(c, 7070)).toEqual([]);
    c.report(t!, { state: 'running', healthy: true });
    expect(backendsOf(c, 7070)).toEqual([t!.id]);
    c.report(t!, { state: 'running', healthy: false });
    expect(backendsOf(c, 7070)).toEqual([]);
    // Without a health check a running task is in rotation unless reported unhealthy.
    const [a] = c.live('api');
    expect(backendsOf(c, 8080)).toContain(a!.id);
  });

  it('drops a task from rotation as soon as it is desired shut down, before it stops', () => {
    const c = cluster();
    c.updateService('api', { replicas: 1 });
    c.orchestrate(); // one task desired shutdown, still running
    const leaving = c.tasks('api').find((t) => t.desiredState === 'shutdown')!;
    expect(leaving.status.state).toBe('running');
    expect(backendsOf(c, 8080)).not.toContain(leaving.id);
    expect(backendsOf(c, 8080)).toHaveLength(1);
  });

  it('sends only the ports whose routes changed, and the ports that went', () => {
    const c = cluster();
    const table = new RouteTable(c.store);
    const first = table.sync()!;
    expect(first.changed.map((r) => r.published)).toEqual([8080, 9090, 9091]);
    expect(table.sync()).toBeUndefined(); // nothing changed
    c.updateService('shop', { replicas: 3 });
    c.converge();
    const patch = table.sync()!;
    expect(patch.changed.map((r) => r.published)).toEqual([9090, 9091]);
    expect(patch.changed[0]!.backends).toHaveLength(3);
    expect(patch.removed).toEqual([]);
    c.removeService('shop');
    expect(table.sync()).toEqual({ changed: [], removed: [9090, 9091] });
    expect(table.full().map((r) => r.published)).toEqual([8080]);
  });
});
