// RaftHost: the IO loop around the Raft core on a manager.
//
//   ready → send early messages → persist (one synced LevelDB batch) → send → apply → advance
//
// (committed entries that earlier Readies already wrote are applied while the write runs)
//
// plus the timers (tick), proposals that resolve when their entry is applied, linearizable
// read barriers (ReadIndex), snapshots of the state machine every `snapshotEvery` entries with
// log compaction, and leadership transfer. No algorithm lives here: every decision is the core's.
// What the host does decide is who may talk to the core: messages from outside the Raft
// membership are dropped unless the sender may be a member we have not learned of yet (see
// `admits`; the cluster-incarnation check is the transport's).

import { EventEmitter } from 'node:events';
import {
  EntryType,
  MessageType,
  RawNode,
  Role,
  decodeConfChange,
  isRaftError,
  quorumSize,
  type ConfChange,
  type ConfState,
  type DurableStorage,
  type Message,
  type NodeId,
  type RaftStatus,
  type Ready,
} from '@shoal/raft';
import { randomId } from '@shoal/store';
import { EndOfTurn } from '@shoal/wire';
import type { Logger } from 'pino';
import type { Consensus } from './consensus.js';
import { ManagerError, quorumMessage } from './errors.js';
import { ThrottledWarnings } from './throttled-warnings.js';

/** What the host applies committed entries to (the manager adapts its ClusterStore). */
export interface StateMachine {
  /** Applies one committed normal entry; the result goes to whoever proposed it. */
  applyEntry(data: Uint8Array, index: number): unknown;
  /** A membership change was committed (the core has applied it to the Raft configuration). */
  applyConfChange(cc: ConfChange, index: number): void;
  /** The whole state as of the last applied index. */
  snapshot(): Uint8Array;
  /** Replaces the whole state with a snapshot's. */
  restore(data: Uint8Array): void;
}

export interface HostTransport {
  send(msgs: readonly Message[]): void;
  reachable(peer: NodeId): boolean;
}

export interface RaftTimings {
  readonly tickMs: number;
  readonly heartbeatTicks: number;
  readonly electionTicks: number;
  /** Take a snapshot after this many applied entries. */
  readonly snapshotEvery: number;
  /** Entries kept in the log behind a snapshot, so a briefly lagging follower needs no snapshot. */
  readonly keepEntries: number;
}

/**
 * The largest Raft entry a manager proposes (bytes). Every manager decodes, validates, writes
 * and applies an entry in one go, blocking its event loop meanwhile: an entry of several MiB
 * kept followers from answering heartbeats for longer than an election timeout, and the leader
 * stepped down. 1 MiB takes a few tens of ms; user input is bounded far below it (a service
 * spec: 256 KiB) and task batches are split to fit (splitTaskBatch).
 */
export const MAX_ENTRY_BYTES = 1 << 20;

/**
 * Entry bytes in flight to one follower. The core sends a catching-up follower everything this
 * allows in one turn, and the transport sends a turn's messages as one gRPC message: this keeps
 * that message (plus one more append of at most MAX_ENTRY_BYTES) well under the 16 MiB gRPC
 * message limit; the core's default, 32 MiB, would allow a batch over it (not seen in tests).
 */
export const MAX_INFLIGHT_BYTES = 8 << 20;

export const DEFAULT_TIMINGS: RaftTimings = {
  tickMs: 10,
  heartbeatTicks: 5, // 50 ms
  electionTicks: 30, // randomized in [300, 600) ms
  snapshotEvery: 10_000,
  keepEntries: 1_000,
};

export interface HostMetrics {
  observeProposal(seconds: number, ok: boolean): void;
  leaderChanged(): void;
  snapshotTaken(): void;
  /** logEntries: entries the log holds (behind and after the last snapshot, whose index is snapshotIndex). */
  update(status: { term: number; commit: number; applied: number; isLeader: boolean; logEntries: number; snapshotIndex: number }): void;
}

