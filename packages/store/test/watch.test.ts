// Watches: controllers follow the store through synchronous events after each apply.

import { describe, expect, it, vi } from 'vitest';
import { ClusterStore, type StoreEvent } from '@shoal/store';
import { FIRST_ID, at, expectOk, idOf, newNode, newStore } from './fixtures.js';

const W1 = idOf('w1');

describe('watch', () => {
  it('emits create / update (with previous) / remove, in order, with the entry index', () => {
    const s = newStore();
    const events: StoreEvent[] = [];
    s.watch((e) => events.push(e));
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 2));
    expectOk(s.apply({ type: 'node.update', at: at(2), id: W1, patch: { availability: 'drain' } }, 3));
    expectOk(s.apply({ type: 'cluster.rotateToken', at: at(3), role: 'manager', secret: 'newmanagersecret00' }, 4));
    expectOk(s.apply({ type: 'node.remove', at: at(4), id: W1 }, 5));

    expect(events.map((e) => [e.kind, 'action' in e ? e.action : '', e.index])).toEqual([
      ['node', 'create', 2],
      ['node', 'update', 3],
      ['cluster', 'update', 4],
      ['node', 'remove', 5],
      // The cluster remembers the removed id (ClusterObject.removedNodes), in the same entry.
      ['cluster', 'update', 5],
    ]);
    const [created, updated, rotated, removed, remembered] = events;
    expect(remembered).toMatchObject({ object: { removedNodes: [W1] } });
    expect(created).toMatchObject({ object: { id: W1, version: 2 } });
    expect(created).not.toHaveProperty('previous');
    expect(updated).toMatchObject({ object: { availability: 'drain', version: 3 }, previous: { availability: 'active', version: 2 } });
    expect(rotated).toMatchObject({ object: { tokens: { manager: 'newmanagersecret00' } }, previous: { tokens: { manager: 'managersecret000000000' } } });
    expect(removed).toMatchObject({ object: { id: W1, availability: 'drain' } });
  });

  it('the event object is the one the store now holds', () => {
    const s = newStore();
    let seen: unknown;
    s.watch((e) => {
      if (e.kind === 'node') seen = s.getNode(e.object.id) === e.object;
    });
    expectOk(s.apply({ type: 'node.update', at: at(1), id: FIRST_ID, patch: { availability: 'pause' } }, 2));
    expect(seen).toBe(true);
  });

  it('refused commands and noops emit nothing', () => {
    const s = newStore();
    const listener = vi.fn();
    s.watch(listener);
    s.apply({ type: 'node.remove', at: at(1), id: W1 }, 2);
    s.apply({ type: 'noop', at: at(1) }, 3);
    s.applyEntry(new Uint8Array([1, 2, 3]), 4);
    expect(listener).not.toHaveBeenCalled();
  });

  it('stops after unsubscribe; each subscription is independent', () => {
    const s = newStore();
    const listener = vi.fn();
    const first = s.watch(listener);
    const second = s.watch(listener);
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 2));
    expect(listener).toHaveBeenCalledTimes(2);
    first();
    expectOk(s.apply({ type: 'node.update', at: at(2), id: W1, patch: { availability: 'drain' } }, 3));
    expect(listener).toHaveBeenCalledTimes(3);
    second();
    second(); // idempotent
    expectOk(s.apply({ type: 'node.update', at: at(3), id: W1, patch: { availability: 'active' } }, 4));
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('a listener that unsubscribes another during delivery stops it at once', () => {
    const s = newStore();
    const calls: string[] = [];
    const offB = { fn: (): void => {} };
    s.watch(() => {
      calls.push('a');
      offB.fn();
    });
    offB.fn = s.watch(() => calls.push('b'));
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 2));
    expect(calls).toEqual(['a']);
  });

  it('a throwing listener does not stop the others or the apply; its error surfaces asynchronously', async () => {
    const s = newStore();
    const boom = new Error('listener bug');
    s.watch(() => {
      throw boom;
    });
    const after = vi.fn();
    s.watch(after);
    const uncaught = new Promise<unknown>((resolve) => {
      const handlers = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.once('uncaughtException', (e) => {
        for (const h of handlers) process.on('uncaughtException', h);
        resolve(e);
      });
    });
    expect(s.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 2).ok).toBe(true);
    expect(after).toHaveBeenCalledOnce();
    expect(s.getNode(W1)).toBeDefined();
    expect(await uncaught).toBe(boom);
  });

  it('writing from inside a listener is refused: controllers propose through Raft', () => {
    const s = newStore();
    let error: unknown;
    s.watch(() => {
      try {
        s.apply({ type: 'noop', at: at(9) }, 99);
      } catch (e) {
        error = e;
      }
    });
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 2));
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'apply called from a watch listener; propose a command through Raft instead' });
    expect(s.appliedIndex).toBe(2);
  });
});

describe('replaceWith', () => {
  it("takes over the other store's state and emits one restore event", () => {
    const s = new ClusterStore();
    const events: StoreEvent[] = [];
    s.watch((e) => events.push(e));
    const source = newStore();
    expectOk(source.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 7));
    s.replaceWith(ClusterStore.restore(source.snapshot()));
    expect(events).toEqual([{ kind: 'restore', index: 7 }]);
    expect(s.appliedIndex).toBe(7);
    expect(s.nodes()).toEqual(source.nodes());
    // The two stores stay independent.
    expectOk(source.apply({ type: 'node.remove', at: at(2), id: W1 }, 8));
    expect(s.getNode(W1)).toBeDefined();
    expectOk(s.apply({ type: 'noop', at: at(3) }, 8));
  });
});

describe('viewAndWatch', () => {
  it('the listener gets exactly the events after the view: none missed, none repeated', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 2));
    const events: StoreEvent[] = [];
    const { result, unsubscribe } = s.viewAndWatch(
      (view) => ({ index: view.appliedIndex, names: view.nodes().map((n) => n.name) }),
      (e) => events.push(e),
    );
    expect(result).toEqual({ index: 2, names: ['mgr1', 'w1'] });
    expectOk(s.apply({ type: 'node.add', at: at(2), node: newNode('w2') }, 3));
    unsubscribe();
    expectOk(s.apply({ type: 'node.add', at: at(3), node: newNode('w3') }, 4));
    expect(events.map((e) => e.index)).toEqual([3]);
    expect(events.every((e) => e.index > result.index)).toBe(true);
  });

  it('if the read throws, nothing stays subscribed', () => {
    const s = newStore();
    const listener = vi.fn();
    expect(() =>
      s.viewAndWatch(() => {
        throw new Error('read failed');
      }, listener),
    ).toThrow('read failed');
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 2));
    expect(listener).not.toHaveBeenCalled();
  });
});
