// The leader-only controllers running together against a store whose "Raft" applies each
// proposal asynchronously (setImmediate), with fake agents and a fake heartbeat source: a
// 6-replica service converges over 3 nodes, a node that stops heartbeating is marked down and
// its tasks are replaced on the others; a new leader's controllers pick up from the store.

import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ManagerContext } from '../src/context.js';
import { startLeaderControllers, type HeartbeatSource, type LeaderControllers } from '../src/leader/duties.js';
import type { RaftHost } from '../src/raft-host.js';
import { TestCluster } from './test-cluster.js';

const HEARTBEAT_MS = 100;

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

async function until(what: string, ok: () => boolean, c: TestCluster, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${c.describe()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const running = (c: TestCluster, service: string): number => c.live(service).filter((t) => t.status.state === 'running').length;

describe('leader controllers', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
  });

  function start(c: TestCluster, workers: HeartbeatSource): { controllers: LeaderControllers; stats: { proposals: number; maxInFlight: number }; setLeader(v: boolean): void } {
    const { ctx, stats, setLeader } = fakeContext(c);
    const controllers = startLeaderControllers(ctx, workers);
    cleanup.push(() => controllers.stop());
    return { controllers, stats, setLeader };
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
    // One proposal at a time per controller (four controllers).
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
    first.controllers.stop();
    first.setLeader(false);
    const before = c.store.tasks().map((t) => `${t.id}@${t.version}`);

    // The new leader has heard no heartbeats yet (the sessions were with the old one).
    const quiet: HeartbeatSource = { lastSeen: () => undefined, connected: () => false, sessionOpenedAt: () => undefined, returningBy: () => undefined, heartbeatMs: () => HEARTBEAT_MS };
    const second = start(c, { ...quiet });
    await new Promise((r) => setTimeout(r, 500));
    expect(c.store.nodes().filter((n) => n.status.state === 'down')).toEqual([]);
    expect(c.store.tasks().map((t) => `${t.id}@${t.version}`)).toEqual(before);
    expect(second.stats.proposals).toBe(0);
  });

  it('stop() stops: nothing is proposed afterwards', async () => {
    const c = new TestCluster();
    c.addNode('w1');
    const workers = new FakeWorkers(c);
    cleanup.push(() => workers.close());
    const { controllers, stats } = start(c, workers);
    controllers.stop();
    const n = stats.proposals;
    c.createService('web', { replicas: 2 });
    await new Promise((r) => setTimeout(r, 100));
    expect(stats.proposals).toBe(n);
    expect(c.tasks('web')).toEqual([]);
  });
});
