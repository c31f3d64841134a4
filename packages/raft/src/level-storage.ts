// The Raft database: one node's log, hard state and latest snapshot in a LevelDB directory.
//
// The core reads synchronously, so open() loads everything into a MemoryStorage and every read
// is served from it. Writes go to disk first, as one synced batch, and reach the cache only once
// LevelDB has acknowledged them: a failed write (disk full, ...) leaves memory and disk agreeing.
//
// Layout (sublevels of one database; record formats in level-codec.ts):
//   meta!version    format version
//   meta!compacted  compaction marker {index, term}: the log starts at index+1
//   meta!incarnation  the cluster incarnation this node belongs to (absent: the original one)
//   meta!cipher     the payload cipher's key record, opaque here (absent: payloads are plain)
//   hard!state      hard state
//   log!<u64 BE>    one entry per index
//   snap!meta       snapshot index, term and membership
//   snap!data       snapshot state-machine bytes
//
// With a PayloadCipher, the bytes that can hold state-machine data (entry data, snapshot data)
// are stored sealed; keys, terms, hard state and membership stay plain (Raft needs them before
// anyone could unlock anything, and they carry no secrets).

import { mkdirSync } from 'node:fs';
import { Level } from 'level';
import { RaftError, unavailableError } from './errors.js';
import {
  FORMAT_VERSION,
  decodeEntry,
  decodeHardState,
  decodeIncarnation,
  decodeIndexKey,
  decodeMarker,
  decodeSnapshotMeta,
  decodeVersion,
  encodeEntry,
  encodeHardState,
  encodeIncarnation,
  encodeMarker,
  encodeSnapshotMeta,
  encodeVersion,
  indexKey,
  type CompactionMarker,
} from './level-codec.js';
import { MemoryStorage, copyConf, type DurableStorage, type InitialState, type StorageUpdate } from './storage.js';
import { EMPTY_CONF_STATE, EMPTY_HARD_STATE, EMPTY_SNAPSHOT, type ConfState, type Entry, type HardState, type Snapshot } from './types.js';

type Bytes = Uint8Array;
type Db = Level<Bytes, Bytes>;
/** A batch operation on the root database, its key already carrying the sublevel's prefix. */
interface Op {
  readonly type: 'put' | 'del';
  readonly key: Bytes;
  readonly value?: Bytes;
}

const VIEW = { keyEncoding: 'view', valueEncoding: 'view' } as const;
const utf8 = new TextEncoder();
const VERSION_KEY = utf8.encode('version');
const MARKER_KEY = utf8.encode('compacted');
const INCARNATION_KEY = utf8.encode('incarnation');
const HARD_STATE_KEY = utf8.encode('state');
const SNAP_META_KEY = utf8.encode('meta');
const SNAP_DATA_KEY = utf8.encode('data');
const CIPHER_KEY = utf8.encode('cipher');
// Associated data for sealed payloads: a sealed value only opens under the key (and header) it
// was written for, so values cannot be swapped between indexes or from entry to snapshot.
const ENTRY_AAD = utf8.encode('shoal-raft entry\0');
const SNAPSHOT_AAD = utf8.encode('shoal-raft snapshot\0');

/**
 * Encrypts what the Raft database stores that can hold state-machine data. Its owner (the
 * manager's autolock) decides the algorithm and where its keys come from; LevelStorage only
 * keeps the cipher's key record (meta!cipher) and passes associated data naming each value.
 */
