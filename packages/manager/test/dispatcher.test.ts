// The dispatcher on its own: worker sessions as fake call objects (no sockets), a real
// ClusterStore, and a FakeConsensus that applies proposals to it. Waits are on conditions,
// turn by turn of the event loop, never on time.

import { EventEmitter } from 'node:events';
import { X509Certificate } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { assignedTaskToWire } from '@shoal/wire';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CertRole, type ClusterCA, createClusterCA, issueCredentials, serverCredentials } from '@shoal/identity';
import type { NodeId } from '@shoal/raft';
import type { Command, TaskObject } from '@shoal/store';
import type { ManagerMessage, TaskReport__Output, WorkerMessage__Output } from '@shoal/wire';
import type { ManagerContext } from '../src/context.js';
import { Dispatcher } from '../src/dispatcher.js';
import { FakeConsensus } from './fake-consensus.js';
import { TestCluster, idOf } from './test-cluster.js';

const MGR = idOf('mgr1');
const MGR_ADDR = 'mgr1.example:4242';
const FOLLOWER_ADDR = 'mgr2.example:4242';

let ca: ClusterCA;
/** Peer certificates by "role:nodeId", issued once (they take a while). */
const certs = new Map<string, X509Certificate>();

beforeAll(async () => {
  ca = await createClusterCA(idOf('cluster'));
  const serving = await issueCredentials(ca, { nodeId: MGR, role: 'manager', clusterId: idOf('cluster') });
  serverCredentials({ caPem: ca.certPem, certPem: serving.certPem, keyPem: serving.keyPem }); // trusts the CA for calls
});

async function authOf(role: CertRole, nodeId: NodeId): Promise<object> {
  const key = `${role}:${nodeId}`;
  let cert = certs.get(key);
  if (!cert) {
    cert = new X509Certificate((await issueCredentials(ca, { nodeId, role, clusterId: idOf('cluster') })).certPem);
    certs.set(key, cert);
  }
  return { sslPeerCertificate: { raw: cert.raw, valid_to: cert.validTo } };
}

/** A worker's session stream as the dispatcher sees it: what it writes, and how it ended. */
class FakeSession extends EventEmitter {
  readonly written: ManagerMessage[] = [];
  readonly errors: Partial<grpc.StatusObject>[] = [];
  ended = false;

  constructor(private readonly auth: object | undefined) {
    super();
    this.on('error', (e: Partial<grpc.StatusObject>) => this.errors.push(e));
  }

  getAuthContext(): object | undefined {
    return this.auth;
  }

  write(m: ManagerMessage): boolean {
    this.written.push(m);
    return true;
  }

  end(): void {
    this.ended = true;
  }

  /** A message from the agent. */
  send(m: Omit<WorkerMessage__Output, 'body'>): void {
    this.emit('data', m);
  }

  hello(tasks: TaskReport__Output[] = []): void {
    this.send({
      hello: { runtime: 'process', resources: null, hostname: '', addr: '', tasks, agentVersion: 'test', offlineNote: '' },
    });
  }

  report(...reports: TaskReport__Output[]): void {
    this.send({ statuses: { reports } });
  }

  /** The error code the session ended with (ManagerError's, in the metadata). */
  errorCode(): string | undefined {
    const e = this.errors[0];
    return e ? String(e.metadata?.get('shoal-error-code')[0]) : undefined;
  }

  assignments(): NonNullable<ManagerMessage['assignments']>[] {
    return this.written.flatMap((m) => (m.assignments ? [m.assignments] : []));
  }
}

function report(taskId: string, state: string): TaskReport__Output {
  return { taskId, state, message: '', error: '', hasExitCode: false, exitCode: 0, runtimeId: `rt-${taskId}`, health: '' };
}

/** Lets the event loop turn until `probe` holds; fails after `turns` turns (not after a time). */
async function until(what: string, probe: () => boolean, turns = 1000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (probe()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`${what}: still not so after ${turns} turns of the event loop`);
}

interface Rig {
  readonly c: TestCluster;
  readonly consensus: FakeConsensus;
  readonly dispatcher: Dispatcher;
  /** Opens a session as the given certificate (a worker of `name` by default). */
  session(name: string, o?: { role?: CertRole; nodeId?: NodeId; anonymous?: boolean }): Promise<FakeSession>;
  /** The tasks.apply commands proposed so far. */
  taskBatches(): Extract<Command, { type: 'tasks.apply' }>[];
  tasksOf(name: string): TaskObject[];
}

