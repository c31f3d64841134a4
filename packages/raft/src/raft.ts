// The Raft consensus algorithm as a deterministic state machine.
//
// No IO, no timers, no clock, no randomness of its own: the host calls `tick()` on a timer,
// feeds received messages to `step()`, and drains what must be persisted, sent and applied
// through RawNode's Ready/advance. Everything here can therefore be replayed exactly, which is
// what the simulator relies on.
//
// Structure (after etcd-io/raft): `step` handles term bookkeeping and votes common to all
// roles, then dispatches to `stepLeader`, `stepCandidate` or `stepFollower`.
// Section numbers refer to the Raft paper (Ongaro & Ousterhout, 2014) and, where marked
// "diss.", to Ongaro's dissertation (2014).

import { applyConfChange, decodeConfChange, type ConfChange } from './conf-change.js';
import { RaftError } from './errors.js';
import { RaftLog, LogInvariantError } from './log.js';
import { Progress, ProgressState } from './progress.js';
import { MajorityConfig, VoteResult } from './quorum.js';
import { ReadOnly, ReadRelay } from './read-only.js';
import type { Storage } from './storage.js';
import {
  EntryType,
  MessageType,
  NONE,
  Role,
  entriesBytes,
  isEmptyHardState,
  isEmptySnapshot,
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

/** What an entry costs beyond its payload when counting uncommitted bytes (so tiny entries count too). */
const ENTRY_OVERHEAD_BYTES = 24;

/** Context of the heartbeats a removed leader sends before stepping down. */
const STEP_DOWN_CONTEXT = 'removed';

/** Context of a Vote message sent because the old leader asked us to take over. */
export const CAMPAIGN_TRANSFER = 'transfer';

/**
 * Deliberate mistakes, switched on only by tests, to prove the simulator notices them.
 * Never set outside tests.
 */
export interface PlantedBugs {
  /** Commit by counting replicas even for entries of earlier terms (breaks §5.4.2 / Fig. 8). */
  readonly commitOldTermByCounting?: boolean;
  /** Grant votes without the §5.4.1 log up-to-date check. */
  readonly voteIgnoringLogUpToDate?: boolean;
  /** Leave the vote out of the hard state handed to the host for persisting. */
  readonly forgetToPersistVote?: boolean;
  /** Let vote and pre-vote grants leave with a Ready's early messages, before the vote is on disk (breaks Fig. 2). */
  readonly voteRespBeforePersist?: boolean;
  /** A leader counts its own entries toward commit as soon as they are appended, not once persisted (breaks diss. §10.2.1). */
  readonly leaderCountsUnpersistedSelf?: boolean;
  /** Accept a membership change while another is still unapplied (breaks the one-at-a-time rule, diss. §4.1). */
  readonly confChangesInFlight?: boolean;
  /** Let a new leader propose a membership change before committing an entry of its term (the 2015 fix, diss. §4.1). */
  readonly confChangeBeforeTermCommit?: boolean;
  /** Campaign although a committed membership change is not applied yet (etcd's hup guard). */
  readonly campaignWithUnappliedConfChange?: boolean;
}

export interface RaftLogger {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
}

const silentLogger: RaftLogger = { debug() {}, info() {}, warn() {} };

export interface RaftConfig {
  readonly id: NodeId;
  readonly storage: Storage;
  /** Uniform random number in [0, 1); injected so runs replay exactly. */
  readonly random: () => number;
  /** Ticks without hearing from a leader before campaigning; randomized in [n, 2n). Default 30. */
  readonly electionTicks?: number;
  /** Ticks between leader heartbeats. Default 5. */
  readonly heartbeatTicks?: number;
  /** Upper bound on the entry bytes of one append message. Default 1 MiB. */
  readonly maxMsgBytes?: number;
  /** Append messages in flight per follower in replicate mode. Default 256. */
  readonly maxInflightMsgs?: number;
  /** Entry bytes in flight per follower. 0 = unlimited. Default 32 MiB. */
  readonly maxInflightBytes?: number;
  /**
   * Leader: refuse proposals while this many payload bytes are appended but not yet committed,
   * so a leader that cannot reach a quorum does not grow its log without bound. 0 = no limit.
   * Default 64 MiB.
   */
  readonly maxUncommittedBytes?: number;
  /** Upper bound on committed entry bytes handed out by one Ready. Default 64 MiB. */
  readonly maxCommittedBytesPerReady?: number;
  /** Leader steps down if it has not heard from a quorum for an election timeout. Default true. */
  readonly checkQuorum?: boolean;
  /** Ask for votes without bumping the term first (diss. §9.6). Default true. */
  readonly preVote?: boolean;
  /** Ticks a follower may stay in snapshot mode before the transfer is retried. Default 3 election timeouts. */
  readonly snapshotRetryTicks?: number;
  readonly logger?: RaftLogger;
  readonly plantedBugs?: PlantedBugs;
}

export const DEFAULT_ELECTION_TICKS = 30;
export const DEFAULT_HEARTBEAT_TICKS = 5;

type CampaignKind = 'pre-vote' | 'election' | 'transfer';

export interface ProgressStatus {
  readonly id: NodeId;
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly learner: boolean;
  readonly recentActive: boolean;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly leader: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly conf: ConfState;
  readonly leadTransferee: NodeId;
  /** Leader only. */
  readonly progress: readonly ProgressStatus[];
}

export class Raft {
  readonly id: NodeId;
  readonly log: RaftLog;

  term = 0;
  vote: NodeId = NONE;
  role: Role = Role.Follower;
  leader: NodeId = NONE;

  /** Messages to send once the current Ready is persisted. */
  msgs: Message[] = [];
  /** Reads confirmed since the last Ready. */
  readStates: ReadState[] = [];

  private voters = new MajorityConfig([]);
  private learners = new Set<NodeId>();
  /** Index of the entry (or snapshot) that established the current configuration. */
  private confIndex = 0;
  /** Leader: replication state of every member, self included. */
  private readonly progress = new Map<NodeId, Progress>();
  private readonly votes = new Map<NodeId, boolean>();

  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private readonly electionTimeout: number;
  private readonly heartbeatTimeout: number;

  /** Leader: the node we are handing leadership to. */
  private leadTransferee: NodeId = NONE;
  /** Leader: index of the latest conf change (or the term's first entry); no new change until it is applied. */
  private pendingConfIndex = 0;
  private readonly readOnly = new ReadOnly();
  /** Follower: reads forwarded for another node, whose answers go back to it (see ReadRelay). */
  private readonly readRelay = new ReadRelay();
  /**
   * Leader removed by its own log: the index of that change. It keeps heartbeating until every
   * remaining voter has confirmed it knows the change is committed, then steps down.
   */
  private stepDownAt = 0;
  private readonly stepDownAcks = new Set<NodeId>();
  /** Leader: proposals appended since the last flush, not yet sent to followers. */
  private appendsPending = false;
  /** Leader: reads that arrived before the first commit of this term; answered once it lands. */
  private pendingReadIndexMessages: Message[] = [];

  private readonly random: () => number;
  private readonly maxMsgBytes: number;
  private readonly maxInflightMsgs: number;
  private readonly maxInflightBytes: number;
  private readonly maxUncommittedBytes: number;
  /** Leader: payload bytes appended in this term and not yet committed. */
  private uncommittedBytes = 0;
  readonly maxCommittedBytesPerReady: number;
  private readonly checkQuorum: boolean;
  private readonly preVote: boolean;
  private readonly snapshotRetryTicks: number;
  private readonly logger: RaftLogger;
  readonly bugs: PlantedBugs;

  constructor(config: RaftConfig) {
    if (!config.id) throw new RangeError('raft: config.id must be a non-empty node id');
    this.id = config.id;
    this.random = config.random;
    this.electionTimeout = config.electionTicks ?? DEFAULT_ELECTION_TICKS;
    this.heartbeatTimeout = config.heartbeatTicks ?? DEFAULT_HEARTBEAT_TICKS;
    if (this.heartbeatTimeout <= 0 || this.electionTimeout <= this.heartbeatTimeout) {
      throw new RangeError(`raft: election ticks (${this.electionTimeout}) must be greater than heartbeat ticks (${this.heartbeatTimeout}) > 0`);
    }
    this.maxMsgBytes = config.maxMsgBytes ?? 1 << 20;
    this.maxInflightMsgs = config.maxInflightMsgs ?? 256;
    this.maxInflightBytes = config.maxInflightBytes ?? 32 << 20;
    this.maxUncommittedBytes = config.maxUncommittedBytes ?? 64 << 20;
    this.maxCommittedBytesPerReady = config.maxCommittedBytesPerReady ?? 64 << 20;
    this.checkQuorum = config.checkQuorum ?? true;
    this.preVote = config.preVote ?? true;
    this.snapshotRetryTicks = config.snapshotRetryTicks ?? this.electionTimeout * 3;
    this.logger = config.logger ?? silentLogger;
    this.bugs = config.plantedBugs ?? {};

    this.log = new RaftLog(config.storage);
    const { hardState, confState } = config.storage.initialState();
    // The configuration is the snapshot's; later changes are re-applied with the log.
    this.confIndex = this.log.applied;
    this.setConf(confState);
    if (!isEmptyHardState(hardState)) this.loadHardState(hardState);
    this.becomeFollower(this.term, NONE);
  }

  private loadHardState(hs: HardState): void {
    if (hs.commit > this.log.lastIndex()) {
      throw new LogInvariantError(`stored commit ${hs.commit} is past the last stored index ${this.log.lastIndex()}`);
    }
    // The commit index is written lazily, so the snapshot may be ahead of it.
    this.log.committed = Math.max(hs.commit, this.log.committed);
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---------------------------------------------------------------- state views

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { leader: this.leader, role: this.role };
  }

  /** Index of the last membership change (or snapshot) the configuration reflects. */
  get appliedConfIndex(): number {
    return this.confIndex;
  }

  confState(): ConfState {
    return { voters: [...this.voters.voters].sort(), learners: [...this.learners].sort() };
  }

  isVoter(id: NodeId): boolean {
    return this.voters.has(id);
  }

  status(): RaftStatus {
    const progress: ProgressStatus[] = [];
    if (this.role === Role.Leader) {
      for (const pr of this.progress.values()) {
        progress.push({
          id: pr.id,
          match: pr.match,
          next: pr.next,
          state: pr.state,
          learner: pr.isLearner,
          recentActive: pr.recentActive,
        });
      }
    }
    return {
      id: this.id,
      role: this.role,
      leader: this.leader,
      term: this.term,
      vote: this.vote,
      commit: this.log.committed,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex(),
      conf: this.confState(),
      leadTransferee: this.leadTransferee,
      progress,
    };
  }

  /** A small text view of the node, and of every follower when leader (for failing tests). */
  describe(): string {
    const lines = [
      `${this.id} ${this.role} term=${this.term} vote=${this.vote || '-'} leader=${this.leader || '-'} ` +
        `commit=${this.log.committed} applied=${this.log.applied} last=${this.log.lastIndex()}`,
    ];
    if (this.role === Role.Leader) for (const pr of this.progress.values()) lines.push(`  ${pr.describe()}`);
    return lines.join('\n');
  }

  // ---------------------------------------------------------------- role changes

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.leader = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = NONE;
    this.votes.clear();
    for (const [id, pr] of this.progress) {
      const fresh = this.newProgress(id, pr.isLearner);
      // We count ourselves only for what is on our disk (see onPersisted).
      if (id === this.id) fresh.match = this.bugs.leaderCountsUnpersistedSelf ? this.log.lastIndex() : this.log.persistedLastIndex();
      this.progress.set(id, fresh);
    }
    this.pendingConfIndex = 0;
    this.uncommittedBytes = 0;
    this.appendsPending = false;
    this.stepDownAt = 0;
    this.stepDownAcks.clear();
    this.readOnly.reset();
    this.readRelay.reset();
    this.pendingReadIndexMessages = [];
  }

  private newProgress(id: NodeId, isLearner: boolean): Progress {
    return new Progress(id, this.log.lastIndex() + 1, this.maxInflightMsgs, this.maxInflightBytes, isLearner);
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(this.random() * this.electionTimeout);
  }

  becomeFollower(term: number, leader: NodeId): void {
    const wasLeader = this.role === Role.Leader;
    this.reset(term);
    this.role = Role.Follower;
    this.leader = leader;
    if (wasLeader) this.logger.info({ id: this.id, term }, 'stepped down to follower');
  }

  private becomePreCandidate(): void {
    if (this.role === Role.Leader) throw new Error('raft: a leader cannot become a pre-candidate');
    // A pre-candidate changes neither term nor vote: a failed pre-vote disturbs nobody.
    this.votes.clear();
    this.leader = NONE;
    this.role = Role.PreCandidate;
  }

  private becomeCandidate(): void {
    if (this.role === Role.Leader) throw new Error('raft: a leader cannot become a candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = Role.Candidate;
  }

  private becomeLeader(): void {
    if (this.role === Role.Follower) throw new Error('raft: a follower cannot become leader without an election');
    this.reset(this.term);
    this.leader = this.id;
    this.role = Role.Leader;
    const self = this.progress.get(this.id);
    if (self) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // §8: commit an entry of our own term at once, which also commits everything before it,
    // and (diss. §4.1, 2015 fix) gates membership changes until it is committed.
    this.appendEntries([{ index: 0, term: 0, type: EntryType.Normal, data: new Uint8Array(0) }]);
    if (!this.bugs.confChangeBeforeTermCommit) this.pendingConfIndex = this.log.lastIndex();
    this.logger.info({ id: this.id, term: this.term }, 'became leader');
  }

  // ---------------------------------------------------------------- ticking

  tick(): void {
    if (this.role === Role.Leader) this.tickLeader();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(message({ type: MessageType.Hup, from: this.id }));
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.stepDownAt > 0) {
        this.logger.warn({ id: this.id }, 'removed leader stepping down without hearing from every voter');
        this.becomeFollower(this.term, NONE);
        return;
      }
      if (this.checkQuorum) this.step(message({ type: MessageType.CheckQuorum, from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned (diss. §3.10).
      if (this.role === Role.Leader && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.role !== Role.Leader) return;
    for (const pr of this.progress.values()) {
      if (pr.state === ProgressState.Snapshot && ++pr.snapshotTicks > this.snapshotRetryTicks) {
        // The transport never reported the snapshot's fate; assume it was lost and retry.
        pr.pendingSnapshot = 0;
        pr.becomeProbe();
      }
    }
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      if (this.stepDownAt > 0) this.sendStepDownNotices();
      else this.step(message({ type: MessageType.Beat, from: this.id }));
    }
  }

  /** Whether this node may campaign: it is a voter and not waiting to apply a snapshot. */
  promotable(): boolean {
    return this.voters.has(this.id) && !this.log.hasPendingSnapshot();
  }

  // ---------------------------------------------------------------- proposals

  /**
   * Appends `data` to the log (leader only) and returns the index and term it got. The entry is
   * committed once the host has applied an entry with that index *and* that term; a different
   * term at that index means the proposal was lost in a leader change.
   */
  propose(data: Uint8Array, type: EntryType = EntryType.Normal): { index: number; term: number } {
    if (this.role !== Role.Leader) {
      throw new RaftError(
        'NOT_LEADER',
        this.leader ? `not the leader; the leader is ${this.leader}` : 'not the leader, and no leader is known',
        this.leader || undefined,
      );
    }
    if (!this.progress.has(this.id)) {
      throw new RaftError('PROPOSAL_DROPPED', 'this node was removed from the cluster and cannot accept proposals');
    }
    if (this.leadTransferee !== NONE) {
      throw new RaftError('PROPOSAL_DROPPED', `leadership is being transferred to ${this.leadTransferee}; retry against the new leader`);
    }
    if (
      this.maxUncommittedBytes > 0 &&
      this.uncommittedBytes > 0 &&
      this.uncommittedBytes + data.byteLength + ENTRY_OVERHEAD_BYTES > this.maxUncommittedBytes
    ) {
      throw new RaftError(
        'PROPOSAL_DROPPED',
        `too much uncommitted data (${this.uncommittedBytes} bytes waiting for a quorum); retry when the followers catch up`,
      );
    }
    if (type === EntryType.ConfChange) this.checkConfChangeAllowed(decodeConfChange(data));
    this.uncommittedBytes += data.byteLength + ENTRY_OVERHEAD_BYTES;
    this.appendEntries([{ index: 0, term: 0, type, data }]);
    const index = this.log.lastIndex();
    if (type === EntryType.ConfChange) this.pendingConfIndex = index;
    // Sent when the host takes its next Ready, so every proposal made meanwhile shares one
    // append message per follower (and one fsync on each of them).
    this.appendsPending = true;
    return { index, term: this.term };
  }

  private checkConfChangeAllowed(cc: ConfChange): void {
    if (this.pendingConfIndex > this.log.applied && !this.bugs.confChangesInFlight) {
      throw new RaftError(
        'CONF_CHANGE_PENDING',
        `a membership change (or this leader's first entry) at index ${this.pendingConfIndex} is not applied yet ` +
          `(applied ${this.log.applied}); retry shortly`,
      );
    }
    if (!this.committedEntryInCurrentTerm() && !this.bugs.confChangeBeforeTermCommit) {
      throw new RaftError('CONF_CHANGE_PENDING', 'the new leader has not committed an entry of its term yet; retry shortly');
    }
    applyConfChange(this.confState(), cc); // throws CONF_CHANGE_INVALID
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.log.termAt(this.log.committed) === this.term;
  }

  private appendEntries(ents: Entry[]): void {
    let index = this.log.lastIndex();
    const stamped = ents.map((e) => ({ index: ++index, term: this.term, type: e.type, data: e.data }));
    this.log.append(stamped);
    // The leader's own copy counts toward the quorum once the host has persisted it
    // (onPersisted), which is what lets the host send appends before its own disk write ends.
    if (this.bugs.leaderCountsUnpersistedSelf) this.progress.get(this.id)?.maybeUpdate(this.log.lastIndex());
  }

  /**
   * The host persisted entries up to (index, term) (RawNode.advance calls this). Our own
   * replica now counts toward the quorum (diss. §10.2.1: the leader writes its log in
   * parallel with the followers).
   */
  onPersisted(index: number, term: number): void {
    if (this.log.termAt(index) !== term) return; // replaced after the Ready was taken
    const self = this.progress.get(this.id);
    if (!self?.maybeUpdate(index) || this.role !== Role.Leader) return;
    if (this.maybeCommit()) {
      this.releasePendingReadIndexMessages();
      this.bcastAppend();
    }
  }

  // ---------------------------------------------------------------- the step function

  step(m: Message): void {
    // Term bookkeeping shared by all roles (§5.1).
    if (m.term === 0) {
      // local message (or a forwarded read/transfer, which carries no term)
    } else if (m.term > this.term) {
      if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
        // Leader lease (diss. §4.2.3): while we hear from a leader, ignore candidates, so a node
        // partitioned away and back cannot depose a healthy leader. A transfer overrides it.
        const force = m.context === CAMPAIGN_TRANSFER;
        const inLease = this.checkQuorum && this.leader !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) return;
      }
      if (m.type === MessageType.PreVote) {
        // Never change our term because of a pre-vote.
      } else if (m.type === MessageType.PreVoteResp && !m.reject) {
        // The granted pre-vote carries the term we would campaign in; bump it only on winning.
      } else if (m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap) {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === MessageType.Heartbeat || m.type === MessageType.App)) {
        // A stale leader (e.g. after a partition) learns our term from this and steps down.
        // Without it, with pre-vote on, it could keep a partitioned node from ever rejoining.
        this.send(message({ type: MessageType.AppResp, to: m.from }));
      } else if (m.type === MessageType.PreVote) {
        this.send(message({ type: MessageType.PreVoteResp, to: m.from, term: this.term, reject: true }));
      }
      return; // everything else from an old term is ignored
    }

    switch (m.type) {
      case MessageType.Hup:
        this.hup(m.context === CAMPAIGN_TRANSFER ? 'transfer' : this.preVote ? 'pre-vote' : 'election');
        return;
      case MessageType.Vote:
      case MessageType.PreVote:
        this.handleVoteRequest(m);
        return;
      default:
        switch (this.role) {
          case Role.Leader:
            this.stepLeader(m);
            return;
          case Role.Candidate:
          case Role.PreCandidate:
            this.stepCandidate(m);
            return;
          case Role.Follower:
            this.stepFollower(m);
            return;
        }
    }
  }

  /** §5.2, §5.4.1: one vote per term, only for a log at least as up-to-date as ours. */
  private handleVoteRequest(m: Message): void {
    const respType = m.type === MessageType.Vote ? MessageType.VoteResp : MessageType.PreVoteResp;
    const canVote =
      this.vote === m.from ||
      // We have not voted and do not know a leader in this term.
      (this.vote === NONE && this.leader === NONE) ||
      // A pre-vote for a future term does not bind us.
      (m.type === MessageType.PreVote && m.term > this.term);
    const upToDate = this.bugs.voteIgnoringLogUpToDate || this.log.isUpToDate(m.index, m.logTerm);
    if (canVote && upToDate) {
      // The response carries the candidate's term so it counts the vote (a pre-vote for a future term too).
      this.send(message({ type: respType, to: m.from, term: m.term }));
      if (m.type === MessageType.Vote) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send(message({ type: respType, to: m.from, term: this.term, reject: true }));
    }
  }

  private hup(kind: CampaignKind): void {
    if (this.role === Role.Leader) return;
    if (!this.promotable()) return;
    // A committed but unapplied membership change might remove us or change the quorum.
    if (this.hasUnappliedConfChanges() && !this.bugs.campaignWithUnappliedConfChange) {
      this.logger.debug({ id: this.id }, 'not campaigning: a committed membership change is not applied yet');
      return;
    }
    this.campaign(kind);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.log.applied >= this.log.committed) return false;
    const lo = Math.max(this.log.applied + 1, this.log.firstIndex());
    for (const e of this.log.slice(lo, this.log.committed + 1)) if (e.type === EntryType.ConfChange) return true;
    return false;
  }

  private campaign(kind: CampaignKind): void {
    let voteType: MessageType;
    let term: number;
    if (kind === 'pre-vote') {
      this.becomePreCandidate();
      voteType = MessageType.PreVote;
      term = this.term + 1; // ask for the term we would use, without taking it yet
    } else {
      this.becomeCandidate();
      voteType = MessageType.Vote;
      term = this.term;
    }
    if (this.poll(this.id, true) === VoteResult.Won) {
      // A single-voter cluster wins at once.
      if (kind === 'pre-vote') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.log.lastIndex();
    const lastTerm = this.log.lastTerm();
    for (const id of this.voters.voters) {
      if (id === this.id) continue;
      this.send(
        message({
          type: voteType,
          to: id,
          term,
          index: lastIndex,
          logTerm: lastTerm,
          context: kind === 'transfer' ? CAMPAIGN_TRANSFER : '',
        }),
      );
    }
  }

  private poll(id: NodeId, granted: boolean): VoteResult {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    return this.voters.voteResult(this.votes);
  }

  // ---------------------------------------------------------------- leader

  private stepLeader(m: Message): void {
    switch (m.type) {
      case MessageType.Beat:
        this.bcastHeartbeat();
        return;
      case MessageType.CheckQuorum:
        if (!this.quorumActive()) {
          this.logger.warn({ id: this.id, term: this.term }, 'stepping down: no quorum heard within an election timeout');
          this.becomeFollower(this.term, NONE);
        }
        for (const pr of this.progress.values()) if (pr.id !== this.id) pr.recentActive = false;
        return;
      case MessageType.Prop:
        return; // proposals go through propose(); they are never accepted from the wire
      case MessageType.ReadIndex:
        this.handleReadIndex(m);
        return;
    }

    const pr = this.progress.get(m.from);
    if (!pr) return; // not (or no longer) a member
    switch (m.type) {
      case MessageType.AppResp:
        this.handleAppendResponse(m, pr);
        return;
      case MessageType.HeartbeatResp:
        this.handleHeartbeatResponse(m, pr);
        return;
      case MessageType.SnapStatus:
        if (pr.state !== ProgressState.Snapshot) return;
        if (m.reject) pr.pendingSnapshot = 0; // failed: probe from the last known match
        pr.becomeProbe();
        // Wait for the follower's answer (or the next heartbeat) before probing.
        pr.probeSent = true;
        return;
      case MessageType.Unreachable:
        // The stream broke; what was in flight may be lost.
        if (pr.state === ProgressState.Replicate) pr.becomeProbe();
        return;
      case MessageType.TransferLeader:
        this.handleTransferLeader(m, pr);
        return;
    }
  }

  private quorumActive(): boolean {
    return this.voters.isActive((id) => id === this.id || this.progress.get(id)?.recentActive === true);
  }

  private handleAppendResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    if (m.reject) {
      // Fast backtracking: skip every entry whose term cannot match the follower's hint.
      let nextProbe = m.rejectHint;
      if (m.logTerm > 0) nextProbe = this.log.findConflictByTerm(m.rejectHint, m.logTerm).index;
      if (pr.maybeDecrTo(m.index, nextProbe)) {
        if (pr.state === ProgressState.Replicate) pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }

    const wasPaused = pr.isPaused();
    // An ack that repeats the known match still ends a probe: the follower is in sync.
    const progressed = pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === ProgressState.Probe);
    if (!progressed) return; // stale or duplicate ack
    switch (pr.state) {
      case ProgressState.Probe:
        pr.becomeReplicate();
        break;
      case ProgressState.Snapshot:
        // The follower caught up past the log's start: it can be fed entries again.
        if (pr.match + 1 >= this.log.firstIndex() || pr.match >= pr.pendingSnapshot) {
          pr.becomeProbe();
          pr.becomeReplicate();
        }
        break;
      case ProgressState.Replicate:
        pr.inflights.freeLE(m.index);
        break;
    }

    if (this.maybeCommit()) {
      this.releasePendingReadIndexMessages();
      this.bcastAppend();
    } else if (wasPaused) {
      this.sendAppend(m.from);
    }
    // Fill the follower's window as far as flow control allows.
    while (this.maybeSendAppend(m.from, false)) {
      /* keep sending */
    }
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.logger.info({ id: this.id, to: m.from }, 'transferee caught up; sending TimeoutNow');
      this.sendTimeoutNow(m.from);
    }
  }

  private handleHeartbeatResponse(m: Message, pr: Progress): void {
    if (this.stepDownAt > 0 && m.context === STEP_DOWN_CONTEXT) {
      this.stepDownAcks.add(m.from);
      if ([...this.voters.voters].every((v) => this.stepDownAcks.has(v))) {
        this.logger.info({ id: this.id }, 'every remaining voter knows of our removal; stepping down');
        this.becomeFollower(this.term, NONE);
      }
      return;
    }
    pr.recentActive = true;
    pr.probeSent = false;
    // A full window with no acks: free one slot so replication cannot stall forever.
    if (pr.state === ProgressState.Replicate && pr.inflights.full()) pr.inflights.freeFirstOne();
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from);

    if (!m.context) return;
    const acks = this.readOnly.recvAck(m.from, m.context);
    if (!acks) return;
    if (!this.voters.isActive((id) => acks.has(id))) return;
    for (const req of this.readOnly.advance(m.context)) this.answerRead(req.from, req.index, req.context);
  }

  private handleReadIndex(m: Message): void {
    // Until an entry of this term commits, our commit index may be behind the real one (§8) —
    // even alone: the commit index is persisted lazily, so a restarted leader may start below
    // writes it acknowledged before the crash.
    if (!this.committedEntryInCurrentTerm()) {
      this.pendingReadIndexMessages.push(m);
      return;
    }
    if (this.voters.size === 1 && this.voters.has(this.id)) {
      this.answerRead(m.from, this.log.committed, m.context);
      return;
    }
    if (this.readOnly.has(m.context)) return;
    this.readOnly.add(this.log.committed, m.context, m.from);
    this.readOnly.recvAck(this.id, m.context);
    this.bcastHeartbeat(m.context);
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const pending = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of pending) this.handleReadIndex(m);
  }

  private answerRead(to: NodeId, index: number, context: string): void {
    if (to === this.id || to === NONE) {
      this.readStates.push({ index, context });
    } else {
      this.send(message({ type: MessageType.ReadIndexResp, to, index, context }));
    }
  }

  private handleTransferLeader(m: Message, pr: Progress): void {
    const target = m.from;
    if (pr.isLearner) {
      this.logger.warn({ id: this.id, target }, 'ignoring leadership transfer to a learner');
      return;
    }
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === target) return; // already under way
      this.abortLeaderTransfer();
    }
    if (target === this.id) return;
    // The transfer must finish within one election timeout or it is abandoned.
    this.electionElapsed = 0;
    this.leadTransferee = target;
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(target);
    else this.sendAppend(target); // catch the target up first
  }

  /** Heartbeats telling each remaining voter that commit covers our removal (or appends, if it lacks the entry). */
  private sendStepDownNotices(): void {
    for (const id of this.voters.voters) {
      const pr = this.progress.get(id);
      if (!pr || this.stepDownAcks.has(id)) continue;
      if (pr.match >= this.stepDownAt) {
        const commit = Math.min(pr.match, this.log.committed);
        this.send(message({ type: MessageType.Heartbeat, to: id, commit, context: STEP_DOWN_CONTEXT }));
      } else {
        this.sendAppend(id);
      }
    }
  }

  private abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send(message({ type: MessageType.TimeoutNow, to }));
  }

  /**
   * The highest index stored on a majority becomes committed — but only if it is from our
   * term (§5.4.2): counting replicas of an older entry is unsafe (Fig. 8).
   */
  private maybeCommit(): boolean {
    const mci = this.voters.committedIndex((id) => this.progress.get(id)?.match);
    if (this.bugs.commitOldTermByCounting) {
      if (mci <= this.log.committed) return false;
      this.log.commitTo(mci);
      return true;
    }
    return this.log.maybeCommit(mci, this.term);
  }

  /** Sends the appends that proposals deferred (RawNode calls this before building a Ready). */
  flushAppends(): void {
    if (!this.appendsPending) return;
    this.appendsPending = false;
    if (this.role === Role.Leader) this.bcastAppend();
  }

  private bcastAppend(): void {
    this.appendsPending = false; // whatever proposals deferred goes out now
    for (const id of this.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private bcastHeartbeat(context?: string): void {
    const ctx = context ?? this.readOnly.lastPendingContext() ?? '';
    for (const pr of this.progress.values()) {
      if (pr.id === this.id) continue;
      // Never tell a follower to commit past what it is known to have: its log may differ there.
      const commit = Math.min(pr.match, this.log.committed);
      this.send(message({ type: MessageType.Heartbeat, to: pr.id, commit, context: ctx }));
    }
  }

  private sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  /**
   * Sends the follower the entries it lacks, or a snapshot if we compacted them. Returns
   * whether a message was sent. With `sendIfEmpty` false, nothing is sent when there is no
   * entry to send (used to fill the window after an ack).
   */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.termAt(prevIndex);
    const ents = prevTerm === undefined ? undefined : this.log.entriesFrom(pr.next, this.maxMsgBytes);
    if (prevTerm === undefined || ents === undefined) return this.maybeSendSnapshot(to, pr);
    if (ents.length === 0 && !sendIfEmpty) return false;

    this.send(
      message({
        type: MessageType.App,
        to,
        index: prevIndex,
        logTerm: prevTerm,
        entries: ents,
        commit: this.log.committed,
      }),
    );
    if (pr.state === ProgressState.Replicate) {
      if (ents.length > 0) {
        const last = ents[ents.length - 1]!.index;
        pr.optimisticUpdate(last);
        pr.inflights.add(last, entriesBytes(ents));
      }
    } else if (pr.state === ProgressState.Probe) {
      pr.probeSent = true; // one probe at a time
    }
    return true;
  }

  private maybeSendSnapshot(to: NodeId, pr: Progress): boolean {
    // Only ship a (possibly large) snapshot to a follower that has answered us lately.
    if (!pr.recentActive) return false;
    const snap = this.log.snapshot();
    if (isEmptySnapshot(snap)) {
      throw new LogInvariantError(`follower ${to} needs index ${pr.next}, which was compacted, but no snapshot exists`);
    }
    pr.becomeSnapshot(snap.meta.index);
    this.logger.info({ id: this.id, to, index: snap.meta.index }, 'sending snapshot');
    this.send(message({ type: MessageType.Snap, to, snapshot: snap }));
    return true;
  }

  // ---------------------------------------------------------------- candidates and followers

  private stepCandidate(m: Message): void {
    const myVoteResp = this.role === Role.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp;
    switch (m.type) {
      case MessageType.App:
        this.becomeFollower(m.term, m.from); // a leader of our term already exists
        this.handleAppendEntries(m);
        return;
      case MessageType.Heartbeat:
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case MessageType.Snap:
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case myVoteResp: {
        const result = this.poll(m.from, !m.reject);
        if (result === VoteResult.Won) {
          if (this.role === Role.PreCandidate) {
            this.campaign('election');
          } else {
            this.becomeLeader();
            this.bcastAppend();
          }
        } else if (result === VoteResult.Lost) {
          // A rejecting pre-vote response may carry a higher term; step() already adopted it.
          this.becomeFollower(this.term, NONE);
        }
        return;
      }
      default:
        return; // proposals, reads and transfers wait for a leader
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case MessageType.App:
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleAppendEntries(m);
        return;
      case MessageType.Heartbeat:
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleHeartbeat(m);
        return;
      case MessageType.Snap:
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleSnapshot(m);
        return;
      case MessageType.TransferLeader:
        if (this.leader === NONE) return;
        // `from` names the transferee, so the message is forwarded as is.
        this.send(message({ type: MessageType.TransferLeader, from: m.from, to: this.leader }));
        return;
      case MessageType.TimeoutNow:
        // The leader chose us: campaign now, skipping pre-vote (diss. §3.10).
        this.hup('transfer');
        return;
      case MessageType.ReadIndex:
        if (this.leader === NONE) return; // the host times the read out
        // Forwarded to us by another node (we were its idea of the leader): remember who asked,
        // since the leader will answer us, not it.
        if (m.from !== this.id && m.from !== NONE) this.readRelay.remember(m.context, m.from);
        this.send(message({ type: MessageType.ReadIndex, from: this.id, to: this.leader, context: m.context }));
        return;
      case MessageType.ReadIndexResp: {
        const asker = this.readRelay.take(m.context);
        if (asker !== undefined) this.send(message({ type: MessageType.ReadIndexResp, to: asker, index: m.index, context: m.context }));
        else this.readStates.push({ index: m.index, context: m.context });
        return;
      }
      default:
        return;
    }
  }

  /** §5.3: accept entries only if our log matches at (index, logTerm). */
  private handleAppendEntries(m: Message): void {
    if (m.index < this.log.committed) {
      // Everything up to our commit is settled; tell the leader where we really are.
      this.send(message({ type: MessageType.AppResp, to: m.from, index: this.log.committed }));
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send(message({ type: MessageType.AppResp, to: m.from, index: lastNew }));
      return;
    }
    // Reject with a hint: the last index ≤ the probed one whose term is ≤ the leader's term
    // there. The leader skips straight past every entry that cannot match.
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.send(
      message({
        type: MessageType.AppResp,
        to: m.from,
        index: m.index,
        reject: true,
        rejectHint: hint.index,
        logTerm: hint.term,
      }),
    );
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send(message({ type: MessageType.HeartbeatResp, to: m.from, context: m.context }));
  }

  /** §7: install a leader's snapshot unless our log already covers it. */
  private handleSnapshot(m: Message): void {
    const snap = m.snapshot;
    if (!snap) return;
    if (this.restore(snap)) {
      this.logger.info({ id: this.id, index: snap.meta.index, term: snap.meta.term }, 'restored snapshot');
      this.send(message({ type: MessageType.AppResp, to: m.from, index: this.log.lastIndex() }));
    } else {
      this.send(message({ type: MessageType.AppResp, to: m.from, index: this.log.committed }));
    }
  }

  private restore(snap: Snapshot): boolean {
    if (snap.meta.index <= this.log.committed) return false;
    if (this.role !== Role.Follower) return false;
    if (this.log.matchTerm(snap.meta.index, snap.meta.term)) {
      // We have the entries already; only the commit index moves.
      this.log.commitTo(snap.meta.index);
      return false;
    }
    this.log.restore(snap);
    this.confIndex = snap.meta.index;
    this.setConf(snap.meta.conf);
    return true;
  }

  // ---------------------------------------------------------------- membership

  /** Installs a configuration, keeping the progress of members that stay. */
  private setConf(conf: ConfState): void {
    this.voters = new MajorityConfig(conf.voters);
    this.learners = new Set(conf.learners);
    const members = new Set([...conf.voters, ...conf.learners]);
    for (const id of [...this.progress.keys()]) if (!members.has(id)) this.progress.delete(id);
    for (const id of members) {
      const isLearner = this.learners.has(id);
      const pr = this.progress.get(id);
      if (pr) {
        pr.isLearner = isLearner;
      } else {
        const fresh = this.newProgress(id, isLearner);
        // A new member gets the benefit of the doubt for one check-quorum round.
        fresh.recentActive = true;
        if (id === this.id) fresh.match = this.log.persistedLastIndex();
        this.progress.set(id, fresh);
      }
    }
  }

  /** Committed entries were applied: their bytes no longer count as uncommitted. */
  reduceUncommittedBytes(ents: readonly Entry[]): void {
    if (this.role !== Role.Leader || this.uncommittedBytes === 0) return;
    let n = 0;
    // Entries of earlier terms were never counted; the floor at 0 absorbs them.
    for (const e of ents) n += e.data.byteLength + ENTRY_OVERHEAD_BYTES;
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - n);
  }

  /** Applies a committed conf change entry (called by RawNode.advance once the host applied it). */
  applyConfChangeEntry(e: Entry): void {
    if (e.index <= this.confIndex) return; // superseded by a snapshot restored meanwhile
    this.confIndex = e.index;
    let next: ConfState;
    try {
      next = applyConfChange(this.confState(), decodeConfChange(e.data));
    } catch (err) {
      // Every node reaches the same verdict on the same entry, so skipping it keeps them in step.
      this.logger.warn({ id: this.id, index: e.index, err: (err as Error).message }, 'ignoring invalid conf change');
      return;
    }
    const newNodes = [...next.voters, ...next.learners].filter((id) => !this.progress.has(id));
    this.setConf(next);
    if (this.role !== Role.Leader) return;
    if (!this.voters.has(this.id)) {
      // A leader removed (or demoted) by its own log steps down, but only once the remaining
      // voters know the change is committed: a follower that still counted us as a voter
      // could need our vote, which a longer log of ours would refuse forever.
      this.logger.info({ id: this.id }, 'removed from the voters; stepping down once the others know');
      if (this.voters.size === 0) {
        this.becomeFollower(this.term, NONE);
        return;
      }
      this.stepDownAt = e.index;
      this.stepDownAcks.clear();
      this.electionElapsed = 0; // the tick timer abandons the wait after an election timeout
      this.sendStepDownNotices();
      return;
    }
    if (this.leadTransferee !== NONE && !this.voters.has(this.leadTransferee)) this.abortLeaderTransfer();
    // The quorum may have shrunk, so more entries may be committed now.
    if (this.maybeCommit()) this.bcastAppend();
    else for (const id of newNodes) this.sendAppend(id);
  }

  // ---------------------------------------------------------------- messages

  private send(m: Message): void {
    if (m.term === 0 && m.type !== MessageType.ReadIndex && m.type !== MessageType.TransferLeader) {
      // Vote messages and their responses carry their own term; everything else ours.
      m = { ...m, term: this.term };
    }
    if (m.from === NONE) m = { ...m, from: this.id };
    this.msgs.push(m);
  }
}
