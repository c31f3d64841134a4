// Snapshots: a manager that restores one must continue exactly as the managers that applied
// every entry, and every manager that applied the same entries must write the same bytes.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClusterStore, SNAPSHOT_FORMAT_VERSION, StoreError, encodeCommand, type Command } from '@shoal/store';
import { entriesArb } from './arbitraries.js';
import {
  FIRST_ID,
  T0,
  applyTasks,
  at,
  bytes,
  clusterObject,
  expectOk,
  firstManager,
  idOf,
  newNode,
  newStore,
  serviceId,
  serviceSpec,
  storeWithServices,
  text,
} from './fixtures.js';

function applyAll(store: ClusterStore, entries: readonly [Command, number][], index0 = 0): string[] {
  return entries.map(([cmd, index]) => JSON.stringify(store.apply(cmd, index + index0)));
}

/** The message ClusterStore.restore throws for these bytes. */
function corrupt(data: Uint8Array | string): string {
  try {
    ClusterStore.restore(typeof data === 'string' ? bytes(data) : data);
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('CORRUPT_SNAPSHOT');
    return (e as StoreError).message;
  }
  throw new Error('restore accepted the snapshot');
}

describe('ClusterStore.initial', () => {
  it('is the state a new cluster starts from: cluster and first manager at index 1', () => {
    const s = ClusterStore.restore(ClusterStore.initial(clusterObject({ version: 99 }), { ...firstManager(), version: 0 }));
    expect(s.appliedIndex).toBe(1);
    expect(s.cluster()).toEqual(clusterObject({ version: 1 }));
    expect(s.nodes()).toEqual([firstManager()]);
  });

  it('takes another index, and validates its arguments', () => {
    expect(ClusterStore.restore(ClusterStore.initial(clusterObject(), firstManager(), 7)).getNode(FIRST_ID)?.version).toBe(7);
    expect(() => ClusterStore.initial(clusterObject(), { ...firstManager(), role: 'worker', raftRole: undefined })).toThrow(
      'initial cluster state: firstNode.role must be "manager": the node that creates a cluster is its first manager',
    );
    expect(() => ClusterStore.initial(clusterObject({ tokens: { worker: 'samesecret000000', manager: 'samesecret000000' } }), firstManager())).toThrow(
      /cluster.tokens must have different worker and manager secrets/,
    );
    expect(() => ClusterStore.initial(clusterObject(), firstManager(), 0)).toThrow('initial cluster state: index must be at least 1 (got 0)');
  });
});

