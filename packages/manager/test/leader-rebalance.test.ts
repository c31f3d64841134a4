// Rebalancing a replicated service after a node comes back: as few moves as possible, until
// counts differ by at most one.

import { describe, expect, it } from 'vitest';
import { planRebalance, planRebalanceMoves } from '../src/leader/rebalance/rebalance-plan.js';
import { TestCluster } from './test-cluster.js';

function afterOutage(): TestCluster {
  const c = new TestCluster();
  for (const n of ['w1', 'w2', 'w3']) c.addNode(n);
  c.createService('web', { replicas: 6, task: { restartPolicy: { condition: 'any', delayMs: 0 } } });
  c.converge();
  c.nodeDown('w3');
  c.converge();
  c.nodeReady('w3');
  c.converge();
  return c;
}

describe('planRebalance', () => {
  it('after a node comes back, moves 2 tasks onto it: 3/3/0 → 2/2/2', () => {
    const c = afterOutage();
    // The returning node got nothing: replacements were made while it was down.
    expect(c.spread('web')).toEqual({ w1: 3, w2: 3 });
    const plan = planRebalanceMoves(c.store, c.service('web').id, c.now, { newId: c.newId });
    expect(plan.moves).toHaveLength(2);
    expect(new Set(plan.moves.map((m) => m.fromNodeId))).toEqual(new Set([c.node('w1').id, c.node('w2').id]));
    for (const cmd of plan.commands) c.apply(cmd);
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 2, w2: 2, w3: 2 });
    // Balanced now: nothing more to move.
    expect(planRebalance(c.store, c.service('web').id, c.now)).toBeUndefined();
  });

  it('moves as few tasks as possible: 5/2/0 → 3/2/2 takes 2 moves, both off the loaded node', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 5 });
    c.converge();
    c.addNode('w2');
    c.updateService('web', { replicas: 7 }); // the 2 new tasks go to the emptier node
    c.converge();
    c.addNode('w3');
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 5, w2: 2 });
    const plan = planRebalanceMoves(c.store, c.service('web').id, c.now, { newId: c.newId });
    expect(plan.moves.map((m) => m.fromNodeId)).toEqual([c.node('w1').id, c.node('w1').id]);
    for (const cmd of plan.commands) c.apply(cmd);
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 3, w2: 2, w3: 2 });
  });

  it('respects maxReplicasPerNode and resources on the receiving nodes', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 4 });
    c.converge();
    c.addNode('w2', { resources: { nanoCpus: 1_000_000_000, memoryBytes: 1 << 30 } });
    c.updateService('web', { task: { resources: { reservations: { nanoCpus: 0, memoryBytes: 600 << 20 } } } });
    // The running tasks keep their old spec; the node has room for one task reserving 600 MiB.
    const plan = planRebalanceMoves(c.store, c.service('web').id, c.now, { newId: c.newId });
    expect(plan.moves).toHaveLength(1);
  });

  it('does nothing while tasks are pending, or for a balanced or global service', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 2 });
    c.orchestrate();
    expect(planRebalanceMoves(c.store, c.service('web').id, c.now).reason).toContain('waiting for a node');
    c.converge();
    expect(planRebalanceMoves(c.store, c.service('web').id, c.now).reason).toContain('fewer than two eligible nodes');
    c.addNode('w2');
    c.createService('agent', { mode: 'global' });
    expect(planRebalanceMoves(c.store, c.service('agent').id, c.now).reason).toContain('global');
  });
});
