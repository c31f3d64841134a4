// The task reaper: the last 5 finished tasks per slot stay, older ones go; a removed service's
// tasks go once stopped; a task waiting for its restart never goes.

import { describe, expect, it } from 'vitest';
import type { ClusterObject, StoreEvent } from '@shoal/store';
import { reaperWants } from '../src/leader/reaper/reaper-loop.js';
import { planReaping } from '../src/leader/reaper/reaping-plan.js';
import { TestCluster } from './test-cluster.js';

function crashLoop(c: TestCluster, service: string, times: number): void {
  for (let i = 0; i < times; i++) {
    const [t] = c.live(service);
    if (!t) throw new Error('no live task');
    c.report(t, { state: 'failed', exitCode: 1 });
    c.advance(1_000);
    c.converge();
  }
}

describe('planReaping', () => {
  it('keeps the last 5 finished tasks of a slot and removes older ones', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 2 });
    c.converge();
    crashLoop(c, 'web', 8); // slot of the first live task (sorted by name) fails over and over
    const finished = c.tasks('web').filter((t) => t.desiredState === 'shutdown');
    expect(finished).toHaveLength(8);
    const plan = planReaping(c.store, c.now);
    expect(plan.removed).toHaveLength(3);
    const oldest = [...finished]
      .sort((a, b) => a.attempt - b.attempt)
      .slice(0, 3)
      .map((t) => t.id);
    expect(plan.removed.sort()).toEqual(oldest.sort());
    for (const cmd of plan.commands) c.apply(cmd);
    expect(c.tasks('web')).toHaveLength(2 + 5);
    expect(planReaping(c.store, c.now).commands).toEqual([]);
  });

  it('keeps more when the restart policy counts attempts within a window', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 1, task: { restartPolicy: { condition: 'any', delayMs: 0, maxAttempts: 9, windowMs: 60_000 } } });
    c.converge();
    crashLoop(c, 'web', 8);
    expect(planReaping(c.store, c.now).removed).toEqual([]);
  });

  it('removes every task of a removed service once stopped, and only then', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 2 });
    c.converge();
    c.removeService('web');
    // Desired shutdown, still running: not yet.
    expect(planReaping(c.store, c.now).removed).toEqual([]);
    c.runAgents();
    const plan = planReaping(c.store, c.now);
    expect(plan.removed).toHaveLength(2);
    for (const cmd of plan.commands) c.apply(cmd);
    expect(c.store.tasks()).toEqual([]);
  });

  it('never removes a task that ended while meant to run (its restart is pending)', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 1, task: { restartPolicy: { condition: 'any', delayMs: 60_000 } } });
    c.converge();
    c.report(c.live('web')[0]!, { state: 'failed' });
    expect(planReaping(c.store, c.now, { keepPerSlot: 0 }).removed).toEqual([]);
  });

  it("keeps as many as the cluster's task history limit says", () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 1 });
    c.converge();
    crashLoop(c, 'web', 8);
    const finished = () => c.tasks('web').filter((t) => t.desiredState === 'shutdown');
    c.apply({ type: 'cluster.updateSettings', at: new Date(c.now).toISOString(), patch: { taskHistoryLimit: 2 } });
    const plan = planReaping(c.store, c.now);
    expect(plan.removed).toHaveLength(6);
    for (const cmd of plan.commands) c.apply(cmd);
    // The two newest stay.
    expect(
      finished()
        .map((t) => t.attempt)
        .sort(),
    ).toEqual([6, 7]);

    c.apply({ type: 'cluster.updateSettings', at: new Date(c.now).toISOString(), patch: { taskHistoryLimit: 0 } });
    for (const cmd of planReaping(c.store, c.now).commands) c.apply(cmd);
    expect(finished()).toEqual([]);
    expect(c.live('web')).toHaveLength(1);
  });

  it('keeps the history of a global service per node', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.addNode('w2');
    c.createService('agent', { mode: 'global' });
    c.converge();
    c.apply({ type: 'cluster.updateSettings', at: new Date(c.now).toISOString(), patch: { taskHistoryLimit: 1 } });
    for (let i = 0; i < 3; i++) {
      for (const t of c.live('agent')) c.report(t, { state: 'failed', exitCode: 1 });
      c.advance(1_000);
      c.converge();
    }
    for (const cmd of planReaping(c.store, c.now).commands) c.apply(cmd);
    const ended = c.tasks('agent').filter((t) => t.desiredState === 'shutdown');
    expect(ended.map((t) => c.store.getNode(t.nodeId)?.name).sort()).toEqual(['w1', 'w2']);
  });
});

describe('reaperWants', () => {
  const cluster = (c: TestCluster, taskHistoryLimit: number): ClusterObject => {
    const current = c.store.cluster();
    return { ...current, settings: { ...current.settings, taskHistoryLimit } };
  };

  it('plans again when the task history limit changes, not for other settings', () => {
    const c = new TestCluster();
    const changed: StoreEvent = { kind: 'cluster', action: 'update', object: cluster(c, 2), previous: cluster(c, 5), index: 2 };
    expect(reaperWants(changed)).toBe(true);
    const other: StoreEvent = { kind: 'cluster', action: 'update', object: cluster(c, 5), previous: cluster(c, 5), index: 2 };
    expect(reaperWants(other)).toBe(false);
  });
});
