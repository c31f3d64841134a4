// The orchestrator's rules for replicated services, one test per rule: slots, scaling, the
// restart policy (condition, delay, max attempts, window), drained and dead nodes.

import { describe, expect, it } from 'vitest';
import { planOrchestration } from '../src/leader/orchestrator/orchestration-plan.js';
import { TestCluster } from './test-cluster.js';

function cluster(workers = 3): TestCluster {
  const c = new TestCluster();
  for (let i = 1; i <= workers; i++) c.addNode(`w${i}`);
  return c;
}

const slots = (c: TestCluster, service: string): number[] =>
  c
    .live(service)
    .map((t) => t.slot)
    .sort((a, b) => a - b);

describe('replicated services: slots', () => {
  it('creates one pending task per slot 1..replicas, with no node, the service version and a task name', () => {
    const c = cluster();
    const web = c.createService('web', { replicas: 3 });
    const plan = c.orchestrate();
    expect(plan.commands).toHaveLength(1);
    const tasks = c.tasks('web');
    expect(tasks.map((t) => t.slot).sort()).toEqual([1, 2, 3]);
    for (const t of tasks) {
      expect(t).toMatchObject({ nodeId: '', desiredState: 'running', serviceVersion: web.version, attempt: 0, port: 0 });
      expect(t.status.state).toBe('pending');
      expect(t.name).toBe(`web.${t.slot}.${t.id.slice(0, 6)}`);
      expect(t.spec).toEqual(web.spec.task);
    }
    // Nothing more to do: the plan is a fixpoint.
    expect(planOrchestration(c.store, c.now, { newId: c.newId }).commands).toEqual([]);
  });

  it('scales up by adding the missing slots and down by shutting down the highest slots', () => {
    const c = cluster();
    c.createService('web', { replicas: 2 });
    c.converge();
    c.updateService('web', { replicas: 5 });
    c.converge();
    expect(slots(c, 'web')).toEqual([1, 2, 3, 4, 5]);
    const kept = c
      .live('web')
      .filter((t) => t.slot <= 2)
      .map((t) => t.id);
    c.updateService('web', { replicas: 2 });
    c.orchestrate();
    expect(slots(c, 'web')).toEqual([1, 2]);
    expect(
      c
        .live('web')
        .map((t) => t.id)
        .sort(),
    ).toEqual(kept.sort());
    const stopped = c.tasks('web').filter((t) => t.desiredState === 'shutdown');
    expect(stopped.map((t) => t.slot).sort()).toEqual([3, 4, 5]);
    // Scaling up again refills the slots that were scaled away.
    c.converge();
    c.updateService('web', { replicas: 4 });
    c.converge();
    expect(slots(c, 'web')).toEqual([1, 2, 3, 4]);
  });

  it('scaling to 0 stops everything, including tasks never placed (reported shutdown, as no agent will)', () => {
    const c = new TestCluster(); // no workers: tasks stay pending
    c.createService('web', { replicas: 2 });
    c.orchestrate();
    c.updateService('web', { replicas: 0 });
    c.orchestrate();
    expect(c.tasks('web').map((t) => [t.desiredState, t.status.state])).toEqual([
      ['shutdown', 'shutdown'],
      ['shutdown', 'shutdown'],
    ]);
  });

  it('keeps one of two live tasks in a slot (a duplicate from an uncertain proposal): the one further along', () => {
    const c = cluster();
    const web = c.createService('web', { replicas: 1 });
    c.converge();
    const [running] = c.live('web');
    // A second task for slot 1, as if a proposal that timed out was applied after all.
    c.apply({ type: 'tasks.apply', at: c.at, creates: [{ id: c.newId(), serviceId: web.id, slot: 1 }], updates: [], removes: [] });
    c.orchestrate();
    expect(c.live('web').map((t) => t.id)).toEqual([running?.id]);
  });

  it('stops the tasks of a removed service and never recreates them', () => {
    const c = cluster();
    c.createService('web', { replicas: 2 });
    c.converge();
    c.removeService('web');
    c.converge();
    expect(c.store.tasks().filter((t) => t.desiredState === 'running')).toEqual([]);
    expect(c.store.tasks().every((t) => t.status.state === 'shutdown')).toBe(true);
  });
});

