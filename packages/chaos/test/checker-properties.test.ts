import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../src/checker/index.js';
import { pairOperations } from '../src/checker/pairing.js';
import type { HistoryEvent, RegisterValue } from '../src/history/event.js';
import { simulateRegister } from './register-simulation.js';

const simulation = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  clients: fc.integer({ min: 1, max: 5 }),
  operations: fc.integer({ min: 1, max: 80 }),
  keys: fc.integer({ min: 1, max: 3 }),
  failRate: fc.constantFrom(0, 0.1),
  infoRate: fc.constantFrom(0, 0.1, 0.3),
  staleRate: fc.constantFrom(0, 0.2),
});

/**
 * Reads (not --stale) that can be made strictly stale, each with the older values it may return:
 * a value u written once by an acknowledged op that completed before another acknowledged write
 * began, which itself completed before the read began (or u = null, the initial value, which
 * nobody writes). No linearization can then explain the read.
 */
function staleCandidates(events: readonly HistoryEvent[]): { read: HistoryEvent; older: RegisterValue[] }[] {
  const ops = pairOperations(events).operations;
  const acked = ops.filter((o) => o.f !== 'read' && o.completion?.type === 'ok');
  const written = (o: (typeof ops)[number]): RegisterValue =>
    o.f === 'cas' ? (o.invoke.value as readonly RegisterValue[])[1]! : (o.invoke.value as RegisterValue);
  const out: { read: HistoryEvent; older: RegisterValue[] }[] = [];
  for (const r of ops) {
    if (r.f !== 'read' || r.completion?.type !== 'ok' || r.invoke.stale) continue;
    const sameKey = acked.filter((w) => w.key === r.key);
    const overwriters = sameKey.filter((w2) => w2.completion!.time < r.invoke.time);
    const older = new Set<RegisterValue>();
    if (overwriters.length > 0) older.add(null);
    for (const wu of sameKey) {
      if (overwriters.some((w2) => w2 !== wu && wu.completion!.time < w2.invoke.time && written(w2) !== written(wu))) older.add(written(wu));
    }
    older.delete(r.completion.value as RegisterValue);
    if (older.size > 0) out.push({ read: r.completion, older: [...older] });
  }
  return out;
}

describe('checkHistory properties', () => {
  it('accepts every history of a real linearizable register', () => {
    fc.assert(
      fc.property(simulation, (o) => {
        const report = checkHistory(simulateRegister(o));
        expect(report.anomalies).toEqual([]);
        expect(report.undecidedKeys).toEqual([]);
        expect(report.valid).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects the same history with one read turned strictly stale', () => {
    let mutated = 0;
    fc.assert(
      fc.property(simulation, fc.nat(), fc.nat(), (o, pickRead, pickValue) => {
        const events = simulateRegister(o);
        const candidates = staleCandidates(events);
        fc.pre(candidates.length > 0);
        const { read, older } = candidates[pickRead % candidates.length]!;
        const value = older[pickValue % older.length]!;
        const history = events.map((e) => (e === read ? { ...e, value } : e));
        mutated++;
        const report = checkHistory(history);
        expect(report.valid).toBe(false);
        const kinds = report.anomalies.filter((a) => a.key === read.key).map((a) => a.kind);
        expect(kinds).toEqual(expect.arrayContaining(['stale-read', 'not-linearizable']));
      }),
      { numRuns: 200 },
    );
    expect(mutated).toBeGreaterThan(100);
  });

  it('checks 20 keys × 500 operations from 5 concurrent clients', () => {
    const events = simulateRegister({ seed: 12, clients: 5, operations: 10_000, keys: 20, failRate: 0.05, infoRate: 0.05, staleRate: 0.1 });
    const report = checkHistory(events);
    expect(report.keys).toBe(20);
    expect(report.operations.ok).toBeGreaterThan(8_000);
    expect(report.valid).toBe(true);
  });
});
