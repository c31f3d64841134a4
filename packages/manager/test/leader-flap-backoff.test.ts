// A node back after flapping gets no new tasks until its back-off ends (node-monitor.ts sets
// status.noWorkUntil; the scheduler respects it and plans again when it ends).

import { describe, expect, it } from 'vitest';
import { planScheduling } from '../src/leader/scheduler/scheduling-plan.js';
import { TestCluster } from './test-cluster.js';

describe('scheduler: the flap back-off', () => {
  it('pending tasks go to the other nodes while one rests', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.addNode('w2');
    c.updateNode('w1', { status: { state: 'ready', message: '', noWorkUntil: new Date(c.now + 10_000).toISOString() } });
    c.createService('web', { replicas: 4 });
    c.orchestrate();
    const plan = c.schedule();
    expect(plan.placed.map((p) => c.store.getNode(p.nodeId)?.name)).toEqual(['w2', 'w2', 'w2', 'w2']);
    expect(plan.nextWakeMs).toBeUndefined(); // nothing left waiting
  });

  it('with every node resting the tasks wait, saying why, and the scheduler wakes when the back-off ends', () => {
    const c = new TestCluster();
    c.addNode('w1');
    const until = c.now + 10_000;
    c.updateNode('w1', { status: { state: 'ready', message: '', noWorkUntil: new Date(until).toISOString() } });
    c.createService('web', { replicas: 1 });
    c.orchestrate();
    const plan = c.schedule();
    expect(plan.placed).toEqual([]);
    expect(plan.unplaceable[0]?.reason).toBe('no node is ready and active; w1 flapped and takes no new tasks for now');
    expect(plan.nextWakeMs).toBe(until);
    c.advance(10_000);
    expect(planScheduling(c.store, c.now).placed.map((p) => c.store.getNode(p.nodeId)?.name)).toEqual(['w1']);
  });
});