const dispatchers: Dispatcher[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const d of dispatchers.splice(0)) d.stop();
});

/** Workers w1, w2 with two tasks of "web" each (assigned, not started), and w3 with none (drained). */
function rig(): Rig {
  const c = new TestCluster();
  c.addNode('w1');
  c.addNode('w2');
  c.addNode('w3', { availability: 'drain' });
  c.createService('web', { replicas: 4 });
  c.converge({ agents: false });
  const addressOf = (id: NodeId): string | undefined => (id === MGR ? MGR_ADDR : id === idOf('mgr2') ? FOLLOWER_ADDR : undefined);
  // Proposals take the harness's next index: the test applies commands of its own too.
  const consensus = new FakeConsensus(c.store, MGR, { addressOf, nextIndex: () => ++c.index });
  const ctx: ManagerContext = {
    nodeId: MGR,
    clusterId: idOf('cluster'),
    store: c.store,
    host: consensus,
    logger: pino({ level: 'silent' }),
    reachable: () => true,
    addressOf,
  };
  const dispatcher = new Dispatcher(ctx, { heartbeatMs: () => 500, managers: () => [MGR_ADDR] });
  dispatcher.start();
  dispatchers.push(dispatcher);
  const handler = dispatcher.handlers().Session as unknown as (call: FakeSession) => void;
  return {
    c,
    consensus,
    dispatcher,
    session: async (name, o = {}) => {
      const s = new FakeSession(o.anonymous ? undefined : await authOf(o.role ?? 'worker', o.nodeId ?? idOf(name)));
      handler(s);
      return s;
    },
    taskBatches: () => consensus.proposed.filter((p): p is Extract<Command, { type: 'tasks.apply' }> => p.type === 'tasks.apply'),
    tasksOf: (name) => c.store.tasksOfNode(idOf(name)).slice(),
  };
}

