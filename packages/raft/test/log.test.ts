// Unit tests of log.ts (RaftLog: stored entries, unstable entries in front of them, commit and
// applied), after etcd-io/raft's log_test.go.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRaftError } from '../src/errors.js';
import { LogInvariantError, RaftLog } from '../src/log.js';
import { MemoryStorage } from '../src/storage.js';
import { EMPTY_CONF_STATE, EntryType, entryBytes, type Entry, type Snapshot } from '../src/types.js';

const ent = (index: number, term: number): Entry => ({ index, term, type: EntryType.Normal, data: new Uint8Array(0) });

/** Entries from index `from` on, with the given terms. */
const ents = (from: number, terms: readonly number[]): Entry[] => terms.map((t, i) => ent(from + i, t));

const snap = (index: number, term: number): Snapshot => ({ meta: { index, term, conf: EMPTY_CONF_STATE }, data: new Uint8Array([1]) });

/** Entries as index/term, for test names. */
const show = (es: readonly Entry[]): string => (es.length === 0 ? 'no entries' : es.map((e) => `${e.index}/${e.term}`).join(' '));

/** (index, term) pairs, to compare logs without the entries' data. */
const ids = (es: readonly Entry[]): [number, number][] => es.map((e) => [e.index, e.term]);

/**
 * A log over a MemoryStorage holding `snapshot` (if any) and the `stored` entries, with the
 * `unstable` entries appended in front of them.
 */
function newLog(o: { snapshot?: Snapshot; stored?: Entry[]; unstable?: Entry[] } = {}): { log: RaftLog; storage: MemoryStorage } {
  const storage = new MemoryStorage();
  if (o.snapshot) storage.applySnapshot(o.snapshot);
  storage.append(o.stored ?? []);
  const log = new RaftLog(storage);
  log.append(o.unstable ?? []);
  return { log, storage };
}

function raftErrorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isRaftError(e)) return e.code;
    if (e instanceof LogInvariantError) return 'INVARIANT';
    throw e;
  }
  return undefined;
}

describe('a new log', () => {
  it('starts committed and applied at the snapshot, even when entries before it are kept', () => {
    const { storage } = newLog({ stored: ents(1, [1, 1, 2, 2, 2]) });
    storage.createSnapshotSync(3, EMPTY_CONF_STATE, new Uint8Array([1]));
    const log = new RaftLog(storage);
    expect([log.firstIndex(), log.lastIndex(), log.committed, log.applied]).toEqual([1, 5, 3, 3]);
  });

  it('over an empty storage holds nothing, with term 0 at index 0', () => {
    const { log } = newLog();
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm(), log.committed, log.applied]).toEqual([1, 0, 0, 0, 0]);
  });
});

describe('findConflict: the first new entry not already in the log', () => {
  // The log holds 1/1, 2/2, 3/3 (index/term), as in etcd's TestFindConflict.
  it.each(
    [
      { ents: [] as Entry[], want: 0 },
      // all present
      { ents: ents(1, [1, 2, 3]), want: 0 },
      { ents: ents(2, [2, 3]), want: 0 },
      { ents: ents(3, [3]), want: 0 },
      // present, then new
      { ents: ents(1, [1, 2, 3, 4, 4]), want: 4 },
      { ents: ents(2, [2, 3, 4, 4]), want: 4 },
      { ents: ents(3, [3, 4, 4]), want: 4 },
      { ents: ents(4, [4, 4]), want: 4 },
      // a different term at an index we have
      { ents: ents(1, [4, 4]), want: 1 },
      { ents: ents(2, [1, 4, 4]), want: 2 },
      { ents: ents(3, [1, 2, 4, 4]), want: 3 },
    ].map((c) => ({ ...c, label: show(c.ents) })),
  )('$label → $want', ({ ents: e, want }) => {
    const { log } = newLog({ stored: ents(1, [1, 2, 3]) });
    expect(log.findConflict(e)).toBe(want);
  });
});

