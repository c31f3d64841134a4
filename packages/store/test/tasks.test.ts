// Tasks and the tasks.apply batch: items apply one after another and independently (a failed
// item is reported, the others apply), the observed state only moves forward, desired state
// only from running to shutdown, and a node port is one task's at a time.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FINAL_TASK_STATES,
  TASK_STATES,
  decodeCommand,
  encodeCommand,
  isFinalState,
  normalizeServiceSpec,
  taskSpecIsCurrent,
  type ClusterStore,
  type StoreEvent,
  type TaskObject,
  type TaskState,
  type TaskStatusReport,
  type TaskUpdate,
} from '@shoal/store';
import { applyTasks, at, bytes, expectOk, idOf, serviceId, serviceSpec, storeWithServices, text } from './fixtures.js';

const WEB = serviceId('web');
const GLOB = serviceId('glob');
const W1 = idOf('w1');
const W2 = idOf('w2');
const T1 = idOf('t1');
const T2 = idOf('t2');
const T3 = idOf('t3');

/** Nodes w1, w2 (index 2, 3); replicated "web" with 3 replicas (4); global "glob" (5). */
function taskStore(): ClusterStore {
  return storeWithServices(
    serviceSpec('web', { replicas: 3, ports: [{ published: 8080, target: 80, protocol: 'tcp' }] }),
    serviceSpec('glob', { mode: 'global', replicas: 0 }),
  );
}

/** taskStore with web's task T1 (slot 1) created at index 10 and assigned to w1 (port 30001) at 11. */
function assignedStore(): ClusterStore {
  const s = taskStore();
  expect(applyTasks(s, 10, { creates: [{ id: T1, serviceId: WEB, slot: 1 }] })).toEqual([]);
  expect(applyTasks(s, 11, { updates: [{ id: T1, patch: { nodeId: W1, port: 30001 } }] })).toEqual([]);
  return s;
}

const report = (state: TaskState, more: Omit<TaskStatusReport, 'state'> = {}): TaskUpdate['patch'] => ({ status: { state, ...more } });

