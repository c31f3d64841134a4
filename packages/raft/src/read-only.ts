// ReadIndex (§6.4 of Ongaro's dissertation): linearizable reads without writing to the log.
//
// The leader records its commit index when a read arrives, then confirms it is still leader by
// a round of heartbeats carrying the read's context. Once a quorum answers, every read queued
// up to that one may be served as soon as the state machine has applied the recorded index.

import type { NodeId } from './types.js';

export interface ReadRequest {
  readonly context: string;
  /** Commit index when the request arrived. */
  readonly index: number;
  /** Who asked: the leader itself or a follower that forwarded the read. */
  readonly from: NodeId;
  readonly acks: Set<NodeId>;
}

export class ReadOnly {
  private readonly pending = new Map<string, ReadRequest>();
  private readonly queue: string[] = [];

  has(context: string): boolean {
    return this.pending.has(context);
  }

  add(index: number, context: string, from: NodeId): void {
    if (this.pending.has(context)) return;
    this.pending.set(context, { context, index, from, acks: new Set() });
    this.queue.push(context);
  }

  /** Records that `from` confirmed our leadership for the read `context`; returns who has. */
  recvAck(from: NodeId, context: string): ReadonlySet<NodeId> | undefined {
    const req = this.pending.get(context);
    if (!req) return undefined;
    req.acks.add(from);
    return req.acks;
  }

  /** Releases every request queued up to and including `context` (a later confirmation covers earlier reads). */
  advance(context: string): ReadRequest[] {
    const at = this.queue.indexOf(context);
    if (at < 0) return [];
    const released = this.queue.splice(0, at + 1).map((c) => this.pending.get(c)!);
    for (const r of released) this.pending.delete(r.context);
    return released;
  }

  /** The newest pending context (sent with heartbeats so one round confirms all reads). */
  lastPendingContext(): string | undefined {
    return this.queue[this.queue.length - 1];
  }

  get size(): number {
    return this.queue.length;
  }

  reset(): void {
    this.pending.clear();
    this.queue.length = 0;
  }
}

/**
 * Reads this follower forwarded to its leader on behalf of another node (context → who asked).
 *
 * A follower forwards a ReadIndex to the node it believes leads; when that node has become a
 * follower itself, it forwards the read again. The transport only lets a node speak for
 * itself (`from` must be the sender), so each hop names itself as the asker, and the answer
 * comes back hop by hop: a node that forwarded a read for someone else passes the answer on
 * instead of keeping it. Entries go when answered, when the leader changes (the reads are
 * lost then; their hosts time them out) and, past `limit`, oldest first.
 */
export class ReadRelay {
  private readonly askers = new Map<string, NodeId>();

  constructor(private readonly limit = 4096) {}

  remember(context: string, asker: NodeId): void {
    this.askers.delete(context);
    this.askers.set(context, asker);
    if (this.askers.size > this.limit) this.askers.delete(this.askers.keys().next().value!);
  }

  /** Who asked for `context` (and forgets it), or undefined if the read was our own. */
  take(context: string): NodeId | undefined {
    const asker = this.askers.get(context);
    if (asker !== undefined) this.askers.delete(context);
    return asker;
  }

  reset(): void {
    this.askers.clear();
  }
}
