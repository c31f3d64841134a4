// The host simulator: N real RaftHosts, each on the real LevelStorage in its own temp
// directory, over a virtual network, under a seeded fault schedule (drops, duplicates, delays,
// partitions, crashes — some aimed inside the write window — restarts from the directory,
// leader kills), with clients proposing and reading throughout; then everything heals and
// must converge. The checks (checks.ts) judge what the clients saw and what every node applied.
//
// Time is real (the LevelDB writes are), so a seed fixes the fault schedule and the fates of
// messages, not the interleaving: a run is not bit-for-bit reproducible, and a failing seed
// may need several replays to fail again.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { bootstrap, type NodeId } from '@shoal/raft';
import { LevelStorage } from '@shoal/raft/level';
import { Prng } from '@shoal/raft/sim';
import { ManagerError } from '../errors.js';
import { RaftHost, type HostPlantedBug, type RaftTimings, type TickSource } from '../raft-host.js';
import { CrashableStorage } from './crashable-storage.js';
import { Ledger, encodePayload, type LedgerResult } from './ledger.js';
import { VirtualNetwork, type Endpoint, type LinkProfile } from './network.js';
import { History, type ReadOp, type WriteOp, type Violation } from './checks.js';

export interface HostSimOptions {
  readonly seed: number;
  /** Voters (default: 3 for odd seeds, 5 for even ones). */
  readonly nodes?: number;
  /** Real ms of faults and client traffic before healing (default 2500). */
  readonly faultMs?: number;
  /** Real ms allowed to converge after healing (default 15000). */
  readonly convergeMs?: number;
  /** Concurrent clients (default 4). */
  readonly clients?: number;
  readonly plantedBug?: HostPlantedBug;
  /** Keep the LevelDB directories (default: removed). */
  readonly keepData?: boolean;
  /** Every fault and leader change, as it happens. */
  readonly trace?: (line: string) => void;
}

/** What a seed drew: the network's fates, the disk's latency, how often faults strike. */
export interface HostSimProfile {
  readonly link: LinkProfile;
  readonly diskMaxMs: number;
  /** Mean ms between two fault events. */
  readonly faultEveryMs: number;
  /** Probability that a new leader is armed to crash in its first write window. */
  readonly newLeaderWindowCrash: number;
}

export interface HostSimStats {
  writesOk: number;
  writesFailed: number;
  writesUnknown: number;
  readsOk: number;
  readsFailed: number;
  crashes: number;
  windowCrashes: number;
  leaderKills: number;
  partitions: number;
  leaderChanges: number;
  lostWrites: number;
  messagesSent: number;
  messagesDropped: number;
  appliedIndex: number;
  convergeMs: number;
  elapsedMs: number;
}

export interface HostSimResult {
  readonly seed: number;
  readonly nodes: number;
  readonly profile: HostSimProfile;
  readonly violations: readonly Violation[];
  readonly stats: HostSimStats;
  readonly dataDir: string;
}

/** Short ticks so a seed runs in seconds: heartbeats every 20 ms, elections after 100–200 ms. */
export const HOST_SIM_TIMINGS: RaftTimings = { tickMs: 10, heartbeatTicks: 2, electionTicks: 10, snapshotEvery: 40, keepEntries: 10 };
const REQUEST_TIMEOUT_MS = 1500;

export function drawProfile(prng: Prng): HostSimProfile {
  return {
    link: {
      drop: prng.pick([0, 0.02, 0.05, 0.1]),
      duplicate: prng.pick([0, 0.02, 0.05]),
      maxDelayMs: prng.pick([5, 20, 50]),
      detectMs: prng.pick([50, 300, 800]),
    },
    diskMaxMs: prng.pick([1, 3, 8]),
    faultEveryMs: prng.pick([120, 250, 400]),
    newLeaderWindowCrash: prng.pick([0, 0.15, 0.3]),
  };
}

/** A host's ticks on a real timer, which a crash stops. */
class StoppableTicks implements TickSource {
  private stopper: (() => void) | undefined;
  every(ms: number, tick: () => void): () => void {
    const timer = setInterval(tick, ms);
    this.stopper = () => clearInterval(timer);
    return this.stopper;
  }
  stop(): void {
    this.stopper?.();
  }
}