describe('tasks.apply creates', () => {
  it('a replicated task: pending, no node, spec and ports copied from the service (shared objects)', () => {
    const s = taskStore();
    const web = s.getService(WEB)!;
    expect(applyTasks(s, 10, { creates: [{ id: T1, serviceId: WEB, slot: 2 }] })).toEqual([]);
    const t = s.getTask(T1)!;
    expect(t).toEqual({
      id: T1,
      name: `web.2.${T1.slice(0, 6)}`,
      version: 10,
      serviceId: WEB,
      serviceName: 'web',
      serviceVersion: 4,
      specVersion: 4,
      slot: 2,
      nodeId: '',
      spec: web.spec.task,
      ports: web.spec.ports,
      desiredState: 'running',
      status: { state: 'pending', message: '', error: '', exitCode: null, at: at(10), runtimeId: '', healthy: null },
      port: 0,
      attempt: 0,
      createdAt: at(10),
      updatedAt: at(10),
    });
    expect(t.spec).toBe(web.spec.task);
    expect(taskSpecIsCurrent(t, web)).toBe(true);
    expect(s.tasks()).toEqual([t]);
    expect(s.tasksOfService(WEB)).toEqual([t]);
    expect(s.tasksOfNode(W1)).toEqual([]);
  });

  it('a global task is created with its node: assigned at once, named after the node', () => {
    const s = taskStore();
    expect(applyTasks(s, 10, { creates: [{ id: T1, serviceId: GLOB, slot: 0, nodeId: W2, port: 30000, attempt: 3 }] })).toEqual([]);
    expect(s.getTask(T1)).toMatchObject({
      name: `glob.${W2.slice(0, 6)}.${T1.slice(0, 6)}`,
      nodeId: W2,
      port: 30000,
      attempt: 3,
      status: { state: 'assigned', message: 'assigned to node w2', at: at(10) },
    });
    expect(s.tasksOfNode(W2).map((t) => t.id)).toEqual([T1]);
  });

  it('each refused create is reported and skipped; the rest apply', () => {
    const s = taskStore();
    applyTasks(s, 10, { creates: [{ id: T1, serviceId: WEB, slot: 1 }] });
    const failed = applyTasks(s, 11, {
      creates: [
        { id: idOf('a1'), serviceId: idOf('ghost'), slot: 1 },
        { id: idOf('a2'), serviceId: WEB, slot: 4 },
        { id: idOf('a3'), serviceId: WEB, slot: 0 },
        { id: idOf('a4'), serviceId: GLOB, slot: 1, nodeId: W1 },
        { id: idOf('a5'), serviceId: GLOB, slot: 0 },
        { id: idOf('a6'), serviceId: WEB, slot: 1, nodeId: idOf('nonode') },
        { id: T1, serviceId: WEB, slot: 2 },
        { id: idOf('a8'), serviceId: WEB, slot: 2, serviceVersion: 3 },
        { id: idOf('ok1'), serviceId: WEB, slot: 3, serviceVersion: 4 },
        { id: `${T1.slice(0, 6)}${'z'.repeat(19)}`, serviceId: WEB, slot: 1 }, // T1's first 6 characters, same slot: same name
      ],
    });
    expect(failed.map((f) => [f.id, f.code])).toEqual([
      [idOf('a1'), 'NOT_FOUND'],
      [idOf('a2'), 'INVALID_ARGUMENT'],
      [idOf('a3'), 'INVALID_ARGUMENT'],
      [idOf('a4'), 'INVALID_ARGUMENT'],
      [idOf('a5'), 'INVALID_ARGUMENT'],
      [idOf('a6'), 'NOT_FOUND'],
      [T1, 'ALREADY_EXISTS'],
      [idOf('a8'), 'UPDATE_OUT_OF_SEQUENCE'],
      [`${T1.slice(0, 6)}${'z'.repeat(19)}`, 'NAME_TAKEN'],
    ]);
    expect(failed[1]?.message).toBe(`slot 4 is not a slot of service web (its slots: 1..3); task ${idOf('a2')} was not created`);
    expect(failed[4]?.message).toBe('service glob is global: each task is created with its node; give nodeId');
    expect(
      s
        .tasks()
        .map((t) => t.id)
        .sort(),
    ).toEqual([idOf('ok1'), T1].sort());
    expect(s.appliedIndex).toBe(11);
  });
});

