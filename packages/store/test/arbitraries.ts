// fast-check generators of command sequences. Ids, names and secrets come from small pools
// so that random sequences collide often: duplicate ids and names, updates of removed nodes,
// stale versions — the refusals matter as much as the successes.

import fc from 'fast-check';
import type { Command, NewNode, NodePatch } from '@shoal/store';
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
        .record({ tickMs: fc.integer({ min: 1, max: 200 }), heartbeatTicks: fc.integer({ min: 1, max: 4 }), electionTicks: fc.integer({ min: 2, max: 12 }) }, { requiredKeys: [] })
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
