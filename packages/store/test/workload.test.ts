// Random mixes of node, service and task commands: the indexes the scheduler reads stay equal
// to what a full scan would give, snapshots carry services and tasks byte for byte, and every
// manager that applies the same entries reaches the same state.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClusterStore, encodeCommand, isFinalState, type Command, type StoreEvent, type TaskObject } from '@shoal/store';
import { NODE_IDS, SERVICE_IDS, workloadEntriesArb } from './arbitraries.js';
import { newStore, text } from './fixtures.js';

function applyAll(store: ClusterStore, entries: readonly [Command, number][], offset = 0): string[] {
  return entries.map(([cmd, index]) => JSON.stringify(store.apply(cmd, index + offset)));
}

/** What the indexes must always agree with: a scan of every task. */
function expectIndexesConsistent(s: ClusterStore): void {
  const all = s.tasks();
  const serviceIds = new Set([...SERVICE_IDS, ...all.map((t) => t.serviceId)]);
  for (const id of serviceIds) expect(s.tasksOfService(id)).toEqual(all.filter((t) => t.serviceId === id));
  for (const id of NODE_IDS) expect(s.tasksOfNode(id)).toEqual(all.filter((t) => t.nodeId === id));
  for (const t of all) {
    expect(s.tasksOfService(t.serviceId)).toContain(t); // the same (frozen) object, not a stale copy
    if (t.nodeId) expect(s.tasksOfNode(t.nodeId)).toContain(t);
  }
  // A node port is held by one task at a time (the port index is what refuses a second).
  const held = new Map<string, TaskObject>();
  for (const t of all) {
    if (t.port === 0 || t.nodeId === '' || isFinalState(t.status.state)) continue;
    const key = `${t.nodeId}/${t.port}`;
    expect(held.get(key), `port ${key} held twice`).toBeUndefined();
    held.set(key, t);
  }
  // Published ports are unique across services.
  const published = s.services().flatMap((svc) => svc.spec.ports.map((p) => p.published));
  expect(new Set(published).size).toBe(published.length);
}

describe('property: random workloads', () => {
  it('indexes stay consistent with the tables after every command (and after a restore)', () => {
    fc.assert(
      fc.property(workloadEntriesArb(60), (xs) => {
        const s = newStore();
        for (const [cmd, index] of xs) {
          s.apply(cmd, index);
          expectIndexesConsistent(s);
        }
        expectIndexesConsistent(ClusterStore.restore(s.snapshot()));
        const replaced = new ClusterStore();
        replaced.replaceWith(s);
        expectIndexesConsistent(replaced);
      }),
      { numRuns: 300 },
    );
  });

  it('workloads do things: tasks get created, assigned, run, stop and are removed', () => {
    // Guards the generators: the other properties are only as good as the states they reach.
    const seen = new Set<string>();
    fc.assert(
      fc.property(workloadEntriesArb(60), (xs) => {
        const s = newStore();
        s.watch((e: StoreEvent) => {
          if (e.kind === 'task') seen.add(`${e.action}:${e.object.status.state}`);
          if (e.kind === 'service') seen.add(`service ${e.action}`);
        });
        applyAll(s, xs);
      }),
      { numRuns: 300 },
    );
    for (const want of [
      'create:pending',
      'create:assigned',
      'update:running',
      'update:failed',
      'remove:complete',
      'service create',
      'service update',
      'service remove',
    ]) {
      expect([...seen]).toContain(want);
    }
  });

  it("A applies xs, B restores A's snapshot, both apply ys → identical results and bytes", () => {
    fc.assert(
      fc.property(workloadEntriesArb(40), workloadEntriesArb(40), (xs, ys) => {
        const a = newStore();
        applyAll(a, xs);
        const snap = a.snapshot();
        const b = ClusterStore.restore(snap);
        expect(text(b.snapshot())).toBe(text(snap));
        expect(b.services()).toEqual(a.services());
        expect(b.tasks()).toEqual(a.tasks());
        const offset = a.appliedIndex;
        expect(applyAll(b, ys, offset)).toEqual(applyAll(a, ys, offset));
        expect(text(b.snapshot())).toBe(text(a.snapshot()));
      }),
      { numRuns: 200 },
    );
  });

  it('the same entries give the same results and byte-identical snapshots, also via applyEntry', () => {
    fc.assert(
      fc.property(workloadEntriesArb(60), (xs) => {
        const a = newStore();
        const b = newStore();
        const ra = applyAll(a, xs);
        const rb = xs.map(([cmd, index]) => JSON.stringify(b.applyEntry(encodeCommand(cmd), index)));
        expect(rb).toEqual(ra);
        expect(text(b.snapshot())).toBe(text(a.snapshot()));
      }),
      { numRuns: 200 },
    );
  });

  it("a refused command changes nothing; every task's version is the index of its last change", () => {
    fc.assert(
      fc.property(workloadEntriesArb(60), (xs) => {
        const s = newStore();
        const lastChange = new Map<string, number>();
        s.watch((e) => {
          if (e.kind === 'task' || e.kind === 'service') lastChange.set(e.object.id, e.index);
        });
        for (const [cmd, index] of xs) {
          const before = text(s.snapshot());
          const r = s.apply(cmd, index);
          if (!r.ok) expect(text(s.snapshot()).replace(`"appliedIndex":${index}`, 'X')).toBe(before.replace(/"appliedIndex":\d+/, 'X'));
        }
        for (const o of [...s.services(), ...s.tasks()]) expect(o.version).toBe(lastChange.get(o.id));
      }),
      { numRuns: 200 },
    );
  });
});
