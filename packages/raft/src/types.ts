// The value types the Raft core speaks: entries, hard state, snapshots, messages.
//
// Indexes and terms are plain JS numbers inside the core. They only ever grow by one per
// entry or election, so 2^53 is out of reach in practice; the edges (LevelDB keys, the gRPC
// wire) encode them as uint64 and refuse anything that is not a safe integer rather than
// round it (see `assertSafeIndex`).

/** A node's id inside the Raft group. The empty string means "nobody". */
export type NodeId = string;
export const NONE: NodeId = '';

export enum EntryType {
  /** Application data; empty data is the no-op a new leader appends. */
  Normal = 0,
  /** A membership change (an encoded `ConfChange`), applied when committed. */
  ConfChange = 1,
}

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** What must be durable before any message that depends on it is sent. */
export interface HardState {
  readonly term: number;
  /** Whom this node voted for in `term`, or NONE. */
  readonly vote: NodeId;
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** The membership of the group. Learners receive the log but neither vote nor count toward quorum. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export const EMPTY_CONF_STATE: ConfState = Object.freeze({ voters: [], learners: [] });

export interface SnapshotMeta {
  /** The last log index the snapshot covers. */
  readonly index: number;
  /** The term of the entry at `index`. */
  readonly term: number;
  /** Membership as of `index`. */
  readonly conf: ConfState;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  /** The application's state machine as of `meta.index`; opaque to the core. */
  readonly data: Uint8Array;
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({
  meta: Object.freeze({ index: 0, term: 0, conf: EMPTY_CONF_STATE }),
  data: new Uint8Array(0),
});

export function isEmptySnapshot(s: Snapshot): boolean {
  return s.meta.index === 0;
}

export enum MessageType {
  // Local messages: created by the host or the core itself, never sent over the wire.
  /** Start an election (pre-vote first when enabled). */
  Hup = 0,
  /** Leader: send heartbeats now. */
  Beat = 1,
  /** Append application data (or a conf change) to the log. */
  Prop = 2,
  /** Leader: step down unless a quorum was heard from during the last election timeout. */
  CheckQuorum = 3,
  /** The transport could not reach a peer. */
  Unreachable = 4,
  /** The transport finished (or failed) sending a snapshot. */
  SnapStatus = 5,

  // Wire messages.
  App = 10,
  AppResp = 11,
  Vote = 12,
  VoteResp = 13,
  PreVote = 14,
  PreVoteResp = 15,
  Snap = 16,
  Heartbeat = 17,
  HeartbeatResp = 18,
  TransferLeader = 19,
  TimeoutNow = 20,
  ReadIndex = 21,
  ReadIndexResp = 22,
}

export const LOCAL_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set([
  MessageType.Hup,
  MessageType.Beat,
  MessageType.Prop,
  MessageType.CheckQuorum,
  MessageType.Unreachable,
  MessageType.SnapStatus,
]);

export function isResponseMessage(t: MessageType): boolean {
  return (
    t === MessageType.AppResp ||
    t === MessageType.VoteResp ||
    t === MessageType.PreVoteResp ||
    t === MessageType.HeartbeatResp ||
    t === MessageType.Unreachable ||
    t === MessageType.ReadIndexResp
  );
}

/**
 * One message between Raft nodes. A single shape serves every type (as in etcd); the
 * fields each type uses are listed in docs/raft.md.
 */
export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  /** Sender's term (for pre-votes: the term the sender would campaign in). */
  readonly term: number;
  /** App: term of the entry at `index`. Vote: term of the candidate's last entry. Rejecting AppResp: term at `rejectHint`. */
  readonly logTerm: number;
  /** App: index preceding `entries`. AppResp: last matched index (or the rejected index). Vote: candidate's last index. ReadIndexResp: the read index. */
  readonly index: number;
  readonly entries: readonly Entry[];
  /** Leader's commit index (App, Heartbeat). */
  readonly commit: number;
  readonly reject: boolean;
  /** Rejecting AppResp: the follower's guess of where the logs might match. */
  readonly rejectHint: number;
  readonly snapshot?: Snapshot;
  /** Read-index request id (ReadIndex, Heartbeat, and their responses) or the campaign kind (Vote). */
  readonly context: string;
}

/** Fills in the fields a message type does not use, so every message has one shape. */
export function message(fields: Partial<Message> & Pick<Message, 'type'>): Message {
  return {
    from: NONE,
    to: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    context: '',
    ...fields,
  };
}

export enum Role {
  Follower = 'follower',
  PreCandidate = 'pre-candidate',
  Candidate = 'candidate',
  Leader = 'leader',
}

/** Volatile state the host may want to display or react to; never persisted. */
export interface SoftState {
  readonly leader: NodeId;
  readonly role: Role;
}

/** A linearizable read: once the state machine has applied `index`, serve the read tagged `context`. */
export interface ReadState {
  readonly index: number;
  readonly context: string;
}

export function entryBytes(e: Entry): number {
  // Fixed overhead approximates index/term/type framing so empty entries still cost something.
  return e.data.byteLength + 24;
}

export function entriesBytes(ents: readonly Entry[]): number {
  let n = 0;
  for (const e of ents) n += entryBytes(e);
  return n;
}

const textDecoder = new TextDecoder();

/** An entry's data as text, membership changes prefixed with "cc:" (for tests and traces). */
export function payloadText(e: Entry): string {
  const text = textDecoder.decode(e.data);
  return e.type === EntryType.ConfChange ? `cc:${text}` : text;
}

/** Refuses indexes/terms a JS number cannot hold exactly (decoders call this at the edges). */
export function assertSafeIndex(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} ${n} is not an integer in [0, 2^53): refusing to round it`);
  }
  return n;
}
