// A hand-driven cluster for paper-rule tests: messages move only when the test says so.
//
// Each node runs the real RawNode over a MemoryStorage "disk" and processes its Readys the way a
// host does (persist, then send, then apply, then advance). Sent messages queue in `inbox`
// until `deliver()` moves them, so a test can cut links, drop or reorder messages, crash nodes
// and restart them from what they persisted.

import {
  EntryType,
  MemoryStorage,
  MessageType,
  RawNode,
  Role,
  payloadText,
  type Entry,
  type Message,
  type NodeId,
  type PlantedBugs,
  type RaftConfig,
  type ReadState,
  type Ready,
} from '@shoal/raft';
import { InvariantChecker } from '@shoal/raft/sim';

export interface HarnessNode {
  readonly id: NodeId;
  readonly disk: MemoryStorage;
  raw: RawNode | undefined;
  /** Payloads applied, in order (no-ops as ''). */
  applied: string[];
  /** Read states handed out by this node's Readys, in order. */
  reads: ReadState[];
}

export interface HarnessOptions {
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly maxMsgBytes?: number;
  readonly maxInflightMsgs?: number;
  readonly maxInflightBytes?: number;
  readonly maxUncommittedBytes?: number;
  readonly snapshotRetryTicks?: number;
  readonly bugs?: PlantedBugs;
  /** Fixed "random" value so election timeouts are predictable (default 0 → exactly electionTicks). */
  readonly random?: () => number;
}

export class Harness {
  readonly nodes = new Map<NodeId, HarnessNode>();
  /** Messages sent and not yet delivered, in send order. */
  inbox: Message[] = [];
  /** Directed links that drop messages: "from>to". */
  readonly cut = new Set<string>();
  /** The simulator's safety checks, run after every processing round. */
  readonly checker = new InvariantChecker(() => 0);
  /** Every message any node emitted (including ones then dropped by a cut link), in order. */
  readonly sent: Message[] = [];
  /** Called for every Ready after it was persisted and before its messages leave. */
  onReady: ((id: NodeId, rd: Ready) => void) | undefined;

  constructor(
    ids: readonly NodeId[],
    readonly options: HarnessOptions = {},
    voters: readonly NodeId[] = ids,
  ) {
    for (const id of ids) {
      const disk = new MemoryStorage();
      if (voters.includes(id)) {
        disk.saveSync({
          snapshot: { meta: { index: 1, term: 1, conf: { voters: [...voters], learners: [] } }, data: new Uint8Array() },
          hardState: { term: 1, vote: '', commit: 1 },
        });
      }
      const node: HarnessNode = { id, disk, raw: undefined, applied: [], reads: [] };
      this.nodes.set(id, node);
      this.start(id);
    }
  }

  config(id: NodeId, disk: MemoryStorage): RaftConfig {
    const o = this.options;
    return {
      id,
      storage: disk,
      random: o.random ?? (() => 0),
      electionTicks: o.electionTicks ?? 10,
      heartbeatTicks: o.heartbeatTicks ?? 1,
      preVote: o.preVote ?? false,
      checkQuorum: o.checkQuorum ?? false,
      ...(o.maxMsgBytes !== undefined ? { maxMsgBytes: o.maxMsgBytes } : {}),
      ...(o.maxInflightMsgs !== undefined ? { maxInflightMsgs: o.maxInflightMsgs } : {}),
      ...(o.maxInflightBytes !== undefined ? { maxInflightBytes: o.maxInflightBytes } : {}),
      ...(o.maxUncommittedBytes !== undefined ? { maxUncommittedBytes: o.maxUncommittedBytes } : {}),
      ...(o.snapshotRetryTicks !== undefined ? { snapshotRetryTicks: o.snapshotRetryTicks } : {}),
      ...(o.bugs ? { plantedBugs: o.bugs } : {}),
    };
  }

