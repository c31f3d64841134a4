// Per-task traffic counters of this node's mesh: what the worker exports on /metrics and
// sends to the leader with heartbeats (the autoscaler's connection signal). Totals only grow
// while the agent runs; a task is forgotten FORGET_MS after it left every route and its last
// connection closed, so a long-lived worker does not keep every task it ever routed to.

import type { Socket } from 'node:net';

export interface TaskCounters {
  /** Connections open now from this node's mesh to the task. */
  readonly open: number;
  /** Connections established to the task since the agent started. */
  readonly total: number;
  /** Bytes from clients to the task. */
  readonly bytesIn: number;
  /** Bytes from the task to clients. */
  readonly bytesOut: number;
  /** Connects to the task that failed (refused, timed out), each retried on another task. */
  readonly connectErrors: number;
}

interface Entry {
  total: number;
  connectErrors: number;
  /** Bytes of connections already closed; open ones are read live from their sockets. */
  bytesInClosed: number;
  bytesOutClosed: number;
  /** The upstream sockets (mesh → task) open now. */
  readonly live: Set<Socket>;
  /** When the task left every route (undefined while routed). */
  leftAt: number | undefined;
}

export const FORGET_MS = 60_000;

export class TaskCounterBook {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly forgetAfterMs = FORGET_MS,
    private readonly now: () => number = Date.now,
  ) {}

  private entry(taskId: string): Entry {
    let e = this.entries.get(taskId);
    if (!e) {
      e = { total: 0, connectErrors: 0, bytesInClosed: 0, bytesOutClosed: 0, live: new Set(), leftAt: undefined };
      this.entries.set(taskId, e);
    }
    return e;
  }

  /** An upstream connection to the task is established; counted until it closes. */
  connected(taskId: string, upstream: Socket): void {
    const e = this.entry(taskId);
    e.total++;
    e.live.add(upstream);
    upstream.once('close', () => {
      if (!e.live.delete(upstream)) return;
      // Bytes the mesh wrote to the task came from the client, bytes it read go back out.
      e.bytesInClosed += upstream.bytesWritten;
      e.bytesOutClosed += upstream.bytesRead;
    });
  }

  connectFailed(taskId: string): void {
    this.entry(taskId).connectErrors++;
  }

  /** The tasks in the routing table now: the others start their countdown to be forgotten. */
  routed(taskIds: ReadonlySet<string>): void {
    const now = this.now();
    for (const [id, e] of this.entries) {
      if (taskIds.has(id)) e.leftAt = undefined;
      else e.leftAt ??= now;
    }
    for (const id of taskIds) this.entry(id).leftAt = undefined;
    this.forgetStale(now);
  }

  /** Drops tasks that left every route long enough ago and hold no connection. */
  private forgetStale(now: number): void {
    for (const [id, e] of this.entries) {
      if (e.leftAt !== undefined && e.live.size === 0 && now - e.leftAt >= this.forgetAfterMs) this.entries.delete(id);
    }
  }

  snapshot(): ReadonlyMap<string, TaskCounters> {
    const now = this.now();
    this.forgetStale(now);
    const out = new Map<string, TaskCounters>();
    for (const [id, e] of this.entries) {
      let bytesIn = e.bytesInClosed;
      let bytesOut = e.bytesOutClosed;
      for (const s of e.live) {
        bytesIn += s.bytesWritten;
        bytesOut += s.bytesRead;
      }
      out.set(id, { open: e.live.size, total: e.total, bytesIn, bytesOut, connectErrors: e.connectErrors });
    }
    return out;
  }
}