describe('Dispatcher sessions', () => {
  it("a session opens with the config, its node's assignments (and no one else's), then gets changes to them", async () => {
    const r = rig();
    const mine = r.tasksOf('w1');
    expect(mine).toHaveLength(2);
    const s = await r.session('w1');
    s.hello();
    await until('the session opened', () => s.written.length >= 3);

    expect(s.errors).toEqual([]);
    expect(s.written[0]!.config).toEqual({ nodeId: idOf('w1'), heartbeatMs: 500, managers: [MGR_ADDR], caCertificates: 'cert\n' });
    const full = s.assignments()[0]!;
    expect(full.full).toBe(true);
    expect(full.assigned!.map((a) => a.taskId).sort()).toEqual(mine.map((t) => t.id).sort());
    expect(full.assigned!.every((a) => a.desiredState === 'running')).toBe(true);
    expect(full.assigned![0]!.task).toEqual(assignedTaskToWire(r.c.store.getTask(full.assigned![0]!.taskId!)!));
    expect(s.written[1]!.routes).toMatchObject({ full: true }); // routes before assignments
    expect(r.dispatcher.connected(idOf('w1'))).toBe(true);

    // The service shrinks: the orchestrator's shutdown of w1's tasks is pushed as a change.
    r.c.updateService('web', { replicas: 0 });
    r.c.orchestrate();
    await until('the change pushed', () => s.assignments().length >= 2);
    const change = s.assignments()[1]!;
    expect(change.full).toBe(false);
    expect(change.assigned!.map((a) => [a.taskId, a.desiredState]).sort()).toEqual(mine.map((t) => [t.id, 'shutdown']).sort());
    expect(change.removed).toEqual([]);
  });

  it('a task report is proposed as one tasks.apply and applied; reports arriving meanwhile go in the next one', async () => {
    const r = rig();
    const [t1, t2] = r.tasksOf('w1');
    const s = await r.session('w1');
    s.hello();
    await until('the session opened', () => s.written.length >= 3);
    const before = r.taskBatches().length;

    r.consensus.hold = true;
    s.report(report(t1!.id, 'running'));
    await until('the report proposed', () => r.taskBatches().length === before + 1);
    expect(r.c.store.getTask(t1!.id)!.status.state).toBe('assigned'); // proposed, not applied yet
    // While that proposal waits, another report comes in: it waits for the next turn.
    s.report(report(t2!.id, 'running'));
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(r.taskBatches()).toHaveLength(before + 1);

    r.consensus.release();
    await until('the first report applied', () => r.c.store.getTask(t1!.id)!.status.state === 'running');
    await until('the second report proposed', () => r.taskBatches().length === before + 2);
    r.consensus.release();
    await until('the second report applied', () => r.c.store.getTask(t2!.id)!.status.state === 'running');

    const [first, second] = r.taskBatches().slice(before);
    expect(first!.updates).toEqual([{ id: t1!.id, patch: { status: expect.objectContaining({ state: 'running', runtimeId: `rt-${t1!.id}` }) } }]);
    expect(second!.updates.map((u) => u.id)).toEqual([t2!.id]);
    expect(r.c.store.getTask(t1!.id)!.status.runtimeId).toBe(`rt-${t1!.id}`);
  });

  it("ignores a stale report for a task that already ended, and reports on another node's tasks", async () => {
    const r = rig();
    const [ended, live] = r.tasksOf('w1');
    const [others] = r.tasksOf('w2');
    r.c.report(ended!, { state: 'failed', error: 'exit 1' });
    const s = await r.session('w1');
    s.hello();
    await until('the session opened', () => s.written.length >= 3);
    const before = r.taskBatches().length;

    // All three land in the same batch: once the live task's report is applied, the others were judged.
    s.report(report(ended!.id, 'running'), report(others!.id, 'running'), report(live!.id, 'running'));
    await until("the live task's report applied", () => r.c.store.getTask(live!.id)!.status.state === 'running');

    expect(
      r
        .taskBatches()
        .slice(before)
        .flatMap((b) => b.updates.map((u) => u.id)),
    ).toEqual([live!.id]);
    expect(r.c.store.getTask(ended!.id)!.status).toMatchObject({ state: 'failed', error: 'exit 1' });
    expect(r.c.store.getTask(others!.id)!.status.state).toBe('assigned');
  });

  it("any message is a sign of life: heartbeats move the node's last-seen time", async () => {
    // Only the clock is fake (certificates are checked against it: keep it near now).
    const T = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T);
    const r = rig();
    const s = await r.session('w1');
    s.hello();
    await until('the session opened', () => s.written.length >= 3);
    expect(r.dispatcher.lastSeen(idOf('w1'))).toBe(T);
    expect(r.dispatcher.sessionOpenedAt(idOf('w1'))).toBe(T);

    vi.setSystemTime(T + 1500);
    s.send({ heartbeat: {} });
    expect(r.dispatcher.lastSeen(idOf('w1'))).toBe(T + 1500);
    expect(r.dispatcher.sessionOpenedAt(idOf('w1'))).toBe(T);
    expect(r.dispatcher.lastSeen(idOf('w2'))).toBeUndefined();
  });

  it('ends the session of a node removed from the cluster, and refuses its next one with REMOVED', async () => {
    const r = rig();
    const s = await r.session('w3');
    s.hello();
    await until('the session opened', () => s.written.length >= 3);

    r.c.apply({ type: 'node.remove', at: r.c.at, id: idOf('w3') });
    await until('the session ended', () => s.errors.length > 0);
    expect(s.errorCode()).toBe('REMOVED');
    expect(s.errors[0]!.details).toMatch(/^node w3 \(w3a+\) was removed from this cluster; to bring it back, join it again with a worker token$/);
    expect(r.dispatcher.connected(idOf('w3'))).toBe(false);

    const again = await r.session('w3');
    expect(again.errorCode()).toBe('REMOVED');
  });

  it('refuses an unknown node, a certificate of another role, no certificate, and serves no sessions as a follower', async () => {
    const r = rig();
    const ghost = await r.session('ghost');
    expect(ghost.errorCode()).toBe('PERMISSION_DENIED');
    expect(ghost.errors[0]!.details).toMatch(/is not a node of this cluster \(yet\)/);

    const manager = await r.session('mgr1', { role: 'manager' });
    expect(manager.errorCode()).toBe('PERMISSION_DENIED');
    expect(manager.errors[0]!.details).toMatch(/^manager "mgr1a+" may not make this call: it is for worker certificates only$/);

    const anonymous = await r.session('w1', { anonymous: true });
    expect(anonymous.errorCode()).toBe('UNAUTHENTICATED');

    r.consensus.setLeader(idOf('mgr2'));
    const onFollower = await r.session('w1');
    expect(onFollower.errorCode()).toBe('NOT_LEADER');
    expect(onFollower.errors[0]!.metadata?.get('shoal-leader-addr')).toEqual([FOLLOWER_ADDR]);

    r.consensus.setLeader('');
    expect((await r.session('w1')).errorCode()).toBe('NO_QUORUM');
    for (const s of [ghost, manager, anonymous, onFollower]) expect(s.written).toEqual([]);
    expect(r.dispatcher.connected(idOf('w1'))).toBe(false);
  });

  it('ends every session when leadership moves away', async () => {
    const r = rig();
    const s = await r.session('w1');
    s.hello();
    await until('the session opened', () => s.written.length >= 3);
    r.consensus.setLeader(idOf('mgr2'));
    r.dispatcher.leadershipChanged(false);
    expect(s.errorCode()).toBe('NOT_LEADER');
    expect(s.errors[0]!.metadata?.get('shoal-leader-addr')).toEqual([FOLLOWER_ADDR]);
    expect(r.dispatcher.connected(idOf('w1'))).toBe(false);
  });
});