  node(id: NodeId): HarnessNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  raw(id: NodeId): RawNode {
    const r = this.node(id).raw;
    if (!r) throw new Error(`node ${id} is down`);
    return r;
  }

  raft(id: NodeId): RawNode['raft'] {
    return this.raw(id).raft;
  }

  /**
   * Replaces a bootstrapped node's log with entries of the given terms at indexes 2, 3, ...
   * (right after the bootstrap snapshot) and its hard state with `term` (no vote, commit 1),
   * then restarts it from that disk. Payloads depend only on (index, term), so two nodes
   * seeded with the same entry agree on it.
   */
  seedLog(id: NodeId, terms: readonly number[], term: number): void {
    const n = this.node(id);
    n.disk.append(seededEntries(terms));
    n.disk.setHardState({ term, vote: '', commit: 1 });
    this.start(id);
  }

  addNode(id: NodeId): void {
    this.nodes.set(id, { id, disk: new MemoryStorage(), raw: undefined, applied: [], reads: [] });
    this.start(id);
  }

  /** (Re)starts a node from its disk; the state machine replays from scratch. */
  start(id: NodeId): void {
    const n = this.node(id);
    n.raw = new RawNode(this.config(id, n.disk));
    n.applied = [];
    this.checker.onRestart(id, n.disk.hardStateNow().commit);
  }

  /** Loses everything not persisted; messages already sent stay in flight. */
  crash(id: NodeId): void {
    this.node(id).raw = undefined;
  }

  /** Runs each live node's Ready loop until none has anything to do. */
  process(): void {
    let busy = true;
    while (busy) {
      busy = false;
      for (const n of this.nodes.values()) {
        while (n.raw?.hasReady()) {
          busy = true;
          const rd = n.raw.ready();
          n.disk.saveSync({ snapshot: rd.snapshot, entries: rd.entries, hardState: rd.hardState });
          const disk = n.disk;
          this.checker.onPersist(n.id, rd.entries, rd.hardState?.commit, (i) => {
            try {
              return disk.term(i);
            } catch {
              return undefined;
            }
          });
          this.onReady?.(n.id, rd);
          for (const m of [...rd.earlyMessages, ...rd.messages]) {
            this.sent.push(m);
            if (m.type === MessageType.VoteResp && !m.reject) this.checker.onVoteGranted(m.from, m.term, m.to);
            if (!this.cut.has(`${m.from}>${m.to}`)) this.inbox.push(m);
          }
          for (const e of rd.committedEntries) n.applied.push(payloadText(e));
          n.reads.push(...rd.readStates);
          n.raw.advance();
        }
      }
      this.checker.afterStep([...this.nodes.values()].filter((n) => n.raw).map((n) => ({ id: n.id, raft: n.raw!.raft })));
    }
  }