/**
 * What the cluster state says of a Raft message's sender (see RaftHost.admits): a manager that is
 * (or is joining as) a member; a node known not to be one (a worker, a demoted manager, or one
 * dropped from the Raft group, e.g. by --force-new-cluster); or a node the state does not know.
 */
export type PeerStanding = 'manager' | 'not-a-manager' | 'unknown';

/** What only a leader sends: from a sender we do not know, it may be a leader that joined after our log ends. */
const LEADER_TRAFFIC: ReadonlySet<MessageType> = new Set([MessageType.App, MessageType.Heartbeat, MessageType.Snap]);

/** What drives the host's ticks: real time in a manager, a manual clock in tests. */
export interface TickSource {
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

/** Ticks on a timer that does not keep the process alive. */
export const REAL_TIME: TickSource = {
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface RaftHostOptions {
  readonly id: NodeId;
  /** The Raft database: LevelStorage in a manager, MemoryStorage in tests. */
  readonly storage: DurableStorage;
  readonly stateMachine: StateMachine;
  readonly transport: HostTransport;
  readonly timings: RaftTimings;
  readonly logger: Logger;
  readonly metrics?: HostMetrics;
  /** How long a proposal or read may wait before failing with its cause. */
  readonly requestTimeoutMs?: number;
  /** Where a peer serves, for NOT_LEADER errors. */
  readonly addressOf: (id: NodeId) => string | undefined;
  /** What the cluster state says of a sender outside the membership (default: nothing). */
  readonly standing?: (id: NodeId) => PeerStanding;
  /** Drives the ticks (default: REAL_TIME, every timings.tickMs). */
  readonly ticks?: TickSource;
  /** Randomizes election timeouts (default Math.random); fixed in tests so elections replay. */
  readonly random?: () => number;
  /**
   * A known bug to plant, for the host simulator's self-test only (it shows the simulator's
   * checks catch it; see src/host-sim/README.md). Never set in a manager.
   */
  readonly plantedBug?: HostPlantedBug;
}

/**
 * Bugs the host simulator must catch: `read-before-apply` resolves a read barrier as soon as
 * its read index is confirmed, before the state machine reaches it; `resolve-wrong-term`
 * resolves a proposal when its index is applied whatever the term of the entry applied there.
 */
export type HostPlantedBug = 'read-before-apply' | 'resolve-wrong-term';

interface ProposalWaiter {
  readonly term: number;
  readonly started: number;
  readonly resolve: (result: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface ReadWaiter {
  index: number | undefined;
  readonly resolve: (readIndex: number) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

// Typed events on an EventEmitter subclass: the interface only narrows `on`'s signatures.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export declare interface RaftHost {
  on(event: 'leader', listener: (leader: NodeId, term: number) => void): this;
  on(event: 'applied', listener: (index: number) => void): this;
  on(event: 'conf', listener: (conf: ConfState) => void): this;
  on(event: 'fatal', listener: (err: Error) => void): this;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class RaftHost extends EventEmitter implements Consensus {
  readonly id: NodeId;
  private raw: RawNode;
  private readonly storage: DurableStorage;
  private readonly sm: StateMachine;
  private readonly transport: HostTransport;
  private readonly timings: RaftTimings;
  private readonly logger: Logger;
  private readonly metrics: HostMetrics | undefined;
  private readonly requestTimeoutMs: number;
  private readonly addressOf: (id: NodeId) => string | undefined;
  private readonly standing: (id: NodeId) => PeerStanding;
  private readonly warnings: ThrottledWarnings;
  private readonly ticks: TickSource;
  private readonly random: () => number;
  private readonly plantedBug: HostPlantedBug | undefined;

  private stopTicking: (() => void) | undefined;
  private busy: Promise<void> | undefined;
  private readonly loopSoon = new EndOfTurn(() => this.runLoop());
  private stopped = false;
  private applied: number;
  private leader: NodeId = '';
  private role: Role = Role.Follower;
  /** While leading: the index of the first entry of our term (the no-op a new leader appends). */
  private termStartIndex = Infinity;
  /**
   * Proposals waiting for their entry to be applied: index → term → waiter. Both identify a
   * proposal: one lost in a leader change leaves its waiter at an index that a later proposal,
   * of a newer term, can reuse.
   */
  private readonly proposals = new Map<number, Map<number, ProposalWaiter>>();
  private readonly reads = new Map<string, ReadWaiter>();
  /** Reads confirmed by ReadIndex, waiting for the state machine to reach their index. */
  private readonly readsAwaitingApply = new Set<ReadWaiter>();

  constructor(o: RaftHostOptions) {
    super();
    this.id = o.id;
    this.storage = o.storage;
    this.sm = o.stateMachine;
    this.transport = o.transport;
    this.timings = o.timings;
    this.logger = o.logger;
    this.metrics = o.metrics;
    this.requestTimeoutMs = o.requestTimeoutMs ?? 5000;
    this.addressOf = o.addressOf;
    this.standing = o.standing ?? (() => 'unknown');
    this.warnings = new ThrottledWarnings(o.logger);
    this.ticks = o.ticks ?? REAL_TIME;
    this.random = o.random ?? Math.random;
    this.plantedBug = o.plantedBug;
    this.raw = this.newRawNode();
    // The state machine starts from the snapshot; the core re-delivers the committed log after it.
    const snap = o.storage.snapshot();
    if (snap.meta.index > 0) this.sm.restore(snap.data);
    this.applied = snap.meta.index;
  }

  private newRawNode(): RawNode {
    return new RawNode({
      id: this.id,
      storage: this.storage,
      random: this.random,
      electionTicks: this.timings.electionTicks,
      heartbeatTicks: this.timings.heartbeatTicks,
      maxMsgBytes: MAX_ENTRY_BYTES,
      maxInflightBytes: MAX_INFLIGHT_BYTES,
      logger: {
        debug: (f, m) => this.logger.debug(f, m),
        info: (f, m) => this.logger.info(f, m),
        warn: (f, m) => this.logger.warn(f, m),
      },
    });
  }

  start(opts: { campaign?: boolean } = {}): void {
    this.stopTicking = this.ticks.every(this.timings.tickMs, () => {
      this.raw.tick();
      this.kick();
    });
    // A lone founding member need not wait out an election timeout.
    if (opts.campaign) this.raw.campaign();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTicking?.();
    await this.busy;
    const err = new ManagerError('STOPPED', 'this manager is shutting down; retry against another manager');
    for (const waiting of this.proposals.values()) {
      for (const w of waiting.values()) {
        clearTimeout(w.timer);
        w.reject(err);
      }
    }
    this.proposals.clear();
    for (const [c, r] of this.reads) {
      clearTimeout(r.timer);
      r.reject(err);
      this.reads.delete(c);
    }
    this.readsAwaitingApply.clear();
  }

  // ------------------------------------------------------------------ inputs from the network

  step(m: Message): void {
    if (this.stopped || !this.admits(m)) return;
    try {
      this.raw.step(m);
    } catch (e) {
      this.logger.warn({ from: m.from, err: (e as Error).message }, 'refused a Raft message');
      return;
    }
    this.kick();
  }

  /**
   * Whether a message from `m.from` may reach the core. Members may talk; so may a node still
   * joining (named by a membership change we have not applied, or whose manager node object is
   * already in the state) and, before we hold any membership, anyone (a joining manager hears
   * first from the leader, then gets its snapshot). A sender the state knows nothing of may
   * still send leader traffic: a manager that joined after our log ends and now leads (we lag
   * behind its whole join) must be able to bring us up to date. Everyone else (a removed or
   * demoted manager, one dropped by --force-new-cluster, an unknown node voting or answering)
   * is dropped: such a node, partitioned while it was removed, would otherwise disturb the
   * group with its higher term. (Managers of another incarnation never get this far; the
   * transport drops them.)
   */
  private admits(m: Message): boolean {
    const conf = this.raw.confState();
    if (conf.voters.length === 0) return true;
    if (conf.voters.includes(m.from) || conf.learners.includes(m.from)) return true;
    if (this.raw.inPendingConfChange(m.from)) return true;
    const standing = this.standing(m.from);
    if (standing === 'manager') return true;
    if (standing === 'unknown' && LEADER_TRAFFIC.has(m.type)) return true;
    if (standing === 'not-a-manager') {
      this.warnings.warn(
        `non-member:${m.from}`,
        { from: m.from, type: MessageType[m.type], term: m.term },
        `dropping Raft messages from ${m.from}: it is no longer part of this cluster's Raft group (it was removed, demoted, ` +
          'or left out by --force-new-cluster). Stop it; to make it a manager again, remove its data directory and join it again',
      );
    } else {
      this.logger.debug({ from: m.from, type: MessageType[m.type] }, 'dropping a Raft message from a node outside the membership');
    }
    return false;
  }

  reportUnreachable(peer: NodeId): void {
    if (this.stopped) return;
    this.raw.reportUnreachable(peer);
    this.kick();
  }

  reportSnapshot(peer: NodeId, ok: boolean): void {
    if (this.stopped) return;
    this.raw.reportSnapshot(peer, ok);
    this.kick();
  }

  // ------------------------------------------------------------------ views

  get isLeader(): boolean {
    return this.role === Role.Leader;
  }

  get leaderId(): NodeId {
    return this.leader;
  }

  get appliedIndex(): number {
    return this.applied;
  }

  status(): RaftStatus {
    return this.raw.status();
  }

  confState(): ConfState {
    return this.raw.confState();
  }

  /** Voters we can currently reach (ourselves included). */
  reachableVoters(): { reachable: number; voters: number } {
    const voters = this.raw.confState().voters;
    const reachable = voters.filter((v) => v === this.id || this.transport.reachable(v)).length;
    return { reachable, voters: voters.length };
  }

  /**
   * A leader whose state holds every write a client has seen acknowledged: it committed an
   * entry of its own term and applied everything up to the first one. What it has committed
   * but not applied yet beyond that are its own proposals, whose callers are answered only once
   * they are applied, so a request concurrent with them may be ordered before them. Writes need
   * no read barrier on such a leader. (Requiring applied ≥ commit instead would send nearly
   * every write through a ReadIndex round under load: commit runs ahead of apply by a Ready.)
   */
  isCurrentLeader(): boolean {
    const r = this.raw.raft;
    return this.isLeader && r.log.termAt(r.log.committed) === r.term && this.applied >= this.termStartIndex;
  }

  notLeaderError(): ManagerError {
    const { reachable, voters } = this.reachableVoters();
    if (!this.leader) {
      return new ManagerError('NO_QUORUM', `no leader is elected: ${quorumMessage(reachable, voters)}. Wait for an election, or start the missing managers`);
    }
    const addr = this.addressOf(this.leader);
    return new ManagerError('NOT_LEADER', `this manager is not the leader; the leader is ${this.leader}${addr ? ` at ${addr}` : ''}`, addr);
  }

  /** Fails fast, before proposing, when the leader already knows it cannot reach a quorum. */
  private checkQuorum(): void {
    const { reachable, voters } = this.reachableVoters();
    if (reachable < quorumSize(voters)) {
      throw new ManagerError('NO_QUORUM', `cannot commit: ${quorumMessage(reachable, voters)}`);
    }
  }

  // ------------------------------------------------------------------ requests

  /** Proposes `data`; resolves with the state machine's result once the entry is applied. */
  propose(data: Uint8Array): Promise<unknown> {
    if (this.stopped) return Promise.reject(new ManagerError('STOPPED', 'this manager is shutting down'));
    if (!this.isLeader) return Promise.reject(this.notLeaderError());
    if (data.byteLength > MAX_ENTRY_BYTES) {
      return Promise.reject(
        new ManagerError(
          'INVALID_ARGUMENT',
          `the change is ${data.byteLength} bytes encoded; a Raft entry may be at most ${MAX_ENTRY_BYTES} bytes (1 MiB), ` +
            'so that every manager applies it within an election timeout: make the change smaller or split it',
        ),
      );
    }
    try {
      this.checkQuorum();
      const { index, term } = this.raw.propose(data);
      return this.waitForApply(index, term);
    } catch (e) {
      return Promise.reject(this.proposalError(e));
    } finally {
      this.kick();
    }
  }

  proposeConfChange(cc: ConfChange): Promise<unknown> {
    if (this.stopped) return Promise.reject(new ManagerError('STOPPED', 'this manager is shutting down'));
    if (!this.isLeader) return Promise.reject(this.notLeaderError());
    try {
      this.checkQuorum();
      const { index, term } = this.raw.proposeConfChange(cc);
      return this.waitForApply(index, term);
    } catch (e) {
      return Promise.reject(this.proposalError(e));
    } finally {
      this.kick();
    }
  }

  private proposalError(e: unknown): Error {
    if (isRaftError(e, 'NOT_LEADER')) return this.notLeaderError();
    if (isRaftError(e, 'CONF_CHANGE_PENDING')) return new ManagerError('FAILED_PRECONDITION', (e as Error).message);
    if (isRaftError(e, 'CONF_CHANGE_INVALID')) return new ManagerError('INVALID_ARGUMENT', (e as Error).message);
    if (isRaftError(e, 'PROPOSAL_DROPPED')) return new ManagerError('NO_QUORUM', (e as Error).message);
    return e as Error;
  }

  private waitForApply(index: number, term: number): Promise<unknown> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.forgetProposal(index, term);
        this.metrics?.observeProposal((performance.now() - started) / 1000, false);
        const { reachable, voters } = this.reachableVoters();
        reject(
          new ManagerError(
            reachable < quorumSize(voters) ? 'NO_QUORUM' : 'TIMEOUT',
            `the change was not committed within ${this.requestTimeoutMs} ms (${quorumMessage(reachable, voters)}); ` +
              'it may still be applied: re-read before retrying',
          ),
        );
      }, this.requestTimeoutMs);
      let waiting = this.proposals.get(index);
      if (!waiting) this.proposals.set(index, (waiting = new Map()));
      waiting.set(term, { term, started, resolve, reject, timer });
    });
  }

