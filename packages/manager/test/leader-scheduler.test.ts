// The scheduler: filters, spread, reasons for what cannot be placed, ports — and speed.

import { describe, expect, it } from 'vitest';
import { planOrchestration } from '../src/leader/orchestrator/orchestration-plan.js';
import { planScheduling } from '../src/leader/scheduler/scheduling-plan.js';
import { CPU, GIB, TestCluster } from './test-cluster.js';

describe('scheduler: filters and reasons', () => {
  it('a constraint no node satisfies leaves the task pending with the reason; a matching node takes it when it joins', () => {
    const c = new TestCluster();
    c.addNode('w1', { labels: { zone: 'a' } });
    c.createService('web', { replicas: 1, task: { placement: { constraints: ['node.labels.zone==b'] } } });
    c.orchestrate();
    const plan = c.schedule();
    expect(plan.unplaceable).toEqual([{ taskId: c.tasks('web')[0]?.id, reason: 'no node satisfies node.labels.zone==b' }]);
    expect(c.tasks('web')[0]?.status).toMatchObject({ state: 'pending', message: 'no node satisfies node.labels.zone==b' });
    // The reason is written once, not on every plan.
    expect(planScheduling(c.store, c.now).commands).toEqual([]);
    c.addNode('w2', { labels: { zone: 'b' } });
    expect(c.schedule().placed).toEqual([{ taskId: c.tasks('web')[0]?.id, nodeId: c.node('w2').id, port: 20_000 }]);
    expect(c.tasks('web')[0]?.status.state).toBe('assigned');
  });

  it('insufficient memory (or CPU) on every node', () => {
    const c = new TestCluster();
    for (const n of ['w1', 'w2', 'w3']) c.addNode(n, { resources: { nanoCpus: 4 * CPU, memoryBytes: 1 * GIB } });
    c.createService('big', { replicas: 1, task: { resources: { reservations: { nanoCpus: 0, memoryBytes: 2 * GIB } } } });
    c.createService('hungry', { replicas: 1, task: { resources: { reservations: { nanoCpus: 8 * CPU, memoryBytes: 0 } } } });
    c.orchestrate();
    const plan = c.schedule();
    const reasons = Object.fromEntries(plan.unplaceable.map((u) => [c.store.getTask(u.taskId)?.serviceName, u.reason]));
    expect(reasons).toEqual({ big: 'insufficient memory on all 3 nodes', hungry: 'insufficient CPU on all 3 nodes' });
  });

  it('reservations add up: a node takes only what fits, the rest waits', () => {
    const c = new TestCluster();
    c.addNode('w1', { resources: { nanoCpus: 2 * CPU, memoryBytes: 8 * GIB } });
    c.createService('web', { replicas: 3, task: { resources: { reservations: { nanoCpus: CPU, memoryBytes: 0 } } } });
    c.orchestrate();
    const plan = c.schedule();
    expect(plan.placed).toHaveLength(2);
    expect(plan.unplaceable.map((u) => u.reason)).toEqual(['insufficient CPU on 1 node']);
  });

  it('no node is ready and active; no node runs the runtime', () => {
    const c = new TestCluster();
    c.addNode('w1', { status: { state: 'down', message: '' } });
    c.createService('web', { replicas: 1 });
    c.orchestrate();
    expect(c.schedule().unplaceable[0]?.reason).toBe('no node is ready and active');
    c.nodeReady('w1');
    c.createService('dock', { replicas: 1, task: { runtime: 'docker', image: 'nginx', command: [] } });
    c.orchestrate();
    const plan = c.schedule();
    expect(plan.unplaceable.map((u) => u.reason)).toEqual(['no node runs the docker runtime']);
  });

  it('a node whose agent has not reported a runtime yet (e.g. a manager without an agent) takes nothing', () => {
    const c = new TestCluster();
    c.addNode('w1', { runtime: '' });
    c.createService('web', { replicas: 1 });
    c.orchestrate();
    expect(c.schedule().unplaceable[0]?.reason).toBe('no ready and active node runs an agent yet');
    c.updateNode('w1', { runtime: 'process' });
    expect(c.schedule().placed).toHaveLength(1);
  });

  it('maxReplicasPerNode', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.addNode('w2');
    c.createService('web', { replicas: 5, task: { placement: { maxReplicasPerNode: 2 } } });
    c.orchestrate();
    const plan = c.schedule();
    expect(plan.placed).toHaveLength(4);
    expect(plan.unplaceable.map((u) => u.reason)).toEqual(['max replicas per node (2) reached on all nodes']);
    expect(c.spread('web')).toEqual({ w1: 2, w2: 2, '': 1 });
  });
});

