// Byte layout of the records in the Raft database (see level-storage.ts for where they live).
//
// Numbers are uint64 big-endian, so log keys sort in index order. Decoders check every length
// and refuse numbers a JS number cannot hold exactly; they throw plain Errors saying what is
// wrong, which LevelStorage turns into CORRUPT errors naming the directory and the key.

import { crc32 } from 'node:zlib';
import { EntryType, assertSafeIndex, type ConfState, type Entry, type HardState, type NodeId } from './types.js';

/** Bumped whenever a layout below changes incompatibly; open() refuses versions it does not know. */
export const FORMAT_VERSION = 1;

/** The log has been compacted through `index` (whose term is `term`): the log starts at index+1. */
export interface CompactionMarker {
  readonly index: number;
  readonly term: number;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Appends fixed-width numbers and length-prefixed strings to a growing buffer. */
class Writer {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u64(what: string, n: number): this {
    assertSafeIndex(what, n);
    this.reserve(8);
    this.view.setBigUint64(this.len, BigInt(n));
    this.len += 8;
    return this;
  }

  u32(n: number): this {
    this.reserve(4);
    this.view.setUint32(this.len, n);
    this.len += 4;
    return this;
  }

  u8(n: number): this {
    this.reserve(1);
    this.view.setUint8(this.len, n);
    this.len += 1;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  str(s: string): this {
    const b = utf8.encode(s);
    return this.u32(b.length).bytes(b);
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Reads what Writer wrote, failing on anything short, long or out of range. */
class Reader {
  private readonly view: DataView;
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new Error(`${what} is cut short (${this.buf.length} bytes)`);
    }
  }

  u64(what: string): number {
    this.need(8, what);
    const big = this.view.getBigUint64(this.pos);
    this.pos += 8;
    const n = Number(big);
    if (BigInt(n) !== big) throw new RangeError(`${what} ${big} does not fit a JS number exactly`);
    return assertSafeIndex(what, n);
  }

  u32(what: string): number {
    this.need(4, what);
    const n = this.view.getUint32(this.pos);
    this.pos += 4;
    return n;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  str(what: string): string {
    const n = this.u32(`${what} length`);
    try {
      return strictUtf8.decode(this.bytes(n, what));
    } catch (e) {
      if (e instanceof TypeError) throw new Error(`${what} is not valid UTF-8`);
      throw e;
    }
  }

  end(what: string): void {
    if (this.pos !== this.buf.length) {
      throw new Error(`${what} has ${this.buf.length - this.pos} unexpected trailing bytes`);
    }
  }
}

// --- log ---

export function indexKey(index: number): Uint8Array {
  assertSafeIndex('log index', index);
  const key = new Uint8Array(8);
  writeU64(new DataView(key.buffer), 0, index);
  return key;
}

/** Writes a safe integer as uint64 big-endian without going through BigInt (hot path). */
function writeU64(view: DataView, at: number, n: number): void {
  view.setUint32(at, Math.floor(n / 0x1_0000_0000));
  view.setUint32(at + 4, n >>> 0);
}

export function decodeIndexKey(key: Uint8Array): number {
  if (key.length !== 8) throw new Error(`log key is ${key.length} bytes, expected 8`);
  return new Reader(key).u64('log index');
}

const ENTRY_TYPES: ReadonlySet<number> = new Set([EntryType.Normal, EntryType.ConfChange]);

// The checksum covers the key too, so a value that ends up under the wrong index is caught,
// not just a damaged one.
function entryChecksum(key: Uint8Array, body: Uint8Array): number {
  return crc32(body, crc32(key));
}

/** term (u64) | type (u8) | data | crc32 of key+preceding bytes (u32). */
export function encodeEntry(e: Entry): Uint8Array {
  assertSafeIndex('entry term', e.term);
  const bodyLength = 9 + e.data.byteLength;
  const out = new Uint8Array(bodyLength + 4);
  const view = new DataView(out.buffer);
  writeU64(view, 0, e.term);
  out[8] = e.type;
  out.set(e.data, 9);
  view.setUint32(bodyLength, entryChecksum(indexKey(e.index), out.subarray(0, bodyLength)));
  return out;
}

export function decodeEntry(key: Uint8Array, value: Uint8Array): Entry {
  const index = decodeIndexKey(key);
  if (value.length < 13) throw new Error(`value is ${value.length} bytes, shorter than any entry (13)`);
  const body = value.subarray(0, value.length - 4);
  const stored = new DataView(value.buffer, value.byteOffset + body.length, 4).getUint32(0);
  if (stored !== entryChecksum(key, body)) {
    throw new Error('checksum mismatch: the value is damaged or does not belong to this index');
  }
  const r = new Reader(body);
  const term = r.u64('entry term');
  const type = r.u8('entry type');
  if (!ENTRY_TYPES.has(type)) throw new Error(`unknown entry type ${type}`);
  const data = r.bytes(body.length - 9, 'entry data');
  return { index, term, type: type as EntryType, data };
}

// --- hard state, snapshot meta, compaction marker, version ---

/** term (u64) | commit (u64) | vote (u32 length + UTF-8). */
export function encodeHardState(hs: HardState): Uint8Array {
  return new Writer().u64('hard state term', hs.term).u64('hard state commit', hs.commit).str(hs.vote).done();
}

export function decodeHardState(b: Uint8Array): HardState {
  const r = new Reader(b);
  const hs = { term: r.u64('hard state term'), commit: r.u64('hard state commit'), vote: r.str('hard state vote') };
  r.end('hard state');
  return hs;
}

function writeIds(w: Writer, ids: readonly NodeId[]): void {
  w.u32(ids.length);
  for (const id of ids) w.str(id);
}

function readIds(r: Reader, what: string): NodeId[] {
  const n = r.u32(`${what} count`);
  const ids: NodeId[] = [];
  for (let i = 0; i < n; i++) ids.push(r.str(what));
  return ids;
}

/** index (u64) | term (u64) | voters | learners, each a u32 count of (u32 length + UTF-8) ids. */
export function encodeSnapshotMeta(m: { index: number; term: number; conf: ConfState }): Uint8Array {
  const w = new Writer().u64('snapshot index', m.index).u64('snapshot term', m.term);
  writeIds(w, m.conf.voters);
  writeIds(w, m.conf.learners);
  return w.done();
}

export function decodeSnapshotMeta(b: Uint8Array): { index: number; term: number; conf: ConfState } {
  const r = new Reader(b);
  const index = r.u64('snapshot index');
  const term = r.u64('snapshot term');
  const voters = readIds(r, 'voter id');
  const learners = readIds(r, 'learner id');
  r.end('snapshot meta');
  return { index, term, conf: { voters, learners } };
}

/** index (u64) | term (u64). */
export function encodeMarker(m: CompactionMarker): Uint8Array {
  return new Writer().u64('compaction index', m.index).u64('compaction term', m.term).done();
}

export function decodeMarker(b: Uint8Array): CompactionMarker {
  const r = new Reader(b);
  const m = { index: r.u64('compaction index'), term: r.u64('compaction term') };
  r.end('compaction marker');
  return m;
}

/** u32. */
export function encodeVersion(v: number): Uint8Array {
  return new Writer().u32(v).done();
}

export function decodeVersion(b: Uint8Array): number {
  const r = new Reader(b);
  const v = r.u32('format version');
  r.end('format version');
  return v;
}

/** Longest incarnation id the database (and the wire) accepts. */
export const MAX_INCARNATION_BYTES = 64;

/**
 * The cluster incarnation this node belongs to (see LevelStorage.incarnation): printable ASCII,
 * at most MAX_INCARNATION_BYTES. The empty string, the original incarnation, is never stored.
 */
export function checkIncarnation(id: string): string {
  if (id.length > MAX_INCARNATION_BYTES || !/^[\x21-\x7e]*$/.test(id)) {
    throw new Error(`incarnation id ${JSON.stringify(id.slice(0, 80))} is not printable ASCII of at most ${MAX_INCARNATION_BYTES} characters`);
  }
  return id;
}

export function encodeIncarnation(id: string): Uint8Array {
  return utf8.encode(checkIncarnation(id));
}

export function decodeIncarnation(b: Uint8Array): string {
  return checkIncarnation(strictUtf8.decode(b));
}