  private forgetProposal(index: number, term: number): void {
    const waiting = this.proposals.get(index);
    if (!waiting) return;
    waiting.delete(term);
    if (waiting.size === 0) this.proposals.delete(index);
  }

  /**
   * A proposal made at (index, term) whose index committed with an entry of another term: it
   * never committed and never will (a log has one committed entry per index), so it is safe
   * to retry — on the leader, whose address the error carries.
   */
  private supersededError(index: number, proposedTerm: number, committedTerm: number): ManagerError {
    const addr = this.leader ? this.addressOf(this.leader) : undefined;
    return new ManagerError(
      'NOT_LEADER',
      `superseded: leadership changed before the change committed (proposed at index ${index} in term ${proposedTerm}, ` +
        `where an entry of term ${committedTerm} committed instead), so it was not applied; retry` +
        (this.leader ? ` on the leader ${this.leader}${addr ? ` at ${addr}` : ''}` : ' once a leader is elected'),
      addr,
    );
  }

  /**
   * A snapshot from the leader replaced our state past these proposals' indexes: whether they
   * committed cannot be told from it, so their callers are told to look.
   */
  private failProposalsCoveredBy(snapIndex: number): void {
    for (const [index, waiting] of this.proposals) {
      if (index > snapIndex) continue;
      this.proposals.delete(index);
      for (const w of waiting.values()) {
        clearTimeout(w.timer);
        this.metrics?.observeProposal((performance.now() - w.started) / 1000, false);
        w.reject(
          new ManagerError(
            'TIMEOUT',
            'the leader changed while the change was in flight and this manager caught up from a snapshot, so whether it ' +
              'committed is unknown; it may still have been applied: re-read before retrying',
          ),
        );
      }
    }
  }

