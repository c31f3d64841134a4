// The deterministic cluster simulator: N nodes of the real Raft core over a virtual clock and
// a virtual network, with faults, checked after every event.
//
// A run is a pure function of its seed. Each node is the real RawNode over a MemoryStorage that
// plays the disk: a crash throws away the RawNode and every Ready not yet persisted, and a
// restart builds a new RawNode from what the "disk" holds. The host loop is modelled as the
// real one is: take a Ready, persist it (taking a random disk latency, during which messages
// and ticks keep arriving), then send its messages, apply, and advance.
//
// Every node's clock ticks at its own rate (±50 % of TICK_MS, drawn per seed), every disk write
// takes time, and crashes are aimed at the moments that matter: inside a write window (after a
// Ready's early messages left, before its write completed) of new leaders and of voters that
// just granted a vote, right after winning, right after voting.

import { ConfChangeType, type ConfChange } from '../conf-change.js';
import { isRaftError } from '../errors.js';
import { RawNode, type Ready } from '../raw-node.js';
import type { PlantedBugs } from '../raft.js';
import { SnapshotAssembler, splitSnapshot, type SnapshotChunk } from '../snapshot-chunks.js';
import { MemoryStorage } from '../storage.js';
import { EntryType, MessageType, Role, type Entry, type Message, type NodeId } from '../types.js';
import { EventQueue } from './event-queue.js';
import { GENESIS_HASH, InvariantChecker, payloadOf, type Violation } from './invariants.js';
import { Prng } from './prng.js';

export const TICK_MS = 10;

/** Each node ticks every TICK_MS ± 50 %: timeouts and heartbeats drift apart as on real machines. */
const TICK_RANGE_MS = [Math.round(TICK_MS / 2), Math.round((TICK_MS * 3) / 2)] as const;

/** How hostile a run is. Each seed draws its own profile unless one is given. */
export interface FaultProfile {
  style: 'calm' | 'chaos' | 'leader-killer' | 'membership';
  /** Virtual milliseconds of faults before everything heals. */
  faultMs: number;
  dropRate: number;
  duplicateRate: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Chance a message is held back long enough to arrive far out of order. */
  longDelayRate: number;
  /** Mean time between partition changes (0 = never). */
  partitionEveryMs: number;
  /** Mean time between crashes (0 = never). */
  crashEveryMs: number;
  /** Chance a crash hits the current leader rather than a random node. */
  crashLeaderRate: number;
  /** Chance a node that just won an election crashes within a few ms (a flapping machine). */
  crashNewLeaderRate: number;
  /** Chance a node crashes right after granting a vote (and comes back after restartAfterMs). */
  crashAfterVoteRate: number;
  /** Chance a node crashes right after persisting a Ready, before sending its messages. */
  crashAfterPersistRate: number;
  /**
   * Chance a node crashes inside a Ready's write window (its early messages left, its disk
   * write not done) when the Ready is a new leader's or grants a vote; a twentieth of it for any
   * other leader Ready that writes entries.
   */
  writeWindowCrashRate: number;
  /**
   * Chance the host stalls applying a Ready's committed entries (a slow state machine, a GC
   * pause), five times as likely for a membership change: commit runs ahead of apply meanwhile.
   */
  applyStallRate: number;
  restartAfterMs: readonly [number, number];
  /**
   * 'delay': a crashed node restarts after restartAfterMs. 'quorum': crashed nodes stay down
   * while a majority of the initial voters is up, and one random crashed node restarts when
   * fewer are (so most leaders need every live node, which breeds divergent logs).
   */
  restartPolicy: 'delay' | 'quorum';
  proposeEveryMs: number;
  readEveryMs: number;
  /** Mean time between membership changes (0 = never). */
  membershipEveryMs: number;
  /**
   * Membership changes of every kind, back to back (up to three proposed at once), also
   * aimed at leaders just elected: learners added, promoted and removed, voters demoted and
   * removed.
   */
  membershipHeavy: boolean;
  /** Mean time between leadership transfers (0 = never). */
  transferEveryMs: number;
  /** A node snapshots its state machine after this many applied entries. */
  snapshotEveryEntries: number;
  /** Entries kept in the log behind a snapshot. */
  keepAfterSnapshot: number;
  diskLatencyMs: readonly [number, number];
  /** Chance the "transport" reports a snapshot's fate to the leader (else the core's timeout retries). */
  reportSnapshotRate: number;
  snapshotChunkBytes: number;
  maxMsgBytes: number;
  maxInflightMsgs: number;
  maxUncommittedBytes: number;
  preVote: boolean;
  checkQuorum: boolean;
}

export interface SimOptions {
  readonly seed: number;
  /** Voters at the start: 3, 5 or 7. */
  readonly nodes: number;
  /** Virtual milliseconds of faults before everything heals (default: the profile's). */
  readonly faultMs?: number;
  /** After healing: a leader must commit a new proposal within this many virtual ms. */
  readonly livenessBoundMs?: number;
  readonly profile?: Partial<FaultProfile>;
  readonly bugs?: PlantedBugs;
  /** Record an event trace (used when replaying a failing seed). */
  readonly trace?: boolean;
  readonly traceLimit?: number;
  /** Also trace every delivered message (very verbose). */
  readonly traceMessages?: boolean;
}

export interface SimResult {
  readonly seed: number;
  readonly nodes: number;
  readonly violations: readonly Violation[];
  readonly trace: readonly string[];
  readonly stats: SimStats;
  readonly profile: FaultProfile;
}