describe('findConflictByTerm: the largest index at or below `index` whose term is at most `term`', () => {
  // Snapshot at 10 (term 2), then 11..15 with terms 3, 3, 5, 5, 6.
  it.each([
    { index: 15, term: 6, want: { index: 15, term: 6 } },
    { index: 15, term: 5, want: { index: 14, term: 5 } },
    { index: 15, term: 4, want: { index: 12, term: 3 } },
    { index: 13, term: 4, want: { index: 12, term: 3 } },
    { index: 15, term: 3, want: { index: 12, term: 3 } },
    { index: 15, term: 2, want: { index: 10, term: 2 } }, // the snapshot's term answers for its index
    { index: 15, term: 1, want: { index: 9, term: 0 } }, // below the snapshot: unknown
    { index: 17, term: 6, want: { index: 17, term: 0 } }, // past the end: unknown
    { index: 0, term: 0, want: { index: 0, term: 0 } },
  ])('($index, $term) → $want', ({ index, term, want }) => {
    const { log } = newLog({ snapshot: snap(10, 2), stored: ents(11, [3, 3, 5, 5, 6]) });
    expect(log.findConflictByTerm(index, term)).toEqual(want);
  });
});

describe('isUpToDate (§5.4.1): a higher last term wins, then a longer log', () => {
  // The log ends at 3 with term 3.
  it.each([
    { lastIndex: 2, lastTerm: 4, want: true },
    { lastIndex: 3, lastTerm: 4, want: true },
    { lastIndex: 4, lastTerm: 4, want: true },
    { lastIndex: 2, lastTerm: 2, want: false },
    { lastIndex: 3, lastTerm: 2, want: false },
    { lastIndex: 4, lastTerm: 2, want: false },
    { lastIndex: 2, lastTerm: 3, want: false },
    { lastIndex: 3, lastTerm: 3, want: true },
    { lastIndex: 4, lastTerm: 3, want: true },
  ])('candidate ($lastIndex, $lastTerm) → $want', ({ lastIndex, lastTerm, want }) => {
    const { log } = newLog({ unstable: ents(1, [1, 2, 3]) });
    expect(log.isUpToDate(lastIndex, lastTerm)).toBe(want);
  });
});

describe('append', () => {
  // Storage holds 1/1, 2/2, as in etcd's TestAppend.
  it.each(
    [
      {
        ents: [] as Entry[],
        last: 2,
        log: [
          [1, 1],
          [2, 2],
        ],
        unstableOffset: 3,
      },
      {
        ents: ents(3, [2]),
        last: 3,
        log: [
          [1, 1],
          [2, 2],
          [3, 2],
        ],
        unstableOffset: 3,
      },
      { ents: ents(1, [2]), last: 1, log: [[1, 2]], unstableOffset: 1 }, // replaces the whole stored log
      {
        ents: ents(2, [3, 3]),
        last: 3,
        log: [
          [1, 1],
          [2, 3],
          [3, 3],
        ],
        unstableOffset: 2,
      }, // replaces from 2 on
    ].map((c) => ({ ...c, label: show(c.ents) })),
  )('$label → last $last, unstable from $unstableOffset', ({ ents: e, last, log: want, unstableOffset }) => {
    const { log } = newLog({ stored: ents(1, [1, 2]) });
    expect(log.append(e)).toBe(last);
    expect(ids(log.allEntries())).toEqual(want);
    expect(log.unstable.offset).toBe(unstableOffset);
  });

  it('refuses to replace committed entries', () => {
    const { log } = newLog({ stored: ents(1, [1, 2, 3]) });
    log.commitTo(2);
    expect(() => log.append(ents(2, [4]))).toThrow(LogInvariantError);
    expect(log.append(ents(3, [4]))).toBe(3); // after the commit point is fine
  });
});

