import { describe, expect, it } from 'vitest';
import { checkHistory } from '../src/checker/index.js';
import { cas, history, r, w } from './history-builder.js';

const kinds = (h: ReturnType<typeof history>): string[] => checkHistory(h).anomalies.map((a) => a.kind);

describe('checkHistory on hand-written histories', () => {
  it('an empty history is valid', () => {
    expect(checkHistory([])).toMatchObject({ valid: true, keys: 0, anomalies: [] });
  });

  it('a read concurrent with a write may see either value', () => {
    expect(checkHistory(history(w(1, 'a', 0, 10), r(2, 'a', 2, 5))).valid).toBe(true);
    expect(checkHistory(history(w(1, 'a', 0, 10), r(2, null, 2, 5))).valid).toBe(true);
  });

  it('sequential writes then a read of the latest is valid', () => {
    const report = checkHistory(history(w(1, 'a', 0, 1), w(1, 'b', 2, 3), r(2, 'b', 4, 5)));
    expect(report).toMatchObject({ valid: true, keys: 1, operations: { ok: 3, fail: 0, info: 0, pending: 0 } });
  });

  it('catches a stale read', () => {
    const h = history(w(1, 'a', 0, 1), w(1, 'b', 2, 3), r(2, 'a', 4, 5));
    const report = checkHistory(h);
    expect(report.valid).toBe(false);
    expect(report.anomalies.map((a) => a.kind)).toEqual(expect.arrayContaining(['stale-read', 'not-linearizable']));
    const stale = report.anomalies.find((a) => a.kind === 'stale-read')!;
    expect(stale.key).toBe('k');
    expect(stale.operations.map((o) => [o.process, o.f, o.completion?.value])).toEqual([
      [1, 'write', 'a'],
      [1, 'write', 'b'],
      [2, 'read', 'a'],
    ]);
  });

  it('catches an acknowledged write that is lost', () => {
    const h = history(w(1, 'a', 0, 1), w(2, 'b', 2, 3), r(3, 'a', 4, 5), r(3, 'a', 6, 7));
    expect(kinds(h)).toEqual(expect.arrayContaining(['lost-write', 'not-linearizable']));
    const lost = checkHistory(h).anomalies.find((a) => a.kind === 'lost-write')!;
    expect(lost.operations[0]).toMatchObject({ process: 2, f: 'write' });
  });

  it('an info write may take effect later, or never', () => {
    expect(checkHistory(history(w(1, 'a', 0, 1, 'info'), r(2, null, 5, 6), r(2, 'a', 100, 101))).valid).toBe(true);
    expect(checkHistory(history(w(1, 'a', 0, 1, 'info'), r(2, null, 5, 6))).valid).toBe(true);
    expect(checkHistory(history(w(1, 'a', 0, 1, 'pending'), r(2, 'a', 50, 51))).valid).toBe(true);
    // but not before it was invoked
    expect(checkHistory(history(r(2, 'a', 0, 1), w(1, 'a', 5, 6, 'info'))).valid).toBe(false);
    // nor flip back once it was seen
    expect(checkHistory(history(w(1, 'a', 0, 1, 'info'), r(2, 'a', 5, 6), r(2, null, 7, 8))).valid).toBe(false);
  });

  it('a failed write never took effect', () => {
    const report = checkHistory(history(w(1, 'a', 0, 1, 'fail'), r(2, 'a', 5, 6)));
    expect(report.valid).toBe(false);
    expect(report.anomalies.map((a) => a.kind)).toContain('phantom-value');
    expect(report.operations).toMatchObject({ ok: 1, fail: 1 });
  });

  it('applies cas only when the register holds the expected value', () => {
    expect(checkHistory(history(w(1, 'a', 0, 1), cas(1, 'a', 'b', 2, 3), r(2, 'b', 4, 5))).valid).toBe(true);
    // an ok cas whose expected value was not there
    expect(checkHistory(history(w(1, 'a', 0, 1), cas(1, 'x', 'b', 2, 3))).valid).toBe(false);
    // a failed cas did not apply
    expect(checkHistory(history(w(1, 'a', 0, 1), cas(1, 'a', 'b', 2, 3, 'fail'), r(2, 'a', 4, 5))).valid).toBe(true);
    expect(checkHistory(history(w(1, 'a', 0, 1), cas(1, 'a', 'b', 2, 3, 'fail'), r(2, 'b', 4, 5))).valid).toBe(false);
    // an info cas may have applied
    expect(checkHistory(history(w(1, 'a', 0, 1), cas(1, 'a', 'b', 2, 3, 'info'), r(2, 'b', 4, 5))).valid).toBe(true);
    // two concurrent cas from the same value: only one can win
    expect(checkHistory(history(w(1, 'a', 0, 1), cas(1, 'a', 'b', 2, 10), cas(2, 'a', 'c', 2, 10))).valid).toBe(false);
    expect(checkHistory(history(w(1, 'a', 0, 1), cas(1, 'a', 'b', 2, 10), cas(2, 'b', 'c', 2, 10), r(3, 'c', 11, 12))).valid).toBe(true);
  });

  it('catches a value applied twice', () => {
    const h = history(w(1, 'a', 0, 1), r(2, 'a', 2, 3), w(1, 'b', 4, 5), r(2, 'b', 6, 7), r(2, 'a', 8, 9));
    expect(kinds(h)).toEqual(expect.arrayContaining(['duplicate-apply', 'not-linearizable']));
  });

  it('checks keys independently and names the failing key', () => {
    const h = history(w(1, 'a', 0, 1, 'ok', 'x'), w(2, 'a', 0, 1, 'ok', 'y'), r(3, 'a', 2, 3, 'x'), r(4, null, 2, 3, 'y'));
    const report = checkHistory(h);
    expect(report.keys).toBe(2);
    expect(new Set(report.anomalies.map((a) => a.key))).toEqual(new Set(['y']));
  });

  it('checks --stale reads separately: behind is counted, a phantom is invalid', () => {
    const behind = checkHistory(history(w(1, 'a', 0, 1), w(1, 'b', 2, 3), r(2, 'a', 4, 5, 'k', true)));
    expect(behind).toMatchObject({ valid: true, staleReads: { total: 1, behind: 1, phantom: 0 } });
    const phantom = checkHistory(history(w(1, 'a', 0, 1), r(2, 'zzz', 4, 5, 'k', true)));
    expect(phantom).toMatchObject({ valid: false, staleReads: { total: 1, behind: 0, phantom: 1 } });
    expect(phantom.anomalies.map((a) => a.kind)).toEqual(['phantom-value']);
  });

  it('reports the minimal failing prefix', () => {
    const h = history(w(1, 'a', 0, 1), w(1, 'b', 2, 3), r(2, 'a', 4, 5), w(1, 'c', 6, 7), r(2, 'c', 8, 9), r(2, 'c', 10, 11));
    const nl = checkHistory(h).anomalies.find((a) => a.kind === 'not-linearizable')!;
    expect(nl.detail).toContain('first 3 acknowledged');
    expect(nl.operations.at(-1)).toMatchObject({ process: 2, f: 'read' });
  });

  it('rejects a malformed history with a clear error', () => {
    expect(() => checkHistory([{ process: 1, type: 'ok', f: 'read', key: 'k', value: null, time: 0 }])).toThrow(/no invocation/);
    expect(() =>
      checkHistory([
        { process: 1, type: 'invoke', f: 'read', key: 'k', value: null, time: 0 },
        { process: 1, type: 'invoke', f: 'read', key: 'k', value: null, time: 1 },
      ]),
    ).toThrow(/one operation at a time/);
  });

  it('gives up on a key past its step budget rather than hanging', () => {
    const ops = [];
    for (let i = 0; i < 12; i++) ops.push(w(i, `v${i}`, 0, 100));
    ops.push(r(99, 'nope', 101, 102));
    const report = checkHistory(history(...ops.slice(0, -1), r(99, 'v3', 101, 102), w(50, 'z', 103, 104), r(99, 'v5', 105, 106)), { stepBudget: 50 });
    expect(report.undecidedKeys).toEqual(['k']);
    expect(report.valid).toBe(false);
  });
});