export interface PayloadCipher {
  /**
   * Called once by open(), before anything else is read: with the stored key record, or with
   * undefined for a brand-new database. Returns a key record to store now (synced: a new
   * database's), or undefined. Throws (e.g. wrong key) to make open() fail with that error.
   */
  unlock(record: Uint8Array | undefined): Uint8Array | undefined;
  seal(plain: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Throws when the value does not authenticate (altered, or sealed with another key). */
  open(sealed: Uint8Array, aad: Uint8Array): Uint8Array;
}

export interface LevelStorageOptions {
  /** Seal entry and snapshot data; required to open a database created with one. */
  readonly cipher?: PayloadCipher;
}

function sublevel(db: Db, name: string) {
  return db.sublevel<Bytes, Bytes>(name, VIEW);
}
type Sublevel = ReturnType<typeof sublevel>;

// Batches address sublevels by prefixing keys themselves: abstract-level's per-operation
// `sublevel` option costs several times more CPU than the write, and a Ready can carry
// hundreds of entries.
function prefixed(sub: Sublevel, key: Bytes): Bytes {
  return sub.prefixKey(key, 'view', false);
}

function put(sub: Sublevel, key: Bytes, value: Bytes): Op {
  return { type: 'put', key: prefixed(sub, key), value };
}

function del(sub: Sublevel, key: Bytes): Op {
  return { type: 'del', key: prefixed(sub, key) };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function withCause(err: RaftError, cause: unknown): RaftError {
  err.cause = cause;
  return err;
}

function hex(b: Bytes): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export class LevelStorage implements DurableStorage {
  private readonly meta: Sublevel;
  private readonly hard: Sublevel;
  private readonly log: Sublevel;
  private readonly snap: Sublevel;
  private cache = new MemoryStorage();
  private incarnationId = '';
  /** Writes run one at a time, each planned against the state the previous one left. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly db: Db,
    private readonly cipher: PayloadCipher | undefined,
  ) {
    this.meta = sublevel(db, 'meta');
    this.hard = sublevel(db, 'hard');
    this.log = sublevel(db, 'log');
    this.snap = sublevel(db, 'snap');
  }

  /** Opens (or creates) the database in `dir`, checks it, and loads it into memory. */
  static async open(dir: string, o: LevelStorageOptions = {}): Promise<LevelStorage> {
    // Private (0700) when created here: the log holds whatever the state machine keeps (a
    // manager's: the CA key). LevelDB would create it 0777 less the umask.
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw openError(dir, e);
    }
    const db: Db = new Level<Bytes, Bytes>(dir, VIEW);
    try {
      await db.open();
    } catch (e) {
      throw openError(dir, e);
    }
    const s = new LevelStorage(dir, db, o.cipher);
    try {
      await s.load();
    } catch (e) {
      await db.close().catch(() => {});
      throw e;
    }
    return s;
  }

  // --- reads: all from the cache ---

  initialState(): InitialState {
    return this.cache.initialState();
  }

  entries(lo: number, hi: number, maxBytes?: number): Entry[] {
    return this.cache.entries(lo, hi, maxBytes);
  }

  term(index: number): number {
    return this.cache.term(index);
  }

  firstIndex(): number {
    return this.cache.firstIndex();
  }

  lastIndex(): number {
    return this.cache.lastIndex();
  }

  snapshot(): Snapshot {
    return this.cache.snapshot();
  }

  /**
   * Which incarnation of its cluster this node's log belongs to. Recovering a cluster from one
   * survivor (the manager's --force-new-cluster) starts a new incarnation with a history of its
   * own; nodes of another incarnation must not exchange Raft messages with it. '' is the
   * cluster's original incarnation (and what databases written before incarnations existed hold).
   */
  get incarnation(): string {
    return this.incarnationId;
  }

  /** Records (synced) that this node now belongs to incarnation `id` ('' for the original). */
  setIncarnation(id: string): Promise<void> {
    return this.serial(async () => {
      let value: Bytes;
      try {
        value = encodeIncarnation(id);
      } catch (e) {
        throw new RaftError('STORAGE', `cannot record the cluster incarnation: ${messageOf(e)}`);
      }
      await this.write([id === '' ? del(this.meta, INCARNATION_KEY) : put(this.meta, INCARNATION_KEY, value)], `record cluster incarnation "${id}"`);
      this.incarnationId = id;
    });
  }

  /** Whether payloads are sealed (the database was created with a cipher). */
  get encrypted(): boolean {
    return this.cipher !== undefined;
  }

  /** Replaces the cipher's key record (synced), e.g. its data key sealed under a new operator key. */
  saveCipherRecord(record: Uint8Array): Promise<void> {
    if (!this.cipher) return Promise.reject(new RaftError('STORAGE', 'this Raft database has no payload cipher to save a key record for'));
    return this.serial(() => this.write([put(this.meta, CIPHER_KEY, record)], 'save the payload key record'));
  }

  // --- writes ---

  save(update: StorageUpdate): Promise<void> {
    return this.serial(async () => {
      const ops = this.planSave(update);
      if (ops.length > 0) await this.write(ops, 'save a Raft update');
      this.cache.saveSync(update);
    });
  }

  createSnapshot(index: number, conf: ConfState, data: Uint8Array): Promise<Snapshot> {
    return this.serial(async () => {
      const c = this.cache;
      const have = c.snapshot().meta.index;
      if (index <= have) {
        throw new RaftError('SNAPSHOT_OUT_OF_DATE', `cannot snapshot at ${index}: a snapshot at ${have} exists`);
      }
      if (index > c.lastIndex()) throw unavailableError(index, c.lastIndex());
      const meta = { index, term: c.term(index), conf: copyConf(conf) };
      const metaBytes = encodeSnapshotMeta(meta);
      await this.write(
        [put(this.snap, SNAP_META_KEY, metaBytes), put(this.snap, SNAP_DATA_KEY, this.sealSnapshot(metaBytes, data))],
        `record the snapshot at ${index}`,
      );
      return c.createSnapshotSync(index, conf, data);
    });
  }

  compact(index: number): Promise<void> {
    return this.serial(async () => {
      const c = this.cache;
      if (index < c.firstIndex()) return; // already compacted that far
      const snapIndex = c.snapshot().meta.index;
      if (index > snapIndex) {
        throw new RaftError('STORAGE', `cannot compact to ${index}: entries after the snapshot (${snapIndex}) are still needed`);
      }
      // The synced marker is the commit point: from then on the entries are gone as far as
      // anyone can tell, and open() deletes whatever keys a crash left at or below it.
      const marker = { index, term: c.term(index) };
      await this.write([put(this.meta, MARKER_KEY, encodeMarker(marker))], `record compaction to ${index}`);
      c.compactSync(index);
      try {
        await this.log.clear({ lte: indexKey(index) });
      } catch (e) {
        throw withCause(
          new RaftError(
            'STORAGE',
            `could not delete compacted log entries up to ${index} in the Raft database at ${this.dir}: ` +
              `${messageOf(e)}. The compaction is recorded and will be finished on the next compact or open; ` +
              `check that the disk is healthy and writable`,
          ),
          e,
        );
      }
    });
  }

  async close(): Promise<void> {
    await this.tail;
    await this.db.close();
  }

  // --- internals ---

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => {});
    return run;
  }

  private async write(ops: Op[], what: string): Promise<void> {
    try {
      // The chained form costs a fraction of the array form's CPU per operation.
      const batch = this.db.batch();
      for (const op of ops) {
        if (op.type === 'put') batch.put(op.key, op.value!);
        else batch.del(op.key);
      }
      await batch.write({ sync: true });
    } catch (e) {
      throw withCause(
        new RaftError(
          'STORAGE',
          `could not ${what} in the Raft database at ${this.dir}: ${messageOf(e)}. Nothing was written; ` +
            `free disk space or fix the directory's permissions and retry`,
        ),
        e,
      );
    }
  }

  /**
   * Turns one update into batch operations, refusing (before anything is written) whatever the
   * cache would refuse and whatever open() would later reject as corrupt.
   */
  private planSave(update: StorageUpdate): Op[] {
    const c = this.cache;
    const ops: Op[] = [];
    let offset = c.firstIndex() - 1;
    let last = c.lastIndex();
    let snapIndex = c.snapshot().meta.index;
    let termAt = (i: number): number => c.term(i);

    const snap = update.snapshot;
    if (snap && snap.meta.index > 0) {
      if (snap.meta.index <= snapIndex) {
        throw new RaftError('SNAPSHOT_OUT_OF_DATE', `snapshot at index ${snap.meta.index} is not newer than the stored one at ${snapIndex}`);
      }
      for (let i = offset + 1; i <= last; i++) ops.push(del(this.log, indexKey(i)));
      const metaBytes = encodeSnapshotMeta(snap.meta);
      ops.push(
        put(this.snap, SNAP_META_KEY, metaBytes),
        put(this.snap, SNAP_DATA_KEY, this.sealSnapshot(metaBytes, snap.data)),
        put(this.meta, MARKER_KEY, encodeMarker(snap.meta)),
      );
      offset = last = snapIndex = snap.meta.index;
      termAt = () => snap.meta.term; // only ever asked for the snapshot's index below
    }

    const ents = update.entries ?? [];
    const lastNew = ents.at(-1)?.index;
    if (lastNew !== undefined && lastNew > offset) {
      const from = Math.max(ents[0]!.index, offset + 1);
      const news = ents.slice(from - ents[0]!.index);
      if (from > last + 1) {
        throw new RaftError('STORAGE', `append would leave a gap: stored entries end at ${last}, new ones start at ${from}`);
      }
      if (from <= last && from <= snapIndex) {
        throw new RaftError(
          'STORAGE',
          `refusing to replace entries from ${from} on: the snapshot at ${snapIndex} covers them, ` + `and applied entries never change`,
        );
      }
      let prevTerm = termAt(from - 1);
      news.forEach((e, i) => {
        if (e.index !== from + i) {
          const msg = `entries to append are not consecutive: ${e.index} where ${from + i} was expected`;
          throw new RaftError('STORAGE', msg);
        }
        if (e.term < prevTerm) {
          const msg = `entry ${e.index} has term ${e.term}, lower than the term ${prevTerm} before it`;
          throw new RaftError('STORAGE', msg);
        }
        prevTerm = e.term;
      });
      // A conflicting suffix goes in the same batch, so no stale entry survives past the new end.
      for (let i = from; i <= last; i++) ops.push(del(this.log, indexKey(i)));
      for (const e of news) ops.push(put(this.log, indexKey(e.index), this.entryValue(e)));
      last = lastNew;
    }

    const hs = update.hardState;
    if (hs) {
      if (hs.commit > last) {
        throw new RaftError('STORAGE', `hard state commits up to ${hs.commit} but the log ends at ${last}`);
      }
      ops.push(put(this.hard, HARD_STATE_KEY, encodeHardState(hs)));
    }
    return ops;
  }

  // --- sealed payloads ---

  private entryValue(e: Entry): Bytes {
    if (!this.cipher) return encodeEntry(e);
    const key = indexKey(e.index);
    return encodeEntry({ ...e, data: this.cipher.seal(e.data, entryAad(key, e.term, e.type)) });
  }

  private openEntry(key: Bytes, e: Entry): Entry {
    if (!this.cipher) return e;
    try {
      return { ...e, data: this.cipher.open(e.data, entryAad(key, e.term, e.type)) };
    } catch (err) {
      throw withCause(this.corrupt(`log entry ${e.index} does not decrypt (${messageOf(err)})`), err);
    }
  }

  private sealSnapshot(metaBytes: Bytes, data: Bytes): Bytes {
    return this.cipher ? this.cipher.seal(data, concat(SNAPSHOT_AAD, metaBytes)) : data;
  }

  private openSnapshot(metaBytes: Bytes, data: Bytes): Bytes {
    if (!this.cipher) return data;
    try {
      return this.cipher.open(data, concat(SNAPSHOT_AAD, metaBytes));
    } catch (err) {
      throw withCause(this.corrupt(`the snapshot data does not decrypt (${messageOf(err)})`), err);
    }
  }

  private corrupt(what: string): RaftError {
    return new RaftError(
      'CORRUPT',
      `the Raft database at ${this.dir} is corrupt: ${what}. Nothing was changed; restore the directory ` +
        `from a backup, or move it aside and re-join this node to the cluster`,
    );
  }

  /** Reads one record, turning LevelDB failures into STORAGE and undecodable bytes into CORRUPT. */
  private async read<T>(sub: Sublevel, key: Bytes, what: string, decode: (b: Bytes) => T): Promise<T | undefined> {
    let raw: Bytes | undefined;
    try {
      raw = await sub.get(key);
    } catch (e) {
      throw this.readError(e);
    }
    if (raw === undefined) return undefined;
    try {
      return decode(raw);
    } catch (e) {
      throw withCause(this.corrupt(`the ${what} cannot be decoded (${messageOf(e)})`), e);
    }
  }

  private readError(e: unknown): RaftError {
    const code = (e as { code?: unknown }).code;
    if (code === 'LEVEL_CORRUPTION') {
      return withCause(this.corrupt(`LevelDB reports: ${messageOf(e)}`), e);
    }
    return withCause(new RaftError('STORAGE', `could not read the Raft database at ${this.dir}: ${messageOf(e)}; check the disk`), e);
  }

  private async isEmpty(): Promise<boolean> {
    try {
      const keys = await this.db.keys({ limit: 1 }).all();
      return keys.length === 0;
    } catch (e) {
      throw this.readError(e);
    }
  }

  /** Validates everything on disk and fills the cache; throws CORRUPT rather than guess. */
  private async load(): Promise<void> {
    const version = await this.read(this.meta, VERSION_KEY, 'format version', decodeVersion);
    if (version === undefined) {
      if (!(await this.isEmpty())) throw this.corrupt('it holds data but no format version');
      const record = this.cipher?.unlock(undefined);
      await this.write([put(this.meta, VERSION_KEY, encodeVersion(FORMAT_VERSION)), ...(record ? [put(this.meta, CIPHER_KEY, record)] : [])], 'initialize');
      return;
    }
    if (version !== FORMAT_VERSION) {
      throw this.corrupt(
        `it has format version ${version}, but this build only reads version ${FORMAT_VERSION}; ` + `if a newer shoal wrote it, run that version`,
      );
    }

    const cipherRecord = await this.read(this.meta, CIPHER_KEY, 'payload key record', (b) => b);
    if (cipherRecord && !this.cipher) {
      throw new RaftError(
        'LOCKED',
        `the Raft database at ${this.dir} is encrypted: it can only be opened with its key (for a manager: its cluster's unlock key)`,
      );
    }
    if (this.cipher) {
      if (!cipherRecord) {
        throw new RaftError(
          'STORAGE',
          `the Raft database at ${this.dir} was created unencrypted; it cannot be opened with a payload cipher (encryption cannot be turned on for an existing database)`,
        );
      }
      const replaced = this.cipher.unlock(cipherRecord);
      if (replaced) await this.write([put(this.meta, CIPHER_KEY, replaced)], 'save the payload key record');
    }
    this.incarnationId = (await this.read(this.meta, INCARNATION_KEY, 'cluster incarnation', decodeIncarnation)) ?? '';
    const noMarker: CompactionMarker = { index: 0, term: 0 };
    const marker = (await this.read(this.meta, MARKER_KEY, 'compaction marker', decodeMarker)) ?? noMarker;
    const hardState: HardState = (await this.read(this.hard, HARD_STATE_KEY, 'hard state', decodeHardState)) ?? EMPTY_HARD_STATE;
    const snapMeta = await this.read(this.snap, SNAP_META_KEY, 'snapshot meta', decodeSnapshotMeta);
    const snapData = await this.read(this.snap, SNAP_DATA_KEY, 'snapshot data', (b) => b);
    if ((snapMeta === undefined) !== (snapData === undefined)) {
      throw this.corrupt(`the snapshot has ${snapMeta ? 'meta but no data' : 'data but no meta'}`);
    }
    const snap: Snapshot = snapMeta && snapData ? { meta: snapMeta, data: this.openSnapshot(encodeSnapshotMeta(snapMeta), snapData) } : EMPTY_SNAPSHOT;
    if (snapMeta && snapMeta.index === 0) throw this.corrupt('the snapshot is at index 0');

    const { entries, leftovers } = await this.loadLog(marker);
    const last = marker.index + entries.length;
    const termOf = (i: number): number | undefined => (i === marker.index ? marker.term : entries[i - marker.index - 1]?.term);

    if (marker.index === 0 && marker.term !== 0) {
      throw this.corrupt(`the compaction marker has term ${marker.term} at index 0`);
    }
    if (marker.index > snap.meta.index) {
      throw this.corrupt(`the log is compacted through ${marker.index}, but the snapshot only covers ${snap.meta.index}`);
    }
    if (snap.meta.index > 0 && termOf(snap.meta.index) !== snap.meta.term) {
      throw this.corrupt(
        snap.meta.index > last
          ? `the snapshot is at ${snap.meta.index}, past the end of the log at ${last}`
          : `the snapshot at ${snap.meta.index} has term ${snap.meta.term}, the log says ${termOf(snap.meta.index)}`,
      );
    }
    if (hardState.commit > last) {
      throw this.corrupt(`the hard state commits up to ${hardState.commit}, but the log ends at ${last}`);
    }

    // Rebuild the cache through its public API: the compaction point first (a stand-in snapshot
    // when the real one is newer), then the entries, then the real snapshot.
    const cache = new MemoryStorage();
    if (marker.index > 0) {
      cache.applySnapshot(
        marker.index === snap.meta.index ? snap : { meta: { index: marker.index, term: marker.term, conf: EMPTY_CONF_STATE }, data: new Uint8Array(0) },
      );
    }
    cache.append(entries);
    if (snap.meta.index > marker.index) cache.createSnapshotSync(snap.meta.index, snap.meta.conf, snap.data);
    cache.setHardState(hardState);
    this.cache = cache;

    if (leftovers) {
      // A compaction was interrupted after its marker was written: finish it.
      try {
        await this.log.clear({ lte: indexKey(marker.index) });
      } catch (e) {
        throw this.readError(e);
      }
    }
  }

  /** Reads the log after the compaction point, checking it is contiguous, decodable and term-ordered. */
  private async loadLog(marker: CompactionMarker): Promise<{ entries: Entry[]; leftovers: boolean }> {
    const entries: Entry[] = [];
    let leftovers = false;
    let prev: { index: number; term: number } = marker;
    try {
      for await (const [key, value] of this.log.iterator()) {
        let e: Entry;
        try {
          if (decodeIndexKey(key) <= marker.index && marker.index > 0) {
            leftovers = true;
            continue;
          }
          e = decodeEntry(key, value);
        } catch (err) {
          const what = `the log entry under key ${hex(key)} cannot be decoded (${messageOf(err)})`;
          throw withCause(this.corrupt(what), err);
        }
        e = this.openEntry(key, e);
        if (e.index !== prev.index + 1) {
          throw this.corrupt(
            prev === marker
              ? `the log should start at ${marker.index + 1} (just after the compaction point) but starts at ${e.index}`
              : `log entries ${prev.index + 1}..${e.index - 1} are missing ` + `(the log jumps from ${prev.index} to ${e.index})`,
          );
        }
        if (e.term < prev.term) {
          throw this.corrupt(`terms decrease along the log: entry ${e.index} has term ${e.term} after term ${prev.term}`);
        }
        entries.push(e);
        prev = e;
      }
    } catch (e) {
      throw e instanceof RaftError ? e : this.readError(e);
    }
    return { entries, leftovers };
  }
}