describe('Dispatcher routing tables', () => {
  /** The rig, with addresses on w1 and w2 and "api" (8080) and "shop" (9090) running on them. */
  function routed(): Rig {
    const r = rig();
    r.c.updateNode('w1', { addr: '127.0.0.11:4000' });
    r.c.updateNode('w2', { addr: '127.0.0.12:4000' });
    r.c.createService('api', { replicas: 2, ports: [{ published: 8080 }] });
    r.c.createService('shop', { replicas: 2, ports: [{ published: 9090 }] });
    r.c.converge();
    return r;
  }

  const tables = (s: FakeSession): NonNullable<ManagerMessage['routes']>[] => s.written.flatMap((m) => (m.routes ? [m.routes] : []));

  it('a session gets the whole table, then only the routes of the service that changed', async () => {
    const r = routed();
    const s = await r.session('w1');
    s.hello();
    await until('the session opened', () => tables(s).length >= 1);
    const full = tables(s)[0]!;
    expect(full.full).toBe(true);
    expect(full.routes!.map((x) => [x.published, x.backends!.length])).toEqual([
      [8080, 2],
      [9090, 2],
    ]);

    r.c.updateService('shop', { replicas: 3 });
    r.c.converge();
    await until('a patch pushed', () => tables(s).length >= 2);
    await until('the new task running in the patch', () => tables(s).at(-1)!.routes![0]?.backends?.length === 3);
    for (const patch of tables(s).slice(1)) {
      expect(patch.full).toBe(false);
      expect(patch.routes!.map((x) => x.published)).toEqual([9090]); // api's route is not resent
      expect(patch.removed).toEqual([]);
    }

    const before = tables(s).length;
    r.c.removeService('shop');
    await until('the removal pushed', () => tables(s).length > before);
    expect(tables(s).at(-1)).toEqual({ full: false, routes: [], removed: [9090] });
  });

  it('a task leaves the routes before its node is told to stop it', async () => {
    const r = routed();
    const s1 = await r.session('w1');
    const s2 = await r.session('w2');
    s1.hello();
    s2.hello();
    await until('both sessions opened', () => tables(s1).length >= 1 && tables(s2).length >= 1);
    r.c.updateService('api', { replicas: 0 });
    r.c.orchestrate(); // both api tasks desired shutdown, still running
    for (const s of [s1, s2]) {
      const at = (pred: (m: ManagerMessage) => boolean): number => s.written.findIndex(pred);
      await until('the stop pushed', () => at((m) => !!m.assignments?.assigned?.some((a) => a.desiredState === 'shutdown')) >= 0);
      const stop = at((m) => !!m.assignments?.assigned?.some((a) => a.desiredState === 'shutdown'));
      const routes = at((m) => !!m.routes && !m.routes.full && m.routes.routes!.some((x) => x.published === 8080 && x.backends!.length === 0));
      expect(routes).toBeGreaterThanOrEqual(0);
      expect(routes).toBeLessThan(stop);
    }
  });

  it('a worker whose session reopens gets the whole table as it is now', async () => {
    const r = routed();
    const s = await r.session('w1');
    s.hello();
    await until('the session opened', () => tables(s).length >= 1);
    s.emit('end');
    await until('the session closed', () => !r.dispatcher.connected(idOf('w1')));
    r.c.removeService('shop'); // missed while away
    r.c.updateService('api', { replicas: 3 });
    r.c.converge();
    const again = await r.session('w1');
    again.hello();
    await until('the session reopened', () => tables(again).length >= 1);
    const full = tables(again)[0]!;
    expect(full.full).toBe(true);
    expect(full.routes!.map((x) => [x.published, x.backends!.length])).toEqual([[8080, 3]]);
  });
});