/** One manager of the simulated cluster, across its incarnations (each crash and restart makes a new one). */
interface SimNode {
  readonly id: NodeId;
  readonly dir: string;
  incarnation: number;
  up: boolean;
  host: RaftHost;
  storage: CrashableStorage;
  endpoint: Endpoint;
  ledger: Ledger;
  ticks: StoppableTicks;
  /** Settles when the current incarnation dies (what a client waiting on it notices). */
  died: Promise<void>;
  die: () => void;
  /** Done once the dead incarnation's storage is closed: the directory can be reopened. */
  closed: Promise<void>;
  restartTimer: NodeJS.Timeout | undefined;
  restarting: Promise<void> | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether a refusal says for certain that the change was not applied (else: it may have been). */
export function certainlyNotApplied(e: unknown): boolean {
  if (!(e instanceof ManagerError)) return false;
  if (e.code === 'TIMEOUT' || e.code === 'STOPPED') return false;
  return !e.message.includes('may still');
}

export class HostSimulation {
  readonly ids: NodeId[];
  readonly profile: HostSimProfile;
  readonly stats: HostSimStats = {
    writesOk: 0,
    writesFailed: 0,
    writesUnknown: 0,
    readsOk: 0,
    readsFailed: 0,
    crashes: 0,
    windowCrashes: 0,
    leaderKills: 0,
    partitions: 0,
    leaderChanges: 0,
    lostWrites: 0,
    messagesSent: 0,
    messagesDropped: 0,
    appliedIndex: 0,
    convergeMs: 0,
    elapsedMs: 0,
  };
  readonly history: History;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly faults: Prng;
  private readonly clientsPrng: Prng;
  private readonly disk: Prng;
  private readonly net: VirtualNetwork;
  private readonly dataDir: string;
  private readonly started = performance.now();
  private faulting = true;
  private clientsRunning = true;
  /** Every ledger a dead incarnation left: what it applied must agree with everyone else. */
  private readonly deadLedgers: Ledger[] = [];
  private readonly logger = pino({ level: 'silent' });

  constructor(private readonly o: HostSimOptions) {
    const n = o.nodes ?? (o.seed % 2 === 1 ? 3 : 5);
    this.ids = Array.from({ length: n }, (_, i) => `m${i + 1}`);
    this.faults = new Prng(o.seed, 1);
    this.clientsPrng = new Prng(o.seed, 2);
    this.disk = new Prng(o.seed, 3);
    this.profile = drawProfile(new Prng(o.seed, 0));
    this.net = new VirtualNetwork(new Prng(o.seed, 4), { ...this.profile.link });
    this.history = new History((line) => this.trace(line));
    this.dataDir = mkdtempSync(join(tmpdir(), `shoal-host-sim-${o.seed}-`));
  }

  private now(): number {
    return Math.round(performance.now() - this.started);
  }

  private trace(line: string): void {
    this.o.trace?.(`${String(this.now()).padStart(6)}ms ${line}`);
  }

  async run(): Promise<HostSimResult> {
    try {
      for (const id of this.ids) {
        const dir = join(this.dataDir, id);
        const storage = await LevelStorage.open(dir);
        await bootstrap(storage, this.ids, new Uint8Array());
        await storage.close();
      }
      for (const id of this.ids) await this.boot(id, join(this.dataDir, id));

      const faultMs = this.o.faultMs ?? 2500;
      const clients = Array.from({ length: this.o.clients ?? 4 }, (_, c) => this.client(c));
      await this.nemesis(performance.now() + faultMs);
      this.clientsRunning = false;
      await Promise.all(clients);
      await this.heal();
      await this.converge(this.o.convergeMs ?? 15_000);
      this.history.checkEnd(
        this.upNodes().map((n) => n.ledger),
        this.deadLedgers,
      );
    } finally {
      await this.shutdown();
    }
    this.stats.elapsedMs = this.now();
    this.stats.messagesSent = this.net.stats.sent;
    this.stats.messagesDropped = this.net.stats.dropped;
    return { seed: this.o.seed, nodes: this.ids.length, profile: this.profile, violations: this.history.violations, stats: this.stats, dataDir: this.dataDir };
  }

  // ------------------------------------------------------------------ incarnations

