// The host-facing API around the Raft state machine: Ready and advance.
//
// The host loop (see docs/raft.md) is:
//   rd = node.ready()
//   send rd.earlyMessages (a leader's appends and heartbeats; they need nothing from this write)
//   persist rd.snapshot, rd.entries and rd.hardState in ONE synced write (if mustSync)
//   only then send rd.messages (they may depend on what was just persisted: votes, acks)
//   apply rd.snapshot and rd.committedEntries to the state machine
//   node.advance()
// Messages may be stepped in and proposals made between ready() and advance(); they land in
// the next Ready.

import { decodeConfChange, encodeConfChange, type ConfChange } from './conf-change.js';
import { RaftError } from './errors.js';
import { Raft, CAMPAIGN_TRANSFER, type RaftConfig, type RaftStatus } from './raft.js';
import {
  EntryType,
  MessageType,
  NONE,
  hardStateEqual,
  LOCAL_MESSAGE_TYPES,
  isResponseMessage,
  message,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type ReadState,
  type Snapshot,
  type SoftState,
} from './types.js';

export interface Ready {
  /** Set when leader or role changed since the last Ready. */
  readonly softState?: SoftState;
  /**
   * Persist it. Set when term or vote changed (then nothing in `messages` or `earlyMessages`
   * may leave before it is durable), or when entries are written anyway and commit moved.
   */
  readonly hardState?: HardState;
  /** Entries to append to storage (replacing any stored suffix from entries[0].index on). */
  readonly entries: readonly Entry[];
  /** A snapshot received from the leader: persist it, then load it into the state machine. */
  readonly snapshot?: Snapshot;
  /** Entries to apply, in order, after persisting. */
  readonly committedEntries: readonly Entry[];
  /** May be sent before (or while) persisting: a leader's appends and heartbeats. */
  readonly earlyMessages: readonly Message[];
  /** To send only after persisting: votes, acknowledgements, everything else. */
  readonly messages: readonly Message[];
  /** Linearizable reads confirmed: serve each once the state machine reached its index. */
  readonly readStates: readonly ReadState[];
  /** Whether there is anything to persist (hard state, entries or snapshot). */
  readonly mustSync: boolean;
}

/** Message types only a leader sends, whose content never depends on an unpersisted vote or entry it acknowledges. */
const EARLY_TYPES: ReadonlySet<MessageType> = new Set([MessageType.App, MessageType.Heartbeat, MessageType.Snap, MessageType.TimeoutNow]);

export class RawNode {
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private inFlight: Ready | undefined;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  get id(): NodeId {
    return this.raft.id;
  }

  tick(): void {
    this.raft.tick();
  }

  /** Feeds a message received from a peer. Local message types are refused. */
  step(m: Message): void {
    if (LOCAL_MESSAGE_TYPES.has(m.type)) {
      throw new RangeError(`raft: message type ${MessageType[m.type]} is local and cannot be stepped from the network`);
    }
    // A response from a peer we do not track (e.g. already removed) is meaningless.
    if (isResponseMessage(m.type) && m.from === NONE) return;
    this.raft.step(m);
  }

  /** Appends data to the log (leader only). See Raft.propose for how to know it committed. */
  propose(data: Uint8Array): { index: number; term: number } {
    return this.raft.propose(data, EntryType.Normal);
  }

  proposeConfChange(cc: ConfChange): { index: number; term: number } {
    return this.raft.propose(encodeConfChange(cc), EntryType.ConfChange);
  }

  /** Starts an election now (tests, or a host that knows the leader is gone). */
  campaign(): void {
    this.raft.step(message({ type: MessageType.Hup, from: this.id }));
  }

  /** Asks the leader to hand leadership to `target` (diss. §3.10). */
  transferLeadership(target: NodeId): void {
    this.raft.step(message({ type: MessageType.TransferLeader, from: target }));
  }

  /**
   * Requests a linearizable read tagged `context` (unique per request). A ReadState with that
   * context appears in a later Ready; a read that never appears (leader lost) must time out.
   */
  readIndex(context: string): void {
    if (!context) throw new RangeError('raft: a read index request needs a non-empty context');
    this.raft.step(message({ type: MessageType.ReadIndex, from: this.id, context }));
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(message({ type: MessageType.Unreachable, from: id }));
  }

