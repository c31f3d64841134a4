// The storage contract, run against the in-memory reference and the LevelDB Raft database:
// whatever MemoryStorage answers, LevelStorage must answer too (and again after a reopen).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelStorage } from '../src/level-storage.js';
import { MemoryStorage, type DurableStorage } from '../src/storage.js';
import { EntryType, entryBytes, type ConfState, type Entry, type Snapshot } from '../src/types.js';

interface Harness {
  readonly name: string;
  open(): Promise<DurableStorage>;
  /** What a restart gives back: the same object for memory, a fresh open for LevelDB. */
  reopen(s: DurableStorage): Promise<DurableStorage>;
  cleanup(): Promise<void>;
}

function memoryHarness(): Harness {
  return {
    name: 'MemoryStorage',
    open: async () => new MemoryStorage(),
    reopen: async (s) => s,
    cleanup: async () => {},
  };
}

function levelHarness(): Harness {
  const dirs: string[] = [];
  const open = new Set<DurableStorage>();
  const openIn = async (dir: string) => {
    const s = await LevelStorage.open(dir);
    open.add(s);
    return s;
  };
  return {
    name: 'LevelStorage',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'shoal-contract-'));
      dirs.push(dir);
      return openIn(dir);
    },
    reopen: async (s) => {
      await s.close();
      open.delete(s);
      return openIn((s as LevelStorage).dir);
    },
    cleanup: async () => {
      for (const s of open) await s.close();
      open.clear();
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    },
  };
}

const utf8 = new TextEncoder();

function ent(index: number, term: number, type = EntryType.Normal): Entry {
  return { index, term, type, data: utf8.encode(`e${index}@t${term}`) };
}

function ents(from: number, terms: number[]): Entry[] {
  return terms.map((t, i) => ent(from + i, t));
}

/** Entries with data as hex, so Buffer and Uint8Array compare equal. */
function plain(es: readonly Entry[]) {
  return es.map((e) => ({ ...e, data: Buffer.from(e.data).toString('hex') }));
}

