// findNode resolves what a user types: exact id, else exact name, else a unique id prefix.

import { describe, expect, it } from 'vitest';
import { StoreError, type ClusterStore } from '@shoal/store';
import { FIRST_ID, at, expectOk, newNode, newStore } from './fixtures.js';

const A = 'abc11111111111111111111111'.slice(0, 25);
const B = 'abc22222222222222222222222'.slice(0, 25);

function store(): ClusterStore {
  const s = newStore();
  expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('alpha', { id: A }) }, 2));
  expectOk(s.apply({ type: 'node.add', at: at(2), node: newNode('beta', { id: B }) }, 3));
  // A node whose name is another node's id prefix: the exact name wins over the prefix.
  expectOk(s.apply({ type: 'node.add', at: at(3), node: newNode('abc2', { id: 'zzz33333333333333333333333'.slice(0, 25) }) }, 4));
  return s;
}

function refusal(s: ClusterStore, ref: string): StoreError {
  try {
    s.findNode(ref);
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error(`findNode("${ref}") found something`);
}

describe('findNode', () => {
  it('exact id', () => expect(store().findNode(A).name).toBe('alpha'));
  it('exact name, case-insensitively', () => {
    expect(store().findNode('beta').id).toBe(B);
    expect(store().findNode('BETA').id).toBe(B);
  });
  it('exact name beats an id prefix', () => expect(store().findNode('abc2').name).toBe('abc2'));
  it('unique id prefix, down to one character', () => {
    expect(store().findNode('abc1').id).toBe(A);
    expect(store().findNode('m').id).toBe(FIRST_ID);
    expect(store().findNode('z').name).toBe('abc2');
  });

  it('an ambiguous prefix lists the candidates and asks for more characters', () => {
    const e = refusal(store(), 'ab');
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(`node prefix "ab" matches 2 nodes: ${A} (alpha), ${B} (beta); use more characters`);
  });

  it('no match says where to look', () => {
    const e = refusal(store(), 'nope');
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('no node matches "nope"; see `shoal node ls`');
  });

  it('an empty reference is refused', () => expect(refusal(store(), '').code).toBe('INVALID_ARGUMENT'));

  it('nodes() is sorted by name, case-insensitively', () => {
    expect(
      store()
        .nodes()
        .map((n) => n.name),
    ).toEqual(['abc2', 'alpha', 'beta', 'mgr1']);
  });
});
