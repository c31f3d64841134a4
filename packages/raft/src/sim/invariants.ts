// The safety properties the simulator checks after every step (§5.2–§5.4, Fig. 3 of the paper),
// plus the ones a user sees: acknowledged writes are never lost and reads are linearizable.
//
// Each check is incremental so it can run after every event: the checker keeps global
// registries (leader per term, committed term per index, the one applied history) and compares
// each node's new facts against them.

import { applyConfChange, decodeConfChange } from '../conf-change.js';
import type { Raft } from '../raft.js';
import { EntryType, Role, payloadText, type ConfState, type Entry, type NodeId } from '../types.js';

export interface Violation {
  readonly invariant: string;
  readonly detail: string;
  /** Virtual time (ms) at which it was found. */
  readonly at: number;
}

/** A running node as the checker sees it. */
export interface NodeView {
  readonly id: NodeId;
  readonly raft: Raft;
}

/** What a node would answer a vote request with, live or (from its disk) crashed. */
export interface VoterState {
  readonly term: number;
  readonly vote: NodeId;
  readonly lastIndex: number;
  readonly lastTerm: number;
}

/** Whether some majority of `a` and some majority of `b` share no voter. */
export function majoritiesCanBeDisjoint(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const inB = new Set(b);
  const common = a.filter((id) => inB.has(id)).length;
  // The fewest shared voters a majority of each side must include, when it takes all its own first.
  const needA = Math.max(0, Math.floor(a.length / 2) + 1 - (a.length - common));
  const needB = Math.max(0, Math.floor(b.length / 2) + 1 - (b.length - common));
  return needA + needB <= common;
}

const confText = (c: ConfState): string => `{voters ${c.voters.join(',')}${c.learners.length ? `; learners ${c.learners.join(',')}` : ''}}`;