describe('tasks.apply updates: assignment', () => {
  it('nodeId assigns a new/pending task (state assigned) with its port; indexes follow', () => {
    const s = assignedStore();
    expect(s.getTask(T1)).toMatchObject({
      nodeId: W1,
      port: 30001,
      version: 11,
      updatedAt: at(11),
      status: { state: 'assigned', message: 'assigned to node w1' },
    });
    expect(s.tasksOfNode(W1).map((t) => t.id)).toEqual([T1]);
  });

  it('cannot reassign: a task that is assigned or further along is out of sequence', () => {
    const s = assignedStore();
    const [f] = applyTasks(s, 12, { updates: [{ id: T1, patch: { nodeId: W2 } }] });
    expect(f).toEqual({
      id: T1,
      code: 'UPDATE_OUT_OF_SEQUENCE',
      message: expect.stringContaining(`is already assigned on node ${W1}; only a new or pending task can be assigned`),
    });
    expect(s.getTask(T1)?.nodeId).toBe(W1);
  });

  it("a node port is one running task's: a second one is refused until the first stops (PORT_IN_USE)", () => {
    const s = assignedStore();
    applyTasks(s, 12, { creates: [{ id: T2, serviceId: WEB, slot: 2 }] });
    const [f] = applyTasks(s, 13, { updates: [{ id: T2, patch: { nodeId: W1, port: 30001 } }] });
    expect(f).toMatchObject({
      id: T2,
      code: 'PORT_IN_USE',
      message: `port 30001 on node w1 is already given to task web.1.${T1.slice(0, 6)} (assigned); pick another port`,
    });
    expect(applyTasks(s, 14, { updates: [{ id: T2, patch: { nodeId: W2, port: 30001 } }] })).toEqual([]); // another node: fine
    applyTasks(s, 15, { creates: [{ id: T3, serviceId: WEB, slot: 3 }] });
    expect(
      applyTasks(s, 16, {
        updates: [
          { id: T1, patch: report('failed', { exitCode: 1 }) },
          { id: T3, patch: { nodeId: W1, port: 30001 } },
        ],
      }),
    ).toEqual([]);
    expect(s.getTask(T3)).toMatchObject({ nodeId: W1, port: 30001 });
  });

  it('refuses assigning a task that is to be shut down, or to an unknown node', () => {
    const s = taskStore();
    applyTasks(s, 10, {
      creates: [
        { id: T1, serviceId: WEB, slot: 1 },
        { id: T2, serviceId: WEB, slot: 2 },
      ],
    });
    applyTasks(s, 11, { updates: [{ id: T1, patch: { desiredState: 'shutdown' } }] });
    const failed = applyTasks(s, 12, {
      updates: [
        { id: T1, patch: { nodeId: W1 } },
        { id: T2, patch: { nodeId: idOf('nonode') } },
      ],
    });
    expect(failed.map((f) => f.code)).toEqual(['UPDATE_OUT_OF_SEQUENCE', 'NOT_FOUND']);
  });

  it('nodeId and status in one patch: the assignment applies first, then the report', () => {
    const s = taskStore();
    applyTasks(s, 10, {
      creates: [
        { id: T1, serviceId: WEB, slot: 1 },
        { id: T2, serviceId: WEB, slot: 2 },
        { id: T3, serviceId: WEB, slot: 3 },
      ],
    });
    const failed = applyTasks(s, 11, {
      updates: [
        { id: T1, patch: { nodeId: W1, status: { state: 'accepted' } } },
        { id: T2, patch: { nodeId: W1, status: { state: 'pending' } } }, // older than "assigned": the whole item is skipped
        { id: T3, patch: { nodeId: W2, desiredState: 'shutdown' } }, // meant to stop: not assigned
      ],
    });
    expect(failed.map((f) => [f.id, f.code])).toEqual([
      [T2, 'UPDATE_OUT_OF_SEQUENCE'],
      [T3, 'UPDATE_OUT_OF_SEQUENCE'],
    ]);
    expect(s.getTask(T1)).toMatchObject({ nodeId: W1, status: { state: 'accepted' } });
    expect(s.getTask(T2)).toMatchObject({ nodeId: '', status: { state: 'pending' }, version: 10 });
  });
});

describe('tasks.apply updates: desired state', () => {
  it('moves running → shutdown only; a resend changes nothing', () => {
    const s = assignedStore();
    const events: StoreEvent[] = [];
    s.watch((e) => events.push(e));
    expect(applyTasks(s, 12, { updates: [{ id: T1, patch: { desiredState: 'shutdown' } }] })).toEqual([]);
    expect(s.getTask(T1)).toMatchObject({ desiredState: 'shutdown', version: 12 });
    expect(applyTasks(s, 13, { updates: [{ id: T1, patch: { desiredState: 'shutdown' } }] })).toEqual([]);
    expect(s.getTask(T1)?.version).toBe(12);
    const [f] = applyTasks(s, 14, { updates: [{ id: T1, patch: { desiredState: 'running' } }] });
    expect(f).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('desired state only moves from running to shutdown') });
    expect(events).toHaveLength(1);
  });
});

