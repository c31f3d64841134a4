// InstallSnapshot in chunks (§7: offset/data/done), kept out of the core.
//
// The core hands the host one Snap message holding the whole snapshot. Transports split it
// into chunks small enough for their message limit; the receiving side reassembles them and
// steps the core once, with the complete snapshot. Chunks of one transfer may arrive
// duplicated or reordered; a transfer missing a chunk simply never completes (the leader
// retries after a failure report or its own timeout).

import { MessageType, type Message, type NodeId, type SnapshotMeta } from './types.js';

export interface SnapshotChunk {
  readonly from: NodeId;
  readonly to: NodeId;
  /** The leader's term when it sent the snapshot. */
  readonly term: number;
  readonly meta: SnapshotMeta;
  /** Byte offset of `data` within the snapshot data. */
  readonly offset: number;
  /** Total size of the snapshot data. */
  readonly totalBytes: number;
  readonly data: Uint8Array;
}

/** Splits a Snap message into chunks of at most `chunkBytes` data bytes (at least one chunk). */
export function splitSnapshot(m: Message, chunkBytes: number): SnapshotChunk[] {
  if (m.type !== MessageType.Snap || !m.snapshot) throw new RangeError('splitSnapshot needs a Snap message with a snapshot');
  if (chunkBytes <= 0) throw new RangeError('chunkBytes must be positive');
  const data = m.snapshot.data;
  const chunks: SnapshotChunk[] = [];
  let offset = 0;
  do {
    const end = Math.min(offset + chunkBytes, data.byteLength);
    chunks.push({
      from: m.from,
      to: m.to,
      term: m.term,
      meta: m.snapshot.meta,
      offset,
      totalBytes: data.byteLength,
      data: data.subarray(offset, end),
    });
    offset = end;
  } while (offset < data.byteLength);
  return chunks;
}

interface Transfer {
  readonly key: string;
  readonly buf: Uint8Array;
  readonly received: Set<number>;
  receivedBytes: number;
}

/**
 * Rebuilds Snap messages from chunks. One transfer per sender is kept: a chunk of a different
 * snapshot (or term) from the same sender replaces the unfinished one.
 */
export class SnapshotAssembler {
  private readonly transfers = new Map<NodeId, Transfer>();

  constructor(private readonly maxBytes = 1 << 30) {}

  /** Adds a chunk; returns the complete Snap message when this chunk finished the transfer. */
  add(c: SnapshotChunk): Message | undefined {
    if (c.totalBytes > this.maxBytes) {
      throw new RangeError(`snapshot of ${c.totalBytes} bytes from ${c.from} exceeds the ${this.maxBytes}-byte limit`);
    }
    if (c.offset < 0 || c.offset + c.data.byteLength > c.totalBytes) {
      throw new RangeError(`snapshot chunk from ${c.from} lies outside the snapshot (offset ${c.offset}, total ${c.totalBytes})`);
    }
    const key = `${c.term}/${c.meta.index}/${c.meta.term}/${c.totalBytes}`;
    let t = this.transfers.get(c.from);
    if (!t || t.key !== key) {
      t = { key, buf: new Uint8Array(c.totalBytes), received: new Set(), receivedBytes: 0 };
      this.transfers.set(c.from, t);
    }
    if (!t.received.has(c.offset)) {
      t.received.add(c.offset);
      t.buf.set(c.data, c.offset);
      t.receivedBytes += c.data.byteLength;
    }
    if (t.receivedBytes < c.totalBytes && !(c.totalBytes === 0 && t.received.size > 0)) return undefined;
    this.transfers.delete(c.from);
    return {
      type: MessageType.Snap,
      from: c.from,
      to: c.to,
      term: c.term,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      context: '',
      snapshot: { meta: c.meta, data: t.buf },
    };
  }

  /** Forgets unfinished transfers (e.g. after a restart). */
  reset(): void {
    this.transfers.clear();
  }
}