export interface SimStats {
  virtualMs: number;
  events: number;
  messagesSent: number;
  messagesDropped: number;
  elections: number;
  crashes: number;
  proposalsAcked: number;
  readsServed: number;
  snapshotsSent: number;
  snapshotsInstalled: number;
  membershipChanges: number;
  transfers: number;
  /** Crashes inside a write window (early messages sent, write not done). */
  writeWindowCrashes: number;
  /** Virtual ms from healing to the first commit of a new proposal. */
  recoveryMs: number;
}

type SimEvent =
  | { kind: 'tick'; node: NodeId; inc: number }
  | { kind: 'deliver'; msg: Message }
  | { kind: 'chunk'; chunk: SnapshotChunk }
  | { kind: 'persisted'; node: NodeId; inc: number }
  | { kind: 'snap-status'; leader: NodeId; to: NodeId; ok: boolean }
  | { kind: 'partition' }
  | { kind: 'crash' }
  | { kind: 'crash-node'; node: NodeId; inc: number; why: string; quickRestart?: boolean }
  | { kind: 'restart'; node: NodeId }
  | { kind: 'restore-quorum' }
  | { kind: 'propose' }
  | { kind: 'read' }
  | { kind: 'membership' }
  | { kind: 'membership-on'; node: NodeId; inc: number }
  | { kind: 'transfer' }
  | { kind: 'heal' }
  | { kind: 'probe' };

interface Pending {
  readonly payload: string;
  readonly inc: number;
  readonly index: number;
  readonly term: number;
}

/** One simulated machine: the disk survives crashes, everything else does not. */
class SimNode {
  readonly disk = new MemoryStorage();
  raw: RawNode | undefined;
  inc = 0;
  inFlight: Ready | undefined;
  applied = 0;
  hash = GENESIS_HASH;
  readonly assembler = new SnapshotAssembler();
  readonly pending = new Map<number, Pending>();
  /** Readys taken since it last changed role (a leader's first ones are its riskiest). */
  readysInRole = 0;

  constructor(
    readonly id: NodeId,
    /** This machine's clock: virtual ms between two ticks. */
    public tickMs: number,
    /** This machine's disk: its writes take this many times the profile's latency. */
    readonly diskFactor: number,
  ) {}

  get live(): boolean {
    return this.raw !== undefined;
  }
}

const encoder = new TextEncoder();

/**
 * Draws a seed's fault profile. Three styles, so that rare interleavings become common:
 * - calm: delays only, to exercise the happy paths under load;
 * - chaos: every kind of fault mixed (drops, duplicates, partitions, crashes, membership and
 *   leadership changes, snapshots);
 * - leader-killer: whoever leads dies soon, often right after winning, and a bare majority is
 *   kept up. This is what breeds divergent uncommitted tails across terms (the paper's Fig. 8);
 *   it runs longer, since every leader change takes an election timeout;
 * - membership: changes of every kind back to back, with crashes and partitions, so that
 *   nodes run on different configurations and new leaders inherit unapplied changes.
 * Every style has non-zero disk latency, so every write has a window a crash can fall into.
 */
export function drawProfile(rng: Prng): FaultProfile {
  const style = rng.pick(['calm', 'chaos', 'chaos', 'chaos', 'chaos', 'leader-killer', 'leader-killer', 'leader-killer', 'membership', 'membership'] as const);
  const calm = style === 'calm';
  const killer = style === 'leader-killer';
  const members = style === 'membership';
  return {
    style,
    faultMs: killer ? 15000 : rng.pick([2000, 4000]),
    dropRate: calm ? 0 : killer ? rng.pick([0.05, 0.05, 0.2]) : rng.pick([0, 0.01, 0.05, 0.1, 0.2]),
    duplicateRate: calm ? 0 : rng.pick([0, 0.02, 0.1]),
    minDelayMs: 1,
    maxDelayMs: rng.pick([2, 10, 30]),
    longDelayRate: calm ? 0 : rng.pick([0, 0.01, 0.05]),
    // The membership style keeps a leader most of the time (changes need one); its crashes are aimed.
    partitionEveryMs: calm ? 0 : killer ? rng.pick([0, 0, 1000]) : members ? rng.pick([0, 0, 800, 2000]) : rng.pick([0, 300, 800, 2000]),
    crashEveryMs: calm ? 0 : killer ? rng.pick([100, 200]) : members ? rng.pick([0, 600, 1500]) : rng.pick([0, 250, 600, 1500]),
    crashLeaderRate: killer ? 1 : rng.pick([0, 0.5, 0.9]),
    crashNewLeaderRate: calm ? 0 : killer ? rng.pick([0.3, 0.3, 0.8]) : rng.pick([0, 0, 0.2]),
    crashAfterVoteRate: calm ? 0 : rng.pick([0, 0, 0.1, 0.3]),
    crashAfterPersistRate: calm || members ? 0 : rng.pick([0, 0.002, 0.01]),
    writeWindowCrashRate: calm ? 0 : killer ? rng.pick([0.2, 0.5]) : members ? rng.pick([0.05, 0.1]) : rng.pick([0.05, 0.2]),
    applyStallRate: calm ? 0 : members ? rng.pick([0.01, 0.03]) : rng.pick([0.002, 0.01]),
    restartAfterMs: killer ? [5, rng.pick([150, 600])] : members ? [5, rng.pick([100, 300])] : [20, rng.pick([200, 800, 2000])],
    restartPolicy: killer ? rng.pick(['delay', 'quorum', 'quorum', 'quorum'] as const) : 'delay',
    proposeEveryMs: killer ? rng.pick([2, 5, 8]) : members ? rng.pick([5, 25]) : rng.pick([2, 5, 8, 25]),
    readEveryMs: rng.pick([0, 20, 60]),
    membershipEveryMs: members ? rng.pick([15, 40, 100]) : killer ? 0 : rng.pick([0, 0, 400, 1200]),
    membershipHeavy: members,
    transferEveryMs: killer ? 0 : rng.pick([0, 500, 1500]),
    snapshotEveryEntries: rng.pick([5, 20, 100, 100000]),
    keepAfterSnapshot: rng.pick([0, 2, 10]),
    diskLatencyMs: rng.pick([
      [1, 2],
      [1, 8],
      [2, 20],
    ] as const),
    reportSnapshotRate: rng.pick([0, 0.5, 1]),
    snapshotChunkBytes: rng.pick([4, 16, 1024]),
    // Tiny messages separate a new leader's first entry from the old ones it re-sends.
    maxMsgBytes: killer ? rng.pick([1, 1, 100]) : rng.pick([1, 100, 1 << 20]),
    maxInflightMsgs: killer ? rng.pick([1, 4]) : rng.pick([1, 4, 256]),
    // A full uncommitted-bytes budget refuses membership changes too: the membership style leaves room.
    maxUncommittedBytes: members ? 1024 : rng.pick([64, 1024]),
    preVote: rng.chance(0.75),
    checkQuorum: rng.chance(0.75),
  };
}

