// The updater's rules, one test per rule, against a real ClusterStore: stop-first and
// start-first, parallelism, the delay (moved clock), the monitor period, the failure ratio and
// each failure action, canaries with continue and rollback, and a planner run on a store
// mid-update (a new leader) that touches no slot already updated.

import { describe, expect, it } from 'vitest';
import { ClusterStore, normalizeServiceSpec, type ServiceSpecInput, type TaskObject, type UpdateConfig } from '@shoal/store';
import { planUpdates, updateProgress, type UpdatePlan } from '../src/leader/updater/update-plan.js';
import { isLive } from '../src/leader/task-lifecycle.js';
import { TestCluster } from './test-cluster.js';

const MONITOR = 1_000;

function cluster(replicas: number, update: Partial<UpdateConfig> = {}, task: ServiceSpecInput['task'] = {}): TestCluster {
  const c = new TestCluster();
  for (let i = 1; i <= 3; i++) c.addNode(`w${i}`);
  c.createService('web', { replicas, task: { command: ['v1'], ...task }, update: { monitorMs: MONITOR, ...update }, rollback: { monitorMs: MONITOR } });
  c.converge();
  return c;
}

/** One updater step as its loop takes it: the plan's first command, applied. */
function step(c: TestCluster): UpdatePlan {
  const plan = planUpdates(c.store, c.now, { newId: c.newId });
  const [cmd] = plan.commands;
  if (cmd) c.apply(cmd);
  return plan;
}

/** Updater, orchestrator, scheduler and agents until nothing changes (time stands still). */
function settle(c: TestCluster): void {
  for (let round = 0; round < 100; round++) {
    const before = c.index;
    step(c);
    c.converge();
    if (c.index === before) return;
  }
  throw new Error(`no fixpoint:\n${c.describe()}`);
}

/** Settles, moving time on by the monitor period until the update is no longer in progress. */
function finish(c: TestCluster, maxRounds = 50): void {
  for (let i = 0; i < maxRounds; i++) {
    settle(c);
    const s = c.service('web').updateStatus?.state;
    if (s !== 'updating' && s !== 'rollback_started') return;
    c.advance(MONITOR);
  }
  throw new Error(`the update did not end:\n${c.describe()}`);
}

function update(c: TestCluster, input: ServiceSpecInput, canary?: number): void {
  const s = c.service('web');
  c.apply({ type: 'service.update', at: c.at, id: s.id, spec: normalizeServiceSpec(input, s.spec), ...(canary ? { canary } : {}) });
}

const runs = (t: TaskObject): string => t.spec.command.join(' ');
const liveBySlot = (c: TestCluster): Record<number, string> => Object.fromEntries(c.live('web').map((t) => [t.slot, runs(t)]));
const newTasks = (c: TestCluster, command: string): TaskObject[] => c.tasks('web').filter((t) => runs(t) === command);

