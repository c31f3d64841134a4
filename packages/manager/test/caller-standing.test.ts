// What a certificate still grants, judged by the store: a manager certificate while its node
// is a manager of the Raft group; nothing once demoted, removed or left out; "not yet" (not
// "removed") for a node this store has not heard of, such as a manager joining through a
// lagging follower.

import { describe, expect, it } from 'vitest';
import { ClusterStore } from '@shoal/store';
import { standingOf } from '../src/caller-standing.js';
import { TestCluster, idOf } from './test-cluster.js';

const manager = (name: string) => ({ nodeId: idOf(name), role: 'manager' as const, clusterId: idOf('cluster') });
const worker = (name: string) => ({ nodeId: idOf(name), role: 'worker' as const, clusterId: idOf('cluster') });

describe('caller standing', () => {
  it('a manager of the group stands; demoted, it does not, and the store knows it was removed', () => {
    const c = new TestCluster();
    c.addNode('m2', { role: 'manager', raftRole: 'voter' });
    expect(standingOf(c.store, manager('m2'))).toEqual({ ok: true });

    c.updateNode('m2', { role: 'worker', raftRole: null, status: { state: 'down', message: 'demoted: its manager left the Raft group' } });
    const demoted = standingOf(c.store, manager('m2'));
    expect(demoted).toMatchObject({ ok: false, removed: true });
    expect(demoted.ok || demoted.reason).toMatch(/demoted to a worker; its manager certificate grants nothing/);

    c.apply({ type: 'node.remove', at: c.at, id: idOf('m2') });
    const removed = standingOf(c.store, manager('m2'));
    expect(removed).toMatchObject({ ok: false, removed: true });
    expect(removed.ok || removed.reason).toMatch(/was removed from this cluster/);
    // The same for its worker identity: the dispatcher refuses a removed worker's session the same way.
    expect(standingOf(c.store, worker('m2'))).toMatchObject({ ok: false, removed: true });
  });

  it('a node the store has not heard of is refused as "not yet", not as removed', () => {
    const c = new TestCluster();
    const unknown = standingOf(c.store, manager('joining'));
    expect(unknown).toMatchObject({ ok: false, removed: false });
    expect(unknown.ok || unknown.reason).toMatch(/retry shortly/);
    // An empty store (a joining manager's own, before the leader's snapshot) cannot judge: it
    // must take the leader's messages, so it lets every certificate of the CA through.
    expect(standingOf(new ClusterStore(), manager('anyone'))).toEqual({ ok: true });
  });

  it('a joining manager (no Raft role yet) stands; one left out of the group does not', () => {
    const c = new TestCluster();
    c.addNode('m3', { role: 'manager' });
    expect(standingOf(c.store, manager('m3'))).toEqual({ ok: true });
    c.updateNode('m3', { raftRole: null, status: { state: 'down', message: 'left out of the Raft group by --force-new-cluster' } });
    expect(standingOf(c.store, manager('m3'))).toMatchObject({ ok: false, removed: true });
  });

  it('the removed list survives a snapshot', () => {
    const c = new TestCluster();
    c.addNode('w1', { role: 'worker' });
    c.apply({ type: 'node.remove', at: c.at, id: idOf('w1') });
    const restored = ClusterStore.restore(c.store.snapshot());
    expect(standingOf(restored, worker('w1'))).toMatchObject({ ok: false, removed: true });
  });
});