function plainSnap(s: Snapshot) {
  return { meta: s.meta, data: Buffer.from(s.data).toString('hex') };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

const CONF: ConfState = { voters: ['n1', 'n2', 'n3'], learners: ['n4'] };

describe.each([memoryHarness, levelHarness].map((make) => make()))('storage contract: $name', (h) => {
  afterEach(() => h.cleanup());

  it('starts empty', async () => {
    let s = await h.open();
    for (let round = 0; round < 2; round++) {
      expect(s.firstIndex()).toBe(1);
      expect(s.lastIndex()).toBe(0);
      expect(s.term(0)).toBe(0);
      expect(s.entries(1, 1)).toEqual([]);
      expect(s.snapshot().meta.index).toBe(0);
      expect(s.initialState()).toEqual({
        hardState: { term: 0, vote: '', commit: 0 },
        confState: { voters: [], learners: [] },
      });
      s = await h.reopen(s);
    }
  });

  it('appends and reads entries and terms', async () => {
    let s = await h.open();
    const log = ents(1, [1, 1, 2, 2, 3]);
    await s.save({ entries: log.slice(0, 2) });
    await s.save({ entries: log.slice(2) });
    for (let round = 0; round < 2; round++) {
      expect(s.lastIndex()).toBe(5);
      expect(plain(s.entries(1, 6))).toEqual(plain(log));
      expect(plain(s.entries(2, 4))).toEqual(plain(log.slice(1, 3)));
      expect([0, 1, 2, 3, 4, 5].map((i) => s.term(i))).toEqual([0, 1, 1, 2, 2, 3]);
      s = await h.reopen(s);
    }
  });

  it('limits entries by maxBytes but always returns at least one', async () => {
    const s = await h.open();
    const log = ents(1, [1, 1, 1, 1]);
    await s.save({ entries: log });
    expect(s.entries(1, 5, 0)).toHaveLength(1);
    expect(s.entries(1, 5, entryBytes(log[0]!) + entryBytes(log[1]!))).toHaveLength(2);
    expect(s.entries(1, 5, Number.MAX_SAFE_INTEGER)).toHaveLength(4);
  });

  it('replaces a conflicting suffix', async () => {
    let s = await h.open();
    await s.save({ entries: ents(1, [1, 1, 1, 1, 1]) });
    await s.save({ entries: ents(3, [2, 2]) });
    for (let round = 0; round < 2; round++) {
      expect(s.lastIndex()).toBe(4);
      expect(plain(s.entries(1, 5))).toEqual(plain(ents(1, [1, 1, 2, 2])));
      expect(codeOf(() => s.term(5))).toBe('UNAVAILABLE');
      s = await h.reopen(s);
    }
    await s.save({ entries: ents(1, [3]) });
    s = await h.reopen(s);
    expect(s.lastIndex()).toBe(1);
    expect(plain(s.entries(1, 2))).toEqual(plain(ents(1, [3])));
  });

  it('refuses an append that would leave a gap, changing nothing', async () => {
    let s = await h.open();
    await s.save({ entries: ents(1, [1, 1, 1]) });
    await expect(s.save({ entries: ents(5, [1]) })).rejects.toMatchObject({ code: 'STORAGE' });
    s = await h.reopen(s);
    expect(s.lastIndex()).toBe(3);
    expect(plain(s.entries(1, 4))).toEqual(plain(ents(1, [1, 1, 1])));
  });

  it('answers COMPACTED below the log and UNAVAILABLE past it', async () => {
    let s = await h.open();
    await s.save({ entries: ents(1, [1, 1, 1, 1, 1, 1]) });
    await s.createSnapshot(4, CONF, new Uint8Array([1]));
    await s.compact(3);
    for (let round = 0; round < 2; round++) {
      expect(codeOf(() => s.term(2))).toBe('COMPACTED');
      expect(codeOf(() => s.entries(3, 5))).toBe('COMPACTED');
      expect(codeOf(() => s.term(7))).toBe('UNAVAILABLE');
      expect(codeOf(() => s.entries(4, 8))).toBe('UNAVAILABLE');
      expect(s.term(3)).toBe(1);
      expect(s.entries(4, 7)).toHaveLength(3);
      s = await h.reopen(s);
    }
  });

  it('applies a snapshot from save, replacing the log', async () => {
    let s = await h.open();
    await s.save({ entries: ents(1, [1, 1, 2, 2, 2]) });
    const snap: Snapshot = { meta: { index: 10, term: 3, conf: CONF }, data: utf8.encode('state@10') };
    await s.save({ snapshot: snap, entries: ents(11, [3, 4]), hardState: { term: 4, vote: 'n2', commit: 10 } });
    for (let round = 0; round < 2; round++) {
      expect(s.firstIndex()).toBe(11);
      expect(s.lastIndex()).toBe(12);
      expect(s.term(10)).toBe(3);
      expect(codeOf(() => s.term(9))).toBe('COMPACTED');
      expect(plain(s.entries(11, 13))).toEqual(plain(ents(11, [3, 4])));
      expect(plainSnap(s.snapshot())).toEqual(plainSnap(snap));
      expect(s.initialState()).toEqual({ hardState: { term: 4, vote: 'n2', commit: 10 }, confState: CONF });
      s = await h.reopen(s);
    }
    const older: Snapshot = { meta: { index: 8, term: 2, conf: CONF }, data: new Uint8Array() };
    await expect(s.save({ snapshot: older })).rejects.toMatchObject({ code: 'SNAPSHOT_OUT_OF_DATE' });
    // A snapshot alone leaves an empty log that starts right after it.
    const next: Snapshot = { meta: { index: 20, term: 5, conf: CONF }, data: new Uint8Array([2]) };
    await s.save({ snapshot: next });
    s = await h.reopen(s);
    expect([s.firstIndex(), s.lastIndex(), s.term(20)]).toEqual([21, 20, 5]);
  });

  it('drops the whole log for a snapshot inside it, including entries after it', async () => {
    let s = await h.open();
    await s.save({ entries: ents(1, [1, 1, 1, 2, 2, 2]) });
    await s.save({ snapshot: { meta: { index: 3, term: 1, conf: CONF }, data: new Uint8Array([3]) } });
    for (let round = 0; round < 2; round++) {
      expect([s.firstIndex(), s.lastIndex(), s.term(3)]).toEqual([4, 3, 1]);
      expect(codeOf(() => s.term(4))).toBe('UNAVAILABLE');
      s = await h.reopen(s);
    }
    await s.save({ entries: ents(4, [4]) });
    s = await h.reopen(s);
    expect(plain(s.entries(4, 5))).toEqual(plain(ents(4, [4])));
  });

  it('creates snapshots and compacts the log up to them', async () => {
    let s = await h.open();
    await s.save({ entries: ents(1, [1, 1, 2, 2, 2, 3, 3, 3, 3, 3]) });
    const snap = await s.createSnapshot(6, CONF, utf8.encode('state@6'));
    expect(snap.meta).toEqual({ index: 6, term: 3, conf: CONF });
    expect(s.firstIndex()).toBe(1); // snapshotting does not compact

    await s.compact(4);
    s = await h.reopen(s);
    expect(s.firstIndex()).toBe(5);
    expect(s.term(4)).toBe(2);
    expect(plainSnap(s.snapshot())).toEqual(plainSnap(snap));
    expect(s.initialState().confState).toEqual(CONF);

    await s.compact(4); // idempotent
    await s.compact(2); // already compacted past it
    expect(s.firstIndex()).toBe(5);
    await expect(s.compact(7)).rejects.toMatchObject({ code: 'STORAGE' });
    await s.compact(6);
    s = await h.reopen(s);
    expect([s.firstIndex(), s.lastIndex(), s.term(6)]).toEqual([7, 10, 3]);
    expect(plain(s.entries(7, 11))).toEqual(plain(ents(7, [3, 3, 3, 3])));

    await expect(s.createSnapshot(6, CONF, new Uint8Array())).rejects.toMatchObject({ code: 'SNAPSHOT_OUT_OF_DATE' });
    await expect(s.createSnapshot(11, CONF, new Uint8Array())).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('saves the hard state, alone or with entries', async () => {
    let s = await h.open();
    await s.save({ hardState: { term: 2, vote: 'n1', commit: 0 } });
    s = await h.reopen(s);
    expect(s.initialState().hardState).toEqual({ term: 2, vote: 'n1', commit: 0 });
    await s.save({ entries: ents(1, [2, 2, 2]), hardState: { term: 3, vote: 'nœud-ü', commit: 2 } });
    s = await h.reopen(s);
    expect(s.initialState().hardState).toEqual({ term: 3, vote: 'nœud-ü', commit: 2 });
    expect(s.lastIndex()).toBe(3);
  });
});

describe('LevelStorage matches MemoryStorage', () => {
  // One append: where it starts (relative to the current log) and how its terms grow.
  const append = fc.record({
    start: fc.nat(),
    bumps: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
    type: fc.constantFrom(EntryType.Normal, EntryType.ConfChange),
    commit: fc.nat(),
  });

  it('for random overlapping appends, before and after reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(append, { minLength: 1, maxLength: 12 }), async (appends) => {
        const dir = await mkdtemp(join(tmpdir(), 'shoal-prop-'));
        const mem = new MemoryStorage();
        let lev = await LevelStorage.open(dir);
        try {
          for (const a of appends) {
            const start = 1 + (a.start % (mem.lastIndex() + 1));
            let term = mem.term(start - 1);
            const batch = a.bumps.map((b, i) => {
              term += b;
              return { ...ent(start + i, Math.max(term, 1)), type: a.type };
            });
            const lastNew = start + batch.length - 1;
            const update = { entries: batch, hardState: { term, vote: 'n1', commit: a.commit % (lastNew + 1) } };
            await mem.save(update);
            await lev.save(update);
          }
          const same = (l: LevelStorage) => {
            expect(l.lastIndex()).toBe(mem.lastIndex());
            expect(plain(l.entries(1, l.lastIndex() + 1))).toEqual(plain(mem.allEntries()));
            expect(l.initialState()).toEqual(mem.initialState());
          };
          same(lev);
          await lev.close();
          lev = await LevelStorage.open(dir);
          same(lev);
        } finally {
          await lev.close();
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 30 },
    );
  });
});
