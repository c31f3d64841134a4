// A Raft group whose nodes live in one process, each on its own LevelDB Raft database,
// handing messages to each other on the event loop. Used by the raft benchmark and the
// in-process demo; the managers' RaftHost runs the same loop over gRPC.
//
// The host loop is the one docs/raft.md prescribes: ready → send early messages → persist in
// one synced batch → send → apply → advance. Proposals made while a batch is being synced ride
// in the next one, which is how one fsync carries many entries.

import { join } from 'node:path';
import { RawNode, Role, bootstrap, type Message, type NodeId } from '@shoal/raft';
import { LevelStorage } from '@shoal/raft/level';

const TICK_MS = 10;

interface Waiter {
  readonly term: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export class GroupNode {
  raw: RawNode;
  peers = new Map<NodeId, GroupNode>();
  private readonly waiters = new Map<number, Waiter>();
  private busy: Promise<void> | undefined;
  private scheduled = false;
  private stopped = false;
  private ticker: NodeJS.Timeout | undefined;
  /** Entries per persisted Ready that carried entries (to show batching). */
  readonly batchSizes: number[] = [];

  constructor(
    readonly id: NodeId,
    readonly storage: LevelStorage,
  ) {
    this.raw = new RawNode({ id, storage, random: Math.random });
  }

  /** Comes back after stop() the way a restarted process does: from what is on disk. */
  restart(): void {
    this.raw = new RawNode({ id: this.id, storage: this.storage, random: Math.random });
    for (const w of this.waiters.values()) w.reject(new Error('node restarted'));
    this.waiters.clear();
    this.stopped = false;
    this.start();
  }

  start(): void {
    this.ticker = setInterval(() => {
      this.raw.tick();
      this.kick();
    }, TICK_MS);
  }

  /** Stops ticking and taking Readys; resolves once the Ready in progress is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ticker);
    await this.busy;
  }

  receive(m: Message): void {
    if (this.stopped) return;
    this.raw.step(m);
    this.kick();
  }

  /** Proposes and resolves once the entry is applied here (the leader). */
  propose(data: Uint8Array): Promise<void> {
    const { index, term } = this.raw.propose(data);
    this.kick();
    return new Promise((resolve, reject) => this.waiters.set(index, { term, resolve, reject }));
  }

  private send(msgs: readonly Message[]): void {
    for (const m of msgs) {
      const peer = this.peers.get(m.to);
      if (peer) setImmediate(() => peer.receive(m));
    }
  }

  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.busy || this.stopped) return;
      this.busy = this.loop().finally(() => {
        this.busy = undefined;
      });
    });
  }

  private async loop(): Promise<void> {
    {
      while (!this.stopped && this.raw.hasReady()) {
        const rd = this.raw.ready();
        this.send(rd.earlyMessages);
        if (rd.mustSync) await this.storage.save({ snapshot: rd.snapshot, entries: rd.entries, hardState: rd.hardState });
        if (rd.entries.length > 0) this.batchSizes.push(rd.entries.length);
        this.send(rd.messages);
        for (const e of rd.committedEntries) {
          const w = this.waiters.get(e.index);
          if (!w) continue;
          this.waiters.delete(e.index);
          if (e.term === w.term) w.resolve();
          else w.reject(new Error(`entry ${e.index} was replaced in a leader change`));
        }
        this.raw.advance();
      }
    }
  }
}

/** Starts a bootstrapped 3-node group in `dir` and elects n1. */
export async function startGroup(dir: string): Promise<GroupNode[]> {
  const ids = ['n1', 'n2', 'n3'];
  const nodes: GroupNode[] = [];
  for (const id of ids) {
    const storage = await LevelStorage.open(join(dir, id));
    await bootstrap(storage, ids, new Uint8Array(0));
    nodes.push(new GroupNode(id, storage));
  }
  for (const n of nodes) for (const p of nodes) if (p !== n) n.peers.set(p.id, p);
  for (const n of nodes) n.start();
  // Elect n1 at once rather than waiting out an election timeout.
  nodes[0]!.raw.campaign();
  nodes[0]!.kick();
  const deadline = Date.now() + 10_000;
  while (nodes[0]!.raw.status().role !== Role.Leader) {
    if (Date.now() > deadline) throw new Error('no leader elected within 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  return nodes;
}