describe('maybeAppend: the follower side of AppendEntries', () => {
  // The log holds 1/1, 2/2, 3/3 with commit 1, as in etcd's TestLogMaybeAppend.
  it.each(
    [
      // the previous entry does not match: nothing happens
      { index: 3, logTerm: 2, commit: 3, ents: ents(4, [4]), lastNew: undefined, committed: 1, log: [1, 2, 3] },
      { index: 4, logTerm: 3, commit: 3, ents: ents(5, [4]), lastNew: undefined, committed: 1, log: [1, 2, 3] },
      // match at the last entry: commit follows the leader, but not past the last new entry
      { index: 3, logTerm: 3, commit: 3, ents: [], lastNew: 3, committed: 3, log: [1, 2, 3] },
      { index: 3, logTerm: 3, commit: 4, ents: [], lastNew: 3, committed: 3, log: [1, 2, 3] },
      { index: 3, logTerm: 3, commit: 2, ents: [], lastNew: 3, committed: 2, log: [1, 2, 3] },
      { index: 3, logTerm: 3, commit: 0, ents: [], lastNew: 3, committed: 1, log: [1, 2, 3] }, // never back
      { index: 3, logTerm: 3, commit: 3, ents: ents(4, [4]), lastNew: 4, committed: 3, log: [1, 2, 3, 4] },
      { index: 3, logTerm: 3, commit: 4, ents: ents(4, [4]), lastNew: 4, committed: 4, log: [1, 2, 3, 4] },
      { index: 3, logTerm: 3, commit: 5, ents: ents(4, [4]), lastNew: 4, committed: 4, log: [1, 2, 3, 4] },
      { index: 3, logTerm: 3, commit: 5, ents: ents(4, [4, 4]), lastNew: 5, committed: 5, log: [1, 2, 3, 4, 4] },
      // match in the middle: conflicting entries are replaced from the first conflict on
      { index: 2, logTerm: 2, commit: 3, ents: ents(3, [4]), lastNew: 3, committed: 3, log: [1, 2, 4] },
      { index: 1, logTerm: 1, commit: 3, ents: ents(2, [4]), lastNew: 2, committed: 2, log: [1, 4] },
      { index: 1, logTerm: 1, commit: 3, ents: ents(2, [4, 4]), lastNew: 3, committed: 3, log: [1, 4, 4] },
      // entries already present (a duplicated or reordered append): nothing after them is cut
      { index: 1, logTerm: 1, commit: 3, ents: ents(2, [2]), lastNew: 2, committed: 2, log: [1, 2, 3] },
      { index: 0, logTerm: 0, commit: 3, ents: [], lastNew: 0, committed: 1, log: [1, 2, 3] },
    ].map((c) => ({ ...c, label: show(c.ents) })),
  )(
    'prev $index/$logTerm, leader commit $commit, $label → last new $lastNew, commit $committed',
    ({ index, logTerm, commit, ents: e, lastNew, committed, log: terms }) => {
      const { log } = newLog({ stored: ents(1, [1, 2, 3]) });
      log.commitTo(1);
      expect(log.maybeAppend(index, logTerm, commit, e)).toBe(lastNew);
      expect(log.committed).toBe(committed);
      expect(log.allEntries().map((x) => x.term)).toEqual(terms);
    },
  );

  it('a conflict with a committed entry is a broken invariant, not a truncation', () => {
    const { log } = newLog({ stored: ents(1, [1, 2, 3]) });
    log.commitTo(1);
    expect(() => log.maybeAppend(0, 0, 3, ents(1, [4]))).toThrow(new LogInvariantError('entry 1 conflicts with committed entry (committed 1)'));
    expect(log.allEntries().map((x) => x.term)).toEqual([1, 2, 3]);
  });
});

describe('term lookups', () => {
  // Snapshot at 100 (term 1); stored entries 101..199 with term = index - 100 (etcd's TestTerm).
  const stored = Array.from({ length: 99 }, (_, i) => ent(101 + i, i + 1));

  it.each([
    { index: 99, want: undefined }, // compacted
    { index: 100, want: 1 }, // the snapshot's own index
    { index: 101, want: 1 },
    { index: 150, want: 50 },
    { index: 199, want: 99 },
    { index: 200, want: undefined }, // past the end
  ])('termAt($index) → $want', ({ index, want }) => {
    const { log } = newLog({ snapshot: snap(100, 1), stored });
    expect(log.termAt(index)).toBe(want);
  });

  it.each([
    { index: 100, want: undefined }, // behind the incoming snapshot now
    { index: 104, want: undefined },
    { index: 105, want: 5 }, // the incoming snapshot answers for its index
    { index: 106, want: undefined },
  ])('with an unstable snapshot at 105 over a stored one at 100: termAt($index) → $want', ({ index, want }) => {
    const { log } = newLog({ snapshot: snap(100, 1), stored: ents(101, [1, 1]) });
    log.restore(snap(105, 5));
    expect(log.termAt(index)).toBe(want);
  });

  it('reads stored terms below the unstable offset and unstable terms from it on', () => {
    const { log } = newLog({ stored: ents(1, [1, 1, 2]), unstable: ents(4, [3, 3]) });
    expect([1, 2, 3, 4, 5].map((i) => log.termAt(i))).toEqual([1, 1, 2, 3, 3]);
    expect(log.lastTerm()).toBe(3);
  });

  it('an unstable entry shadows the stored one it replaces until the host persists it', () => {
    const { log, storage } = newLog({ stored: ents(1, [1, 1, 2]) });
    log.append(ents(3, [4]));
    expect([log.termAt(3), storage.term(3), log.lastIndex()]).toEqual([4, 2, 3]);
    expect(log.matchTerm(3, 2)).toBe(false);
    expect(log.matchTerm(3, 4)).toBe(true);
  });
});