  /**
   * Resolves once this manager's state reflects every write committed before the call
   * (ReadIndex, diss. §6.4): reads after it are linearizable.
   */
  async readBarrier(): Promise<void> {
    await this.readIndexBarrier();
  }

  /** readBarrier, resolving with the read index it waited for (the host simulator checks it). */
  readIndexBarrier(): Promise<number> {
    if (this.stopped) return Promise.reject(new ManagerError('STOPPED', 'this manager is shutting down'));
    if (!this.leader) return Promise.reject(this.notLeaderError());
    if (this.isLeader) {
      try {
        this.checkQuorum();
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const context = randomId(16);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.reads.delete(context);
        const { reachable, voters } = this.reachableVoters();
        reject(
          new ManagerError(
            'NO_QUORUM',
            `could not confirm a linearizable read within ${this.requestTimeoutMs} ms: ${quorumMessage(reachable, voters)}; use --stale to read this manager's state`,
          ),
        );
      }, this.requestTimeoutMs);
      this.reads.set(context, { index: undefined, resolve, reject, timer });
      this.raw.readIndex(context);
      this.kick();
    });
  }

  /** Hands leadership to `target` (or the most caught-up voter); resolves true once we are no longer leader. */
  async transferLeadership(target?: NodeId, timeoutMs = 2000): Promise<boolean> {
    if (!this.isLeader) return true;
    const status = this.raw.status();
    const candidates = status.progress.filter((p) => p.id !== this.id && !p.learner && this.transport.reachable(p.id)).sort((a, b) => b.match - a.match);
    const to = target ?? candidates[0]?.id;
    if (!to) return false;
    this.logger.info({ to }, 'transferring leadership');
    this.raw.transferLeadership(to);
    this.kick();
    const deadline = Date.now() + timeoutMs;
    while (this.isLeader && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return !this.isLeader;
  }

  // ------------------------------------------------------------------ the loop

  private kick(): void {
    if (!this.stopped) this.loopSoon.request();
  }

  private runLoop(): void {
    if (this.busy || this.stopped) return;
    this.busy = this.loop()
      .catch((e: Error) => {
        // A failed disk write leaves the node unable to make progress safely.
        this.logger.error({ err: e.message }, 'the Raft loop failed; stopping this manager');
        this.emit('fatal', e);
      })
      .finally(() => {
        this.busy = undefined;
        if (!this.stopped && this.raw.hasReady()) this.kick();
      });
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.raw.hasReady()) {
      const rd = this.raw.ready();
      this.transport.send(rd.earlyMessages);
      // Committed entries already on our disk (from earlier Readies) are applied while this
      // Ready's write runs, not after it: they are durable on a quorum, and their callers
      // should not wait for the fsync of newer entries. Under load that halves a write's wait.
      const durable = rd.snapshot ? 0 : rd.entries.length > 0 ? rd.entries[0]!.index : Infinity;
      let early = 0;
      while (early < rd.committedEntries.length && rd.committedEntries[early]!.index < durable) early++;
      const saved = rd.mustSync ? this.storage.save({ snapshot: rd.snapshot, entries: rd.entries, hardState: rd.hardState }) : undefined;
      try {
        for (let i = 0; i < early; i++) {
          const e = rd.committedEntries[i]!;
          this.apply(e.index, e.term, e.type, e.data);
        }
      } finally {
        await saved;
      }
      this.transport.send(rd.messages);
      if (rd.softState) this.onSoftState(rd);
      if (rd.snapshot) {
        this.sm.restore(rd.snapshot.data);
        this.applied = rd.snapshot.meta.index;
        this.failProposalsCoveredBy(rd.snapshot.meta.index);
        this.logger.info({ index: rd.snapshot.meta.index }, 'installed a snapshot from the leader');
      }
      for (let i = early; i < rd.committedEntries.length; i++) {
        const e = rd.committedEntries[i]!;
        this.apply(e.index, e.term, e.type, e.data);
      }
      for (const rs of rd.readStates) {
        const w = this.reads.get(rs.context);
        if (!w) continue;
        this.reads.delete(rs.context);
        w.index = rs.index;
        if (this.plantedBug === 'read-before-apply') {
          clearTimeout(w.timer);
          w.resolve(rs.index);
          continue;
        }
        this.readsAwaitingApply.add(w);
      }
      this.raw.advance();
      this.releaseReads();
      if (rd.committedEntries.length > 0 || rd.snapshot) this.emit('applied', this.applied);
      await this.maybeSnapshot();
      this.metrics?.update({
        term: this.raw.raft.term,
        commit: this.raw.raft.log.committed,
        applied: this.applied,
        isLeader: this.isLeader,
        logEntries: this.storage.lastIndex() - this.storage.firstIndex() + 1,
        snapshotIndex: this.storage.snapshot().meta.index,
      });
    }
  }

  private onSoftState(rd: Ready): void {
    const ss = rd.softState!;
    const leaderChanged = ss.leader !== this.leader;
    if (ss.role === Role.Leader && this.role !== Role.Leader) this.termStartIndex = this.firstIndexOfTerm();
    if (ss.role !== Role.Leader) this.termStartIndex = Infinity;
    this.role = ss.role;
    this.leader = ss.leader;
    if (!leaderChanged) return;
    this.metrics?.leaderChanged();
    this.logger.info({ leader: ss.leader || null, term: this.raw.raft.term, role: ss.role }, 'leader changed');
    this.emit('leader', ss.leader, this.raw.raft.term);
    // Reads in flight were addressed to the old leader; they will never be confirmed.
    for (const [c, r] of this.reads) {
      clearTimeout(r.timer);
      r.reject(new ManagerError('TIMEOUT', 'the leader changed while confirming a read; retry'));
      this.reads.delete(c);
    }
  }

  /** The first index of the current term in our log (a new leader's no-op). */
  private firstIndexOfTerm(): number {
    const log = this.raw.raft.log;
    const term = this.raw.raft.term;
    let i = log.lastIndex();
    while (i - 1 >= log.firstIndex() && log.termAt(i - 1) === term) i--;
    return i;
  }

  private apply(index: number, term: number, type: EntryType, data: Uint8Array): void {
    if (index <= this.applied) return; // covered by a snapshot installed meanwhile
    let result: unknown;
    if (type === EntryType.ConfChange) {
      const cc = decodeConfChange(data);
      this.sm.applyConfChange(cc, index);
    } else if (data.byteLength > 0) {
      result = this.sm.applyEntry(data, index);
    }
    this.applied = index;
    const waiting = this.proposals.get(index);
    if (!waiting) return;
    this.proposals.delete(index);
    for (const w of waiting.values()) {
      clearTimeout(w.timer);
      const ok = w.term === term || this.plantedBug === 'resolve-wrong-term';
      this.metrics?.observeProposal((performance.now() - w.started) / 1000, ok);
      if (ok) w.resolve(result);
      else w.reject(this.supersededError(index, w.term, term));
    }
  }

  private releaseReads(): void {
    for (const r of this.readsAwaitingApply) {
      if (r.index === undefined || r.index > this.applied) continue;
      this.readsAwaitingApply.delete(r);
      clearTimeout(r.timer);
      r.resolve(r.index);
    }
  }

  private async maybeSnapshot(): Promise<void> {
    // A snapshot received from the leader while this Ready was saved is already the core's
    // membership, but not yet our state: a snapshot now would pair our older applied index and
    // data with the newer membership. The received one is installed by the next Ready.
    if (this.raw.hasPendingSnapshot()) return;
    const snapIndex = this.storage.snapshot().meta.index;
    if (this.applied - snapIndex < this.timings.snapshotEvery) return;
    const index = this.applied;
    const data = this.sm.snapshot();
    await this.storage.createSnapshot(index, this.raw.confState(), data);
    const compactTo = index - this.timings.keepEntries;
    if (compactTo >= this.storage.firstIndex()) await this.storage.compact(compactTo);
    this.metrics?.snapshotTaken();
    this.logger.info({ index, bytes: data.byteLength, firstIndex: this.storage.firstIndex() }, 'took a snapshot and compacted the log');
  }
}