describe('tasks.apply updates: observed state', () => {
  it("moves forward, keeping runtimeId when a report leaves it out; `at` is the command's unless given", () => {
    const s = assignedStore();
    applyTasks(s, 12, { updates: [{ id: T1, patch: report('starting', { runtimeId: 'pid:42' }) }] });
    applyTasks(s, 13, { updates: [{ id: T1, patch: report('running', { healthy: true }) }] });
    expect(s.getTask(T1)?.status).toEqual({ state: 'running', message: '', error: '', exitCode: null, at: at(13), runtimeId: 'pid:42', healthy: true });
    applyTasks(s, 14, { updates: [{ id: T1, patch: report('running', { healthy: false, message: 'health check failed 3 times', at: at(1) }) }] });
    expect(s.getTask(T1)?.status).toMatchObject({ state: 'running', healthy: false, message: 'health check failed 3 times', at: at(1) });
    expect(s.getTask(T1)?.version).toBe(14);
  });

  it('an older report is skipped (UPDATE_OUT_OF_SEQUENCE) and changes nothing', () => {
    const s = assignedStore();
    applyTasks(s, 12, { updates: [{ id: T1, patch: report('running') }] });
    const before = s.getTask(T1);
    const [f] = applyTasks(s, 13, { updates: [{ id: T1, patch: report('starting') }] });
    expect(f).toEqual({
      id: T1,
      code: 'UPDATE_OUT_OF_SEQUENCE',
      message: `task web.1.${T1.slice(0, 6)} (${T1}) is already running; the report of "starting" is older (ignored)`,
    });
    expect(s.getTask(T1)).toBe(before);
  });

  it('a final state is final: nothing changes it, not even the message; an identical resend is a no-op', () => {
    const s = assignedStore();
    applyTasks(s, 12, { updates: [{ id: T1, patch: report('failed', { exitCode: 2, error: 'exit status 2' }) }] });
    expect(applyTasks(s, 13, { updates: [{ id: T1, patch: report('failed', { exitCode: 2, error: 'exit status 2' }) }] })).toEqual([]);
    const failed = applyTasks(s, 14, {
      updates: [
        { id: T1, patch: report('running') },
        { id: T1, patch: report('complete', { exitCode: 0 }) },
        { id: T1, patch: report('failed', { exitCode: 2, error: 'other words' }) },
      ],
    });
    expect(failed.map((f) => f.code)).toEqual(['UPDATE_OUT_OF_SEQUENCE', 'UPDATE_OUT_OF_SEQUENCE', 'UPDATE_OUT_OF_SEQUENCE']);
    expect(failed[0]?.message).toContain('is already failed, a final state; its status no longer changes (ignored a report of "running")');
    expect(s.getTask(T1)).toMatchObject({ version: 12, status: { state: 'failed', exitCode: 2, error: 'exit status 2' } });
  });

  it('no node, no running: before assignment only pending, shutdown, rejected or orphaned; "assigned" only by nodeId', () => {
    const s = taskStore();
    applyTasks(s, 10, {
      creates: [
        { id: T1, serviceId: WEB, slot: 1 },
        { id: T2, serviceId: WEB, slot: 2 },
      ],
    });
    const failed = applyTasks(s, 11, {
      updates: [
        { id: T1, patch: report('running') },
        { id: T1, patch: report('assigned') },
      ],
    });
    expect(failed.map((f) => [f.code, f.message.replace(/^.*?\) /, '')])).toEqual([
      ['INVALID_ARGUMENT', 'has no node yet; before it is assigned it can only be reported pending, shutdown, rejected or orphaned (got "running")'],
      ['INVALID_ARGUMENT', expect.stringContaining('a task becomes assigned when the scheduler sets its nodeId')],
    ]);
    expect(
      applyTasks(s, 12, {
        updates: [
          { id: T1, patch: report('pending', { message: 'no suitable node (node.labels.zone==b)' }) },
          { id: T2, patch: report('rejected', { error: 'cannot run' }) },
        ],
      }),
    ).toEqual([]);
    expect(s.getTask(T1)?.status).toMatchObject({ state: 'pending', message: 'no suitable node (node.labels.zone==b)' });
    expect(s.getTask(T2)?.status.state).toBe('rejected');
  });
});