  /** Tells the leader whether sending a snapshot to `id` succeeded. */
  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.step(message({ type: MessageType.SnapStatus, from: id, reject: !ok }));
  }

  status(): RaftStatus {
    return this.raft.status();
  }

  confState(): ConfState {
    return this.raft.confState();
  }

  /**
   * Whether `id` is the subject of a membership change in our log that is not applied yet:
   * a node being added (or removed) that the membership does not show yet.
   */
  inPendingConfChange(id: NodeId): boolean {
    const log = this.raft.log;
    const lo = Math.max(log.applied + 1, log.firstIndex());
    const entries = log.entriesFrom(lo) ?? [];
    for (const e of entries) {
      if (e.type !== EntryType.ConfChange) continue;
      try {
        if (decodeConfChange(e.data).nodeId === id) return true;
      } catch {
        /* an invalid change names nobody; applying it will skip it */
      }
    }
    return false;
  }

  /**
   * Whether a snapshot received from the leader waits to be persisted and applied. The core's
   * membership (confState) is already the snapshot's then, ahead of what the host applied.
   */
  hasPendingSnapshot(): boolean {
    return this.raft.log.hasPendingSnapshot();
  }

  hasReady(): boolean {
    if (this.inFlight) return false;
    const r = this.raft;
    r.flushAppends();
    const ss = r.softState();
    if (ss.leader !== this.prevSoftState.leader || ss.role !== this.prevSoftState.role) return true;
    if (this.termOrVoteChanged(this.hardStateToPersist())) return true;
    if (r.log.unstable.entries.length > 0 || r.log.unstable.snapshot) return true;
    if (r.msgs.length > 0 || r.readStates.length > 0) return true;
    return r.log.hasNextCommittedEntries();
  }

  ready(): Ready {
    if (this.inFlight) {
      throw new RaftError('READY_NOT_ADVANCED', 'raft: ready() called again before advance(); finish the previous Ready first');
    }
    const r = this.raft;
    r.flushAppends();
    const ss = r.softState();
    const hs = this.hardStateToPersist();
    const entries = r.log.unstable.entries.slice();
    const snapshot = r.log.unstable.snapshot;
    const termOrVoteChanged = this.termOrVoteChanged(hs);
    // The commit index is volatile state in Raft (Fig. 2): it only rides along when something
    // else is written anyway, so a Ready that only moves commit costs no disk write at all.
    const writeHardState = termOrVoteChanged || ((entries.length > 0 || snapshot !== undefined) && !hardStateEqual(hs, this.prevHardState));
    // Appends and heartbeats of a leader whose term and vote are already on disk depend on
    // nothing this Ready persists; they may leave while the disk write runs (diss. §10.2.1).
    let early: Message[] = [];
    let later = r.msgs;
    if (!termOrVoteChanged || r.bugs.voteRespBeforePersist) {
      const isEarly = (m: Message): boolean =>
        (!termOrVoteChanged && EARLY_TYPES.has(m.type)) ||
        // Planted bug: grants leave before the vote that backs them is durable.
        (r.bugs.voteRespBeforePersist === true && (m.type === MessageType.VoteResp || m.type === MessageType.PreVoteResp));
      early = r.msgs.filter(isEarly);
      if (early.length > 0) later = r.msgs.filter((m) => !isEarly(m));
    }
    const rd: Ready = {
      ...(ss.leader !== this.prevSoftState.leader || ss.role !== this.prevSoftState.role ? { softState: ss } : {}),
      ...(writeHardState ? { hardState: hs } : {}),
      entries,
      ...(snapshot ? { snapshot } : {}),
      committedEntries: r.log.nextCommittedEntries(r.maxCommittedBytesPerReady),
      earlyMessages: early,
      messages: later,
      readStates: r.readStates,
      mustSync: writeHardState || entries.length > 0 || snapshot !== undefined,
    };
    r.msgs = [];
    r.readStates = [];
    this.inFlight = rd;
    return rd;
  }

  private termOrVoteChanged(hs: HardState): boolean {
    return hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote;
  }

  private hardStateToPersist(): HardState {
    const hs = this.raft.hardState();
    if (!this.raft.bugs.forgetToPersistVote) return hs;
    // Planted bug: the vote never reaches the disk.
    return { ...hs, vote: hs.term === this.prevHardState.term ? this.prevHardState.vote : NONE };
  }

  /** Tells the core the last Ready was persisted, sent and applied. */
  advance(): void {
    const rd = this.inFlight;
    if (!rd) return;
    this.inFlight = undefined;
    const log = this.raft.log;
    if (rd.softState) this.prevSoftState = rd.softState;
    if (rd.hardState) this.prevHardState = rd.hardState;
    if (rd.snapshot) {
      log.stableSnapTo(rd.snapshot.meta.index);
      if (rd.snapshot.meta.index > log.applied) log.appliedTo(rd.snapshot.meta.index);
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1]!;
      log.stableTo(last.index, last.term);
      this.raft.onPersisted(last.index, last.term);
    }
    if (rd.committedEntries.length > 0) {
      for (const e of rd.committedEntries) {
        if (e.type === EntryType.ConfChange) this.raft.applyConfChangeEntry(e);
      }
      this.raft.reduceUncommittedBytes(rd.committedEntries);
      const last = rd.committedEntries[rd.committedEntries.length - 1]!.index;
      // A snapshot restored after this Ready was taken may already cover these entries.
      if (last > log.applied) log.appliedTo(last);
    }
  }
}

export { CAMPAIGN_TRANSFER };