export class Simulation {
  readonly checker: InvariantChecker;
  readonly profile: FaultProfile;
  private readonly rng: Prng;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes = new Map<NodeId, SimNode>();
  private now = 0;
  private readonly trace: string[] = [];
  private nextPayload = 0;
  private nextRead = 0;
  private nextNodeNumber: number;
  /** Directed links that drop everything: "from>to". */
  private readonly cut = new Set<string>();
  private healed = false;
  private healedAt = 0;
  private probeIndex: { node: NodeId; term: number; payload: string } | undefined;
  private recovered = false;
  readonly stats: SimStats = {
    virtualMs: 0,
    events: 0,
    messagesSent: 0,
    messagesDropped: 0,
    elections: 0,
    crashes: 0,
    proposalsAcked: 0,
    readsServed: 0,
    snapshotsSent: 0,
    snapshotsInstalled: 0,
    membershipChanges: 0,
    transfers: 0,
    writeWindowCrashes: 0,
    recoveryMs: -1,
  };
  private readonly faultMs: number;
  private readonly livenessBoundMs: number;

  constructor(private readonly options: SimOptions) {
    this.rng = new Prng(options.seed, 0);
    this.profile = { ...drawProfile(new Prng(options.seed, 1)), ...options.profile };
    this.checker = new InvariantChecker(() => this.now);
    this.checker.voterState = (id) => {
      const n = this.nodes.get(id);
      if (!n) return undefined;
      if (n.raw) {
        const r = n.raw.raft;
        return { term: r.term, vote: r.vote, lastIndex: r.log.lastIndex(), lastTerm: r.log.lastTerm() };
      }
      const hs = n.disk.hardStateNow();
      const lastIndex = n.disk.lastIndex();
      return { term: hs.term, vote: hs.vote, lastIndex, lastTerm: n.disk.term(lastIndex) };
    };
    this.faultMs = options.faultMs ?? this.profile.faultMs;
    this.livenessBoundMs = options.livenessBoundMs ?? 10000;
    this.nextNodeNumber = options.nodes + 1;
  }

  // ------------------------------------------------------------------ running

  run(): SimResult {
    const voters = Array.from({ length: this.options.nodes }, (_, i) => `n${i + 1}`);
    const genesis = encoder.encode(JSON.stringify({ index: 1, hash: GENESIS_HASH }));
    this.checker.setInitialConf(1, { voters, learners: [] });
    for (const id of voters) {
      const node = this.newNode(id);
      // The same bootstrap as `bootstrap()`, done synchronously: snapshot at 1, term 1.
      node.disk.saveSync({
        snapshot: { meta: { index: 1, term: 1, conf: { voters, learners: [] } }, data: genesis },
        hardState: { term: 1, vote: '', commit: 1 },
      });
      this.nodes.set(id, node);
      this.start(node);
    }
    const p = this.profile;
    this.schedule(this.faultMs, { kind: 'heal' });
    if (p.partitionEveryMs > 0) this.scheduleIn(this.expo(p.partitionEveryMs), { kind: 'partition' });
    if (p.crashEveryMs > 0) this.scheduleIn(this.expo(p.crashEveryMs), { kind: 'crash' });
    if (p.membershipEveryMs > 0) this.scheduleIn(this.expo(p.membershipEveryMs), { kind: 'membership' });
    if (p.transferEveryMs > 0) this.scheduleIn(this.expo(p.transferEveryMs), { kind: 'transfer' });
    this.scheduleIn(p.proposeEveryMs, { kind: 'propose' });
    if (p.readEveryMs > 0) this.scheduleIn(p.readEveryMs, { kind: 'read' });

    const deadline = this.faultMs + this.livenessBoundMs;
    while (this.checker.ok) {
      const ev = this.queue.pop();
      if (!ev) break;
      if (ev.at > deadline) {
        this.now = deadline;
        break;
      }
      this.now = ev.at;
      this.stats.events++;
      this.handle(ev.event);
      if (!this.checker.ok) break;
      this.checker.afterStep(this.liveViews());
      if (this.recovered && this.converged()) break;
    }
    if (this.checker.ok) this.finalChecks();
    this.stats.virtualMs = this.now;
    this.stats.proposalsAcked = this.checker.acked.size;
    this.stats.readsServed = this.checker.readsServed;
    this.stats.elections = this.checker.leaderCount();
    return {
      seed: this.options.seed,
      nodes: this.options.nodes,
      violations: this.checker.violations,
      trace: this.trace,
      stats: this.stats,
      profile: this.profile,
    };
  }

