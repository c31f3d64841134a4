// Unit tests of progress.ts, the leader's view of one follower, after etcd-io/raft's
// tracker/progress_test.go and tracker/inflights_test.go.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Inflights, Progress, ProgressState } from '../src/progress.js';

/** A voter's progress in `state` with the given match and next (as etcd's tests build them). */
function progress(o: {
  state?: ProgressState;
  match?: number;
  next: number;
  pendingSnapshot?: number;
  maxInflight?: number;
  maxInflightBytes?: number;
}): Progress {
  const p = new Progress('b', o.next, o.maxInflight ?? 256, o.maxInflightBytes ?? 0, false);
  p.state = o.state ?? ProgressState.Probe;
  p.match = o.match ?? 0;
  p.pendingSnapshot = o.pendingSnapshot ?? 0;
  return p;
}

describe('state transitions', () => {
  it('a new progress probes from the next index it was given', () => {
    const p = new Progress('b', 6, 256, 0, false);
    expect([p.state, p.match, p.next, p.probeSent, p.isPaused()]).toEqual([ProgressState.Probe, 0, 6, false, false]);
  });

  it.each([
    { from: ProgressState.Replicate, pendingSnapshot: 0, wantNext: 2 },
    { from: ProgressState.Probe, pendingSnapshot: 0, wantNext: 2 },
    // The follower has at least the snapshot it was sent: probe right after it.
    { from: ProgressState.Snapshot, pendingSnapshot: 10, wantNext: 11 },
    // A snapshot behind match tells nothing new: probe after match.
    { from: ProgressState.Snapshot, pendingSnapshot: 0, wantNext: 2 },
  ])('becomeProbe from $from (match 1, pending snapshot $pendingSnapshot) probes from $wantNext', ({ from, pendingSnapshot, wantNext }) => {
    const p = progress({ state: from, match: 1, next: 5, pendingSnapshot });
    p.becomeProbe();
    expect([p.state, p.match, p.next, p.pendingSnapshot]).toEqual([ProgressState.Probe, 1, wantNext, 0]);
  });

  it('becomeReplicate streams from right after match', () => {
    const p = progress({ match: 1, next: 5 });
    p.becomeReplicate();
    expect([p.state, p.match, p.next]).toEqual([ProgressState.Replicate, 1, 2]);
  });

  it('becomeSnapshot records the snapshot index and leaves match and next alone', () => {
    const p = progress({ match: 1, next: 5 });
    p.becomeSnapshot(10);
    expect([p.state, p.match, p.next, p.pendingSnapshot]).toEqual([ProgressState.Snapshot, 1, 5, 10]);
  });

  it('every transition forgets the previous state: the probe in flight, snapshot ticks and inflight messages', () => {
    for (const become of [(p: Progress) => p.becomeProbe(), (p: Progress) => p.becomeReplicate(), (p: Progress) => p.becomeSnapshot(9)]) {
      const p = progress({ state: ProgressState.Replicate, match: 3, next: 8 });
      p.probeSent = true;
      p.snapshotTicks = 4;
      p.inflights.add(5, 100);
      p.inflights.add(7, 100);
      become(p);
      expect([p.probeSent, p.snapshotTicks, p.inflights.count]).toEqual([false, 0, 0]);
    }
  });
});

describe('maybeUpdate: the follower acknowledged an index', () => {
  // match 3, next 5 before each update (etcd's TestProgressUpdate).
  it.each([
    { index: 2, updated: false, match: 3, next: 5 }, // older than match: nothing moves
    { index: 3, updated: false, match: 3, next: 5 }, // same as match
    { index: 4, updated: true, match: 4, next: 5 }, // match moves, next already past it
    { index: 5, updated: true, match: 5, next: 6 }, // next moves with match
    { index: 6, updated: true, match: 6, next: 7 }, // past next: both jump
  ])('ack $index → updated $updated, match $match, next $next', ({ index, updated, match, next }) => {
    const p = progress({ match: 3, next: 5 });
    expect(p.maybeUpdate(index)).toBe(updated);
    expect([p.match, p.next]).toEqual([match, next]);
  });

  it('a new match unpauses a probe; a stale ack leaves it paused', () => {
    const p = progress({ match: 3, next: 5 });
    p.probeSent = true;
    expect(p.maybeUpdate(3)).toBe(false);
    expect(p.isPaused()).toBe(true);
    expect(p.maybeUpdate(4)).toBe(true);
    expect(p.isPaused()).toBe(false);
  });

  it('optimisticUpdate moves next past what was just sent, without touching match', () => {
    const p = progress({ state: ProgressState.Replicate, match: 3, next: 4 });
    p.optimisticUpdate(9);
    expect([p.match, p.next]).toEqual([3, 10]);
  });
});