  private async boot(id: NodeId, dir: string): Promise<void> {
    const prev = this.nodes.get(id);
    const incarnation = prev ? prev.incarnation + 1 : 0;
    const inner = await LevelStorage.open(dir);
    const name = `${id}#${incarnation}`;
    const node = {
      id,
      dir,
      incarnation,
      up: true,
      restartTimer: undefined,
      restarting: undefined,
      closed: Promise.resolve(),
    } as unknown as SimNode;
    node.died = new Promise<void>((r) => (node.die = r));
    node.storage = new CrashableStorage(
      inner,
      () => 1 + this.disk.next() * this.profile.diskMaxMs,
      (what) => {
        this.stats.windowCrashes++;
        this.crash(node, what);
      },
    );
    node.ledger = new Ledger(name, (invariant, detail) => this.history.violation(invariant, detail));
    node.endpoint = this.net.attach(id);
    node.ticks = new StoppableTicks();
    const electionRandom = new Prng(this.o.seed, 100 + this.ids.indexOf(id) * 1000 + incarnation);
    node.host = new RaftHost({
      id,
      storage: node.storage,
      stateMachine: node.ledger,
      transport: node.endpoint,
      timings: HOST_SIM_TIMINGS,
      logger: this.logger,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      addressOf: () => undefined,
      ticks: node.ticks,
      random: () => electionRandom.next(),
      ...(this.o.plantedBug ? { plantedBug: this.o.plantedBug } : {}),
    });
    node.endpoint.receiver = node.host;
    node.host.on('leader', (leader, term) => {
      if (!node.up || leader !== id) return;
      this.stats.leaderChanges++;
      this.trace(`${name} leads in term ${term}`);
      const down = this.ids.length - this.upNodes().length;
      if (this.faulting && down < Math.floor((this.ids.length - 1) / 2) && !node.storage.isArmed && this.faults.chance(this.profile.newLeaderWindowCrash)) {
        node.storage.arm('entries');
        this.trace(`${name} armed: crash in its first write window as leader`);
      }
    });
    node.host.on('fatal', (e) => this.history.violation('host-fatal', `${name}: the Raft loop failed: ${e.message}`));
    this.nodes.set(id, node);
    node.host.start();
    this.trace(`${name} started (last index ${inner.lastIndex()}, snapshot at ${inner.snapshot().meta.index})`);
  }

  /** The process dies: no more messages, ticks, writes or applies; clients waiting on it see it go. */
  private crash(node: SimNode, why: string): void {
    if (!node.up) return;
    node.up = false;
    node.endpoint.alive = false;
    node.storage.crashed = true;
    node.ledger.frozen = true;
    node.ticks.stop();
    node.die();
    this.deadLedgers.push(node.ledger);
    this.stats.crashes++;
    node.closed = node.storage.close().catch(() => {});
    this.trace(`${node.id}#${node.incarnation} CRASH: ${why}`);
    if (this.faulting) {
      node.restartTimer = setTimeout(
        () => {
          this.restart(node.id).catch((e: Error) => this.history.violation('restart-failed', `${node.id} could not restart from its directory: ${e.message}`));
        },
        this.faults.int(50, 600),
      );
    }
  }

  private restart(id: NodeId): Promise<void> {
    const node = this.nodes.get(id)!;
    if (node.up) return Promise.resolve();
    clearTimeout(node.restartTimer);
    node.restartTimer = undefined;
    node.restarting ??= (async () => {
      await node.closed;
      this.stats.lostWrites += node.storage.stats.lostWrites;
      await this.boot(id, node.dir);
      if (this.clientsRunning) void this.readBurst(this.nodes.get(id)!);
    })();
    return node.restarting;
  }

  private upNodes(): SimNode[] {
    // (While the cluster boots, later nodes do not exist yet.)
    return this.ids.map((id) => this.nodes.get(id)).filter((n): n is SimNode => n !== undefined && n.up);
  }

  private leaders(): SimNode[] {
    return this.upNodes().filter((n) => n.host.isLeader);
  }

  // ------------------------------------------------------------------ the nemesis