  private *liveViews(): Iterable<{ id: NodeId; raft: RawNode['raft'] }> {
    for (const n of this.nodes.values()) if (n.raw) yield { id: n.id, raft: n.raw.raft };
  }

  private schedule(at: number, e: SimEvent): void {
    this.queue.push(at, e);
  }

  private scheduleIn(ms: number, e: SimEvent): void {
    this.queue.push(this.now + ms, e);
  }

  private expo(mean: number): number {
    return Math.max(1, Math.round(-Math.log(1 - this.rng.next()) * mean));
  }

  private log(line: string): void {
    if (!this.options.trace) return;
    this.trace.push(`${String(this.now).padStart(6)}ms ${line}`);
    const limit = this.options.traceLimit ?? 4000;
    if (this.trace.length > limit * 2) this.trace.splice(0, this.trace.length - limit);
  }

  // ------------------------------------------------------------------ nodes

  private start(node: SimNode): void {
    node.inc++;
    node.raw = new RawNode({
      id: node.id,
      storage: node.disk,
      random: (
        (rng) => () =>
          rng.next()
      )(new Prng(this.options.seed, 1000 + this.nodeNumber(node.id) * 1000 + node.inc)),
      maxMsgBytes: this.profile.maxMsgBytes,
      maxInflightMsgs: this.profile.maxInflightMsgs,
      maxUncommittedBytes: this.profile.maxUncommittedBytes,
      preVote: this.profile.preVote,
      checkQuorum: this.profile.checkQuorum,
      ...(this.options.bugs ? { plantedBugs: this.options.bugs } : {}),
    });
    // The state machine restarts from the snapshot and re-applies the committed log.
    const snap = node.disk.snapshot();
    if (snap.meta.index > 0) this.loadSnapshot(node, snap.data);
    else {
      node.applied = 0;
      node.hash = GENESIS_HASH;
    }
    node.pending.clear();
    node.assembler.reset();
    this.checker.onRestart(node.id, node.disk.hardStateNow().commit);
    // Ticks start at a random phase so nodes do not tick in lockstep.
    this.scheduleIn(this.rng.int(1, node.tickMs), { kind: 'tick', node: node.id, inc: node.inc });
    this.log(
      `${node.id} started (incarnation ${node.inc}, commit ${node.disk.hardStateNow().commit}, last ${node.disk.lastIndex()}, ` +
        `ticks every ${node.tickMs}ms, disk x${node.diskFactor})`,
    );
  }

  /** A machine with its own clock rate, drawn from the seed and its number alone. */
  private newNode(id: NodeId): SimNode {
    const rng = new Prng(this.options.seed, 700 + this.nodeNumber(id));
    const tickMs = rng.int(TICK_RANGE_MS[0], TICK_RANGE_MS[1]);
    // Some disks are slower: a leader on one is still writing when its followers' acks come back.
    return new SimNode(id, tickMs, rng.pick([1, 1, 3]));
  }

  private nodeNumber(id: NodeId): number {
    return Number(id.slice(1));
  }

  /** `quickRestart`: a supervisor brings the process straight back (1–10 ms). */
  private crash(node: SimNode, why: string, quickRestart = false): void {
    if (!node.raw) return;
    this.stats.crashes++;
    this.log(`${node.id} CRASH (${why})${node.inFlight ? ', unpersisted Ready lost' : ''}`);
    node.raw = undefined;
    node.inFlight = undefined;
    node.inc++;
    // Removed nodes come back too: a stale node must not disturb the cluster.
    if (this.healed || quickRestart) {
      this.scheduleIn(this.rng.int(1, 10), { kind: 'restart', node: node.id });
    } else if (this.profile.restartPolicy === 'delay') {
      const [lo, hi] = this.profile.restartAfterMs;
      this.scheduleIn(this.rng.int(lo, hi), { kind: 'restart', node: node.id });
    } else {
      this.scheduleIn(this.rng.int(1, 20), { kind: 'restore-quorum' });
    }
  }

  private loadSnapshot(node: SimNode, data: Uint8Array): void {
    const s = JSON.parse(new TextDecoder().decode(data)) as { index: number; hash: string };
    node.applied = s.index;
    node.hash = s.hash;
    this.checker.onRestore(node.id, s.index, s.hash);
  }

  /** Runs the host loop for a node: take a Ready and start persisting it. */
  private pump(node: SimNode): void {
    while (node.raw && !node.inFlight && node.raw.hasReady()) {
      const rd = node.raw.ready();
      node.inFlight = rd;
      if (rd.softState) node.readysInRole = 0;
      node.readysInRole++;
      // A leader's appends leave while its own disk write runs.
      for (const m of rd.earlyMessages) this.send(m);
      const [lo, hi] = this.profile.diskLatencyMs;
      let latency = rd.entries.length > 0 || rd.hardState || rd.snapshot ? this.rng.int(lo, hi) * node.diskFactor : 0;
      if (rd.committedEntries.length > 0 && this.profile.applyStallRate > 0 && !this.healed) {
        const conf = rd.committedEntries.some((e) => e.type === EntryType.ConfChange);
        if (this.rng.chance(Math.min(1, this.profile.applyStallRate * (conf ? 5 : 1)))) latency += this.rng.int(20, 300);
      }
      if (latency > 0) {
        this.scheduleIn(latency, { kind: 'persisted', node: node.id, inc: node.inc });
        this.aimAtWriteWindow(node, rd, latency);
        return;
      }
      this.finishReady(node);
    }
  }

