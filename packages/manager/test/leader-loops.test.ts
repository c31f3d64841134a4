// The leader's duty loops running together against a store whose "Raft" applies each
// proposal asynchronously (setImmediate), with fake agents and a fake heartbeat source: a
// 6-replica service converges over 3 nodes, a node that stops heartbeating is marked down and
// its tasks are replaced on the others; a new leader's loops pick up from the store. Tests that
// check that nothing happens for a while move a manual clock instead of sleeping.

import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ManagerContext } from '../src/context.js';
import type { LoopClock } from '../src/leader/clock.js';
import { startLeaderDuties, type HeartbeatSource, type LeaderDuties } from '../src/leader/duties.js';
import type { ControlLoop } from '../src/leader/loop.js';
import { leaderGraceMs } from '../src/leader/node-health/node-health-plan.js';
import type { RaftHost } from '../src/raft-host.js';
import { TestCluster } from './test-cluster.js';

const HEARTBEAT_MS = 100;

/** A clock the test moves: the loops' timers fire only when it passes their time. */
class ManualClock implements LoopClock {
  private readonly timers = new Set<{ readonly atMs: number; readonly fn: () => void }>();

  constructor(private nowMs: number) {}

  now(): number {
    return this.nowMs;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { atMs: this.nowMs + ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Moves time on by `ms`, firing each timer due on the way at its own time, and lets what it started settle. */
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const end = this.nowMs + ms;
    for (;;) {
      let next: { atMs: number; fn: () => void } | undefined;
      for (const t of this.timers) if (t.atMs <= end && (!next || t.atMs < next.atMs)) next = t;
      if (!next) break;
      this.timers.delete(next);
      this.nowMs = Math.max(this.nowMs, next.atMs);
      next.fn();
      await settle();
    }
    this.nowMs = end;
    await settle();
  }
}

/** One turn of the event loop: coalesced plans and the fake Raft's applies run on these. */
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Turns the event loop until the loops have nothing left to plan or propose (no wall-clock wait). */
async function settle(loops: readonly ControlLoop[]): Promise<void> {
  for (let quiet = 0, turns = 0; quiet < 3; turns++) {
    if (turns > 10_000) throw new Error('the loops never settled');
    await turn();
    quiet = loops.every((l) => l.idle) ? quiet + 1 : 0;
  }
}

/** A Raft stand-in: proposals apply on a later turn of the event loop, in order. */
function fakeContext(c: TestCluster): { ctx: ManagerContext; stats: { proposals: number; maxInFlight: number }; setLeader(v: boolean): void } {
  const stats = { proposals: 0, maxInFlight: 0 };
  let inFlight = 0;
  let leader = true;
  const host = {
    get isLeader() {
      return leader;
    },
    isCurrentLeader() {
      return leader;
    },
    propose(data: Uint8Array): Promise<unknown> {
      if (!leader) return Promise.reject(Object.assign(new Error('not the leader'), { code: 'NOT_LEADER' }));
      stats.proposals++;
      stats.maxInFlight = Math.max(stats.maxInFlight, ++inFlight);
      return new Promise((resolve) =>
        setImmediate(() => {
          inFlight--;
          resolve(c.store.applyEntry(data, ++c.index));
        }),
      );
    },
  };
  const ctx: ManagerContext = {
    nodeId: 'mgr1',
    clusterId: 'cluster',
    store: c.store,
    host: host as unknown as RaftHost,
    logger: pino({ level: 'silent' }),
    reachable: () => true,
    addressOf: () => undefined,
  };
  return { ctx, stats, setLeader: (v) => (leader = v) };
}

/** Workers that heartbeat while alive, and run what they are given. */
class FakeWorkers implements HeartbeatSource {
  readonly silent = new Set<string>();
  private readonly stopWatch: () => void;
  private queued = false;

  constructor(private readonly c: TestCluster) {
    this.stopWatch = c.store.watch(() => {
      if (this.queued) return;
      this.queued = true;
      setImmediate(() => {
        this.queued = false;
        this.c.runAgents();
      });
    });
  }

  lastSeen(nodeId: string): number | undefined {
    return this.silent.has(nodeId) ? undefined : Date.now();
  }

  returningBy(): number | undefined {
    return undefined;
  }

  sessionOpenedAt(): number | undefined {
    return undefined;
  }

  connected(nodeId: string): boolean {
    return !this.silent.has(nodeId);
  }

  heartbeatMs(): number {
    return HEARTBEAT_MS;
  }

  close(): void {
    this.stopWatch();
  }
}

/** Waits until `ok()` holds: vitest's condition wait, with a deadline that prints the cluster. */
async function until(what: string, ok: () => boolean, c: TestCluster, timeout = 8_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!ok()) throw new Error(`timed out waiting for ${what}:\n${c.describe()}`);
    },
    { timeout, interval: 10 },
  );
}

