// Global services: one task per eligible node, created with the node (and a port) assigned.

import { describe, expect, it } from 'vitest';
import { TestCluster } from './test-cluster.js';

function globalCluster(): TestCluster {
  const c = new TestCluster();
  c.addNode('w1');
  c.addNode('w2');
  c.createService('agent', { mode: 'global', task: { restartPolicy: { condition: 'any', delayMs: 0 } } });
  return c;
}

describe('global services', () => {
  it('creates one task per eligible node, already assigned (state assigned, slot 0, a port)', () => {
    const c = globalCluster();
    c.orchestrate();
    const tasks = c.tasks('agent');
    expect(tasks).toHaveLength(2);
    for (const t of tasks) {
      expect(t.slot).toBe(0);
      expect(t.status.state).toBe('assigned');
      expect(t.port).toBe(20_000);
      expect(t.name).toBe(`agent.${t.nodeId.slice(0, 6)}.${t.id.slice(0, 6)}`);
    }
    expect(c.spread('agent')).toEqual({ w1: 1, w2: 1 });
    // The scheduler has nothing to do for them.
    expect(c.schedule().placed).toEqual([]);
  });

  it('a node that joins gets its task', () => {
    const c = globalCluster();
    c.converge();
    c.addNode('w3');
    c.converge();
    expect(c.spread('agent')).toEqual({ w1: 1, w2: 1, w3: 1 });
  });

  it('only nodes that satisfy the constraints and run the runtime', () => {
    const c = new TestCluster();
    c.addNode('w1', { labels: { gpu: 'yes' } });
    c.addNode('w2');
    c.addNode('w3', { labels: { gpu: 'yes' }, runtime: 'docker' });
    c.createService('agent', { mode: 'global', task: { runtime: 'process', placement: { constraints: ['node.labels.gpu==yes'] } } });
    c.converge();
    expect(c.spread('agent')).toEqual({ w1: 1 });
  });

  it('drain shuts the node’s task down (no replacement); active again → a new task', () => {
    const c = globalCluster();
    c.converge();
    c.updateNode('w1', { availability: 'drain' });
    c.converge();
    expect(c.spread('agent')).toEqual({ w2: 1 });
    c.updateNode('w1', { availability: 'active' });
    c.converge();
    expect(c.spread('agent')).toEqual({ w1: 1, w2: 1 });
  });

  it('pause keeps the running task; a paused node that had none gets none', () => {
    const c = globalCluster();
    c.converge();
    c.updateNode('w1', { availability: 'pause' });
    c.addNode('w3', { availability: 'pause' });
    c.converge();
    expect(c.spread('agent')).toEqual({ w1: 1, w2: 1 });
  });

  it('node down: the task is orphaned and shut down; back up → a new task', () => {
    const c = globalCluster();
    c.converge();
    const [onW2] = c.live('agent').filter((t) => t.nodeId === c.node('w2').id);
    c.nodeDown('w2');
    c.converge();
    expect(c.store.getTask(onW2!.id)).toMatchObject({ desiredState: 'shutdown', status: { state: 'orphaned', message: 'node w2 is down' } });
    expect(c.spread('agent')).toEqual({ w1: 1 });
    c.nodeReady('w2');
    c.converge();
    expect(c.spread('agent')).toEqual({ w1: 1, w2: 1 });
  });

  it('a failed task is restarted on its node per the restart policy', () => {
    const c = globalCluster();
    c.converge();
    const [t] = c.live('agent');
    c.report(t!, { state: 'failed', exitCode: 2 });
    c.converge();
    const again = c.live('agent').filter((x) => x.nodeId === t!.nodeId);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ attempt: 1 });
    expect(again[0]?.id).not.toBe(t!.id);
  });

  it('a global task gets a port no other task on its node holds', () => {
    const c = globalCluster();
    c.createService('web', { replicas: 2, task: { placement: { constraints: ['node.hostname==w1.local'] } } });
    c.converge();
    const onW1 = c.live().filter((t) => t.nodeId === c.node('w1').id);
    expect(onW1).toHaveLength(3);
    expect(new Set(onW1.map((t) => t.port)).size).toBe(3);
  });
});
