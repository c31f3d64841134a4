// Raft messages between the core's types and the wire (proto/raft.proto).
//
// uint64 fields travel as decimal strings; decoding refuses anything that is not an exact JS
// integer instead of rounding it, and refuses message types that are local to the core.

import { MessageType, assertSafeIndex, type Entry, type EntryType, type Message, type SnapshotChunk, type SnapshotMeta } from '@shoal/raft';
import type {
  WireEntry,
  WireEntry__Output,
  WireMessage,
  WireMessage__Output,
  WireMessageType__Output,
  WireSnapshotChunk,
  WireSnapshotChunk__Output,
  WireSnapshotMeta__Output,
} from '@shoal/wire';

export class WireDecodeError extends Error {
  constructor(message: string) {
    super(`malformed Raft message from peer: ${message}`);
    this.name = 'WireDecodeError';
  }
}

const TO_WIRE: Partial<Record<MessageType, WireMessageType__Output>> = {
  [MessageType.App]: 'APP',
  [MessageType.AppResp]: 'APP_RESP',
  [MessageType.Vote]: 'VOTE',
  [MessageType.VoteResp]: 'VOTE_RESP',
  [MessageType.PreVote]: 'PRE_VOTE',
  [MessageType.PreVoteResp]: 'PRE_VOTE_RESP',
  [MessageType.Snap]: 'SNAP',
  [MessageType.Heartbeat]: 'HEARTBEAT',
  [MessageType.HeartbeatResp]: 'HEARTBEAT_RESP',
  [MessageType.TransferLeader]: 'TRANSFER_LEADER',
  [MessageType.TimeoutNow]: 'TIMEOUT_NOW',
  [MessageType.ReadIndex]: 'READ_INDEX',
  [MessageType.ReadIndexResp]: 'READ_INDEX_RESP',
};

const FROM_WIRE = new Map<string, MessageType>(Object.entries(TO_WIRE).map(([core, wire]) => [wire as string, Number(core) as MessageType]));

function u64(what: string, s: string): number {
  if (!/^\d{1,16}$/.test(s)) throw new WireDecodeError(`${what} "${s}" is not an unsigned integer a JS number holds exactly`);
  const n = Number(s);
  try {
    return assertSafeIndex(what, n);
  } catch (e) {
    throw new WireDecodeError((e as Error).message);
  }
}

export function entryToWire(e: Entry): WireEntry {
  return {
    index: String(e.index),
    term: String(e.term),
    type: e.type === 1 ? 'ENTRY_CONF_CHANGE' : 'ENTRY_NORMAL',
    data: Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength),
  };
}

export function entryFromWire(w: WireEntry__Output): Entry {
  return {
    index: u64('entry index', w.index),
    term: u64('entry term', w.term),
    type: (w.type === 'ENTRY_CONF_CHANGE' ? 1 : 0) as EntryType,
    data: w.data,
  };
}

/** A message without its snapshot (snapshots travel as chunks; see transport.ts). */
export function messageToWire(m: Message): WireMessage {
  const type = TO_WIRE[m.type];
  if (!type) throw new Error(`message type ${MessageType[m.type]} is local to the Raft core and never sent`);
  return {
    type,
    from: m.from,
    to: m.to,
    term: String(m.term),
    logTerm: String(m.logTerm),
    index: String(m.index),
    entries: m.entries.map(entryToWire),
    commit: String(m.commit),
    reject: m.reject,
    rejectHint: String(m.rejectHint),
    context: m.context,
  };
}

export function messageFromWire(w: WireMessage__Output): Message {
  const type = FROM_WIRE.get(w.type);
  if (type === undefined || type === MessageType.Snap) {
    throw new WireDecodeError(`unexpected message type "${w.type}"`);
  }
  return {
    type,
    from: w.from,
    to: w.to,
    term: u64('term', w.term),
    logTerm: u64('log term', w.logTerm),
    index: u64('index', w.index),
    entries: w.entries.map(entryFromWire),
    commit: u64('commit', w.commit),
    reject: w.reject,
    rejectHint: u64('reject hint', w.rejectHint),
    context: w.context,
  };
}

function metaFromWire(m: WireSnapshotMeta__Output | null): SnapshotMeta {
  if (!m) throw new WireDecodeError('snapshot chunk without metadata');
  return {
    index: u64('snapshot index', m.index),
    term: u64('snapshot term', m.term),
    conf: { voters: [...(m.conf?.voters ?? [])], learners: [...(m.conf?.learners ?? [])] },
  };
}

export function chunkToWire(c: SnapshotChunk): WireSnapshotChunk {
  return {
    from: c.from,
    to: c.to,
    term: String(c.term),
    meta: {
      index: String(c.meta.index),
      term: String(c.meta.term),
      conf: { voters: [...c.meta.conf.voters], learners: [...c.meta.conf.learners] },
    },
    offset: String(c.offset),
    totalBytes: String(c.totalBytes),
    data: Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength),
  };
}

export function chunkFromWire(w: WireSnapshotChunk__Output): SnapshotChunk {
  return {
    from: w.from,
    to: w.to,
    term: u64('term', w.term),
    meta: metaFromWire(w.meta),
    offset: u64('chunk offset', w.offset),
    totalBytes: u64('snapshot size', w.totalBytes),
    data: w.data,
  };
}
