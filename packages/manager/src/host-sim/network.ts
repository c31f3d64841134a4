// The host simulator's network: hosts in one process exchange Raft messages through it, each
// message on its own seeded fate (dropped, duplicated, delayed on a real timer, so messages
// overtake one another), with links cut by partitions. A host's endpoint dies with it: what
// it sends after its crash goes nowhere, while what it sent before is still on the wire.

import { MessageType, type Message, type NodeId } from '@shoal/raft';
import type { Prng } from '@shoal/raft/sim';
import type { HostTransport } from '../raft-host.js';

/** The fates of messages, drawn per seed. */
export interface LinkProfile {
  /** Probability that a message is lost. */
  readonly drop: number;
  /** Probability that a message arrives twice. */
  readonly duplicate: number;
  /** Each message (and each copy) waits a uniform [0, maxDelayMs] ms. */
  readonly maxDelayMs: number;
  /**
   * How long a cut link still looks reachable to its sender: the real transport notices a dead
   * stream only after its keepalive fails, and a leader meanwhile accepts proposals it cannot commit.
   */
  readonly detectMs: number;
}

/** What a live host incarnation receives. */
export interface Receiver {
  step(m: Message): void;
  reportSnapshot(peer: NodeId, ok: boolean): void;
}

/** One host incarnation's connection: dead once the host crashed or stopped. */
export class Endpoint implements HostTransport {
  alive = true;
  receiver: Receiver | undefined;

  constructor(
    readonly id: NodeId,
    private readonly net: VirtualNetwork,
  ) {}

  send(msgs: readonly Message[]): void {
    if (!this.alive) return;
    for (const m of msgs) this.net.transmit(this, m);
  }

  reachable(peer: NodeId): boolean {
    return this.net.reachable(this.id, peer);
  }
}

export class VirtualNetwork {
  private readonly endpoints = new Map<NodeId, Endpoint>();
  /** Directed cuts (`from>to`) and when each was made. */
  private readonly cuts = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  profile: LinkProfile;
  readonly stats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };

  constructor(
    private readonly prng: Prng,
    profile: LinkProfile,
  ) {
    this.profile = profile;
  }

  /** A new incarnation of `id` (the previous one, if any, must be dead). */
  attach(id: NodeId): Endpoint {
    const e = new Endpoint(id, this);
    this.endpoints.set(id, e);
    return e;
  }

  /** Cuts `from` → `to` (one way). */
  cut(from: NodeId, to: NodeId): void {
    const k = `${from}>${to}`;
    if (!this.cuts.has(k)) this.cuts.set(k, performance.now());
  }

  /** Cuts every link between the two sides, both ways. */
  partition(a: readonly NodeId[], b: readonly NodeId[]): void {
    for (const x of a) {
      for (const y of b) {
        this.cut(x, y);
        this.cut(y, x);
      }
    }
  }

  heal(): void {
    this.cuts.clear();
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cuts.has(`${from}>${to}`);
  }

  describeCuts(): string {
    return [...this.cuts.keys()].join(' ') || 'none';
  }

  reachable(from: NodeId, to: NodeId): boolean {
    if (!this.endpoints.get(to)?.alive) return false;
    const since = this.cuts.get(`${from}>${to}`);
    return since === undefined || performance.now() - since < this.profile.detectMs;
  }

  transmit(from: Endpoint, m: Message): void {
    if (this.closed) return;
    this.stats.sent++;
    if (this.isCut(m.from, m.to) || this.prng.chance(this.profile.drop)) {
      this.stats.dropped++;
      if (m.type === MessageType.Snap) this.later(0, () => this.snapshotStatus(from, m.to, false));
      return;
    }
    const copies = this.prng.chance(this.profile.duplicate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      this.later(this.prng.next() * this.profile.maxDelayMs, () => {
        // The cut may have been made while the message was on its way.
        const to = this.endpoints.get(m.to);
        const ok = !this.isCut(m.from, m.to) && to !== undefined && to.alive && to.receiver !== undefined;
        if (ok) {
          this.stats.delivered++;
          to.receiver!.step(m);
        }
        if (m.type === MessageType.Snap && i === 0) this.snapshotStatus(from, m.to, ok);
      });
    }
  }

  /** Tells a snapshot's sender how the transfer went, as the real transport does. */
  private snapshotStatus(from: Endpoint, to: NodeId, ok: boolean): void {
    if (from.alive) from.receiver?.reportSnapshot(to, ok);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Drops everything in flight; nothing is delivered after. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