function concat(a: Bytes, b: Bytes): Bytes {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** What a sealed entry's data is bound to: its key, term and type. */
function entryAad(key: Bytes, term: number, type: number): Bytes {
  const out = new Uint8Array(ENTRY_AAD.length + 17);
  out.set(ENTRY_AAD);
  out.set(key, ENTRY_AAD.length);
  const view = new DataView(out.buffer, ENTRY_AAD.length + 8);
  view.setUint32(0, Math.floor(term / 0x1_0000_0000));
  view.setUint32(4, term >>> 0);
  view.setUint8(8, type);
  return out;
}

function openError(dir: string, e: unknown): RaftError {
  const cause = (e as { cause?: { code?: unknown } }).cause;
  if (cause?.code === 'LEVEL_LOCKED') {
    return withCause(
      new RaftError(
        'STORAGE',
        `the Raft database at ${dir} is in use by another process (or is already open in this one); ` + `stop it or use another --data directory`,
      ),
      e,
    );
  }
  if (cause?.code === 'LEVEL_CORRUPTION') {
    return withCause(
      new RaftError(
        'CORRUPT',
        `the Raft database at ${dir} is corrupt: LevelDB reports: ${messageOf(cause)}. Nothing was changed; ` +
          `restore the directory from a backup, or move it aside and re-join this node to the cluster`,
      ),
      e,
    );
  }
  const detail = cause instanceof Error ? `${messageOf(e)}: ${cause.message}` : messageOf(e);
  return withCause(new RaftError('STORAGE', `could not open the Raft database at ${dir}: ${detail}; check that the path is a writable directory`), e);
}