const running = (c: TestCluster, service: string): number => c.live(service).filter((t) => t.status.state === 'running').length;

describe('leader duty loops', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
  });

  function start(
    c: TestCluster,
    workers: HeartbeatSource,
    clock?: LoopClock,
  ): { duties: LeaderDuties; loops: ControlLoop[]; stats: { proposals: number; maxInFlight: number }; setLeader(v: boolean): void } {
    const { ctx, stats, setLeader } = fakeContext(c);
    const duties = startLeaderDuties(ctx, workers, clock);
    cleanup.push(() => duties.stop());
    return { duties, loops: [duties.orchestrator, duties.scheduler, duties.nodeHealth, duties.reaper], stats, setLeader };
  }

  it('converge a 6-replica service over 3 nodes; a node that goes silent is marked down and its tasks move', async () => {
    const c = new TestCluster();
    for (const n of ['w1', 'w2', 'w3']) c.addNode(n);
    const workers = new FakeWorkers(c);
    cleanup.push(() => workers.close());
    const { stats } = start(c, workers);

    c.createService('web', { replicas: 6 });
    await until('6 running tasks, 2 per node', () => running(c, 'web') === 6, c);
    expect(c.spread('web')).toEqual({ w1: 2, w2: 2, w3: 2 });

    workers.silent.add(c.node('w3').id);
    await until('w3 down', () => c.node('w3').status.state === 'down', c);
    expect(c.node('w3').status.message).toMatch(/^disconnected; no heartbeat/);
    await until('6 running tasks on w1 and w2', () => running(c, 'web') === 6 && c.spread('web').w3 === undefined, c);
    expect(c.spread('web')).toEqual({ w1: 3, w2: 3 });
    const orphaned = c.tasks('web').filter((t) => t.status.state === 'orphaned');
    expect(orphaned).toHaveLength(2);
    expect(orphaned.every((t) => t.desiredState === 'shutdown' && t.status.message === 'node w3 is down')).toBe(true);
    // One proposal at a time per loop (four duties).
    expect(stats.maxInFlight).toBeLessThanOrEqual(4);

    // The node comes back: marked ready, and it takes the next new work.
    workers.silent.delete(c.node('w3').id);
    await until('w3 ready', () => c.node('w3').status.state === 'ready', c);
    c.updateService('web', { replicas: 7 });
    await until('7 running', () => running(c, 'web') === 7, c);
    expect(c.spread('web').w3).toBe(1);
  });

  it('a new leader starts from the store: no churn, and no node is marked down during its grace period', async () => {
    const c = new TestCluster();
    for (const n of ['w1', 'w2']) c.addNode(n);
    const workers = new FakeWorkers(c);
    cleanup.push(() => workers.close());
    const first = start(c, workers);
    c.createService('web', { replicas: 4 });
    await until('4 running', () => running(c, 'web') === 4, c);
    first.duties.stop();
    first.setLeader(false);
    const before = c.store.tasks().map((t) => `${t.id}@${t.version}`);

    // The new leader has heard no heartbeats yet (the sessions were with the old one).
    const quiet: HeartbeatSource = {
      lastSeen: () => undefined,
      connected: () => false,
      sessionOpenedAt: () => undefined,
      returningBy: () => undefined,
      heartbeatMs: () => HEARTBEAT_MS,
    };
    const clock = new ManualClock(Date.now());
    const second = start(c, { ...quiet }, clock);
    const settled = (): Promise<void> => settle(second.loops);
    // All through the grace period, every poll and wake-up included: nothing moves.
    const grace = leaderGraceMs(HEARTBEAT_MS);
    await clock.advance(grace - 1, settled);
    expect(c.store.nodes().filter((n) => n.status.state === 'down')).toEqual([]);
    expect(c.store.tasks().map((t) => `${t.id}@${t.version}`)).toEqual(before);
    expect(second.stats.proposals).toBe(0);

    // The same clock ends the grace: still silent and disconnected, both workers go down.
    await clock.advance(2 * HEARTBEAT_MS, settled);
    expect(['w1', 'w2'].map((n) => c.node(n).status.state)).toEqual(['down', 'down']);
  });

  it('stop() stops: nothing is proposed afterwards', async () => {
    const c = new TestCluster();
    c.addNode('w1');
    const workers = new FakeWorkers(c);
    cleanup.push(() => workers.close());
    const clock = new ManualClock(Date.now());
    const { duties, stats } = start(c, workers, clock);
    duties.stop();
    const n = stats.proposals;
    c.createService('web', { replicas: 2 });
    // Past every poll, retry and reaper interval a loop could have had pending.
    await clock.advance(60_000, async () => {
      for (let i = 0; i < 50; i++) await turn();
    });
    expect(stats.proposals).toBe(n);
    expect(c.tasks('web')).toEqual([]);
  });
});