/** Hash of a state-machine history, extended one entry at a time (so a snapshot can carry it). */
export function extendHash(prev: string, payload: string): string {
  let h1 = 0x811c9dc5 ^ parseInt(prev.slice(0, 8) || '0', 16);
  let h2 = 0x01000193 ^ parseInt(prev.slice(8) || '0', 16);
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

export const GENESIS_HASH = '0000000000000000';

export class InvariantChecker {
  readonly violations: Violation[] = [];

  /** "voter:term" → the one candidate it voted for (§5.2: one vote per term, even across crashes). */
  private readonly votes = new Map<string, NodeId>();
  /** term → the one node that led it. */
  private readonly leaders = new Map<number, NodeId>();
  /** index → term of the entry committed there (as first seen committed by any node). */
  private readonly committedTerms = new Map<number, number>();
  private maxCommitted = 0;
  /** Per node, per incarnation: the commit index last seen, which must never move back. */
  private readonly lastCommit = new Map<NodeId, number>();
  /** Per node, across crashes: the persisted commit index. */
  private readonly persistedCommit = new Map<NodeId, number>();
  /** (index:term) → what every log holding that entry must agree on (§5.3 log matching). */
  private readonly logEntries = new Map<string, { payload: string; prevTerm: number | undefined }>();
  /** The one history all state machines apply: index → payload, and the running hash. */
  readonly history = new Map<number, string>();
  private readonly historyHash = new Map<number, string>([[0, GENESIS_HASH]]);
  /** Proposals whose client was told "committed": payload → index. */
  readonly acked = new Map<string, number>();
  private maxAckedIndex = 0;
  /** Outstanding reads: context → the least index a linearizable answer may carry. */
  private readonly reads = new Map<string, number>();
  /** The highest read index of any read already answered: a later read may not go below it. */
  private maxReadIndex = 0;
  readsServed = 0;
  /**
   * The committed configurations in log order (as first seen committed): index 0 is the
   * initial one; confs[k] is the configuration after the k-th committed membership change.
   */
  private readonly confs: { index: number; conf: ConfState }[] = [];
  /** Every committed membership change seen so far: index → the change (JSON). */
  private readonly confEntries = new Map<number, string>();
  /** How the checker reads any node's vote-relevant state (crashed nodes: their disk). */
  voterState: (id: NodeId) => VoterState | undefined = () => undefined;

  constructor(private readonly now: () => number) {}

  /** The configuration the cluster starts with (the bootstrap snapshot's). */
  setInitialConf(index: number, conf: ConfState): void {
    this.confs.length = 0;
    this.confEntries.clear();
    this.confs.push({ index, conf });
  }

  get ok(): boolean {
    return this.violations.length === 0;
  }

  violate(invariant: string, detail: string): void {
    this.violations.push({ invariant, detail, at: this.now() });
  }

  /** After every event: leader uniqueness, leader completeness, commit monotonicity. */
  afterStep(nodes: Iterable<NodeView>): void {
    this.inUse.clear();
    for (const n of nodes) {
      const r = n.raft;
      if (r.role === Role.Leader) this.checkLeader(n);
      this.checkCommit(n);
      if (!this.ok) return;
      if (r.role !== Role.Follower) this.checkConfiguration(n);
    }
  }

  /**
   * The configuration invariant. A configuration is "in use" by a node when the node counts
   * majorities with it and could still win or commit with it: the node is a leader or a
   * candidate (not a pre-candidate, which decides nothing), and a majority of the voters of its
   * configuration could still accept it — each one's term (its disk's, if crashed) is at most
   * the node's term and, for a candidate, its vote in that term is free or the candidate's and
   * its log is no more up to date than the candidate's. A leader or candidate for which no such
   * majority exists can never commit or win again, so its configuration no longer matters.
   * Followers and learners only follow, so theirs never matter. For each node using one:
   * - a candidate (or pre-candidate) has applied every membership change committed in its own
   *   log (campaigning with an older configuration counts votes in a configuration already
   *   replaced);
   * - its configuration is at most one committed change behind the latest committed one;
   * - no majority of it can be disjoint from a majority of the latest committed configuration,
   *   nor of another node's configuration in use at the same time.
   */
  /** The configurations in use at this step, by node. */
  private readonly inUse = new Map<NodeId, ConfState>();

  private checkConfiguration(n: NodeView): void {
    const r = n.raft;
    const campaigning = r.role === Role.Candidate || r.role === Role.PreCandidate;
    if (campaigning && r.log.committed > r.log.applied) {
      const lo = Math.max(r.log.applied + 1, r.log.firstIndex());
      const pending = r.log.slice(lo, r.log.committed + 1).find((e) => e.type === EntryType.ConfChange);
      if (pending) {
        this.violate(
          'configuration',
          `${n.id} campaigns in term ${r.term} with the membership change at ${pending.index} committed but not applied (applied ${r.log.applied})`,
        );
        return;
      }
    }
    if (r.role === Role.PreCandidate) return; // it decides nothing yet
    const conf = r.confState();
    if (!this.couldDecide(n.id, r, conf)) return;
    if (this.confs.length > 1) {
      const latest = this.confs.length - 1;
      const version = this.versionAt(r.appliedConfIndex);
      if (version < latest - 1) {
        this.violate(
          'configuration',
          `${n.id} (${r.role} of term ${r.term}) uses configuration #${version} ${confText(conf)}, ${latest - version} changes behind ` +
            `the latest committed #${latest} ${confText(this.confs[latest]!.conf)} at ${this.confs[latest]!.index}`,
        );
        return;
      }
      if (majoritiesCanBeDisjoint(conf.voters, this.confs[latest]!.conf.voters)) {
        this.violate(
          'configuration',
          `${n.id} (${r.role} of term ${r.term}) uses ${confText(conf)}, whose majorities can miss those of the latest committed ${confText(this.confs[latest]!.conf)}`,
        );
        return;
      }
    }
    for (const [other, c] of this.inUse) {
      if (!majoritiesCanBeDisjoint(conf.voters, c.voters)) continue;
      this.violate('configuration', `${n.id} uses ${confText(conf)} while ${other} uses ${confText(c)}: their majorities can be disjoint`);
      return;
    }
    this.inUse.set(n.id, conf);
  }

  /** Whether a majority of `conf` could still grant `r` its votes (candidate) or accept its appends (leader). */
  private couldDecide(id: NodeId, r: Raft, conf: ConfState): boolean {
    if (!conf.voters.includes(id)) return false;
    const candidate = r.role === Role.Candidate;
    const lastIndex = r.log.lastIndex();
    const lastTerm = r.log.lastTerm();
    let n = 0;
    for (const v of conf.voters) {
      if (v === id) {
        n++;
        continue;
      }
      const s = this.voterState(v);
      if (!s || s.term > r.term) continue;
      if (candidate) {
        if (s.term === r.term && s.vote !== '' && s.vote !== id) continue;
        if (s.lastTerm > lastTerm || (s.lastTerm === lastTerm && s.lastIndex > lastIndex)) continue;
      }
      n++;
    }
    return n >= Math.floor(conf.voters.length / 2) + 1;
  }

  /** How many committed membership changes a configuration applied up to `index` reflects. */
  private versionAt(index: number): number {
    let k = 0;
    while (k + 1 < this.confs.length && this.confs[k + 1]!.index <= index) k++;
    return k;
  }

  private checkLeader(n: NodeView): void {
    const term = n.raft.term;
    const known = this.leaders.get(term);
    if (known === n.id) return;
    if (known !== undefined) {
      this.violate('election safety', `two leaders in term ${term}: ${known} and ${n.id}`);
      return;
    }
    this.leaders.set(term, n.id);
    // Leader completeness (§5.4): the new leader holds every entry committed so far.
    const log = n.raft.log;
    const from = log.firstIndex();
    for (let i = from; i <= this.maxCommitted; i++) {
      const want = this.committedTerms.get(i);
      if (want === undefined) continue;
      const have = log.termAt(i);
      if (have !== want) {
        this.violate(
          'leader completeness',
          `${n.id} became leader of term ${term} without committed entry ${i} (term ${want}); its log has ${
            have === undefined ? 'nothing' : `term ${have}`
          } there`,
        );
        return;
      }
    }
  }

  private checkCommit(n: NodeView): void {
    const log = n.raft.log;
    const c = log.committed;
    const prev = this.lastCommit.get(n.id) ?? 0;
    if (c < prev) {
      this.violate('commit monotonic', `${n.id} commit index moved back from ${prev} to ${c}`);
      return;
    }
    for (let i = prev + 1; i <= c; i++) {
      const t = log.termAt(i);
      if (t === undefined) continue; // inside a snapshot; the snapshot's hash is checked on restore
      const known = this.committedTerms.get(i);
      if (known === undefined) {
        this.committedTerms.set(i, t);
        // Indexes are first seen committed in order (each node's commit moves through a range).
        if (this.confs.length > 0 && i >= log.firstIndex()) {
          const e = log.slice(i, i + 1)[0]!;
          if (e.type === EntryType.ConfChange) this.recordConfChange(i, payloadOf(e));
        }
      } else if (known !== t) {
        this.violate('state machine safety', `${n.id} committed entry ${i} with term ${t}, but term ${known} was committed there`);
        return;
      }
    }
    if (c > this.maxCommitted) this.maxCommitted = c;
    this.lastCommit.set(n.id, c);
  }

  /** A node sent a vote: granting two candidates in one term breaks election safety. */
  onVoteGranted(voter: NodeId, term: number, candidate: NodeId): void {
    const key = `${voter}:${term}`;
    const earlier = this.votes.get(key);
    if (earlier === undefined) this.votes.set(key, candidate);
    else if (earlier !== candidate) {
      this.violate('election safety', `${voter} voted for both ${earlier} and ${candidate} in term ${term}`);
    }
  }

  /** A node restarted: its commit starts again from what it persisted. */
  onRestart(id: NodeId, commit: number): void {
    this.lastCommit.set(id, commit);
  }

  /** After a node persisted a Ready. `prevTermOf` reads the node's stored log. */
  onPersist(id: NodeId, entries: readonly Entry[], commit: number | undefined, prevTermOf: (index: number) => number | undefined): void {
    if (commit !== undefined) {
      const before = this.persistedCommit.get(id) ?? 0;
      if (commit < before) this.violate('commit monotonic', `${id} persisted commit ${commit} after ${before}`);
      this.persistedCommit.set(id, commit);
    }
    for (const e of entries) {
      const key = `${e.index}:${e.term}`;
      const payload = payloadOf(e);
      const prevTerm = prevTermOf(e.index - 1);
      const known = this.logEntries.get(key);
      if (!known) {
        this.logEntries.set(key, { payload, prevTerm });
        continue;
      }
      if (known.payload !== payload) {
        this.violate('log matching', `${id} stored entry ${key} = ${JSON.stringify(payload)}, another node ${JSON.stringify(known.payload)}`);
        return;
      }
      if (known.prevTerm !== undefined && prevTerm !== undefined && known.prevTerm !== prevTerm) {
        this.violate('log matching', `${id} stored entry ${key} after term ${prevTerm}, another node after term ${known.prevTerm}`);
        return;
      }
    }
  }

  /** A node's state machine applied entry `index`; returns the node's new history hash. */
  onApply(id: NodeId, index: number, payload: string, prevHash: string): string {
    const hash = extendHash(prevHash, payload);
    const known = this.history.get(index);
    if (known === undefined) {
      this.history.set(index, payload);
      this.historyHash.set(index, hash);
      this.recordConfChange(index, payload);
      return hash;
    }
    if (known !== payload || this.historyHash.get(index) !== hash) {
      const ackedHere = [...this.acked].find(([, i]) => i === index);
      this.violate(
        ackedHere ? 'acknowledged write lost' : 'state machine safety',
        `${id} applied ${JSON.stringify(payload)} at ${index} where the history has ${JSON.stringify(known)}` +
          (known === payload ? ' (same entry, different history before it)' : ''),
      );
    }
    return hash;
  }

  /**
   * A membership change committed at `index`, seen committed in some node's log or applied by
   * some node, whichever comes first (a leader may commit, apply and compact an entry within
   * one step; a snapshot skips entries), so they may arrive out of order: then the sequence is
   * rebuilt.
   */
  private recordConfChange(index: number, payload: string): void {
    if (!payload.startsWith('cc:') || this.confs.length === 0 || this.confEntries.has(index) || index <= this.confs[0]!.index) return;
    this.confEntries.set(index, payload.slice(3));
    const last = this.confs[this.confs.length - 1]!;
    if (index > last.index) {
      this.pushConf(index, last.conf, payload.slice(3));
      return;
    }
    this.confs.length = 1;
    for (const i of [...this.confEntries.keys()].sort((a, b) => a - b)) this.pushConf(i, this.confs[this.confs.length - 1]!.conf, this.confEntries.get(i)!);
  }

  private pushConf(index: number, prev: ConfState, change: string): void {
    try {
      this.confs.push({ index, conf: applyConfChange(prev, decodeConfChange(new TextEncoder().encode(change))) });
    } catch {
      // An invalid change is skipped by every node alike.
    }
  }

  /** A node loaded a snapshot of the state machine at `index` with history hash `hash`. */
  onRestore(id: NodeId, index: number, hash: string): void {
    const known = this.historyHash.get(index);
    if (known !== undefined && known !== hash) {
      this.violate('state machine safety', `${id} restored a snapshot at ${index} whose history differs from the applied one`);
    } else if (known === undefined) {
      this.historyHash.set(index, hash);
    }
  }

  onAck(payload: string, index: number): void {
    this.acked.set(payload, index);
    if (index > this.maxAckedIndex) this.maxAckedIndex = index;
  }

  onReadIssued(context: string): void {
    // Every write acknowledged and every read answered before the read was issued must be visible to it.
    this.reads.set(context, Math.max(this.maxAckedIndex, this.maxReadIndex));
  }

  onReadState(id: NodeId, context: string, index: number): void {
    const least = this.reads.get(context);
    if (least === undefined) return; // a duplicate answer, or a read of an earlier incarnation
    this.reads.delete(context);
    this.readsServed++;
    if (index < least) {
      this.violate('linearizable read', `${id} answered read ${context} at index ${index}, but index ${least} was acknowledged or read before it was issued`);
    }
    if (index > this.maxReadIndex) this.maxReadIndex = index;
  }

  /** Final check once the cluster converged: every acknowledged write is in every member's history. */
  checkAckedApplied(members: readonly { id: NodeId; applied: number }[]): void {
    for (const [payload, index] of this.acked) {
      if (this.history.get(index) !== payload) {
        this.violate(
          'acknowledged write lost',
          `${JSON.stringify(payload)} was acknowledged at ${index} but the history has ${JSON.stringify(this.history.get(index))}`,
        );
        return;
      }
      for (const m of members) {
        if (m.applied < index) {
          this.violate('acknowledged write lost', `${m.id} converged at ${m.applied} without acknowledged ${JSON.stringify(payload)} at ${index}`);
          return;
        }
      }
    }
  }

  leaderCount(): number {
    return this.leaders.size;
  }
}

/** How an entry appears in the history: its text, prefixed for membership changes. */
export const payloadOf = payloadText;