describe('replicated services: the restart policy', () => {
  const failOne = (c: TestCluster, service: string, state: 'failed' | 'complete' = 'failed'): string => {
    const t = c.live(service)[0];
    if (!t) throw new Error('no live task');
    c.report(t, { state, exitCode: state === 'failed' ? 1 : 0 });
    return t.id;
  };

  it('condition any: a task that completes is replaced (attempt + 1); the old one gets desired shutdown', () => {
    const c = cluster();
    c.createService('job', { replicas: 1, task: { restartPolicy: { condition: 'any', delayMs: 0 } } });
    c.converge();
    const old = failOne(c, 'job', 'complete');
    c.orchestrate();
    expect(c.store.getTask(old)?.desiredState).toBe('shutdown');
    const [next] = c.live('job');
    expect(next).toMatchObject({ slot: 1, attempt: 1, nodeId: '' });
    expect(next?.status.state).toBe('pending');
  });

  it('condition on-failure: replaced after failed/rejected/orphaned, not after complete', () => {
    const c = cluster();
    c.createService('job', { replicas: 1, task: { restartPolicy: { condition: 'on-failure', delayMs: 0 } } });
    c.converge();
    failOne(c, 'job', 'failed');
    c.converge();
    expect(c.live('job')).toHaveLength(1);
    c.report(c.live('job')[0]!, { state: 'rejected', message: 'image not found' });
    c.converge();
    expect(c.live('job')).toHaveLength(1);
    const done = failOne(c, 'job', 'complete');
    c.converge();
    expect(c.live('job')).toHaveLength(0);
    expect(c.store.getTask(done)?.desiredState).toBe('shutdown');
    // And it stays done.
    c.advance(60_000);
    c.converge();
    expect(c.live('job')).toHaveLength(0);
  });

  it('condition none: never replaced, until the task spec changes', () => {
    const c = cluster();
    c.createService('job', { replicas: 2, task: { restartPolicy: { condition: 'none', delayMs: 0 } } });
    c.converge();
    failOne(c, 'job', 'failed');
    c.converge();
    expect(slots(c, 'job')).toHaveLength(1);
    c.updateService('job', { task: { command: ['run', '--v2'] } });
    c.converge();
    expect(slots(c, 'job')).toEqual([1, 2]);
  });

  it('delayMs counts from the end: no replacement before, one after, and nextWakeMs says when', () => {
    const c = cluster();
    c.createService('web', { replicas: 1, task: { restartPolicy: { condition: 'any', delayMs: 5_000 } } });
    c.converge();
    const endedAt = c.now;
    const old = failOne(c, 'web');
    c.advance(1_000);
    const plan = c.orchestrate();
    expect(plan.nextWakeMs).toBe(endedAt + 5_000);
    expect(c.live('web')).toHaveLength(0);
    // Still meant to run: the pending restart is remembered in the store.
    expect(c.store.getTask(old)?.desiredState).toBe('running');
    c.advance(3_999);
    expect(c.orchestrate().commands).toEqual([]);
    c.advance(1);
    const due = c.orchestrate();
    expect(due.nextWakeMs).toBeUndefined();
    expect(c.live('web')).toHaveLength(1);
    expect(c.store.getTask(old)?.desiredState).toBe('shutdown');
  });

  it('a leader change during the delay loses nothing: a fresh plan from the store restarts on time', () => {
    const c = cluster();
    c.createService('web', { replicas: 1, task: { restartPolicy: { condition: 'any', delayMs: 2_000 } } });
    c.converge();
    failOne(c, 'web');
    // No orchestration ran while the (old) leader was gone; the new one plans after the delay.
    c.advance(10_000);
    c.orchestrate();
    expect(c.live('web')).toHaveLength(1);
  });

  it('maxAttempts with no window: at most that many restarts over the slot’s life', () => {
    const c = cluster();
    c.createService('web', { replicas: 1, task: { restartPolicy: { condition: 'any', delayMs: 0, maxAttempts: 2, windowMs: 0 } } });
    c.converge();
    for (let i = 0; i < 5; i++) {
      if (c.live('web').length === 0) break;
      failOne(c, 'web');
      c.advance(1_000);
      c.converge();
    }
    const attempts = c
      .tasks('web')
      .map((t) => t.attempt)
      .sort();
    expect(attempts).toEqual([0, 1, 2]);
    expect(c.live('web')).toHaveLength(0);
  });

  it('maxAttempts within a window: restarts again once earlier restarts fall out of the window', () => {
    const c = cluster();
    c.createService('web', { replicas: 1, task: { restartPolicy: { condition: 'any', delayMs: 0, maxAttempts: 2, windowMs: 10_000 } } });
    c.converge();
    failOne(c, 'web'); // restart 1 at t=0
    c.converge();
    c.advance(1_000);
    failOne(c, 'web'); // restart 2 at t=1s
    c.converge();
    c.advance(1_000);
    failOne(c, 'web'); // 2 restarts within 10 s before this end: give up
    c.converge();
    expect(c.live('web')).toHaveLength(0);

    // The same history, but the third failure comes after the window has moved past the first
    // two restarts: it restarts.
    const d = cluster();
    d.createService('web', { replicas: 1, task: { restartPolicy: { condition: 'any', delayMs: 0, maxAttempts: 2, windowMs: 10_000 } } });
    d.converge();
    failOne(d, 'web');
    d.converge();
    d.advance(1_000);
    failOne(d, 'web');
    d.converge();
    d.advance(20_000);
    failOne(d, 'web');
    d.converge();
    expect(d.live('web')).toHaveLength(1);
    expect(d.live('web')[0]?.attempt).toBe(3);
  });

  it('a new task spec starts the attempt count afresh', () => {
    const c = cluster();
    c.createService('web', { replicas: 1, task: { restartPolicy: { condition: 'any', delayMs: 0, maxAttempts: 1 } } });
    c.converge();
    failOne(c, 'web');
    c.converge();
    failOne(c, 'web');
    c.converge();
    expect(c.live('web')).toHaveLength(0);
    c.updateService('web', { task: { env: { V: '2' } } });
    c.converge();
    expect(c.live('web')).toMatchObject([{ attempt: 0 }]);
  });
});