  /**
   * Maybe crashes the node before this Ready's write completes: the moment when what its early
   * messages claimed (a vote, a leader's entries) is not durable yet.
   */
  private aimAtWriteWindow(node: SimNode, rd: Ready, latency: number): void {
    const rate = this.profile.writeWindowCrashRate;
    if (rate <= 0 || this.healed) return;
    const grants = [...rd.earlyMessages, ...rd.messages].some((m) => (m.type === MessageType.VoteResp || m.type === MessageType.PreVoteResp) && !m.reject);
    const leader = node.raw!.raft.role === Role.Leader && rd.entries.length > 0;
    let why: string;
    if (grants) why = 'in the write window after granting a vote';
    else if (leader && node.readysInRole <= 3) why = "in a new leader's write window";
    else if (leader && this.rng.chance(0.05)) why = "in a leader's write window";
    else return;
    if (!this.rng.chance(rate)) return;
    // Often at the very end of the write, when the followers' acknowledgements had the most time to arrive.
    const at = this.rng.chance(leader ? 0.8 : 0.5) ? latency - 1 : this.rng.int(0, latency - 1);
    // A supervisor often brings the process straight back, with whatever its disk kept.
    const quickRestart = grants || this.rng.chance(0.5);
    this.scheduleIn(at, { kind: 'crash-node', node: node.id, inc: node.inc, why, quickRestart });
  }

  private finishReady(node: SimNode): void {
    const rd = node.inFlight!;
    const raw = node.raw!;
    // 1. Persist, atomically.
    node.disk.saveSync({ snapshot: rd.snapshot, entries: rd.entries, hardState: rd.hardState });
    this.checker.onPersist(node.id, rd.entries, rd.hardState?.commit, (i) => {
      try {
        return node.disk.term(i);
      } catch {
        return undefined;
      }
    });
    if (rd.softState) {
      this.log(`${node.id} is ${rd.softState.role} (term ${raw.raft.term}, leader ${rd.softState.leader || '-'})`);
      if (rd.softState.role === Role.Leader && !this.healed && this.rng.chance(this.profile.crashNewLeaderRate)) {
        // Either before its first messages leave (the paper's Fig. 8 leaders) or shortly after.
        if (this.rng.chance(0.5)) {
          this.crash(node, 'new leader crash before sending');
          return;
        }
        this.scheduleIn(this.rng.int(1, 30), { kind: 'crash-node', node: node.id, inc: node.inc, why: 'new leader crash' });
      }
      if (rd.softState.role === Role.Leader && this.profile.membershipHeavy && !this.healed) {
        // A new leader asked for a change at once: it may still hold an unapplied one of an earlier term.
        this.scheduleIn(this.rng.int(0, 3), { kind: 'membership-on', node: node.id, inc: node.inc });
      }
    }
    if (this.profile.crashAfterPersistRate > 0 && !this.healed && this.rng.chance(this.profile.crashAfterPersistRate)) {
      this.crash(node, 'after persisting, before sending');
      return;
    }
    // 2. Send.
    for (const m of rd.messages) this.send(m);
    if (
      this.profile.crashAfterVoteRate > 0 &&
      !this.healed &&
      rd.messages.some((m) => m.type === MessageType.VoteResp && !m.reject) &&
      this.rng.chance(this.profile.crashAfterVoteRate)
    ) {
      this.crash(node, 'right after voting', true);
      return;
    }
    if (
      this.profile.membershipHeavy &&
      !this.healed &&
      raw.raft.role === Role.Leader &&
      rd.committedEntries.some((e) => e.type === EntryType.ConfChange) &&
      this.rng.chance(0.15)
    ) {
      // The followers learn the change committed from its next appends, then lose their leader.
      this.scheduleIn(this.rng.int(1, 10), { kind: 'crash-node', node: node.id, inc: node.inc, why: 'leader crash after committing a membership change' });
    }
    // 3. Apply.
    if (rd.snapshot) {
      this.stats.snapshotsInstalled++;
      this.log(`${node.id} installs snapshot at ${rd.snapshot.meta.index}`);
      this.loadSnapshot(node, rd.snapshot.data);
    }
    for (const e of rd.committedEntries) this.apply(node, e);
    for (const rs of rd.readStates) this.checker.onReadState(node.id, rs.context, rs.index);
    // 4. Advance.
    raw.advance();
    node.inFlight = undefined;
    this.maybeSnapshot(node);
  }

  private apply(node: SimNode, e: Entry): void {
    if (e.index <= node.applied) return; // covered by a snapshot loaded meanwhile
    if (e.index !== node.applied + 1) {
      this.checker.violate('applied in order', `${node.id} applied ${e.index} after ${node.applied}`);
      return;
    }
    const payload = payloadOf(e);
    node.hash = this.checker.onApply(node.id, e.index, payload, node.hash);
    node.applied = e.index;
    const p = node.pending.get(e.index);
    if (p) {
      node.pending.delete(e.index);
      if (p.term === e.term && p.payload === payload) {
        this.checker.onAck(payload, e.index);
        if (this.probeIndex && this.probeIndex.payload === payload && !this.recovered) {
          this.recovered = true;
          this.stats.recoveryMs = this.now - this.healedAt;
          this.log(`liveness probe committed at ${e.index}, ${this.stats.recoveryMs}ms after healing`);
        }
      }
    }
  }

  private maybeSnapshot(node: SimNode): void {
    const snapIndex = node.disk.snapshot().meta.index;
    if (!node.raw || node.applied - snapIndex < this.profile.snapshotEveryEntries) return;
    const data = encoder.encode(JSON.stringify({ index: node.applied, hash: node.hash }));
    node.disk.createSnapshotSync(node.applied, node.raw.confState(), data);
    const compactTo = node.applied - this.profile.keepAfterSnapshot;
    if (compactTo >= node.disk.firstIndex()) node.disk.compactSync(compactTo);
    this.log(`${node.id} snapshot at ${node.applied}, log now starts at ${node.disk.firstIndex()}`);
  }