describe('maybeDecrTo: the follower rejected an append', () => {
  // After etcd's TestProgressMaybeDecr.
  it.each([
    // Replicate: a rejection at or below match answers an older append.
    { state: ProgressState.Replicate, match: 5, next: 10, rejected: 5, hint: 5, decreased: false, wantNext: 10 },
    { state: ProgressState.Replicate, match: 5, next: 10, rejected: 4, hint: 4, decreased: false, wantNext: 10 },
    // Replicate: a real rejection falls back to right after match, whatever the hint.
    { state: ProgressState.Replicate, match: 5, next: 10, rejected: 9, hint: 9, decreased: true, wantNext: 6 },
    { state: ProgressState.Replicate, match: 5, next: 10, rejected: 9, hint: 2, decreased: true, wantNext: 6 },
    // Probe: only the answer to the append just sent (rejected = next-1) counts.
    { state: ProgressState.Probe, match: 0, next: 10, rejected: 5, hint: 5, decreased: false, wantNext: 10 },
    { state: ProgressState.Probe, match: 0, next: 10, rejected: 9, hint: 9, decreased: true, wantNext: 9 },
    { state: ProgressState.Probe, match: 0, next: 2, rejected: 1, hint: 0, decreased: true, wantNext: 1 },
    // Probe: the follower's hint (its last index) lets next skip back further.
    { state: ProgressState.Probe, match: 0, next: 10, rejected: 9, hint: 2, decreased: true, wantNext: 3 },
    { state: ProgressState.Probe, match: 0, next: 10, rejected: 9, hint: 0, decreased: true, wantNext: 1 },
    // Probe: next never falls to or below match, nor below 1.
    { state: ProgressState.Probe, match: 5, next: 10, rejected: 9, hint: 2, decreased: true, wantNext: 6 },
    { state: ProgressState.Probe, match: 0, next: 1, rejected: 0, hint: 0, decreased: true, wantNext: 1 },
    // Snapshot: treated like a probe; nothing was appended, so no rejection matches.
    { state: ProgressState.Snapshot, match: 5, next: 10, rejected: 5, hint: 5, decreased: false, wantNext: 10 },
  ])(
    '$state match $match next $next, rejected $rejected hint $hint → $decreased, next $wantNext',
    ({ state, match, next, rejected, hint, decreased, wantNext }) => {
      const p = progress({ state, match, next });
      expect(p.maybeDecrTo(rejected, hint)).toBe(decreased);
      expect([p.match, p.next]).toEqual([match, wantNext]);
    },
  );

  it('a rejection of the probe in flight unpauses it; a stale one does not', () => {
    const p = progress({ next: 10 });
    p.probeSent = true;
    expect(p.maybeDecrTo(5, 5)).toBe(false);
    expect(p.isPaused()).toBe(true);
    expect(p.maybeDecrTo(9, 9)).toBe(true);
    expect(p.isPaused()).toBe(false);
  });
});

describe('isPaused', () => {
  it.each([
    { state: ProgressState.Probe, probeSent: false, inflightFull: false, paused: false },
    { state: ProgressState.Probe, probeSent: true, inflightFull: false, paused: true },
    { state: ProgressState.Replicate, probeSent: false, inflightFull: false, paused: false },
    { state: ProgressState.Replicate, probeSent: true, inflightFull: false, paused: false }, // probeSent means nothing here
    { state: ProgressState.Replicate, probeSent: false, inflightFull: true, paused: true },
    { state: ProgressState.Snapshot, probeSent: false, inflightFull: false, paused: true },
  ])('$state, probe sent $probeSent, inflights full $inflightFull → paused $paused', ({ state, probeSent, inflightFull, paused }) => {
    const p = progress({ state, next: 1, maxInflight: 1 });
    p.probeSent = probeSent;
    if (inflightFull) p.inflights.add(1, 10);
    expect(p.isPaused()).toBe(paused);
  });
});