describe('scheduler: spread', () => {
  it('6 replicas over 3 nodes → 2/2/2', () => {
    const c = new TestCluster();
    for (const n of ['w1', 'w2', 'w3']) c.addNode(n);
    c.createService('web', { replicas: 6 });
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 2, w2: 2, w3: 2 });
  });

  it('a spread preference balances over label values first (2 nodes in zone a, 1 in zone b → 3 and 3)', () => {
    const c = new TestCluster();
    c.addNode('a1', { labels: { zone: 'a' } });
    c.addNode('a2', { labels: { zone: 'a' } });
    c.addNode('b1', { labels: { zone: 'b' } });
    c.createService('web', { replicas: 6, task: { placement: { preferences: [{ spread: 'node.labels.zone' }] } } });
    c.converge();
    expect(c.spread('web')).toEqual({ a1: 2, a2: 1, b1: 3 });
  });

  it('prefers the node with the fewest tasks in all when the service is even (a returning node takes new work first)', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.addNode('w2');
    c.createService('other', { replicas: 3, task: { placement: { constraints: ['node.hostname==w1.local'] } } });
    c.converge();
    c.createService('web', { replicas: 1 });
    c.converge();
    expect(c.spread('web')).toEqual({ w2: 1 });
  });

  it('every task gets a port unique among the live tasks on its node, lowest free first', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 3 });
    c.converge();
    expect(
      c
        .live('web')
        .map((t) => t.port)
        .sort(),
    ).toEqual([20_000, 20_001, 20_002]);
    // A stopped task's port is free again.
    const stopped = c.live('web').find((t) => t.port === 20_001);
    c.report(stopped!, { state: 'failed', exitCode: 1 });
    c.advance(1_000); // the default restart delay
    c.converge();
    expect(
      c
        .live('web')
        .map((t) => t.port)
        .sort(),
    ).toEqual([20_000, 20_001, 20_002]);
  });

  it('a task being shut down keeps its port until its runtime reports it ended, however long its stop takes', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 1 });
    c.converge();
    const [old] = c.live('web');
    expect(old?.port).toBe(20_000);
    // The old task is told to stop (moved, replaced); its container ignores SIGTERM and runs
    // on through its grace period: observed running, desired shutdown.
    c.apply({
      type: 'tasks.apply',
      at: new Date(c.now).toISOString(),
      creates: [],
      updates: [{ id: old!.id, patch: { desiredState: 'shutdown' } }],
      removes: [],
    });
    c.orchestrate();
    const plan = c.schedule();
    expect(c.store.getTask(old!.id)).toMatchObject({ desiredState: 'shutdown', status: { state: 'running' }, port: 20_000 });
    expect(plan.placed).toEqual([{ taskId: expect.any(String), nodeId: c.node('w1').id, port: 20_001 }]);

    // Reported stopped: the port is free for the next task placed there.
    c.report(old!, { state: 'shutdown' });
    c.updateService('web', { replicas: 2 });
    c.orchestrate();
    expect(c.schedule().placed).toEqual([{ taskId: expect.any(String), nodeId: c.node('w1').id, port: 20_000 }]);
  });

  it('a port held by a task that is still starting or preparing is not given out either', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 1 });
    c.orchestrate();
    c.schedule();
    const [first] = c.live('web');
    c.report(first!, { state: 'preparing', message: 'waiting for port 20000 held by task web.1.x to stop' });
    c.apply({
      type: 'tasks.apply',
      at: new Date(c.now).toISOString(),
      creates: [],
      updates: [{ id: first!.id, patch: { desiredState: 'shutdown' } }],
      removes: [],
    });
    c.orchestrate();
    expect(c.schedule().placed.map((p) => p.port)).toEqual([20_001]);
  });

  it('a port range that is used up is a reason too', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('web', { replicas: 3 });
    c.orchestrate();
    const plan = planScheduling(c.store, c.now, { portRange: { first: 30_000, last: 30_001 } });
    expect(plan.placed).toHaveLength(2);
    expect(plan.unplaceable.map((u) => u.reason)).toEqual(['no free host port (30000-30001) on 1 node']);
  });
});

describe('scheduler: a large deployment', () => {
  // How long this takes is measured by `npm run bench -- schedule`, not asserted here.
  it('places 2,000 pending tasks onto 50 nodes in one pass, evenly; a converged cluster plans nothing', () => {
    const c = new TestCluster();
    for (let i = 0; i < 50; i++) c.addNode(`n${String(i).padStart(2, '0')}`, { labels: { zone: `z${i % 5}` } });
    c.createService('a', { replicas: 1_000, task: { resources: { reservations: { nanoCpus: CPU / 100, memoryBytes: 1 << 20 } } } });
    c.createService('b', { replicas: 1_000, task: { placement: { preferences: [{ spread: 'node.labels.zone' }] } } });
    c.orchestrate();
    const plan = planScheduling(c.store, c.now);
    expect(plan.placed).toHaveLength(2_000);
    for (const cmd of plan.commands) c.apply(cmd);
    const counts = Object.values(c.spread());
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    c.runAgents();
    expect(planOrchestration(c.store, c.now).commands).toEqual([]);
    expect(planScheduling(c.store, c.now).commands).toEqual([]);
  });
});