  // ------------------------------------------------------------------ network

  private send(m: Message): void {
    this.stats.messagesSent++;
    if (m.type === MessageType.VoteResp && !m.reject) this.checker.onVoteGranted(m.from, m.term, m.to);
    if (m.type === MessageType.Snap) {
      this.sendSnapshot(m);
      return;
    }
    if (this.dropped(m.from, m.to)) return;
    this.scheduleIn(this.delay(), { kind: 'deliver', msg: m });
    if (this.rng.chance(this.profile.duplicateRate)) this.scheduleIn(this.delay(), { kind: 'deliver', msg: m });
  }

  private sendSnapshot(m: Message): void {
    this.stats.snapshotsSent++;
    let allSent = true;
    for (const chunk of splitSnapshot(m, this.profile.snapshotChunkBytes)) {
      if (this.dropped(m.from, m.to)) {
        allSent = false;
        continue;
      }
      this.scheduleIn(this.delay(), { kind: 'chunk', chunk });
      if (this.rng.chance(this.profile.duplicateRate)) this.scheduleIn(this.delay(), { kind: 'chunk', chunk });
    }
    this.log(`${m.from} sends snapshot ${m.snapshot!.meta.index} to ${m.to}${allSent ? '' : ' (chunks lost)'}`);
    if (this.rng.chance(this.profile.reportSnapshotRate)) {
      this.scheduleIn(this.delay() + 5, { kind: 'snap-status', leader: m.from, to: m.to, ok: allSent });
    }
  }

  private dropped(from: NodeId, to: NodeId): boolean {
    if (this.cut.has(`${from}>${to}`) || this.rng.chance(this.profile.dropRate)) {
      this.stats.messagesDropped++;
      return true;
    }
    return false;
  }

  private delay(): number {
    const p = this.profile;
    if (this.rng.chance(p.longDelayRate)) return this.rng.int(50, 600);
    return this.rng.int(p.minDelayMs, p.maxDelayMs);
  }

  private deliver(m: Message): void {
    const node = this.nodes.get(m.to);
    if (!node?.raw) return;
    if (this.options.traceMessages) this.log(`deliver ${describeMessage(m)}`);
    node.raw.step(m);
    this.pump(node);
  }

  // ------------------------------------------------------------------ events

  private handle(e: SimEvent): void {
    try {
      this.dispatch(e);
    } catch (err) {
      // The core throws only when an internal invariant broke: that is a finding, not noise.
      this.checker.violate('core invariant', `${(err as Error).stack ?? String(err)}`);
    }
  }

  private dispatch(e: SimEvent): void {
    switch (e.kind) {
      case 'tick': {
        const node = this.nodes.get(e.node)!;
        if (!node.raw || node.inc !== e.inc) return;
        node.raw.tick();
        this.pump(node);
        this.scheduleIn(node.tickMs, e);
        return;
      }
      case 'deliver':
        this.deliver(e.msg);
        return;
      case 'chunk': {
        const node = this.nodes.get(e.chunk.to);
        if (!node?.raw) return;
        const m = node.assembler.add(e.chunk);
        if (m) this.deliver(m);
        return;
      }
      case 'persisted': {
        const node = this.nodes.get(e.node)!;
        if (!node.raw || node.inc !== e.inc || !node.inFlight) return;
        this.finishReady(node);
        this.pump(node);
        return;
      }
      case 'snap-status': {
        const node = this.nodes.get(e.leader);
        if (!node?.raw) return;
        node.raw.reportSnapshot(e.to, e.ok);
        this.pump(node);
        return;
      }
      case 'partition':
        if (this.healed) return;
        this.changePartition();
        this.scheduleIn(this.expo(this.profile.partitionEveryMs), e);
        return;
      case 'crash': {
        if (this.healed) return;
        const live = [...this.nodes.values()].filter((n) => n.raw);
        if (this.rng.chance(this.profile.crashLeaderRate)) {
          // Aimed at the leader; with none (an election is under way) nothing happens.
          const leader = this.currentLeader();
          if (leader) this.crash(leader, 'leader crash');
        } else if (live.length > 0) {
          this.crash(this.rng.pick(live), 'scheduled');
        }
        this.scheduleIn(this.expo(this.profile.crashEveryMs), e);
        return;
      }
      case 'crash-node': {
        const node = this.nodes.get(e.node)!;
        if (node.inc !== e.inc || this.healed) return;
        if (e.why.includes('write window')) {
          if (!node.inFlight) return;
          this.stats.writeWindowCrashes++;
        }
        this.crash(node, e.why, e.quickRestart);
        return;
      }
      case 'restore-quorum': {
        const down = [...this.nodes.values()].filter((n) => !n.raw);
        const up = this.nodes.size - down.length;
        if (down.length > 0 && up < Math.floor(this.options.nodes / 2) + 1) {
          const node = this.rng.pick(down);
          this.start(node);
          this.pump(node);
          this.scheduleIn(this.rng.int(1, 20), e);
        }
        return;
      }
      case 'restart': {
        const node = this.nodes.get(e.node)!;
        if (node.raw) return;
        this.start(node);
        this.pump(node);
        return;
      }
      case 'propose':
        if (!this.healed) {
          this.propose();
          this.scheduleIn(this.profile.proposeEveryMs, e);
        }
        return;
      case 'read':
        if (!this.healed) {
          this.read();
          this.scheduleIn(this.profile.readEveryMs, e);
        }
        return;
      case 'membership':
        if (this.healed) return;
        if (this.profile.membershipHeavy) {
          // Back to back: a burst of changes, of which a correct leader accepts one.
          for (let i = this.rng.int(1, 3); i > 0; i--) this.changeMembership();
        } else {
          this.changeMembership();
        }
        this.scheduleIn(this.expo(this.profile.membershipEveryMs), e);
        return;
      case 'membership-on': {
        const node = this.nodes.get(e.node)!;
        if (this.healed || node.inc !== e.inc || node.raw?.raft.role !== Role.Leader) return;
        this.changeMembership(node);
        return;
      }
      case 'transfer':
        if (this.healed) return;
        this.transfer();
        this.scheduleIn(this.expo(this.profile.transferEveryMs), e);
        return;
      case 'heal':
        this.heal();
        return;
      case 'probe':
        this.probe();
        return;
    }
  }