describe('tasks.apply removes', () => {
  it('removes tasks that stopped or never got a node; refuses one still on a node', () => {
    const s = assignedStore();
    applyTasks(s, 12, {
      creates: [
        { id: T2, serviceId: WEB, slot: 2 },
        { id: T3, serviceId: WEB, slot: 3 },
      ],
    });
    applyTasks(s, 13, { updates: [{ id: T3, patch: { nodeId: W2 } }] });
    applyTasks(s, 14, { updates: [{ id: T3, patch: report('complete', { exitCode: 0 }) }] });
    const failed = applyTasks(s, 15, { removes: [T1, T2, T3, idOf('ghost')] });
    expect(failed.map((f) => [f.id, f.code])).toEqual([
      [T1, 'INVALID_ARGUMENT'],
      [idOf('ghost'), 'NOT_FOUND'],
    ]);
    expect(failed[0]?.message).toContain(`is still assigned on node ${W1}; set its desiredState to shutdown and remove it once its node reports a final state`);
    expect(s.tasks().map((t) => t.id)).toEqual([T1]);
    expect(s.tasksOfService(WEB).map((t) => t.id)).toEqual([T1]);
    expect(s.tasksOfNode(W2)).toEqual([]);
  });
});

describe('batch semantics', () => {
  it('creates, then updates, then removes, each item seeing the ones before; events in that order', () => {
    const s = taskStore();
    const events: StoreEvent[] = [];
    s.watch((e) => events.push(e));
    const failed = applyTasks(s, 10, {
      creates: [
        { id: T1, serviceId: WEB, slot: 1 },
        { id: T2, serviceId: WEB, slot: 2 },
      ],
      updates: [
        { id: T1, expectedVersion: 10, patch: { nodeId: W1, port: 30000 } },
        { id: T1, expectedVersion: 9, patch: report('running') }, // stale: T1 is at 10 now too, but...
        { id: T1, patch: report('orphaned', { message: 'node removed' }) },
        { id: T2, patch: { desiredState: 'shutdown' } },
      ],
      removes: [T1, T2],
    });
    expect(failed.map((f) => [f.id, f.code])).toEqual([[T1, 'UPDATE_OUT_OF_SEQUENCE']]);
    expect(s.tasks()).toEqual([]);
    expect(events.map((e) => ('action' in e ? `${e.action} ${e.object.id === T1 ? 't1' : 't2'} v${e.object.version}` : e.kind))).toEqual([
      'create t1 v10',
      'create t2 v10',
      'update t1 v10',
      'update t1 v10',
      'update t2 v10',
      'remove t1 v10',
      'remove t2 v10',
    ]);
    const assigned = events[2]!;
    expect(assigned.kind === 'task' && assigned.action === 'update' && assigned.previous.status.state).toBe('pending');
  });

  it('decodes strictly: an empty batch, a port without a node, status with nodeId, an empty patch', () => {
    const base = { type: 'tasks.apply', at: at(1), creates: [], updates: [], removes: [] };
    const refusal = (cmd: object): string => {
      const r = taskStore().applyEntry(bytes(JSON.stringify(cmd)), 10);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error.message;
    };
    expect(refusal(base)).toBe('invalid tasks.apply command: has no creates, updates or removes; propose nothing instead');
    expect(refusal({ ...base, creates: [{ id: T1, serviceId: WEB, slot: 1, port: 3 }] })).toContain('creates[0].port is given with the node (nodeId)');
    expect(refusal({ ...base, updates: [{ id: T1, patch: { port: 3 } }] })).toContain('updates[0].patch.port is set with the assignment: give nodeId too');
    expect(refusal({ ...base, updates: [{ id: T1, patch: {} }] })).toContain(
      'updates[0].patch is empty; set at least one of nodeId, port, desiredState, status',
    );
    expect(refusal({ ...base, updates: [{ id: T1, patch: { status: { state: 'exploded' } } }] })).toContain(
      'updates[0].patch.status.state must be one of "new", "pending"',
    );
    expect(refusal({ ...base, removes: ['x'] })).toContain('removes[0] must be an object id');
    expect(refusal({ type: 'tasks.apply', at: at(1), creates: [] })).toContain('updates is required');
  });

  it('the command round-trips through encodeCommand', () => {
    const cmd = {
      type: 'tasks.apply',
      at: at(1),
      creates: [{ id: T1, serviceId: WEB, slot: 1, nodeId: W1, port: 5, attempt: 2, serviceVersion: 4 }],
      updates: [
        { id: T2, expectedVersion: 3, patch: { desiredState: 'shutdown', status: { state: 'running', exitCode: null, healthy: null, runtimeId: 'c1' } } },
      ],
      removes: [T3],
    } as const;
    expect(decodeCommand(encodeCommand(cmd))).toEqual(cmd);
  });

  it('property: the same batches give the same results and byte-identical snapshots', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 6 }), (batches) => {
        const a = taskStore();
        const b = taskStore();
        batches.forEach((batch, i) => {
          const ra = a.apply(batch, 10 + i);
          const rb = b.applyEntry(encodeCommand(batch), 10 + i);
          expect(rb).toEqual(ra);
        });
        expect(text(b.snapshot())).toBe(text(a.snapshot()));
      }),
      { numRuns: 200 },
    );
  });
});