  private async nemesis(until: number): Promise<void> {
    const f = this.faults;
    const maxDown = Math.floor((this.ids.length - 1) / 2);
    let healAt = Infinity;
    while (performance.now() < until) {
      await sleep(f.int(this.profile.faultEveryMs / 2, (this.profile.faultEveryMs * 3) / 2));
      if (performance.now() >= healAt) {
        healAt = Infinity;
        this.healNetwork();
      }
      const up = this.upNodes();
      const canCrash = this.ids.length - up.length < maxDown;
      const leader = this.leaders()[0];
      const partitioned = healAt !== Infinity;
      const roll = f.next();
      if (roll < 0.15 && !partitioned) {
        // A random split into two sides, or one node alone.
        const shuffled = f.shuffle([...this.ids]);
        const cut = f.int(1, this.ids.length - 1);
        this.net.partition(shuffled.slice(0, cut), shuffled.slice(cut));
        this.stats.partitions++;
        healAt = performance.now() + f.int(100, 700);
        this.trace(`partition ${shuffled.slice(0, cut).join(',')} | ${shuffled.slice(cut).join(',')}`);
      } else if (roll < 0.3 && leader && !partitioned) {
        this.net.partition(
          [leader.id],
          this.ids.filter((i) => i !== leader.id),
        );
        this.stats.partitions++;
        healAt = performance.now() + f.int(100, 700);
        this.trace(`isolate the leader ${leader.id}`);
      } else if (roll < 0.35 && !partitioned) {
        const [a, b] = f.shuffle([...this.ids]);
        this.net.cut(a!, b!);
        this.stats.partitions++;
        healAt = performance.now() + f.int(100, 700);
        this.trace(`one-way cut ${a} -> ${b}`);
      } else if (roll < 0.42 && canCrash && leader) {
        this.stats.leaderKills++;
        this.crash(leader, 'leader killed');
      } else if (roll < 0.48 && canCrash && up.length > 0) {
        this.crash(f.pick(up), 'killed');
      } else if (roll < 0.55 && canCrash && leader && !leader.storage.isArmed) {
        leader.storage.arm('entries');
        this.trace(`${leader.id}#${leader.incarnation} armed: crash in its next write window with entries`);
      } else if (roll < 0.61 && canCrash) {
        const voters = up.filter((n) => !n.host.isLeader && !n.storage.isArmed);
        if (voters.length > 0) {
          const v = f.pick(voters);
          v.storage.arm('vote');
          this.trace(`${v.id}#${v.incarnation} armed: crash in the write window of its next vote`);
        }
      } else if (roll < 0.71 && up.length > 0) {
        // A follower that persists slowly lags in what it applies while reads still reach it.
        const n = f.pick(up);
        n.storage.slowMs = n.storage.slowMs > 0 ? 0 : f.pick([20, 50, 100]);
        this.trace(`${n.id}#${n.incarnation} disk ${n.storage.slowMs > 0 ? `slow: +${n.storage.slowMs} ms a write` : 'back to normal'}`);
      } else if (roll < 0.8) {
        const l = this.net.profile;
        this.net.profile = { ...l, maxDelayMs: f.pick([2, 10, 25, 60]) };
        this.trace(`message delay now up to ${this.net.profile.maxDelayMs} ms`);
      } // else a quiet spell
    }
  }

  /** Ends a partition; clients come back to the nodes that were cut off. */
  private healNetwork(): void {
    this.net.heal();
    this.trace('heal the network');
    for (const n of this.upNodes()) if (!n.host.isLeader) void this.readBurst(n);
  }

  private async heal(): Promise<void> {
    this.faulting = false;
    this.net.heal();
    this.net.profile = { ...this.profile.link, drop: 0, duplicate: 0 };
    for (const n of this.nodes.values()) {
      n.storage.disarm();
      n.storage.slowMs = 0;
    }
    for (const id of this.ids) await this.restart(id);
    this.trace('healed: network whole, every node restarted, no more faults');
  }

  // ------------------------------------------------------------------ clients

  private async client(c: number): Promise<void> {
    const p = this.clientsPrng;
    let n = 0;
    while (this.clientsRunning) {
      const up = this.upNodes();
      if (up.length === 0) {
        await sleep(10);
        continue;
      }
      let op: WriteOp | ReadOp;
      const leaders = this.leaders();
      if (p.chance(0.6)) {
        const target = leaders.length > 0 && p.chance(0.9) ? p.pick(leaders) : p.pick(up);
        op = await this.write(target, `c${c}-${n++}`);
      } else {
        // Mostly on followers: a follower's read index comes from the leader, ahead of what it may have applied.
        const followers = up.filter((n) => !leaders.includes(n));
        op = await this.read(followers.length > 0 && p.chance(0.8) ? p.pick(followers) : p.pick(up));
      }
      // Refused (no leader, not the leader): back off as a client would before retrying.
      await sleep(op.outcome === 'failed' ? p.int(5, 20) : p.int(0, 4));
    }
  }

  private async write(node: SimNode, payload: string): Promise<WriteOp> {
    const op: WriteOp = this.history.invokeWrite(`${node.id}#${node.incarnation}`, payload);
    const incarnation = node.incarnation;
    const alive = () => node.up && node.incarnation === incarnation;
    const ledger = node.ledger;
    const p = node.host.propose(encodePayload(payload));
    p.then(
      (v) => {
        if (!alive()) return this.history.lateSettle(op);
        this.history.writeOk(op, v as LedgerResult | undefined, ledger);
        this.stats.writesOk++;
      },
      (e: unknown) => {
        if (!alive()) return this.history.lateSettle(op);
        const certain = certainlyNotApplied(e);
        this.history.writeFailed(op, certain, e as Error);
        if (certain) this.stats.writesFailed++;
        else this.stats.writesUnknown++;
      },
    );
    await Promise.race([p.catch(() => {}), node.died]);
    if (op.outcome === 'pending') this.history.crashedUnder(op);
    return op;
  }