describe('commit and apply bounds', () => {
  it.each([
    { to: 3, want: 3 },
    { to: 1, want: 2 }, // commit never goes back
  ])('commitTo($to) from 2 → $want', ({ to, want }) => {
    const { log } = newLog({ stored: ents(1, [1, 2, 3]) });
    log.commitTo(2);
    log.commitTo(to);
    expect(log.committed).toBe(want);
  });

  it('commitTo past the last index is a broken invariant', () => {
    const { log } = newLog({ stored: ents(1, [1, 2, 3]) });
    expect(() => log.commitTo(4)).toThrow(LogInvariantError);
    expect(log.committed).toBe(0);
  });

  it('maybeCommit (§5.4.2) commits only an entry of the given term, and only forward', () => {
    const { log } = newLog({ stored: ents(1, [1, 2, 3]) });
    expect(log.maybeCommit(3, 2)).toBe(false); // entry 3 is from term 3
    expect(log.committed).toBe(0);
    expect(log.maybeCommit(2, 2)).toBe(true);
    expect(log.committed).toBe(2);
    expect(log.maybeCommit(1, 1)).toBe(false); // behind commit
    expect(log.maybeCommit(4, 3)).toBe(false); // no such entry
    expect(log.committed).toBe(2);
  });

  it('appliedTo stays within [applied, committed]; 0 means nothing applied', () => {
    const { log } = newLog({ stored: ents(1, [1, 2, 3]) });
    log.commitTo(2);
    expect(() => log.appliedTo(3)).toThrow(LogInvariantError);
    log.appliedTo(2);
    expect(log.applied).toBe(2);
    expect(() => log.appliedTo(1)).toThrow(LogInvariantError);
    log.appliedTo(0);
    expect(log.applied).toBe(2);
  });

  // Snapshot at 3, entries 4..6, commit 5 (etcd's TestNextCommittedEnts).
  it.each([
    { applied: undefined, want: [4, 5] }, // applied starts at the snapshot
    { applied: 4, want: [5] },
    { applied: 5, want: [] },
  ])('committed but not applied, applied $applied → $want', ({ applied, want }) => {
    const { log } = newLog({ snapshot: snap(3, 1), stored: ents(4, [1, 1, 1]) });
    log.commitTo(5);
    if (applied !== undefined) log.appliedTo(applied);
    expect(log.nextCommittedEntries().map((e) => e.index)).toEqual(want);
    expect(log.hasNextCommittedEntries()).toBe(want.length > 0);
  });

  it('nextCommittedEntries with a byte limit hands out at least one entry', () => {
    const { log } = newLog({ snapshot: snap(3, 1), stored: ents(4, [1, 1, 1]) });
    log.commitTo(6);
    expect(log.nextCommittedEntries(0).map((e) => e.index)).toEqual([4]);
    expect(log.nextCommittedEntries(2 * entryBytes(ent(4, 1))).map((e) => e.index)).toEqual([4, 5]);
  });

  it('entries committed but compacted before they were applied are skipped, not read', () => {
    const { log, storage } = newLog({ stored: ents(1, [1, 1, 1, 1, 1]) });
    log.commitTo(5);
    storage.createSnapshotSync(3, EMPTY_CONF_STATE, new Uint8Array([1]));
    storage.compactSync(3);
    expect(log.applied).toBe(0);
    expect(log.nextCommittedEntries().map((e) => e.index)).toEqual([4, 5]);
  });
});