describe('replicated services: nodes that drain, go down or stop matching', () => {
  it('drain: tasks on the drained node get desired shutdown and replacements placed elsewhere', () => {
    const c = cluster(3);
    c.createService('web', { replicas: 6 });
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 2, w2: 2, w3: 2 });
    const onW1 = c.live('web').filter((t) => t.nodeId === c.node('w1').id);
    c.updateNode('w1', { availability: 'drain' });
    c.orchestrate();
    for (const t of onW1) expect(c.store.getTask(t.id)?.desiredState).toBe('shutdown');
    c.converge();
    expect(c.spread('web')).toEqual({ w2: 3, w3: 3 });
    // A move is not a restart: attempts are unchanged.
    expect(c.live('web').every((t) => t.attempt === 0)).toBe(true);
  });

  it('drain moves tasks even when the restart condition is none', () => {
    const c = cluster(2);
    c.createService('web', { replicas: 2, task: { restartPolicy: { condition: 'none', delayMs: 0 } } });
    c.converge();
    c.updateNode('w1', { availability: 'drain' });
    c.converge();
    expect(c.spread('web')).toEqual({ w2: 2 });
  });

  it('pause: tasks keep running, nothing new is placed there', () => {
    const c = cluster(2);
    c.createService('web', { replicas: 2 });
    c.converge();
    c.updateNode('w1', { availability: 'pause' });
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 1, w2: 1 });
    c.updateService('web', { replicas: 4 });
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 1, w2: 3 });
  });

  it('node down: its tasks are reported orphaned ("node X is down"), get desired shutdown, and are replaced on the others', () => {
    const c = cluster(3);
    c.createService('web', { replicas: 6, task: { restartPolicy: { condition: 'any', delayMs: 0 } } });
    c.converge();
    const onW3 = c.live('web').filter((t) => t.nodeId === c.node('w3').id);
    c.nodeDown('w3');
    c.orchestrate();
    for (const t of onW3) {
      const now = c.store.getTask(t.id);
      expect(now?.status).toMatchObject({ state: 'orphaned', message: 'node w3 is down' });
      expect(now?.desiredState).toBe('shutdown');
    }
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 3, w2: 3 });
    expect(c.live('web').filter((t) => t.attempt === 1)).toHaveLength(2);
  });

  it('node down with a restart delay: orphaned at once, replaced after the delay', () => {
    const c = cluster(2);
    c.createService('web', { replicas: 2, task: { restartPolicy: { condition: 'on-failure', delayMs: 1_000 } } });
    c.converge();
    c.nodeDown('w2');
    const plan = c.orchestrate();
    expect(plan.nextWakeMs).toBe(c.now + 1_000);
    expect(c.tasks('web').filter((t) => t.status.state === 'orphaned')).toHaveLength(1);
    expect(c.live('web')).toHaveLength(1);
    c.advance(1_000);
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 2 });
  });

  it('node removed: its tasks are orphaned and replaced', () => {
    const c = cluster(2);
    c.createService('web', { replicas: 2, task: { restartPolicy: { condition: 'any', delayMs: 0 } } });
    c.converge();
    c.apply({ type: 'node.remove', at: c.at, id: c.node('w2').id });
    c.converge();
    expect(c.spread('web')).toEqual({ w1: 2 });
    expect(c.tasks('web').some((t) => t.status.state === 'orphaned' && t.status.message.includes('was removed'))).toBe(true);
  });

  it('a node that no longer satisfies the constraints loses its tasks to nodes that do', () => {
    const c = new TestCluster();
    c.addNode('w1', { labels: { zone: 'a' } });
    c.addNode('w2', { labels: { zone: 'a' } });
    c.createService('web', { replicas: 2, task: { placement: { constraints: ['node.labels.zone==a'] } } });
    c.converge();
    c.updateNode('w1', { addLabels: { zone: 'b' } });
    c.converge();
    expect(c.spread('web')).toEqual({ w2: 2 });
  });
});