// ---- the lifecycle as a property ----------------------------------------------------------

const RANK = (s: TaskState): number => (isFinalState(s) ? 7 : TASK_STATES.indexOf(s));

const reportArb: fc.Arbitrary<TaskStatusReport> = fc
  .record(
    {
      state: fc.constantFrom(...TASK_STATES),
      message: fc.constantFrom('', 'starting up', 'oom'),
      exitCode: fc.constantFrom(null, 0, 137),
      runtimeId: fc.constantFrom('', 'c1', 'c2'),
      healthy: fc.constantFrom(null, true, false),
    },
    { requiredKeys: ['state'] },
  )
  .map((r) => r as TaskStatusReport);

const ids = [T1, T2, T3];
const batchArb = fc
  .record({
    creates: fc.array(fc.record({ id: fc.constantFrom(...ids), serviceId: fc.constantFrom(WEB, GLOB), slot: fc.integer({ min: 0, max: 4 }) }), {
      maxLength: 3,
    }),
    updates: fc.array(
      fc.record({
        id: fc.constantFrom(...ids),
        patch: fc.oneof(
          fc.record({ nodeId: fc.constantFrom(W1, W2), port: fc.constantFrom(0, 30000) }),
          fc.record({ desiredState: fc.constantFrom('running' as const, 'shutdown' as const) }),
          fc.record({ status: reportArb }),
        ),
      }),
      { maxLength: 6 },
    ),
    removes: fc.array(fc.constantFrom(...ids), { maxLength: 2 }),
  })
  .filter((b) => b.creates.length + b.updates.length + b.removes.length > 0)
  .map((b) => ({ type: 'tasks.apply' as const, at: at(9), ...b }));

describe('property: the observed state never moves backwards', () => {
  it('random report sequences: rank never decreases, a final state never changes, two stores agree', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(reportArb, fc.boolean()), { maxLength: 25, size: 'max' }), (reports) => {
        const a = assignedStore();
        const b = assignedStore();
        let index = 12;
        for (const [r, batched] of reports) {
          // Batched: the same report twice in one entry must behave as it does in two entries.
          const updates = batched
            ? [
                { id: T1, patch: { status: r } },
                { id: T1, patch: { status: r } },
              ]
            : [{ id: T1, patch: { status: r } }];
          const before = a.getTask(T1)!;
          const ra = a.apply({ type: 'tasks.apply', at: at(index), creates: [], updates, removes: [] }, index);
          const rb = b.applyEntry(encodeCommand({ type: 'tasks.apply', at: at(index), creates: [], updates, removes: [] }), index);
          expect(rb).toEqual(ra);
          index++;
          const after = a.getTask(T1)!;
          expect(RANK(after.status.state)).toBeGreaterThanOrEqual(RANK(before.status.state));
          if (isFinalState(before.status.state)) expect(after).toBe(before);
          if (after !== before) expect(after.version).toBe(index - 1);
          expect(after.nodeId).toBe(W1);
        }
        expect(text(b.snapshot())).toBe(text(a.snapshot()));
      }),
      { numRuns: 500 },
    );
  });

  it('every final state is reachable from running, and sticks', () => {
    for (const final of FINAL_TASK_STATES) {
      const s = assignedStore();
      applyTasks(s, 12, { updates: [{ id: T1, patch: report('running') }] });
      expect(applyTasks(s, 13, { updates: [{ id: T1, patch: report(final) }] })).toEqual([]);
      expect(applyTasks(s, 14, { updates: [{ id: T1, patch: report('running') }] })).toHaveLength(1);
      expect(s.getTask(T1)?.status.state).toBe(final);
    }
  });
});