  private changePartition(): void {
    this.cut.clear();
    const ids = [...this.nodes.keys()];
    const kind = this.rng.int(0, 3);
    if (kind === 0) {
      this.log('network healed');
      return;
    }
    if (kind === 1) {
      // Symmetric split into two sides.
      const shuffled = this.rng.shuffle([...ids]);
      const k = this.rng.int(1, shuffled.length - 1);
      const side = new Set(shuffled.slice(0, k));
      for (const a of ids) for (const b of ids) if (side.has(a) !== side.has(b)) this.cut.add(`${a}>${b}`);
      this.log(`partition {${[...side].join(',')}} | {${ids.filter((i) => !side.has(i)).join(',')}}`);
    } else if (kind === 2) {
      // One-way cuts: some directed links drop, their reverse does not.
      const n = this.rng.int(1, ids.length);
      for (let i = 0; i < n; i++) {
        const a = this.rng.pick(ids);
        const b = this.rng.pick(ids);
        if (a !== b) this.cut.add(`${a}>${b}`);
      }
      this.log(`one-way cuts: ${[...this.cut].join(' ')}`);
    } else {
      // Isolate the current leader (the classic failover case).
      const leader = this.currentLeader();
      if (!leader) return;
      for (const b of ids) {
        if (b === leader.id) continue;
        this.cut.add(`${leader.id}>${b}`);
        this.cut.add(`${b}>${leader.id}`);
      }
      this.log(`leader ${leader.id} isolated`);
    }
  }