  /** Delivers queued messages (optionally only those matching) until the network is quiet. */
  deliverAll(filter: (m: Message) => boolean = () => true, maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      this.process();
      const now = this.take(filter);
      if (now.length === 0) return;
      for (const m of now) this.deliverOne(m);
    }
    throw new Error('network did not quiesce');
  }

  /** Delivers exactly the queued messages matching `filter` (one round), leaving the rest queued. */
  deliverRound(filter: (m: Message) => boolean = () => true): Message[] {
    this.process();
    const now = this.take(filter);
    for (const m of now) this.deliverOne(m);
    this.process();
    return now;
  }

  /** Removes and returns the queued messages matching `filter`, asking it once per message. */
  private take(filter: (m: Message) => boolean): Message[] {
    const taken: Message[] = [];
    const kept: Message[] = [];
    for (const m of this.inbox) (filter(m) ? taken : kept).push(m);
    this.inbox = kept;
    return taken;
  }

  private deliverOne(m: Message): void {
    if (this.cut.has(`${m.from}>${m.to}`)) return;
    const target = this.nodes.get(m.to)?.raw;
    if (!target) return;
    target.step(m);
  }

  /** Drops queued messages matching `filter`. */
  drop(filter: (m: Message) => boolean): void {
    this.inbox = this.inbox.filter((m) => !filter(m));
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}>${other}`);
      this.cut.add(`${other}>${id}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) this.raw(id).tick();
    this.process();
  }

  /** Makes `id` campaign and runs the election to the end. */
  elect(id: NodeId): void {
    this.raw(id).campaign();
    this.deliverAll();
  }

  propose(id: NodeId, text: string): { index: number; term: number } {
    const r = this.raw(id).propose(new TextEncoder().encode(text));
    this.process();
    return r;
  }

  leaderOf(): NodeId | undefined {
    let best: { id: NodeId; term: number } | undefined;
    for (const n of this.nodes.values()) {
      const r = n.raw?.raft;
      if (r?.role === Role.Leader && (!best || r.term > best.term)) best = { id: n.id, term: r.term };
    }
    return best?.id;
  }

  /** Every entry of a node's log (persisted and unstable), as (term, text). */
  logOf(id: NodeId): { index: number; term: number; text: string }[] {
    return this.raft(id)
      .log.allEntries()
      .map((e: Entry) => ({ index: e.index, term: e.term, text: payloadText(e) }));
  }
}

export const to =
  (id: NodeId) =>
  (m: Message): boolean =>
    m.to === id;
export const from =
  (id: NodeId) =>
  (m: Message): boolean =>
    m.from === id;
export const ofType =
  (t: MessageType) =>
  (m: Message): boolean =>
    m.type === t;

/** Entries of the given terms at indexes 2, 3, ... with payload "index@term". */
export function seededEntries(terms: readonly number[], firstIndex = 2): Entry[] {
  return terms.map((term, i) => ({
    index: firstIndex + i,
    term,
    type: EntryType.Normal,
    data: new TextEncoder().encode(`${firstIndex + i}@${term}`),
  }));
}

export interface LoneNodeOptions extends Partial<Omit<RaftConfig, 'id' | 'storage'>> {
  /** Terms of the entries at indexes 2, 3, ... after the bootstrap snapshot. */
  readonly terms?: readonly number[];
  /** Stored hard state (default term 1, no vote, commit 1). */
  readonly term?: number;
  readonly vote?: NodeId;
  readonly commit?: number;
}

/**
 * One RawNode over a MemoryStorage bootstrapped like the Harness's (snapshot at index 1, term 1,
 * membership `voters`), for tests that step messages in by hand and read its Readys.
 * Defaults match the Harness: no pre-vote, no check-quorum, 10/1 ticks, random 0.
 */
export function loneNode(id: NodeId, voters: readonly NodeId[], options: LoneNodeOptions = {}): { raw: RawNode; disk: MemoryStorage } {
  const { terms = [], term = 1, vote = '', commit = 1, ...config } = options;
  const disk = new MemoryStorage();
  disk.saveSync({
    snapshot: { meta: { index: 1, term: 1, conf: { voters: [...voters], learners: [] } }, data: new Uint8Array() },
    hardState: { term: 1, vote: '', commit: 1 },
  });
  disk.append(seededEntries(terms));
  disk.setHardState({ term, vote, commit });
  const raw = new RawNode({
    id,
    storage: disk,
    random: () => 0,
    electionTicks: 10,
    heartbeatTicks: 1,
    preVote: false,
    checkQuorum: false,
    ...config,
  });
  return { raw, disk };
}

/** Runs a lone node's Ready loop (persist, collect messages, advance); returns what it sent. */
export function drain(raw: RawNode, disk: MemoryStorage): Message[] {
  const out: Message[] = [];
  while (raw.hasReady()) {
    const rd = raw.ready();
    disk.saveSync({ snapshot: rd.snapshot, entries: rd.entries, hardState: rd.hardState });
    out.push(...rd.earlyMessages, ...rd.messages);
    raw.advance();
  }
  return out;
}