describe('updater: order', () => {
  it('stop-first stops the old task and creates the new one in the same batch (a move: attempt 0), one slot at a time', () => {
    const c = cluster(3);
    update(c, { task: { command: ['v2'] } });
    const plan = step(c);
    expect(plan.commands).toHaveLength(1);
    const cmd = plan.commands[0]!;
    expect(cmd).toMatchObject({ type: 'tasks.apply', creates: [{ slot: 1, attempt: 0 }], updates: [{ patch: { desiredState: 'shutdown' } }] });
    expect(liveBySlot(c)).toEqual({ 1: 'v2', 2: 'v1', 3: 'v1' });
    finish(c);
    expect(c.service('web').updateStatus).toMatchObject({ state: 'completed', message: 'update completed', completedAt: c.at });
    expect(liveBySlot(c)).toEqual({ 1: 'v2', 2: 'v2', 3: 'v2' });
    // Each slot got exactly one task on the new spec, made by the updater.
    expect(
      newTasks(c, 'v2')
        .map((t) => t.slot)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(newTasks(c, 'v2').every((t) => t.attempt === 0 && t.specVersion === c.service('web').specVersion)).toBe(true);
  });

  it('start-first keeps the old task until the new one runs and is healthy (the orchestrator keeps both), then stops it', () => {
    const hc = { test: { kind: 'http' as const, path: '/', port: 0 }, intervalMs: 100 };
    const c = cluster(2, { order: 'start-first' }, { healthCheck: hc });
    for (const t of c.live('web')) c.report(t, { state: 'running', healthy: true });
    update(c, { task: { command: ['v2'] } });
    step(c);
    c.converge(); // the new task is placed and runs, not healthy yet; the orchestrator does not stop either
    expect(
      c
        .live('web')
        .filter((t) => t.slot === 1)
        .map(runs)
        .sort(),
    ).toEqual(['v1', 'v2']);
    expect(planUpdates(c.store, c.now, { newId: c.newId }).commands).toEqual([]);
    const fresh = c.live('web').find((t) => t.slot === 1 && runs(t) === 'v2')!;
    c.report(fresh, { state: 'running', healthy: true });
    const plan = step(c);
    const old = c.tasks('web').find((t) => t.slot === 1 && runs(t) === 'v1')!;
    expect(old.desiredState).toBe('shutdown');
    // Slot 2 starts in the same step: slot 1 no longer holds the parallelism.
    expect(plan.commands[0]).toMatchObject({ creates: [{ slot: 2 }] });
  });
});

describe('updater: pacing', () => {
  it('parallelism N starts N slots at a time; 0 starts them all', () => {
    const c = cluster(5, { parallelism: 2 });
    update(c, { task: { command: ['v2'] } });
    step(c);
    expect(Object.values(liveBySlot(c)).filter((v) => v === 'v2')).toHaveLength(2);
    const all = cluster(5, { parallelism: 0 });
    update(all, { task: { command: ['v2'] } });
    step(all);
    expect(Object.values(liveBySlot(all))).toEqual(['v2', 'v2', 'v2', 'v2', 'v2']);
  });

  it('waits the delay after the last slot became ready before starting the next (and says when to wake)', () => {
    const c = cluster(2, { delayMs: 10_000 });
    update(c, { task: { command: ['v2'] } });
    step(c);
    c.converge();
    const plan = step(c);
    expect(plan.commands).toEqual([]);
    expect(plan.nextWakeMs).toBe(c.now + MONITOR); // the monitor period ends first
    c.advance(MONITOR);
    expect(step(c).nextWakeMs).toBe(c.now - MONITOR + 10_000);
    c.advance(9_999 - MONITOR);
    expect(step(c).commands).toEqual([]);
    c.advance(1);
    expect(step(c).commands[0]).toMatchObject({ creates: [{ slot: 2 }] });
  });

  it('completes only once every new task has run for the monitor period; progress counts updated slots', () => {
    const c = cluster(2, { parallelism: 0 });
    update(c, { task: { command: ['v2'] } });
    settle(c);
    expect(c.service('web').updateStatus?.state).toBe('updating');
    expect(updateProgress(c.service('web'), c.tasks('web'), c.now)).toEqual({ updated: 0, total: 2, failed: 0 });
    const plan = planUpdates(c.store, c.now, { newId: c.newId });
    expect(plan.nextWakeMs).toBe(c.now + MONITOR);
    c.advance(MONITOR);
    expect(updateProgress(c.service('web'), c.tasks('web'), c.now)).toEqual({ updated: 2, total: 2, failed: 0 });
    settle(c);
    expect(c.service('web').updateStatus?.state).toBe('completed');
  });

  it('a scale-only change starts no update', () => {
    const c = cluster(2);
    const s = c.service('web');
    c.apply({ type: 'service.update', at: c.at, id: s.id, spec: { ...s.spec, replicas: 4 }, keepPrevious: true });
    expect(c.service('web').updateStatus).toBeNull();
    expect(planUpdates(c.store, c.now, { newId: c.newId }).commands).toEqual([]);
  });
});

/** The live task of `slot` on the new spec fails at once (as a command that exits would). */
function failNew(c: TestCluster, slot: number): void {
  const t = c.live('web').find((x) => x.slot === slot && runs(x) !== 'v1')!;
  c.report(t, { state: 'failed', error: 'exit status 1', exitCode: 1 });
}

describe('updater: failures', () => {
  it('a new task failing within its monitor period pauses the update (failure action pause) and says which and why', () => {
    const c = cluster(3);
    update(c, { task: { command: ['v2'] } });
    step(c);
    c.converge();
    failNew(c, 1);
    step(c);
    const status = c.service('web').updateStatus!;
    expect(status.state).toBe('paused');
    expect(status.message).toMatch(/^update paused: task web\.1\.\w+ failed: exit status 1 \(1 of 1 updated task failed, more than the max failure ratio 0\)$/);
    // Paused: nothing more is started.
    c.converge();
    expect(planUpdates(c.store, c.now, { newId: c.newId }).commands).toEqual([]);
    expect(liveBySlot(c)).toMatchObject({ 2: 'v1', 3: 'v1' });
  });

  it('a failure after the monitor period is not counted', () => {
    const c = cluster(2);
    update(c, { task: { command: ['v2'] } });
    step(c);
    c.converge();
    c.advance(MONITOR);
    failNew(c, 1);
    step(c);
    expect(c.service('web').updateStatus?.state).toBe('updating');
  });

  it('failures within the max failure ratio go on; failure action continue ignores them', () => {
    const c = cluster(4, { parallelism: 0, maxFailureRatio: 0.5 });
    update(c, { task: { command: ['v2'] } });
    step(c);
    c.converge();
    failNew(c, 1);
    failNew(c, 2);
    step(c);
    expect(c.service('web').updateStatus?.state).toBe('updating'); // 2 of 4 is not more than 0.5
    const k = cluster(2, { failureAction: 'continue' });
    update(k, { task: { command: ['v2'] } });
    step(k);
    k.converge();
    failNew(k, 1);
    k.converge();
    finish(k);
    expect(k.service('web').updateStatus?.state).toBe('completed');
  });

  it('failure action rollback returns to the previous spec by itself, with the rollback config, and says why', () => {
    const c = cluster(3, { failureAction: 'rollback' });
    update(c, { task: { command: ['v2'] } });
    step(c);
    c.converge();
    failNew(c, 1);
    step(c);
    const s = c.service('web');
    expect(s.spec.task.command).toEqual(['v1']);
    expect(s.updateStatus).toMatchObject({
      state: 'rollback_started',
      message: expect.stringMatching(/^update rolled back: task web\.1\.\w+ failed: exit status 1/),
    });
    finish(c);
    expect(c.service('web').updateStatus).toMatchObject({ state: 'rollback_completed', message: expect.stringContaining('rollback completed') });
    expect(liveBySlot(c)).toEqual({ 1: 'v1', 2: 'v1', 3: 'v1' });
  });
});

describe('updater: canary', () => {
  it('canary 2 of 6 updates two slots and holds; continue finishes the rest', () => {
    const c = cluster(6, { parallelism: 0 });
    update(c, { task: { command: ['v2'] } }, 2);
    finish(c);
    const s = c.service('web');
    expect(s.updateStatus?.state).toBe('paused');
    expect(s.updateStatus?.message).toBe(
      `canary: 2 of 6 tasks run version ${s.specVersion}; \`shoal service update web --continue\` finishes, \`shoal service rollback web\` undoes it`,
    );
    expect(Object.values(liveBySlot(c)).filter((v) => v === 'v2')).toHaveLength(2);
    c.apply({ type: 'service.setUpdateStatus', at: c.at, id: s.id, expectedVersion: s.version, status: { state: 'updating', message: 'resumed', canary: 0 } });
    finish(c);
    expect(c.service('web').updateStatus?.state).toBe('completed');
    expect(Object.values(liveBySlot(c))).toEqual(['v2', 'v2', 'v2', 'v2', 'v2', 'v2']);
  });

  it('rolling a canary back touches only the canary slots', () => {
    const c = cluster(6, { parallelism: 0 });
    update(c, { task: { command: ['v2'] } }, 2);
    finish(c);
    const untouched = c
      .live('web')
      .filter((t) => runs(t) === 'v1')
      .map((t) => t.id)
      .sort();
    expect(untouched).toHaveLength(4);
    c.apply({ type: 'service.rollback', at: c.at, id: c.service('web').id });
    finish(c);
    expect(c.service('web').updateStatus?.state).toBe('rollback_completed');
    expect(Object.values(liveBySlot(c))).toEqual(['v1', 'v1', 'v1', 'v1', 'v1', 'v1']);
    const live = c.live('web').map((t) => t.id);
    for (const id of untouched) expect(live).toContain(id);
  });
});

describe('updater: a new leader', () => {
  it('a planner run on a store mid-update (restored from a snapshot) touches no slot already updated', () => {
    const c = cluster(4);
    update(c, { task: { command: ['v2'] } });
    step(c);
    c.converge();
    step(c);
    c.converge();
    const updated = c.live('web').filter((t) => runs(t) === 'v2');
    expect(updated).toHaveLength(2);
    const restored = ClusterStore.restore(c.store.snapshot());
    const plan = planUpdates(restored, c.now, { newId: c.newId });
    const cmd = plan.commands[0];
    expect(cmd).toMatchObject({ type: 'tasks.apply', creates: [{ slot: 3 }] });
    const touched = cmd && cmd.type === 'tasks.apply' ? cmd.updates.map((u) => u.id) : [];
    for (const t of updated) expect(touched).not.toContain(t.id);
    // Carried on to the end, each slot got exactly one task on the new spec.
    finish(c);
    expect(
      newTasks(c, 'v2')
        .map((t) => t.slot)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    expect(
      c
        .tasks('web')
        .filter(isLive)
        .every((t) => runs(t) === 'v2'),
    ).toBe(true);
  });
});