describe('snapshot / restore', () => {
  it('round-trips the state and the applied index, in a versioned format', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1', { labels: { zone: 'a' } }) }, 2));
    expectOk(s.apply({ type: 'cluster.rotateToken', at: at(2), role: 'worker', secret: 'abcdefghijklmnop1' }, 5));
    const r = ClusterStore.restore(s.snapshot());
    expect(r.appliedIndex).toBe(5);
    expect(r.cluster()).toEqual(s.cluster());
    expect(r.nodes()).toEqual(s.nodes());
    expect(JSON.parse(text(s.snapshot()))).toMatchObject({ format: 'shoal-store-snapshot', formatVersion: SNAPSHOT_FORMAT_VERSION, appliedIndex: 5 });
  });

  it('a node cannot gain more labels than a restore accepts: every reachable state restores', () => {
    // Found by the cross-process tests: 1000+ label adds were applied, then a follower could not
    // install the leader's snapshot (nor could any manager restart from its own).
    const s = newStore();
    for (let i = 0; i < 4; i++) {
      const addLabels = Object.fromEntries(Array.from({ length: 64 }, (_, j) => [`k${i * 64 + j}`, 'v']));
      expectOk(s.apply({ type: 'node.update', at: at(i + 1), id: FIRST_ID, patch: { addLabels } }, i + 2));
    }
    const r = s.apply({ type: 'node.update', at: at(9), id: FIRST_ID, patch: { addLabels: { one: 'too many' } } }, 9);
    expect(!r.ok && r.error.code).toBe('INVALID_ARGUMENT');
    expect(!r.ok && r.error.message).toContain('would have 257 labels; a node holds at most 256');
    // Replacing one keeps the count: allowed.
    expectOk(s.apply({ type: 'node.update', at: at(10), id: FIRST_ID, patch: { removeLabels: ['k0'], addLabels: { one: 'v' } } }, 10));
    expect(Object.keys(ClusterStore.restore(s.snapshot()).getNode(FIRST_ID)!.labels)).toHaveLength(256);
  });

  it('an empty store snapshots and restores too (a joining manager before its first snapshot)', () => {
    const r = ClusterStore.restore(new ClusterStore().snapshot());
    expect(r.appliedIndex).toBe(0);
    expect(r.nodes()).toEqual([]);
  });

  it("property: A applies xs, B restores A's snapshot, both apply ys → identical results and bytes", () => {
    fc.assert(
      fc.property(entriesArb(30), entriesArb(30), (xs, ys) => {
        const a = newStore();
        applyAll(a, xs);
        const b = ClusterStore.restore(a.snapshot());
        const offset = a.appliedIndex;
        expect(applyAll(b, ys, offset)).toEqual(applyAll(a, ys, offset));
        expect(text(b.snapshot())).toBe(text(a.snapshot()));
      }),
      { numRuns: 300 },
    );
  });

  it('property: the same entries give byte-identical snapshots (determinism), also via applyEntry', () => {
    fc.assert(
      fc.property(entriesArb(40), (xs) => {
        const a = newStore();
        const b = newStore();
        applyAll(a, xs);
        for (const [cmd, index] of xs) b.applyEntry(encodeCommand(cmd), index);
        expect(text(b.snapshot())).toBe(text(a.snapshot()));
      }),
      { numRuns: 300 },
    );
  });

  it('property: a refused command changes nothing but the applied index', () => {
    fc.assert(
      fc.property(entriesArb(40), (xs) => {
        const s = newStore();
        for (const [cmd, index] of xs) {
          const before = JSON.stringify({ c: s.cluster(), n: s.nodes() });
          const r = s.apply(cmd, index);
          if (!r.ok) expect(JSON.stringify({ c: s.cluster(), n: s.nodes() })).toBe(before);
          expect(s.appliedIndex).toBe(index);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("property: every object's version is the index of the entry that last changed it", () => {
    fc.assert(
      fc.property(entriesArb(40), (xs) => {
        const s = newStore();
        const lastChange = new Map<string, number>([[FIRST_ID, 1]]);
        for (const [cmd, index] of xs) {
          const r = s.apply(cmd, index);
          if (r.ok && (cmd.type === 'node.add' || cmd.type === 'node.update')) lastChange.set(cmd.type === 'node.add' ? cmd.node.id : cmd.id, index);
        }
        for (const n of s.nodes()) expect(n.version).toBe(lastChange.get(n.id));
      }),
      { numRuns: 200 },
    );
  });
});

describe('format 1 (before services and tasks)', () => {
  it('still restores: no services or tasks, nodes get runtime ""; it is written back as format 2', () => {
    const v2 = JSON.parse(text(newStore().snapshot())) as Record<string, unknown>;
    const { services: _s, tasks: _t, ...rest } = v2;
    const nodes = (v2.nodes as Record<string, unknown>[]).map(({ runtime: _r, ...n }) => n);
    const v1 = ClusterStore.restore(bytes(JSON.stringify({ ...rest, formatVersion: 1, nodes })));
    expect(v1.nodes()).toEqual(newStore().nodes());
    expect(v1.services()).toEqual([]);
    expect(v1.tasks()).toEqual([]);
    expect(text(v1.snapshot())).toBe(text(newStore().snapshot()));
    expect(corrupt(JSON.stringify({ ...rest, formatVersion: 1, nodes, services: [] }))).toContain('services is not a known field');
  });
});

describe('restore refuses corrupt snapshots with a clear message', () => {
  const good = (): Record<string, unknown> => JSON.parse(text(newStore().snapshot())) as Record<string, unknown>;
  const firstNode = (snap: Record<string, unknown>): Record<string, unknown> => (snap.nodes as Record<string, unknown>[])[0]!;

  it('not JSON, wrong format, newer format', () => {
    expect(corrupt('garbage')).toMatch(
      /^corrupt store snapshot: is not UTF-8 JSON .*; the snapshot is damaged or was not written by a shoal store — rejoin this manager to get a fresh copy$/,
    );
    expect(corrupt('{"format":"other","formatVersion":1}')).toContain('corrupt store snapshot: format must be "shoal-store-snapshot" (got "other")');
    expect(corrupt(JSON.stringify({ ...good(), formatVersion: 3, volumes: [] }))).toBe(
      'store snapshot format 3 is newer than this manager understands (2); upgrade this manager',
    );
  });

  it('invalid objects, duplicates and versions past the applied index', () => {
    const badState = good();
    firstNode(badState).status = { state: 'gone', message: '' };
    expect(corrupt(JSON.stringify(badState))).toContain('nodes[0].status.state must be one of "ready", "down", "unknown" (got "gone")');

    const dup = good();
    dup.nodes = [firstNode(dup), { ...firstNode(dup), id: idOf('other') }];
    expect(corrupt(JSON.stringify(dup))).toContain('nodes[1].name "mgr1" appears twice');

    const future = good();
    firstNode(future).version = 9;
    expect(corrupt(JSON.stringify(future))).toContain('nodes[0].version (9) is past appliedIndex (1)');

    const noTasks = good();
    delete noTasks.tasks;
    expect(corrupt(JSON.stringify(noTasks))).toContain('corrupt store snapshot: tasks is required');

    const extra = good();
    extra.volumes = [];
    expect(corrupt(JSON.stringify(extra))).toContain('volumes is not a known field');
  });
});

describe('services and tasks in snapshots', () => {
  const withTasks = (): ClusterStore => {
    const s = storeWithServices(serviceSpec('web', { ports: [{ published: 8080, target: 80, protocol: 'tcp' }] }), serviceSpec('api'));
    applyTasks(s, 10, {
      creates: [
        { id: idOf('t1'), serviceId: serviceId('web'), slot: 1, nodeId: idOf('w1'), port: 30000 },
        { id: idOf('t2'), serviceId: serviceId('api'), slot: 1 },
      ],
    });
    return s;
  };
  type Snap = { services: Record<string, unknown>[]; tasks: Record<string, unknown>[] };
  const snap = (): Snap & Record<string, unknown> => JSON.parse(text(withTasks().snapshot())) as Snap & Record<string, unknown>;

  it("round-trip byte for byte; restored tasks share their service's spec object again", () => {
    const s = withTasks();
    const r = ClusterStore.restore(s.snapshot());
    expect(text(r.snapshot())).toBe(text(s.snapshot()));
    expect(r.tasksOfNode(idOf('w1')).map((t) => t.id)).toEqual([idOf('t1')]);
    expect(r.getTask(idOf('t1'))!.spec).toBe(r.getService(serviceId('web'))!.spec.task);
  });

  it('refuses what no sequence of commands could produce', () => {
    const clash = snap();
    (clash.services[0]!.spec as { ports: unknown[] }).ports = [{ published: 8080, target: 80, protocol: 'tcp' }];
    expect(corrupt(JSON.stringify(clash))).toContain('services[1].spec.ports publish port 8080, which service api publishes too');

    const renamed = snap();
    renamed.tasks[0]!.name = 'web.9.t1aaaa';
    expect(corrupt(JSON.stringify(renamed))).toMatch(/tasks\[\d\]\.name \("web\.9\.t1aaaa"\) is not the name its service, slot and id give/);

    const twice = snap();
    const held = twice.tasks.find((t) => t.port === 30000)!;
    twice.tasks.push({ ...held, id: idOf('t3'), name: `web.1.${idOf('t3').slice(0, 6)}` });
    expect(corrupt(JSON.stringify(twice))).toContain('port 30000 on node');

    const badState = snap();
    (badState.tasks.find((t) => t.nodeId === '')!.status as { state: string }).state = 'running';
    expect(corrupt(JSON.stringify(badState))).toContain('.status.state is "running", but the task has no node');
  });

  it('describe() lists services with their tasks', () => {
    expect(withTasks().describe().split('\n').slice(-2)).toEqual([
      `  service api      ${serviceId('api')} 2 replicas, 0/1 tasks running v5`,
      `  service web      ${serviceId('web')} 2 replicas, 0/1 tasks running v4`,
    ]);
  });
});

describe('timestamps come from commands, never the clock', () => {
  it("createdAt/updatedAt are the command's `at`, even if it is far from now", () => {
    const s = newStore();
    expectOk(s.apply({ type: 'node.add', at: '1999-12-31T23:59:59.000Z', node: newNode('w1') }, 2));
    expect(s.getNode(idOf('w1'))).toMatchObject({ createdAt: '1999-12-31T23:59:59.000Z', updatedAt: '1999-12-31T23:59:59.000Z' });
    expect(s.getNode(FIRST_ID)?.createdAt).toBe(T0);
  });
});
