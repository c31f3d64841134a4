// Placement constraints as Swarm writes them, parsed strictly and matched against nodes.

import { describe, expect, it } from 'vitest';
import { StoreError, matchesConstraints, parseConstraint, type NodeObject } from '@shoal/store';
import { T0, idOf, newNode } from './fixtures.js';

const node = (overrides: Partial<NodeObject> = {}): NodeObject => ({
  ...newNode('w1', { hostname: 'box-7', labels: { zone: 'b', disk: 'SSD' } }),
  version: 1,
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
});

function refusal(expr: string): string {
  try {
    parseConstraint(expr);
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('INVALID_ARGUMENT');
    return (e as StoreError).message;
  }
  throw new Error(`parseConstraint accepted ${expr}`);
}

describe('parseConstraint', () => {
  it.each([
    ['node.labels.zone==b', { key: 'node.labels.zone', op: '==', value: 'b' }],
    ['node.role!=manager', { key: 'node.role', op: '!=', value: 'manager' }],
    ['node.hostname==x', { key: 'node.hostname', op: '==', value: 'x' }],
    [`node.id==${idOf('w1')}`, { key: 'node.id', op: '==', value: idOf('w1') }],
    ['  node.labels.rack.row == a=b  ', { key: 'node.labels.rack.row', op: '==', value: 'a=b' }],
  ])('%s', (expr, parsed) => {
    expect(parseConstraint(expr)).toEqual(parsed);
  });

  const LOOKS = 'a constraint looks like node.labels.KEY==VALUE, node.role!=manager, node.hostname==HOST or node.id==ID (operator == or !=)';
  it.each([
    ['zone=b', 'constraint "zone=b" has no operator'],
    ['node.labels.zone', 'constraint "node.labels.zone" has no operator'],
    ['==b', 'constraint "==b" has nothing before the operator'],
    ['node.zone==b', 'constraint "node.zone==b" does not constrain a known attribute (got "node.zone")'],
    ['engine.labels.os==linux', 'does not constrain a known attribute (got "engine.labels.os")'],
    ['node.labels.==b', 'does not constrain a known attribute (got "node.labels.")'],
    ['node.role==', 'constraint "node.role==" has no value after the operator'],
    ['node.role===manager', 'has a malformed operator (got "===")'],
    ['node.role==boss', 'compares node.role with "boss", but a role is "manager" or "worker"'],
  ])('refuses %s with a message saying what a constraint looks like', (expr, message) => {
    const m = refusal(expr);
    expect(m).toContain(message);
    expect(m).toContain(LOOKS);
  });
});

describe('matchesConstraints', () => {
  it('labels, role, hostname and id; values compare case-insensitively', () => {
    const n = node();
    expect(matchesConstraints(n, ['node.labels.zone==b'])).toEqual({ ok: true });
    expect(matchesConstraints(n, ['node.labels.zone==B'])).toEqual({ ok: true });
    expect(matchesConstraints(n, ['node.labels.disk==ssd'])).toEqual({ ok: true });
    expect(matchesConstraints(n, ['node.role!=manager'])).toEqual({ ok: true });
    expect(matchesConstraints(n, ['node.role==manager'])).toEqual({ ok: false, failed: 'node.role==manager' });
    expect(matchesConstraints(n, ['node.hostname==box-7'])).toEqual({ ok: true });
    expect(matchesConstraints(n, ['node.hostname==x'])).toEqual({ ok: false, failed: 'node.hostname==x' });
    expect(matchesConstraints(n, [`node.id==${idOf('w1')}`])).toEqual({ ok: true });
    expect(matchesConstraints(n, [`node.id!=${idOf('w1')}`])).toEqual({ ok: false, failed: `node.id!=${idOf('w1')}` });
  });

  it('a label the node lacks: == fails, != matches', () => {
    expect(matchesConstraints(node(), ['node.labels.gpu==yes'])).toEqual({ ok: false, failed: 'node.labels.gpu==yes' });
    expect(matchesConstraints(node(), ['node.labels.gpu!=yes'])).toEqual({ ok: true });
    expect(matchesConstraints(node({ labels: { toString: 'x' } }), ['node.labels.valueOf==x'])).toEqual({ ok: false, failed: 'node.labels.valueOf==x' });
  });

  it('all must hold; the first failing one is reported; a malformed one fails', () => {
    const n = node();
    expect(matchesConstraints(n, [])).toEqual({ ok: true });
    expect(matchesConstraints(n, ['node.labels.zone==b', 'node.role==worker', 'node.labels.disk!=ssd', 'node.hostname==nope'])).toEqual({
      ok: false,
      failed: 'node.labels.disk!=ssd',
    });
    expect(matchesConstraints(n, ['zone=b'])).toEqual({ ok: false, failed: 'zone=b' });
  });
});