describe('slice across the stable/unstable boundary', () => {
  // Snapshot at 100; 101..149 stored, 150..199 unstable; term = index (etcd's TestSlice).
  const setup = () =>
    newLog({
      snapshot: snap(100, 100),
      stored: Array.from({ length: 49 }, (_, i) => ent(101 + i, 101 + i)),
      unstable: Array.from({ length: 50 }, (_, i) => ent(150 + i, 150 + i)),
    }).log;
  const one = entryBytes(ent(1, 1));

  it.each([
    { lo: 99, hi: 101, error: 'COMPACTED' },
    { lo: 100, hi: 101, error: 'COMPACTED' }, // the snapshot's index is not an entry
    { lo: 199, hi: 201, error: 'UNAVAILABLE' },
    { lo: 200, hi: 201, error: 'UNAVAILABLE' },
    { lo: 151, hi: 150, error: 'INVARIANT' },
  ])('[$lo, $hi) → $error', ({ lo, hi, error }) => {
    const log = setup();
    expect(raftErrorCode(() => log.slice(lo, hi))).toBe(error);
  });

  it.each([
    { lo: 101, hi: 101, maxBytes: undefined, want: [] as number[] },
    { lo: 101, hi: 102, maxBytes: undefined, want: [101] },
    { lo: 147, hi: 150, maxBytes: undefined, want: [147, 148, 149] }, // stored only
    { lo: 149, hi: 151, maxBytes: undefined, want: [149, 150] }, // across
    { lo: 150, hi: 152, maxBytes: undefined, want: [150, 151] }, // unstable only
    { lo: 199, hi: 200, maxBytes: undefined, want: [199] },
    // byte limits: always at least one entry
    { lo: 148, hi: 152, maxBytes: 0, want: [148] },
    { lo: 148, hi: 152, maxBytes: 2 * one, want: [148, 149] }, // storage cut it short: nothing unstable follows
    { lo: 148, hi: 152, maxBytes: 3 * one, want: [148, 149, 150] }, // the limit applies across the boundary
    { lo: 148, hi: 152, maxBytes: 3 * one + 1, want: [148, 149, 150] },
    { lo: 150, hi: 152, maxBytes: 0, want: [150] },
  ])('[$lo, $hi) limit $maxBytes → $want', ({ lo, hi, maxBytes, want }) => {
    expect(
      setup()
        .slice(lo, hi, maxBytes)
        .map((e) => e.index),
    ).toEqual(want);
  });

  it('a storage that returns fewer entries than the limit allows never leaves a gap before the unstable ones', () => {
    const { storage } = newLog({ stored: ents(1, [1, 1, 1]) });
    // The contract allows any non-empty prefix within the limit: this storage gives one entry.
    const stingy = Object.create(storage) as MemoryStorage;
    stingy.entries = (lo, hi, maxBytes) => storage.entries(lo, hi, maxBytes).slice(0, maxBytes === undefined ? undefined : 1);
    const log = new RaftLog(stingy);
    log.append(ents(4, [2, 2]));
    expect(log.slice(2, 6, 100 * one).map((e) => e.index)).toEqual([2]);
    expect(log.slice(2, 6).map((e) => e.index)).toEqual([2, 3, 4, 5]);
  });

  it('entriesFrom: everything after a compacted index is unknown, past the end is empty', () => {
    const log = setup();
    expect(log.entriesFrom(100)).toBeUndefined();
    expect(log.entriesFrom(198)?.map((e) => e.index)).toEqual([198, 199]);
    expect(log.entriesFrom(200)).toEqual([]);
    expect(log.entriesFrom(101)).toHaveLength(99);
  });

  it('a slice equals the entries of the whole log between its bounds, for any bounds and limit (property)', () => {
    const log = setup();
    const all = log.allEntries();
    fc.assert(
      fc.property(fc.integer({ min: 101, max: 200 }), fc.integer({ min: 0, max: 99 }), fc.option(fc.nat({ max: 10 * one })), (lo, n, maxBytes) => {
        const hi = Math.min(lo + n, 200);
        const got = log.slice(lo, hi, maxBytes ?? undefined);
        const want = all.slice(lo - 101, hi - 101);
        // At least one entry, and no more than the limit allows unless it is the only one.
        const fits = maxBytes === null ? want.length : Math.max(Math.min(want.length, 1), Math.floor(maxBytes / one));
        expect(ids(got)).toEqual(ids(want.slice(0, Math.min(want.length, fits))));
      }),
    );
  });
});