  private async read(node: SimNode): Promise<ReadOp> {
    // Every index committed anywhere by now: the read must reflect at least that much.
    const committedBefore = Math.max(0, ...this.upNodes().map((n) => n.host.status().commit));
    const op: ReadOp = this.history.invokeRead(`${node.id}#${node.incarnation}`, committedBefore);
    const incarnation = node.incarnation;
    const alive = () => node.up && node.incarnation === incarnation;
    const { host, ledger } = node;
    const p = host.readIndexBarrier();
    p.then(
      (readIndex) => {
        if (!alive()) return this.history.lateSettle(op);
        this.history.readOk(op, readIndex, host.appliedIndex, ledger);
        this.stats.readsOk++;
      },
      (e: Error) => {
        if (!alive()) return this.history.lateSettle(op);
        this.history.readFailed(op, e);
        this.stats.readsFailed++;
      },
    );
    await Promise.race([p.catch(() => {}), node.died]);
    if (op.outcome === 'pending') this.history.crashedUnder(op);
    return op;
  }

  /**
   * Clients that reconnect to a manager the moment it is back (restarted, or reachable again):
   * reads on a node still catching up, whose read index can be far ahead of what it applied.
   */
  private async readBurst(node: SimNode): Promise<void> {
    const incarnation = node.incarnation;
    const until = performance.now() + 500;
    while (node.up && node.incarnation === incarnation && !node.host.leaderId && performance.now() < until) await sleep(2);
    // Spread out, so that some land while it catches up.
    await Promise.all(
      [0, 3, 8, 15, 30].map(async (ms) => {
        await sleep(ms);
        if (node.up && node.incarnation === incarnation && this.clientsRunning) await this.read(node);
      }),
    );
  }

  // ------------------------------------------------------------------ the end

  /** One leader, a new write committed through it, every node applied the same ledger. */
  private async converge(deadlineMs: number): Promise<void> {
    const start = performance.now();
    const deadline = start + deadlineMs;
    let attempt = 0;
    let finalIndex = 0;
    while (performance.now() < deadline && finalIndex === 0) {
      const leaders = this.leaders();
      if (leaders.length !== 1) {
        await sleep(20);
        continue;
      }
      try {
        const r = (await leaders[0]!.host.propose(encodePayload(`final-${attempt++}`))) as LedgerResult;
        finalIndex = r.index;
        this.trace(`final write committed at index ${finalIndex} through ${leaders[0]!.id}`);
      } catch {
        await sleep(20);
      }
    }
    if (finalIndex === 0) {
      this.history.violation(
        'no-progress',
        `no write committed within ${deadlineMs} ms after healing (leaders: ${
          this.leaders()
            .map((n) => n.id)
            .join(',') || 'none'
        })`,
      );
      return;
    }
    const same = () => {
      const ledgers = this.upNodes().map((n) => n.ledger);
      const ref = ledgers[0]!;
      return ledgers.every((l) => l.frontier >= finalIndex && l.frontier === ref.frontier && l.entries.size === ref.entries.size);
    };
    while (performance.now() < deadline && !same()) await sleep(20);
    this.stats.convergeMs = Math.round(performance.now() - start);
    this.stats.appliedIndex = Math.max(...this.upNodes().map((n) => n.host.appliedIndex));
    if (!same()) {
      const where = this.upNodes()
        .map((n) => `${n.id}: applied ${n.host.appliedIndex}, ledger frontier ${n.ledger.frontier}`)
        .join('; ');
      this.history.violation('no-convergence', `nodes did not converge within ${deadlineMs} ms of healing: ${where}`);
    }
  }

  private async shutdown(): Promise<void> {
    this.clientsRunning = false;
    this.faulting = false;
    for (const n of this.nodes.values()) clearTimeout(n.restartTimer);
    for (const n of this.nodes.values()) {
      if (n.up) {
        n.up = false;
        await n.host.stop();
        n.endpoint.alive = false;
        await n.storage.close().catch(() => {});
      } else {
        await n.closed;
      }
    }
    this.net.close();
    this.history.checkSettledOnce();
    if (!this.o.keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function runHostSeed(o: HostSimOptions): Promise<HostSimResult> {
  return new HostSimulation(o).run();
}
