// A hand-driven cluster for paper-rule tests: messages move only when the test says so.
//
// Each node runs the real RawNode over a MemoryStorage "disk" and processes its Readys the way a
// host does (persist, then send, then apply, then advance). Sent messages queue in `inbox`
// until `deliver()` moves them, so a test can cut links, drop or reorder messages, crash nodes
// and restart them from what they persisted.

import {
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
} from '@shoal/raft';
import { InvariantChecker } from '@shoal/raft/sim';

export interface HarnessNode {
  readonly id: NodeId;
  readonly disk: MemoryStorage;
  raw: RawNode | undefined;
  /** Payloads applied, in order (no-ops as ''). */
  applied: string[];
}

export interface HarnessOptions {
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly maxMsgBytes?: number;
  readonly maxInflightMsgs?: number;
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
      const node: HarnessNode = { id, disk, raw: undefined, applied: [] };
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

  addNode(id: NodeId): void {
    this.nodes.set(id, { id, disk: new MemoryStorage(), raw: undefined, applied: [] });
    this.start(id);
  }

  /** (Re)starts a node from its disk; the state machine replays from scratch. */
  start(id: NodeId): void {
    const n = this.node(id);
    n.raw = new RawNode(this.config(id, n.disk));
    n.applied = [];
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
          for (const m of rd.messages) {
            if (!this.cut.has(`${m.from}>${m.to}`)) this.inbox.push(m);
          }
          for (const e of rd.committedEntries) n.applied.push(payloadText(e));
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
      const now = this.inbox.filter(filter);
      if (now.length === 0) return;
      this.inbox = this.inbox.filter((m) => !filter(m));
      for (const m of now) this.deliverOne(m);
    }
    throw new Error('network did not quiesce');
  }

  /** Delivers exactly the queued messages matching `filter` (one round), leaving the rest queued. */
  deliverRound(filter: (m: Message) => boolean = () => true): Message[] {
    this.process();
    const now = this.inbox.filter(filter);
    this.inbox = this.inbox.filter((m) => !filter(m));
    for (const m of now) this.deliverOne(m);
    this.process();
    return now;
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
