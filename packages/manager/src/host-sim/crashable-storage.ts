// The Raft database as the host simulator runs it: the real LevelStorage, behind a disk of
// seeded latency that a crash can strike.
//
// A crash here means the process died: writes not yet handed to LevelDB are lost (as if still
// in the page cache of a process that never called fsync), and nothing the host asked of its
// storage ever completes, so the abandoned host stays stuck where it was. A write LevelDB was
// already running cannot be recalled from inside the process: it lands (atomically, as a
// synced batch does) and counts as written just before the crash, which a real machine allows
// too. The next incarnation reopens the same directory once those writes are done.
//
// A crash can be armed to strike inside the write window: at the first save() of a kind
// (after the Ready's early messages left, before its write reached the disk).

import type { ConfState, Entry, InitialState, Snapshot, StorageUpdate, DurableStorage } from '@shoal/raft';
import type { LevelStorage } from '@shoal/raft/level';

/** Which saves an armed crash strikes. */
export type WriteWindowTarget = 'entries' | 'vote';

export class CrashableStorage implements DurableStorage {
  crashed = false;
  /** Extra latency of every write while the disk is slow (a slow-disk fault). */
  slowMs = 0;
  private armed: WriteWindowTarget | undefined;
  readonly stats = { saves: 0, lostWrites: 0 };

  constructor(
    readonly inner: LevelStorage,
    /** The disk's latency before a write starts, drawn per write. */
    private readonly latencyMs: () => number,
    /** Called when an armed crash strikes (the simulator crashes the whole host). */
    private readonly onWindowCrash: (what: string) => void,
  ) {}

  /** Crash at the next save that persists entries, or a vote. */
  arm(target: WriteWindowTarget): void {
    this.armed = target;
  }

  disarm(): void {
    this.armed = undefined;
  }

  get isArmed(): boolean {
    return this.armed !== undefined;
  }

  // --- reads: the real storage's (its in-memory cache)

  initialState(): InitialState {
    return this.inner.initialState();
  }
  entries(lo: number, hi: number, maxBytes?: number): Entry[] {
    return this.inner.entries(lo, hi, maxBytes);
  }
  term(index: number): number {
    return this.inner.term(index);
  }
  firstIndex(): number {
    return this.inner.firstIndex();
  }
  lastIndex(): number {
    return this.inner.lastIndex();
  }
  snapshot(): Snapshot {
    return this.inner.snapshot();
  }

  // --- writes: through the crashable disk

  save(update: StorageUpdate): Promise<void> {
    this.stats.saves++;
    if (!this.crashed && this.armed && this.strikes(update)) {
      const what =
        this.armed === 'entries' ? `${update.entries!.length} entries from index ${update.entries![0]!.index}` : `its vote for ${update.hardState!.vote}`;
      this.armed = undefined;
      this.onWindowCrash(`crashed in the write window, before persisting ${what}`);
    }
    return this.write(() => this.inner.save(update));
  }

  createSnapshot(index: number, conf: ConfState, data: Uint8Array): Promise<Snapshot> {
    return this.write(() => this.inner.createSnapshot(index, conf, data));
  }

  compact(index: number): Promise<void> {
    return this.write(() => this.inner.compact(index));
  }

  /** Closes the real storage once the writes it was running are done (the next incarnation reopens the directory). */
  close(): Promise<void> {
    return this.inner.close();
  }

  private strikes(u: StorageUpdate): boolean {
    if (this.armed === 'entries') return (u.entries?.length ?? 0) > 0;
    const hs = u.hardState;
    if (hs === undefined || hs.vote === '') return false;
    const stored = this.inner.initialState().hardState;
    return hs.vote !== stored.vote || hs.term !== stored.term;
  }

  private write<T>(op: () => Promise<T>): Promise<T> {
    if (this.crashed) {
      this.stats.lostWrites++;
      return new Promise<T>(() => {});
    }
    return new Promise<T>((resolve, reject) => {
      setTimeout(() => {
        if (this.crashed) {
          this.stats.lostWrites++;
          return; // lost with the process; the host waits forever
        }
        op().then(
          (v) => {
            if (!this.crashed) resolve(v);
          },
          (e: unknown) => {
            if (!this.crashed) reject(e as Error);
          },
        );
      }, this.latencyMs() + this.slowMs);
    });
  }
}
