// fast-check generators of command sequences. Ids, names and secrets come from small pools
// so that random sequences collide often: duplicate ids and names, updates of removed nodes,
// stale versions — the refusals matter as much as the successes.

import fc from 'fast-check';
import { normalizeServiceSpec, TASK_STATES, type Command, type NewNode, type NodePatch, type ServiceSpec, type TaskPatch } from '@shoal/store';
import { FIRST_ID, T0, idOf } from './fixtures.js';

const ids = [FIRST_ID, idOf('n1'), idOf('n2'), idOf('n3'), idOf('n4')];
const names = ['mgr1', 'n1', 'N1', 'n2', 'web.01', 'db_2'];
const secrets = ['secretaaaaaaaaaa1', 'secretbbbbbbbbbb2', 'managersecret000000000', 'workersecret0000000000'];

const atArb = fc.integer({ min: 0, max: 10_000_000 }).map((s) => new Date(Date.parse(T0) + s * 1000).toISOString());
const labelsArb = fc.dictionary(fc.constantFrom('zone', 'disk', 'gpu', 'rack'), fc.constantFrom('a', 'b', ''), { maxKeys: 3 });
const statusArb = fc.record({ state: fc.constantFrom('ready', 'down', 'unknown'), message: fc.constantFrom('', 'heartbeat missed') });

const newNodeArb: fc.Arbitrary<NewNode> = fc
  .record({
    id: fc.constantFrom(...ids),
    name: fc.constantFrom(...names),
    hostname: fc.constantFrom('h1', 'h2'),
    role: fc.constantFrom('manager', 'worker'),
    availability: fc.constantFrom('active', 'pause', 'drain'),
    status: statusArb,
    addr: fc.constantFrom('', '127.0.0.1:4243'),
    labels: labelsArb,
    resources: fc.record({ nanoCpus: fc.nat(8_000_000_000), memoryBytes: fc.nat() }),
    raftRole: fc.constantFrom('voter', 'learner', undefined),
  })
  .map(({ raftRole, ...n }) => (raftRole && n.role === 'manager' ? { ...n, raftRole } : n));

const patchArb: fc.Arbitrary<NodePatch> = fc
  .record(
    {
      name: fc.constantFrom(...names),
      availability: fc.constantFrom('active', 'pause', 'drain'),
      role: fc.constantFrom('manager', 'worker'),
      status: statusArb,
      addr: fc.constantFrom('', '127.0.0.9:1'),
      addLabels: labelsArb,
      removeLabels: fc.uniqueArray(fc.constantFrom('zone', 'disk', 'gpu', 'rack'), { maxLength: 2 }),
      raftRole: fc.constantFrom('voter', 'learner', null),
    },
    { requiredKeys: [] },
  )
  .map((p) => {
    // Keep the patch well-formed (a label both added and removed is refused at decode time).
    const removeLabels = p.removeLabels?.filter((k) => !(p.addLabels && k in p.addLabels));
    const out: NodePatch = { ...p, ...(removeLabels ? { removeLabels } : {}) };
    return Object.keys(out).length > 0 ? out : { availability: 'pause' };
  });

// Mostly absent: with a random expectedVersion nearly every update would be refused as stale.
const versionArb = fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 40 }), weight: 1 });
// The first manager exists from the start, so updates aimed at it mostly find their node.
const targetArb = fc.oneof(fc.constant(FIRST_ID), fc.constantFrom(...ids));

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('node.add' as const), at: atArb, node: newNodeArb }), weight: 3 },
  {
    arbitrary: fc
      .record({ type: fc.constant('node.update' as const), at: atArb, id: targetArb, expectedVersion: versionArb, patch: patchArb })
      .map(({ expectedVersion, ...c }) => (expectedVersion === undefined ? c : { ...c, expectedVersion })),
    weight: 4,
  },
  fc.record({ type: fc.constant('node.remove' as const), at: atArb, id: fc.constantFrom(...ids) }),
  fc.record({ type: fc.constant('cluster.rotateToken' as const), at: atArb, role: fc.constantFrom('worker', 'manager'), secret: fc.constantFrom(...secrets) }),
  fc
    .record({
      type: fc.constant('cluster.updateSettings' as const),
      at: atArb,
      expectedVersion: versionArb,
      patch: fc
        .record(
          { tickMs: fc.integer({ min: 1, max: 200 }), heartbeatTicks: fc.integer({ min: 1, max: 4 }), electionTicks: fc.integer({ min: 2, max: 12 }) },
          { requiredKeys: [] },
        )
        .filter((p) => Object.keys(p).length > 0),
    })
    .map(({ expectedVersion, ...c }) => (expectedVersion === undefined ? c : { ...c, expectedVersion })),
  fc.record({ type: fc.constant('noop' as const), at: atArb }),
);

/** Commands with the Raft indexes they are applied at: increasing from 2, with gaps. */
export const entriesArb = (maxLength: number): fc.Arbitrary<[Command, number][]> =>
  fc.array(fc.tuple(commandArb, fc.integer({ min: 1, max: 3 })), { maxLength }).map((xs) => {
    let index = 1;
    return xs.map(([cmd, gap]): [Command, number] => [cmd, (index += gap)]);
  });