  private currentLeader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      if (n.raw?.raft.role === Role.Leader && (!best || n.raw.raft.term > best.raw!.raft.term)) best = n;
    }
    return best;
  }

  private propose(): void {
    const live = [...this.nodes.values()].filter((n) => n.raw);
    if (live.length === 0) return;
    const node = (this.rng.chance(0.85) && this.currentLeader()) || this.rng.pick(live);
    this.proposeOn(node, `c${this.nextPayload++}`);
  }

  private proposeOn(node: SimNode, payload: string): boolean {
    try {
      const { index, term } = node.raw!.propose(encoder.encode(payload));
      node.pending.set(index, { payload, inc: node.inc, index, term });
      this.pump(node);
      return true;
    } catch (e) {
      if (isRaftError(e, 'NOT_LEADER') || isRaftError(e, 'PROPOSAL_DROPPED')) return false;
      throw e;
    }
  }

  private read(): void {
    const live = [...this.nodes.values()].filter((n) => n.raw);
    if (live.length === 0) return;
    const node = this.rng.pick(live);
    const ctx = `r${this.nextRead++}`;
    this.checker.onReadIssued(ctx);
    node.raw!.readIndex(ctx);
    this.pump(node);
  }

  /** Proposes one membership change through `target` (default: the current leader). */
  private changeMembership(target?: SimNode): void {
    const leader = target ?? this.currentLeader();
    if (!leader?.raw) return;
    const conf = leader.raw.confState();
    const heavy = this.profile.membershipHeavy;
    // Voters a removal or demotion may leave behind: a 3-voter cluster keeps at least 2.
    const canShrink = conf.voters.length > Math.max(2, this.options.nodes - 2);
    const choice = this.rng.int(0, heavy ? 4 : 2);
    // In the membership style the leader mostly changes others: removing itself ends its run of changes.
    const others = conf.voters.filter((v) => v !== leader.id);
    const victim = (): NodeId => (heavy && others.length > 0 && this.rng.chance(0.8) ? this.rng.pick(others) : this.rng.pick(conf.voters));
    let cc: ConfChange;
    if (choice === 0 && conf.learners.length + conf.voters.length < this.options.nodes + 3 && this.nodes.size < this.options.nodes + 12) {
      cc = { type: ConfChangeType.AddLearner, nodeId: `n${this.nextNodeNumber++}` };
    } else if (choice === 1 && conf.learners.length > 0) {
      cc = { type: ConfChangeType.AddVoter, nodeId: this.rng.pick(conf.learners) };
    } else if (choice === 2 && canShrink) {
      cc = { type: ConfChangeType.RemoveNode, nodeId: victim() };
    } else if (choice === 3 && canShrink) {
      cc = { type: ConfChangeType.AddLearner, nodeId: victim() }; // demotion
    } else if (choice === 4 && conf.learners.length > 0) {
      cc = { type: ConfChangeType.RemoveNode, nodeId: this.rng.pick(conf.learners) };
    } else {
      return;
    }
    try {
      leader.raw.proposeConfChange(cc);
      if (!this.nodes.has(cc.nodeId)) {
        // The new machine starts empty; the leader's appends (sent below) bring it in.
        const node = this.newNode(cc.nodeId);
        this.nodes.set(cc.nodeId, node);
        this.start(node);
      }
      this.log(`${leader.id} proposes ${cc.type} ${cc.nodeId}`);
      this.stats.membershipChanges++;
      this.pump(leader);
    } catch (e) {
      if (isRaftError(e, 'CONF_CHANGE_PENDING') || isRaftError(e, 'CONF_CHANGE_INVALID') || isRaftError(e, 'PROPOSAL_DROPPED')) {
        this.log(`${leader.id} refuses ${cc.type} ${cc.nodeId}: ${(e as Error).message}`);
        return;
      }
      throw e;
    }
  }

  private transfer(): void {
    const leader = this.currentLeader();
    if (!leader) return;
    const voters = leader.raw!.confState().voters.filter((v) => v !== leader.id);
    if (voters.length === 0) return;
    const target = this.rng.pick(voters);
    this.stats.transfers++;
    this.log(`transfer leadership ${leader.id} -> ${target}`);
    leader.raw!.transferLeadership(target);
    this.pump(leader);
  }

  /** Faults stop: the network heals and crashed members come back. */
  private heal(): void {
    this.healed = true;
    this.healedAt = this.now;
    this.cut.clear();
    Object.assign(this.profile, { dropRate: 0, duplicateRate: 0, longDelayRate: 0, crashAfterPersistRate: 0, maxDelayMs: 5 });
    // Clocks even out too: a stale node ticking three times faster than the others would
    // otherwise keep resetting their timers with hopeless elections (without pre-vote, Raft's
    // liveness assumes comparable election timeouts).
    for (const n of this.nodes.values()) n.tickMs = TICK_MS;
    for (const n of this.nodes.values()) {
      if (!n.raw) this.scheduleIn(this.rng.int(1, 20), { kind: 'restart', node: n.id });
    }
    this.log('faults stop: network healed, crashed nodes restart');
    this.scheduleIn(1, { kind: 'probe' });
  }

  /** After healing: keep trying to commit one new proposal through whoever leads. */
  private probe(): void {
    if (this.recovered) return;
    const leader = this.currentLeader();
    const p = this.probeIndex;
    if (leader && (!p || p.node !== leader.id || p.term !== leader.raw!.raft.term)) {
      const payload = `probe${this.nextPayload++}`;
      if (this.proposeOn(leader, payload)) this.probeIndex = { node: leader.id, term: leader.raw!.raft.term, payload };
    }
    this.scheduleIn(50, { kind: 'probe' });
  }

  /** Every member (per the leader's configuration) is live and has applied the probe. */
  private converged(): boolean {
    const leader = this.currentLeader();
    if (!leader) return false;
    const conf = leader.raw!.confState();
    const members = [...conf.voters, ...conf.learners];
    return members.every((id) => {
      const n = this.nodes.get(id);
      return n?.raw && !n.inFlight && n.applied >= leader.applied && n.raw.raft.log.committed === leader.raw!.raft.log.committed;
    });
  }

  private finalChecks(): void {
    if (!this.recovered) {
      const states = [...this.nodes.values()].map((n) => (n.raw ? n.raw.raft.describe() : `${n.id} down`)).join('\n');
      this.checker.violate('liveness', `no proposal committed within ${this.livenessBoundMs}ms after faults stopped at ${this.healedAt}ms\n${states}`);
      return;
    }
    if (!this.converged()) {
      const states = [...this.nodes.values()].map((n) => (n.raw ? n.raw.raft.describe() : `${n.id} down`)).join('\n');
      this.checker.violate('liveness', `members did not converge within ${this.livenessBoundMs}ms after healing\n${states}`);
      return;
    }
    const leader = this.currentLeader()!;
    const conf = leader.raw!.confState();
    const members = [...conf.voters, ...conf.learners].map((id) => this.nodes.get(id)!);
    this.checker.checkAckedApplied(members.map((m) => ({ id: m.id, applied: m.applied })));
    // Log matching across every pair, entry by entry, over what both still hold.
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) {
        const la = members[a]!.raw!.raft.log;
        const lb = members[b]!.raw!.raft.log;
        const lo = Math.max(la.firstIndex(), lb.firstIndex());
        const hi = Math.min(la.lastIndex(), lb.lastIndex());
        for (let i = lo; i <= hi; i++) {
          if (la.termAt(i) === lb.termAt(i) && payloadOf(la.slice(i, i + 1)[0]!) !== payloadOf(lb.slice(i, i + 1)[0]!)) {
            this.checker.violate('log matching', `${members[a]!.id} and ${members[b]!.id} hold different entries at ${i} in the same term`);
            return;
          }
        }
      }
    }
  }
}

export function describeMessage(m: Message): string {
  const parts = [`${MessageType[m.type]} ${m.from}->${m.to} t${m.term}`];
  if (m.type === MessageType.App) parts.push(`prev=${m.index}/${m.logTerm} n=${m.entries.length} commit=${m.commit}`);
  else if (m.type === MessageType.AppResp) parts.push(m.reject ? `reject ${m.index} hint=${m.rejectHint}/${m.logTerm}` : `ack ${m.index}`);
  else if (m.type === MessageType.Heartbeat) parts.push(`commit=${m.commit}`);
  else if (m.type === MessageType.Vote || m.type === MessageType.PreVote) parts.push(`last=${m.index}/${m.logTerm}`);
  else if (m.type === MessageType.VoteResp || m.type === MessageType.PreVoteResp) parts.push(m.reject ? 'reject' : 'grant');
  if (m.context) parts.push(`ctx=${m.context}`);
  return parts.join(' ');
}

export function runSeed(options: SimOptions): SimResult {
  return new Simulation(options).run();
}
