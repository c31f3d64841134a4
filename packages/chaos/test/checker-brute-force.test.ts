// Cross-checks the search against a brute force over every order of every admissible subset, on
// small arbitrary histories (values from a tiny set, so many are not linearizable).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../src/checker/index.js';
import type { HistoryEvent, RegisterValue } from '../src/history/event.js';

interface Spec {
  readonly f: 'read' | 'write' | 'cas';
  readonly a: RegisterValue;
  readonly b: RegisterValue;
  readonly outcome: 'ok' | 'fail' | 'info' | 'pending';
  readonly at: number;
  readonly length: number;
}

const value = fc.constantFrom<RegisterValue>(null, 'a', 'b', 'c');
const spec: fc.Arbitrary<Spec> = fc.record({
  f: fc.constantFrom('read', 'write', 'cas'),
  a: value,
  b: value,
  outcome: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info', 'pending'),
  at: fc.integer({ min: 0, max: 20 }),
  length: fc.integer({ min: 0, max: 8 }),
});

function toEvents(specs: readonly Spec[]): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  specs.forEach((s, process) => {
    const input = s.f === 'read' ? null : s.f === 'write' ? s.a : ([s.a, s.b] as const);
    events.push({ process, type: 'invoke', f: s.f, key: 'k', value: input, time: s.at });
    if (s.outcome !== 'pending') events.push({ process, type: s.outcome, f: s.f, key: 'k', value: s.f === 'read' ? s.a : input, time: s.at + s.length });
  });
  return events;
}

/** Every order of the ok ops plus any subset of the unknown-outcome writes that respects real time and the register. */
function bruteForce(specs: readonly Spec[]): boolean {
  const ops = specs
    .filter((s) => s.outcome !== 'fail' && !(s.f === 'read' && s.outcome !== 'ok'))
    .map((s) => ({ ...s, call: s.at, ret: s.outcome === 'ok' ? s.at + s.length : Infinity, required: s.outcome === 'ok' }));
  const used = ops.map(() => false);
  const search = (state: RegisterValue): boolean => {
    if (ops.every((o, i) => used[i] || !o.required)) return true;
    for (let i = 0; i < ops.length; i++) {
      if (used[i]) continue;
      const o = ops[i]!;
      // every op left must not have completed before o began
      if (ops.some((p, j) => j !== i && !used[j] && p.ret < o.call)) continue;
      let next: RegisterValue;
      if (o.f === 'read') {
        if (o.a !== state) continue;
        next = state;
      } else if (o.f === 'write') next = o.a;
      else {
        if (o.a !== state) continue;
        next = o.b;
      }
      used[i] = true;
      const found = search(next);
      used[i] = false;
      if (found) return true;
    }
    return false;
  };
  return search(null);
}

describe('checkHistory against a brute force', () => {
  it('agrees on small arbitrary histories', () => {
    let invalid = 0;
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 7 }), (specs) => {
        const expected = bruteForce(specs);
        if (!expected) invalid++;
        const report = checkHistory(toEvents(specs));
        expect(report.undecidedKeys).toEqual([]);
        expect(report.valid).toBe(expected);
        if (!expected) expect(report.anomalies.map((a) => a.kind)).toContain('not-linearizable');
      }),
      { numRuns: 1500 },
    );
    expect(invalid).toBeGreaterThan(100);
  });
});
