// The storage contract between the Raft core and whatever keeps the log.
//
// The core only reads, and reads synchronously (it never waits on IO). Hosts write after each
// Ready through `DurableStorage.save`, which must make the whole update durable atomically
// before it resolves. `MemoryStorage` is both the reference implementation of the contract and
// the read cache that the LevelDB storage keeps in front of the disk.

import { RaftError, compactedError, unavailableError } from './errors.js';
import {
  EMPTY_CONF_STATE,
  EMPTY_HARD_STATE,
  EMPTY_SNAPSHOT,
  EntryType,
  entryBytes,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
} from './types.js';

export interface InitialState {
  readonly hardState: HardState;
  readonly confState: ConfState;
}

/** Read side, used by the core. Indexes outside what is stored throw COMPACTED / UNAVAILABLE. */
export interface Storage {
  initialState(): InitialState;
  /** Entries in [lo, hi), at most `maxBytes` worth but always at least one. */
  entries(lo: number, hi: number, maxBytes?: number): Entry[];
  /** Term of entry `index`; valid for [firstIndex()-1, lastIndex()] (firstIndex()-1 is the snapshot's). */
  term(index: number): number;
  /** The first index still in the log (snapshot index + 1). */
  firstIndex(): number;
  lastIndex(): number;
  /** The latest snapshot (EMPTY_SNAPSHOT if none). */
  snapshot(): Snapshot;
}

/** Everything one Ready asks the host to persist. */
export interface StorageUpdate {
  readonly hardState?: HardState | undefined;
  readonly entries?: readonly Entry[] | undefined;
  readonly snapshot?: Snapshot | undefined;
}

/** Write side, used by hosts. Every method is atomic: after a crash it happened fully or not at all. */
export interface DurableStorage extends Storage {
  /**
   * Persists one Ready in a single synced write: the snapshot (replacing the log), then the
   * entries (replacing any conflicting suffix), then the hard state.
   */
  save(update: StorageUpdate): Promise<void>;
  /** Records a snapshot of the state machine at `index` (≤ lastIndex). Does not compact. */
  createSnapshot(index: number, conf: ConfState, data: Uint8Array): Promise<Snapshot>;
  /**
   * Discards entries up to and including `index` (which must be ≤ the snapshot index); the
   * log then starts at index+1. Compacting to an index already compacted does nothing.
   */
  compact(index: number): Promise<void>;
  close(): Promise<void>;
}

/** Picks a prefix of `ents` no bigger than `maxBytes`, keeping at least one entry. */
export function limitSize(ents: Entry[], maxBytes: number | undefined): Entry[] {
  if (maxBytes === undefined || ents.length === 0) return ents;
  let size = entryBytes(ents[0]!);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entryBytes(ents[n]!);
    if (size > maxBytes) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}

/**
 * The log, hard state and latest snapshot kept in memory.
 *
 * `ents[0]` is a dummy entry standing for the snapshot (its index and term) so that
 * `term(firstIndex()-1)` answers without special cases.
 */
export class MemoryStorage implements DurableStorage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot = EMPTY_SNAPSHOT;
  private ents: Entry[] = [{ index: 0, term: 0, type: EntryType.Normal, data: new Uint8Array(0) }];

  initialState(): InitialState {
    return { hardState: this.hardState, confState: this.snap.meta.conf };
  }

  hardStateNow(): HardState {
    return this.hardState;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  term(index: number): number {
    const offset = this.ents[0]!.index;
    if (index < offset) throw compactedError(index, offset + 1);
    const e = this.ents[index - offset];
    if (e === undefined) throw unavailableError(index, this.lastIndex());
    return e.term;
  }

  entries(lo: number, hi: number, maxBytes?: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw compactedError(lo, offset + 1);
    if (hi > this.lastIndex() + 1) throw unavailableError(hi - 1, this.lastIndex());
    if (lo >= hi) return [];
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  /** All entries from firstIndex() on (for tests and the simulator's checks). */
  allEntries(): Entry[] {
    return this.ents.slice(1);
  }

  // --- synchronous writes (the simulator uses these directly; `save` wraps them) ---

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  applySnapshot(snap: Snapshot): void {
    if (snap.meta.index <= this.snap.meta.index) {
      throw new RaftError('SNAPSHOT_OUT_OF_DATE', `snapshot at index ${snap.meta.index} is not newer than the stored one at ${this.snap.meta.index}`);
    }
    this.snap = snap;
    this.ents = [{ index: snap.meta.index, term: snap.meta.term, type: EntryType.Normal, data: new Uint8Array(0) }];
  }

  /** Appends entries, first dropping any stored suffix from the first new index on. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[entries.length - 1]!.index;
    if (last < first) return; // entirely covered by the snapshot already
    let toAppend = entries;
    if (first > entries[0]!.index) toAppend = entries.slice(first - entries[0]!.index);
    const offset = toAppend[0]!.index - this.ents[0]!.index;
    if (offset > this.ents.length) {
      throw new RaftError('STORAGE', `append would leave a gap: stored entries end at ${this.lastIndex()}, new ones start at ${toAppend[0]!.index}`);
    }
    // In place: the log can be long, and appends at the end are the common case.
    this.ents.length = offset;
    for (const e of toAppend) this.ents.push(e);
  }

  saveSync(update: StorageUpdate): void {
    if (update.snapshot && update.snapshot.meta.index > 0) this.applySnapshot(update.snapshot);
    if (update.entries) this.append(update.entries);
    if (update.hardState) this.setHardState(update.hardState);
  }

  createSnapshotSync(index: number, conf: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.meta.index) {
      throw new RaftError('SNAPSHOT_OUT_OF_DATE', `cannot snapshot at ${index}: a snapshot at ${this.snap.meta.index} exists`);
    }
    if (index > this.lastIndex()) {
      throw unavailableError(index, this.lastIndex());
    }
    this.snap = { meta: { index, term: this.term(index), conf: copyConf(conf) }, data };
    return this.snap;
  }

  compactSync(index: number): void {
    const offset = this.ents[0]!.index;
    if (index <= offset) return; // already compacted that far
    if (index > this.snap.meta.index) {
      throw new RaftError('STORAGE', `cannot compact to ${index}: entries after the snapshot (${this.snap.meta.index}) are still needed`);
    }
    const i = index - offset;
    const keep = this.ents[i]!;
    const dummy: Entry = { index: keep.index, term: keep.term, type: EntryType.Normal, data: new Uint8Array(0) };
    this.ents = [dummy, ...this.ents.slice(i + 1)];
  }

  // --- DurableStorage (memory is "durable" for the lifetime of the object) ---

  async save(update: StorageUpdate): Promise<void> {
    this.saveSync(update);
  }

  async createSnapshot(index: number, conf: ConfState, data: Uint8Array): Promise<Snapshot> {
    return this.createSnapshotSync(index, conf, data);
  }

  async compact(index: number): Promise<void> {
    this.compactSync(index);
  }

  async close(): Promise<void> {}
}

export function copyConf(c: ConfState): ConfState {
  return { voters: [...c.voters], learners: [...c.learners] };
}

export { EMPTY_CONF_STATE };