describe('persisting and compaction', () => {
  it('stableTo drops unstable entries the host persisted; a stale (index, term) leaves them', () => {
    const { log, storage } = newLog({ unstable: ents(1, [1, 2]) });
    storage.append(log.unstable.entries);
    log.stableTo(1, 2); // entry 1 has term 1: stale
    expect([log.unstable.offset, log.unstable.entries.length]).toEqual([1, 2]);
    log.stableTo(3, 2); // no such entry
    expect([log.unstable.offset, log.unstable.entries.length]).toEqual([1, 2]);
    log.stableTo(1, 1);
    expect([log.unstable.offset, log.unstable.entries.length]).toEqual([2, 1]);
    log.stableTo(2, 2);
    expect([log.unstable.offset, log.unstable.entries.length, log.persistedLastIndex()]).toEqual([3, 0, 2]);
    expect(ids(log.allEntries())).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('persistedLastIndex is the last stored entry still in the log', () => {
    const { log } = newLog({ stored: ents(1, [1, 1, 1]) });
    expect(log.persistedLastIndex()).toBe(3);
    log.append(ents(4, [2, 2])); // 4, 5 unstable
    expect(log.persistedLastIndex()).toBe(3);
    log.append(ents(2, [3])); // replaces the stored 2 and 3
    expect(log.persistedLastIndex()).toBe(1);
  });

  it('compacting storage behind unstable entries keeps every term and entry above the compaction point (etcd: TestCompactionSideEffects)', () => {
    const { log, storage } = newLog({
      stored: ents(
        1,
        Array.from({ length: 750 }, (_, i) => i + 1),
      ),
    });
    log.append(Array.from({ length: 250 }, (_, i) => ent(751 + i, 751 + i)));
    log.commitTo(1000);
    storage.createSnapshotSync(500, EMPTY_CONF_STATE, new Uint8Array([1]));
    storage.compactSync(500);

    expect([log.firstIndex(), log.lastIndex(), log.unstable.entries.length]).toEqual([501, 1000, 250]);
    expect(log.termAt(499)).toBeUndefined();
    for (let i = 500; i <= 1000; i++) expect(log.termAt(i)).toBe(i);
    expect(log.entriesFrom(499)).toBeUndefined();
    expect(log.entriesFrom(501)?.[0]).toMatchObject({ index: 501, term: 501 });
    expect(log.entriesFrom(501)).toHaveLength(500);
    expect(log.append([ent(1001, 1001)])).toBe(1001);
  });

  it('compacting the whole log leaves it empty but still knowing its last index and term', () => {
    const { log, storage } = newLog({ stored: ents(1, [1, 2, 3]) });
    log.commitTo(3);
    storage.createSnapshotSync(3, EMPTY_CONF_STATE, new Uint8Array([1]));
    storage.compactSync(3);
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm()]).toEqual([4, 3, 3]);
    expect(log.allEntries()).toEqual([]);
    expect(log.entriesFrom(4)).toEqual([]);
    expect(log.entriesFrom(3)).toBeUndefined();
    expect(log.isUpToDate(3, 3)).toBe(true);
    expect(log.isUpToDate(4, 2)).toBe(false);
  });

  it("restore from a leader's snapshot replaces the log until the host persists it", () => {
    const { log, storage } = newLog({ stored: ents(1, [1, 1]), unstable: ents(3, [2]) });
    const s = snap(200, 5);
    log.restore(s);
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm(), log.committed]).toEqual([201, 200, 5, 200]);
    expect([log.hasPendingSnapshot(), log.persistedLastIndex(), log.snapshot()]).toEqual([true, 0, s]);

    storage.applySnapshot(s);
    log.stableSnapTo(199); // not the snapshot handed out: stays pending
    expect(log.hasPendingSnapshot()).toBe(true);
    log.stableSnapTo(200);
    expect([log.hasPendingSnapshot(), log.persistedLastIndex(), log.firstIndex(), log.lastIndex()]).toEqual([false, 200, 201, 200]);
    expect(log.snapshot()).toBe(s);
  });
});
