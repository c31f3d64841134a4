// RaftHosts in one process: in-memory storage, a manual clock for their ticks, fixed election
// randomness, and a network the test can cut, or hold messages on, link by link. Nothing runs
// on time: the test advances the clock a tick at a time and lets the event loop turn between
// ticks, so a run replays exactly.

import pino from 'pino';
import { MemoryStorage, MessageType, bootstrap, type ConfChange, type Message, type NodeId } from '@shoal/raft';
import { RaftHost, type RaftTimings, type StateMachine, type TickSource } from '../src/raft-host.js';

const text = new TextEncoder();
const untext = new TextDecoder();

export const encodeText = (s: string): Uint8Array => text.encode(s);

/** A state machine of applied texts; an entry's result is "applied <text>". */
export class TextMachine implements StateMachine {
  applied: string[] = [];
  /** How many snapshots were restored into it. */
  restored = 0;
  applyEntry(data: Uint8Array): unknown {
    const s = untext.decode(data);
    this.applied.push(s);
    return `applied ${s}`;
  }
  applyConfChange(_cc: ConfChange): void {}
  snapshot(): Uint8Array {
    return text.encode(JSON.stringify(this.applied));
  }
  restore(data: Uint8Array): void {
    this.restored++;
    this.applied = data.byteLength > 0 ? (JSON.parse(untext.decode(data)) as string[]) : [];
  }
}

/** Ticks when the test says so. */
export class ManualClock implements TickSource {
  private readonly tickers = new Set<() => void>();
  every(_ms: number, tick: () => void): () => void {
    this.tickers.add(tick);
    return () => this.tickers.delete(tick);
  }
  tick(): void {
    for (const t of [...this.tickers]) t();
  }
}

/** Which messages a rule applies to (any field left out matches all). */
export interface Link {
  readonly from?: NodeId;
  readonly to?: NodeId;
  readonly type?: MessageType;
}

const matches = (l: Link, m: Message): boolean => (l.from ?? m.from) === m.from && (l.to ?? m.to) === m.to && (l.type ?? m.type) === m.type;

/** Delivers messages between hosts one event-loop turn after they are sent, unless cut or held. */
export class Network {
  readonly hosts = new Map<NodeId, RaftHost>();
  /** Every message delivered, in order. */
  readonly delivered: Message[] = [];
  private cuts: Link[] = [];
  private holds: Link[] = [];
  private held: Message[] = [];

  send(msgs: readonly Message[]): void {
    for (const m of msgs) {
      if (this.cuts.some((l) => matches(l, m))) continue;
      if (this.holds.some((l) => matches(l, m))) {
        this.held.push(m);
        continue;
      }
      setImmediate(() => {
        const to = this.hosts.get(m.to);
        if (!to) return;
        this.delivered.push(m);
        to.step(m);
      });
    }
  }

  /** Drops messages on these links (both ways with `isolate`). */
  cut(l: Link): void {
    this.cuts.push(l);
  }

  isolate(id: NodeId): void {
    this.cut({ from: id });
    this.cut({ to: id });
  }

  heal(): void {
    this.cuts = [];
  }

  /** Keeps messages on this link until release(). */
  hold(l: Link): void {
    this.holds.push(l);
  }

  /** Lets held messages (and later ones) through. */
  release(): void {
    this.holds = [];
    this.send(this.held.splice(0));
  }
}

// A heartbeat every tick; elections after 10 ticks (plus the host's fixed random share).
export const TIMINGS: RaftTimings = { tickMs: 10, heartbeatTicks: 1, electionTicks: 10, snapshotEvery: 10_000, keepEntries: 100 };

/**
 * Election randomness per host, fixed: a times out first (after 10 ticks), then b (15), then c
 * (19), so elections are decided, never split.
 */
const RANDOM: Record<NodeId, number> = { a: 0, b: 0.5, c: 0.9 };

/** Event-loop turns between two ticks: enough for every message of a tick to be answered. */
const TURNS_PER_TICK = 30;

export class Cluster {
  readonly clock = new ManualClock();
  readonly net = new Network();
  readonly machines = new Map<NodeId, TextMachine>();
  /** Leadership changes each host announced: [leader, term]. */
  readonly leaderEvents = new Map<NodeId, [NodeId, number][]>();

  private constructor(readonly ids: readonly NodeId[]) {}

  /** Hosts `ids` (all voters), bootstrapped and started; none campaigns by itself. */
  static async start(ids: readonly NodeId[], o: { campaign?: NodeId } = {}): Promise<Cluster> {
    const c = new Cluster(ids);
    for (const id of ids) {
      const storage = new MemoryStorage();
      await bootstrap(storage, ids, new Uint8Array());
      const sm = new TextMachine();
      const host = new RaftHost({
        id,
        storage,
        stateMachine: sm,
        transport: { send: (msgs) => c.net.send(msgs), reachable: () => true },
        timings: TIMINGS,
        logger: pino({ level: 'silent' }),
        // Never reached: every wait here ends on a condition, and hosts stop at the end of a test.
        requestTimeoutMs: 3_600_000,
        addressOf: (peer) => `${peer}.example:4242`,
        ticks: c.clock,
        random: () => RANDOM[id] ?? 0.99,
      });
      const events: [NodeId, number][] = [];
      host.on('leader', (leader, term) => events.push([leader, term]));
      c.leaderEvents.set(id, events);
      c.net.hosts.set(id, host);
      c.machines.set(id, sm);
    }
    for (const id of ids) c.host(id).start({ campaign: id === o.campaign });
    return c;
  }

  host(id: NodeId): RaftHost {
    return this.net.hosts.get(id)!;
  }

  applied(id: NodeId): string[] {
    return this.machines.get(id)!.applied;
  }

  /** Lets the event loop turn (messages delivered, Readies handled), without a tick. */
  async settle(turns = TURNS_PER_TICK): Promise<void> {
    for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
  }

  /** Ticks every host once and lets the consequences play out. */
  async tick(n = 1): Promise<void> {
    for (let i = 0; i < n; i++) {
      this.clock.tick();
      await this.settle();
    }
  }

  /** Ticks until `probe` holds; fails after `maxTicks` ticks (counted in ticks, not time). */
  async until(what: string, probe: () => boolean, maxTicks = 200): Promise<void> {
    for (let i = 0; i <= maxTicks; i++) {
      if (probe()) return;
      await this.tick();
    }
    throw new Error(`${what}: still not so after ${maxTicks} ticks`);
  }

  leaders(): NodeId[] {
    return this.ids.filter((id) => this.host(id).isLeader);
  }

  async stop(): Promise<void> {
    for (const id of this.ids) await this.host(id).stop();
  }
}

/** How a promise ended, without awaiting it; `onSettle` runs the moment it does. */
export function track<T>(p: Promise<T>, onSettle?: () => void): { value?: T; error?: Error; settled: boolean } {
  const t: { value?: T; error?: Error; settled: boolean } = { settled: false };
  p.then(
    (v) => {
      onSettle?.();
      Object.assign(t, { value: v, settled: true });
    },
    (e: Error) => {
      onSettle?.();
      Object.assign(t, { error: e, settled: true });
    },
  );
  return t;
}
