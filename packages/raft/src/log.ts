// The node's view of the Raft log: persisted entries (Storage) followed by unstable ones,
// plus the commit and applied indexes.

import { isRaftError, compactedError, unavailableError } from './errors.js';
import { limitSize, type Storage } from './storage.js';
import type { Entry, Snapshot } from './types.js';
import { Unstable } from './unstable.js';

export class LogInvariantError extends Error {
  constructor(message: string) {
    super(`raft log invariant violated: ${message}`);
    this.name = 'LogInvariantError';
  }
}

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  /** Highest index known to be stored on a quorum. Never decreases. */
  committed: number;
  /** Highest index the application has applied (as reported through advance()). */
  applied: number;

  constructor(storage: Storage) {
    this.storage = storage;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    // The state machine restarts from the snapshot, which may be ahead of the first entry
    // kept in the log (entries are kept behind a snapshot for slow followers).
    const start = Math.max(first - 1, storage.snapshot().meta.index);
    this.committed = start;
    this.applied = start;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** The last index on disk that is still part of our log (everything before the unstable entries). */
  persistedLastIndex(): number {
    if (this.unstable.entries.length > 0) return this.unstable.offset - 1;
    if (this.unstable.snapshot) return 0; // the stored log is about to be replaced
    return this.lastIndex();
  }

  /** Term of the entry at `index`, or undefined if it was compacted away or does not exist. */
  termAt(index: number): number | undefined {
    const dummy = this.firstIndex() - 1;
    if (index < dummy || index > this.lastIndex()) return undefined;
    const t = this.unstable.maybeTerm(index);
    if (t !== undefined) return t;
    try {
      return this.storage.term(index);
    } catch (e) {
      if (isRaftError(e, 'COMPACTED') || isRaftError(e, 'UNAVAILABLE')) return undefined;
      throw e;
    }
  }

  lastTerm(): number {
    const t = this.termAt(this.lastIndex());
    if (t === undefined) throw new LogInvariantError(`no term for the last index ${this.lastIndex()}`);
    return t;
  }

  matchTerm(index: number, term: number): boolean {
    return this.termAt(index) === term;
  }

  /** §5.4.1: a log is at least as up-to-date if its last term is higher, or equal with an index at least as long. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * The follower side of AppendEntries: if our entry at `index` has `logTerm`, append `ents`
   * after it (replacing from the first conflict only) and advance commit to
   * min(leaderCommit, last new index). Returns the last new index, or undefined on mismatch.
   */
  maybeAppend(index: number, logTerm: number, leaderCommit: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const conflict = this.findConflict(ents);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new LogInvariantError(`entry ${conflict} conflicts with committed entry (committed ${this.committed})`);
      }
      this.append(ents.slice(conflict - (index + 1)));
    }
    this.commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed) {
      throw new LogInvariantError(`appending after ${after} would overwrite committed entries up to ${this.committed}`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * The first entry whose (index, term) is not already in the log, or 0 if all are present.
   * Entries already present are skipped so a duplicated or reordered append never truncates.
   */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * Fast backtracking: the largest index ≤ `index` whose term is ≤ `term`. Every entry above it
   * has a term greater than `term`, so it cannot match the other log there.
   * Returns term 0 when the answer's term is unknown (compacted).
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (; index > 0; index--) {
      const t = this.termAt(index);
      if (t === undefined) return { index, term: 0 };
      if (t <= term) return { index, term: t };
    }
    return { index: 0, term: 0 };
  }

  /** Entries in [lo, hi), at most maxBytes worth (at least one). */
  slice(lo: number, hi: number, maxBytes?: number): Entry[] {
    if (lo > hi) throw new LogInvariantError(`invalid slice ${lo} > ${hi}`);
    const first = this.firstIndex();
    if (lo < first) throw compactedError(lo, first);
    const last = this.lastIndex();
    if (hi > last + 1) throw unavailableError(hi - 1, last);
    if (lo === hi) return [];

    const offset = this.unstable.offset;
    let ents: Entry[] = [];
    if (lo < offset) {
      const storedHi = Math.min(hi, offset);
      ents = this.storage.entries(lo, storedHi, maxBytes);
      // Storage cut the slice short for size: nothing from unstable can follow.
      if (ents.length < storedHi - lo) return ents;
    }
    if (hi > offset) {
      const unstableEnts = this.unstable.slice(Math.max(lo, offset), hi);
      ents = ents.length > 0 ? ents.concat(unstableEnts) : unstableEnts;
    }
    return limitSize(ents, maxBytes);
  }

  /** Entries from `index` to the end of the log, or undefined if `index` was compacted. */
  entriesFrom(index: number, maxBytes?: number): Entry[] | undefined {
    if (index > this.lastIndex()) return [];
    if (index < this.firstIndex()) return undefined;
    return this.slice(index, this.lastIndex() + 1, maxBytes);
  }

  /** Entries committed but not yet applied. */
  nextCommittedEntries(maxBytes?: number): Entry[] {
    const lo = Math.max(this.applied + 1, this.firstIndex());
    if (lo > this.committed) return [];
    return this.slice(lo, this.committed + 1, maxBytes);
  }

  hasNextCommittedEntries(): boolean {
    return this.committed >= Math.max(this.applied + 1, this.firstIndex());
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  /** The snapshot to send to a follower that needs entries we compacted. */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  commitTo(index: number): void {
    if (this.committed >= index) return; // commit never moves back
    if (index > this.lastIndex()) {
      throw new LogInvariantError(`commit ${index} is past the last index ${this.lastIndex()}`);
    }
    this.committed = index;
  }

  /**
   * Advances commit to `index` only if that entry is from `term` (the leader's current term):
   * entries from earlier terms are committed indirectly, never by counting replicas (§5.4.2).
   */
  maybeCommit(index: number, term: number): boolean {
    if (index > this.committed && this.termAt(index) === term) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  appliedTo(index: number): void {
    if (index === 0) return;
    if (index > this.committed || index < this.applied) {
      throw new LogInvariantError(`applied ${index} is outside [applied ${this.applied}, committed ${this.committed}]`);
    }
    this.applied = index;
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term);
  }

  stableSnapTo(index: number): void {
    this.unstable.stableSnapTo(index);
  }

  restore(s: Snapshot): void {
    this.committed = s.meta.index;
    this.unstable.restore(s);
  }

  /** All entries from firstIndex on (tests and debugging). */
  allEntries(): Entry[] {
    return this.slice(this.firstIndex(), this.lastIndex() + 1);
  }
}