describe('taskSpecIsCurrent', () => {
  it("true while the service's task spec is unchanged (also across scaling), false after an update", () => {
    const s = taskStore();
    applyTasks(s, 10, { creates: [{ id: T1, serviceId: WEB, slot: 1 }] });
    const web = s.getService(WEB)!;
    expectOk(s.apply({ type: 'service.update', at: at(11), id: WEB, spec: { ...web.spec, replicas: 5 }, keepPrevious: true }, 11));
    expect(s.getService(WEB)!.spec.task).toBe(web.spec.task); // the same object: one comparison
    expect(taskSpecIsCurrent(s.getTask(T1)!, s.getService(WEB)!)).toBe(true);
    expectOk(s.apply({ type: 'service.update', at: at(12), id: WEB, spec: normalizeServiceSpec({ task: { command: ['node', 'v2.js'] } }, web.spec) }, 12));
    expect(taskSpecIsCurrent(s.getTask(T1)!, s.getService(WEB)!)).toBe(false);
  });
});

// ---- size: the scheduler and dispatcher batch thousands of changes ------------------------

describe('batches of 2,000 items', () => {
  // Their cost is measured by `npm run bench -- schedule`, not asserted here.
  it('apply whole: creates, assignments, status updates (also from entry bytes) and removes', () => {
    const N = 2000;
    const s = storeWithServices(serviceSpec('web', { replicas: N }));
    const svc = serviceId('web');
    const taskIds = Array.from({ length: N }, (_, i) => `task${String(i).padStart(6, '0')}${'x'.repeat(15)}`);
    expect(applyTasks(s, 10, { creates: taskIds.map((id, i) => ({ id, serviceId: svc, slot: i + 1 })) })).toEqual([]);
    expect(s.tasksOfService(svc)).toHaveLength(N);
    expect(applyTasks(s, 11, { updates: taskIds.map((id, i) => ({ id, patch: { nodeId: i % 2 ? idOf('w1') : idOf('w2'), port: 20000 + i } })) })).toEqual([]);
    expect(s.tasksOfNode(idOf('w1'))).toHaveLength(N / 2);
    expect(applyTasks(s, 12, { updates: taskIds.map((id) => ({ id, patch: { status: { state: 'running' as const, runtimeId: id } } })) })).toEqual([]);
    expect(s.tasks().every((t) => t.status.state === 'running')).toBe(true);
    const encoded = encodeCommand({
      type: 'tasks.apply',
      at: at(13),
      creates: [],
      updates: taskIds.map((id) => ({ id, patch: { status: { state: 'complete' as const, exitCode: 0 } } })),
      removes: [],
    });
    expect(s.applyEntry(encoded, 13)).toMatchObject({ ok: true, value: { failed: [] } });
    expect(s.tasks().every((t) => t.status.state === 'complete')).toBe(true);
    expect(applyTasks(s, 14, { removes: taskIds })).toEqual([]);
    expect(s.tasks()).toEqual([]);
  });
});

describe('reads are O(result): indexes follow every change', () => {
  it('tasksOfService / tasksOfNode are sorted by name and frozen', () => {
    const s = taskStore();
    applyTasks(s, 10, {
      creates: [
        { id: T3, serviceId: WEB, slot: 3, nodeId: W1 },
        { id: T1, serviceId: WEB, slot: 1, nodeId: W1 },
        { id: T2, serviceId: GLOB, slot: 0, nodeId: W1 },
      ],
    });
    const names = (ts: readonly TaskObject[]): string[] => ts.map((t) => t.name.split('.').slice(0, 2).join('.'));
    expect(names(s.tasksOfService(WEB))).toEqual(['web.1', 'web.3']);
    expect(names(s.tasksOfNode(W1))).toEqual([`glob.${W1.slice(0, 6)}`, 'web.1', 'web.3']);
    expect(Object.isFrozen(s.tasksOfNode(W1))).toBe(true);
    expect(s.tasksOfNode('nobody')).toEqual([]);
  });
});