// ---- services and tasks ------------------------------------------------------------------

export const SERVICE_IDS = [idOf('sa'), idOf('sb'), idOf('sc')];
export const TASK_IDS = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8'].map(idOf);
export const NODE_IDS = ids;

const p = (published: number) => ({ published, target: 80, protocol: 'tcp' as const });
// Names collide (web / Web), ports collide (8080), modes differ (renames and mode changes are refused).
const SPECS: ServiceSpec[] = [
  normalizeServiceSpec({ name: 'web', replicas: 3, task: { runtime: 'process', command: ['node', 'a.js'] }, ports: [p(8080)] }),
  normalizeServiceSpec({ name: 'web', replicas: 1, task: { runtime: 'process', command: ['node', 'b.js'] } }),
  normalizeServiceSpec({ name: 'web', replicas: 0, task: { runtime: 'process', command: ['node', 'b.js'] }, ports: [p(9000)] }),
  normalizeServiceSpec({ name: 'Web', replicas: 2, task: { image: 'nginx' } }),
  normalizeServiceSpec({ name: 'api', replicas: 2, task: { image: 'api:1' }, ports: [p(8080), p(8081)] }),
  normalizeServiceSpec({ name: 'glob', mode: 'global', task: { runtime: 'simulated', command: ['x'] } }),
];

const reportArb = fc.record(
  {
    // Every state, but mostly the ones that move a task along (or end it).
    state: fc.oneof(
      { arbitrary: fc.constantFrom(...TASK_STATES), weight: 2 },
      { arbitrary: fc.constantFrom('running' as const, 'failed' as const, 'complete' as const), weight: 3 },
    ),
    message: fc.constantFrom('', 'oom'),
    exitCode: fc.constantFrom(null, 0, 1),
    runtimeId: fc.constantFrom('', 'c1'),
    healthy: fc.constantFrom(null, true),
  },
  { requiredKeys: ['state'] },
);

const taskPatchArb: fc.Arbitrary<TaskPatch> = fc.oneof(
  fc.record({ nodeId: fc.constantFrom(...NODE_IDS), port: fc.constantFrom(0, 30000, 30001) }, { requiredKeys: ['nodeId'] }),
  fc.record({ desiredState: fc.constantFrom('running' as const, 'shutdown' as const) }),
  fc.record({ status: reportArb }),
  fc.record({ desiredState: fc.constantFrom('shutdown' as const), status: reportArb }),
);

const newTaskArb = fc
  .record(
    {
      id: fc.constantFrom(...TASK_IDS),
      serviceId: fc.constantFrom(...SERVICE_IDS),
      slot: fc.integer({ min: 0, max: 3 }),
      nodeId: fc.constantFrom(...NODE_IDS),
      port: fc.constantFrom(0, 30000, 30001),
      attempt: fc.nat(3),
    },
    { requiredKeys: ['id', 'serviceId', 'slot'] },
  )
  .map(({ port, ...t }) => (t.nodeId !== undefined && port !== undefined ? { ...t, port } : t));

export const workloadCommandArb: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: commandArb, weight: 2 },
  {
    arbitrary: fc.record({
      type: fc.constant('service.create' as const),
      at: atArb,
      service: fc.record({ id: fc.constantFrom(...SERVICE_IDS), spec: fc.constantFrom(...SPECS) }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record(
      {
        type: fc.constant('service.update' as const),
        at: atArb,
        id: fc.constantFrom(...SERVICE_IDS),
        spec: fc.constantFrom(...SPECS),
        expectedVersion: fc.integer({ min: 1, max: 60 }),
        keepPrevious: fc.boolean(),
      },
      { requiredKeys: ['type', 'at', 'id', 'spec'] },
    ),
    weight: 2,
  },
  fc.record({ type: fc.constant('service.remove' as const), at: atArb, id: fc.constantFrom(...SERVICE_IDS) }),
  {
    arbitrary: fc
      .record({
        type: fc.constant('tasks.apply' as const),
        at: atArb,
        creates: fc.array(newTaskArb, { maxLength: 4 }),
        updates: fc.array(fc.record({ id: fc.constantFrom(...TASK_IDS), patch: taskPatchArb }), { maxLength: 5 }),
        removes: fc.array(fc.constantFrom(...TASK_IDS), { maxLength: 2 }),
      })
      .filter((c) => c.creates.length + c.updates.length + c.removes.length > 0),
    weight: 6,
  },
);

/** Node, service and task commands with increasing Raft indexes from 2. */
export const workloadEntriesArb = (maxLength: number): fc.Arbitrary<[Command, number][]> =>
  // size 'max': fast-check's default keeps arrays near 10 items, too short for a task to go far.
  fc.array(fc.tuple(workloadCommandArb, fc.integer({ min: 1, max: 2 })), { maxLength, size: 'max' }).map((xs) => {
    let index = 1;
    return xs.map(([cmd, gap]): [Command, number] => [cmd, (index += gap)]);
  });