describe('Inflights', () => {
  it('is full at maxMessages unacknowledged appends', () => {
    const inf = new Inflights(10, 0);
    for (let i = 0; i < 9; i++) inf.add(i, 100);
    expect([inf.count, inf.full()]).toEqual([9, false]);
    inf.add(9, 100);
    expect([inf.count, inf.full()]).toEqual([10, true]);
  });

  it('is full once maxBytes are in flight, and 0 bytes means no byte limit', () => {
    const inf = new Inflights(100, 1000);
    inf.add(1, 400);
    inf.add(2, 400);
    expect(inf.full()).toBe(false); // 800
    inf.add(3, 400);
    expect(inf.full()).toBe(true); // 1200 ≥ 1000
    inf.freeLE(1);
    expect(inf.full()).toBe(false); // 800 again

    const unlimited = new Inflights(100, 0);
    unlimited.add(1, Number.MAX_SAFE_INTEGER);
    expect(unlimited.full()).toBe(false);
  });

  it('freeLE frees every append up to the acknowledged index, and nothing twice', () => {
    const inf = new Inflights(10, 0);
    for (let i = 0; i < 10; i++) inf.add(i, 1);
    inf.freeLE(4);
    expect(inf.count).toBe(5);
    inf.freeLE(4);
    expect(inf.count).toBe(5);
    inf.freeLE(3); // older than what was freed: nothing
    expect(inf.count).toBe(5);
    inf.freeLE(8);
    expect(inf.count).toBe(1);
    inf.freeLE(100);
    expect(inf.count).toBe(0);
  });

  it('freeLE between two appends frees only those at or below it', () => {
    const inf = new Inflights(10, 0);
    for (const last of [3, 7, 12]) inf.add(last, 1);
    inf.freeLE(9);
    expect(inf.count).toBe(1);
  });

  it('freeFirstOne frees the oldest append only (a heartbeat answer in a full window)', () => {
    const inf = new Inflights(3, 0);
    for (const last of [3, 7, 12]) inf.add(last, 1);
    expect(inf.full()).toBe(true);
    inf.freeFirstOne();
    expect([inf.count, inf.full()]).toEqual([2, false]);
    inf.freeFirstOne();
    inf.freeFirstOne();
    inf.freeFirstOne(); // empty: nothing to free
    expect(inf.count).toBe(0);
  });

  it('reset empties the window and its byte count', () => {
    const inf = new Inflights(10, 100);
    inf.add(1, 100);
    expect(inf.full()).toBe(true);
    inf.reset();
    expect([inf.count, inf.full()]).toEqual([0, false]);
  });

  it('count and full() match a model of the window under any adds and frees (property)', () => {
    const op = fc.oneof(fc.record({ add: fc.nat({ max: 300 }) }), fc.record({ freeLE: fc.nat({ max: 30 }) }), fc.constant({ freeFirstOne: true as const }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat({ max: 1000 }), fc.array(op, { maxLength: 40 }), (maxMessages, maxBytes, ops) => {
        const inf = new Inflights(maxMessages, maxBytes);
        const model: { last: number; bytes: number }[] = [];
        let last = 0;
        for (const o of ops) {
          if ('add' in o) {
            last++; // each append ends after the previous one
            inf.add(last, o.add);
            model.push({ last, bytes: o.add });
          } else if ('freeLE' in o) {
            inf.freeLE(o.freeLE);
            while (model.length > 0 && model[0]!.last <= o.freeLE) model.shift();
          } else {
            inf.freeFirstOne();
            model.shift();
          }
          const bytes = model.reduce((n, m) => n + m.bytes, 0);
          expect(inf.count).toBe(model.length);
          expect(inf.full()).toBe(model.length >= maxMessages || (maxBytes > 0 && bytes >= maxBytes));
        }
      }),
    );
  });
});

describe('invariants', () => {
  it('next stays above match, and match never goes down, under any acks, rejections and transitions (property)', () => {
    const op = fc.oneof(
      fc.record({ ack: fc.nat({ max: 30 }) }),
      fc.record({ reject: fc.nat({ max: 30 }), hint: fc.nat({ max: 30 }) }),
      fc.record({ rejectProbe: fc.nat({ max: 30 }) }), // the answer to the append in flight: rejected = next-1
      fc.record({ send: fc.nat({ max: 5 }) }),
      fc.constantFrom('probe', 'replicate'),
      fc.record({ snapshot: fc.nat({ max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.array(op, { maxLength: 40 }), (next, ops) => {
        const p = new Progress('b', next, 4, 0, false);
        for (const o of ops) {
          const match = p.match;
          if (o === 'probe') p.becomeProbe();
          else if (o === 'replicate') p.becomeReplicate();
          else if ('ack' in o) p.maybeUpdate(o.ack);
          else if ('reject' in o) p.maybeDecrTo(o.reject, o.hint);
          else if ('rejectProbe' in o) p.maybeDecrTo(p.next - 1, o.rejectProbe);
          else if ('send' in o) p.optimisticUpdate(p.next - 1 + o.send);
          else p.becomeSnapshot(o.snapshot);
          expect(p.match).toBeGreaterThanOrEqual(match);
          expect(p.next).toBeGreaterThan(p.match);
        }
      }),
    );
  });
});

it('describe() names the follower, its state and its window', () => {
  const p = new Progress('b', 4, 256, 0, true);
  p.match = 1;
  p.becomeSnapshot(123);
  expect(p.describe()).toBe('b (learner): snapshot match=1 next=4 inflight=0 snapshot=123 inactive');
  p.becomeReplicate();
  p.recentActive = true;
  p.inflights.add(5, 10);
  expect(p.describe()).toBe('b (learner): replicate match=1 next=2 inflight=1');
});
