// The dispatcher (proto/dispatcher.proto): the leader's side of every worker's session.
//
// - Sessions: only the leader serves them; a follower answers NOT_LEADER with the leader's
//   address. The worker's certificate names its node; it may only report on its own tasks.
// - Heartbeats stay in memory (as in Swarm), not in Raft: the node-health loop reads them here.
//   Any message from an agent is a sign of life, not only its heartbeats.
// - Managers: every session is told the current manager list when it opens and again whenever
//   it changes (a manager joins, is promoted, demoted, removed or moves), as SwarmKit's session
//   messages do, so an agent that joined through the first manager can fail over to any.
// - Assignments: on connect the worker gets the full set of tasks assigned to it; after that,
//   every change to one of its tasks in the store is pushed to it.
// - Reports: observed task states from all workers are batched into one `tasks.apply`
//   proposal per turn, skipping what the store already says.
// - Logs: `service logs` asks the workers holding the tasks over their sessions and relays.
// - Routes (route-table.ts): the whole routing table when a session opens, then only the ports
//   that changed, to every session. Route changes go out before the assignments of the same
//   turn, so a task leaves every node's rotation before its node is told to stop it.
// Tasks go to agents as the store's JSON (objects are kept with sorted keys), so an agent runs
// exactly what the leader committed.

import { TaskLoadBoard } from './task-load.js';
import * as grpc from '@grpc/grpc-js';
import { requireRole } from '@shoal/identity';
import type { NodeId } from '@shoal/raft';
import {
  MAX_TASK_ERROR,
  MAX_TASK_MESSAGE,
  isFinalState,
  randomId,
  type NodeEvent,
  type NodeObject,
  type StoreEvent,
  type TaskObject,
  type TaskStatus,
} from '@shoal/store';
import {
  EndOfTurn,
  assignedTaskToWire,
  type DispatcherHandlers,
  type LogChunk__Output,
  type ManagerMessage,
  type TaskReport__Output,
  type WorkerMessage__Output,
} from '@shoal/wire';
import { nowIso, proposeCommand, type ManagerContext } from './context.js';
import { ManagerError, asManagerError } from './errors.js';
import { standingOf } from './caller-standing.js';
import { trustBundle } from './ca-rotation.js';
import { readyStatus } from './leader/node-health/node-health-plan.js';
import { recordPublishStatus } from './publish-status.js';
import { RouteTable, type PublishedRoute } from './route-table.js';

type Call = grpc.ServerDuplexStream<WorkerMessage__Output, ManagerMessage>;

interface Session {
  readonly id: string;
  readonly nodeId: NodeId;
  readonly call: Call;
  /** Task ids this worker was told about (so removals can be pushed). */
  readonly known: Set<string>;
  /** Tasks changed in the store since the last push. */
  readonly dirty: Set<string>;
  /** Pushes what became dirty, once per turn. */
  readonly push: EndOfTurn;
}

export interface LogSink {
  line(taskId: string, stream: string, lines: readonly string[]): void;
  error(taskId: string, message: string): void;
  end(): void;
}

/** However long an agent asks for, its node is marked down after this long away. */
const MAX_RETURN_GRACE_MS = 60_000;
/** An agent's note on its time away is clipped to this (it ends up in the node's status). */
const MAX_OFFLINE_NOTE = 500;
const REPORTABLE = new Set(['preparing', 'starting', 'running', 'complete', 'failed', 'shutdown', 'rejected']);

export class Dispatcher {
  /** Each running task's load, from heartbeats (the autoscaler reads it). */
  readonly taskLoad = new TaskLoadBoard();
  private readonly sessions = new Map<NodeId, Session>();
  private readonly seen = new Map<NodeId, number>();
  /** When each node's current session opened (Date.now() ms). */
  private readonly opened = new Map<NodeId, number>();
  /** Nodes whose agent said goodbye (a planned restart): until when they may stay away. */
  private readonly returning = new Map<NodeId, number>();
  /** Latest unreported status per task, with the node that reported it. */
  private readonly pending = new Map<string, { nodeId: NodeId; report: TaskReport__Output }>();
  private flushing = false;
  private unwatch: (() => void) | undefined;
  private readonly logRequests = new Map<string, { sink: LogSink; nodes: Set<NodeId> }>();
  /** The routing table last pushed, to push only changes. */
  private readonly routeTable: RouteTable;
  private readonly routesSoon = new EndOfTurn(() => this.pushRoutes());
  /** The manager list last pushed (joined), to push only changes. */
  private managersKey = '';
  private readonly managersSoon = new EndOfTurn(() => this.pushManagers());
  private readonly flushSoon = new EndOfTurn(() => void this.flush());

  constructor(
    private readonly ctx: ManagerContext,
    private readonly o: { heartbeatMs: () => number; managers: () => string[] },
  ) {
    this.routeTable = new RouteTable(ctx.store);
  }

  // ------------------------------------------------------------------ heartbeat facts (node health)

  lastSeen(nodeId: NodeId): number | undefined {
    return this.seen.get(nodeId);
  }

  connected(nodeId: NodeId): boolean {
    return this.sessions.has(nodeId);
  }

  /** When the node's open session started (Date.now() ms), if it has one. */
  sessionOpenedAt(nodeId: NodeId): number | undefined {
    return this.sessions.has(nodeId) ? this.opened.get(nodeId) : undefined;
  }

  /** Until when a node whose agent stopped on purpose may be away (Date.now() ms), if it did. */
  returningBy(nodeId: NodeId): number | undefined {
    return this.returning.get(nodeId);
  }

  heartbeatMs(): number {
    return this.o.heartbeatMs();
  }

  // ------------------------------------------------------------------ lifecycle

  start(): void {
    this.unwatch = this.ctx.store.watch((e) => this.onStoreEvent(e));
  }

  /** Ends every session (on step-down or shutdown): workers redial the new leader. */
  stop(): void {
    this.unwatch?.();
    for (const s of this.sessions.values()) this.endSession(s, new ManagerError('NOT_LEADER', 'this manager stopped leading', this.leaderAddr()));
    this.sessions.clear();
    this.pending.clear();
  }

  /** Ends sessions when leadership moves away, so workers find the new leader at once. */
  leadershipChanged(isLeader: boolean): void {
    if (isLeader) {
      // A fresh grace period: nobody is "down" before they had time to reconnect to us.
      this.seen.clear();
      this.opened.clear();
      this.returning.clear();
      return;
    }
    for (const s of [...this.sessions.values()]) this.endSession(s, new ManagerError('NOT_LEADER', 'leadership moved to another manager', this.leaderAddr()));
    this.sessions.clear();
  }

  private leaderAddr(): string | undefined {
    const l = this.ctx.host.leaderId;
    return l ? this.ctx.addressOf(l) : undefined;
  }

  private endSession(s: Session, err: ManagerError): void {
    try {
      s.call.emit('error', err.toServiceError());
    } catch {
      /* already gone */
    }
  }

  // ------------------------------------------------------------------ sessions

  handlers(): DispatcherHandlers {
    return { Session: (call) => this.onSession(call as Call) };
  }

  private onSession(call: Call): void {
    let nodeId: NodeId;
    try {
      nodeId = requireRole(call, ['worker']).nodeId;
      if (!this.ctx.host.isLeader) {
        const addr = this.leaderAddr();
        throw addr
          ? new ManagerError('NOT_LEADER', `worker sessions are served by the leader at ${addr}`, addr)
          : new ManagerError('NO_QUORUM', 'no leader is elected right now; retry shortly');
      }
      const standing = standingOf(this.ctx.store, { nodeId, role: 'worker', clusterId: this.ctx.clusterId });
      if (!standing.ok)
        throw new ManagerError(standing.removed ? 'REMOVED' : 'PERMISSION_DENIED', `${standing.reason}; to bring it back, join it again with a worker token`);
    } catch (e) {
      call.emit('error', asManagerError(e).toServiceError());
      return;
    }
    const session: Session = { id: randomId(12), nodeId, call, known: new Set(), dirty: new Set(), push: new EndOfTurn(() => this.pushDirty(session)) };
    let opened = false;
    call.on('data', (m: WorkerMessage__Output) => {
      this.seen.set(nodeId, Date.now());
      if (m.hello) {
        if (opened) return;
        opened = true;
        void this.open(session, m.hello);
      } else if (m.statuses) {
        for (const r of m.statuses.reports) this.queueReport(nodeId, r);
      } else if (m.logs) {
        this.onLogChunk(nodeId, m.logs);
      } else if (m.publishStatus) {
        if (opened) recordPublishStatus(this.ctx, nodeId, m.publishStatus);
      } else if (m.goodbye) {
        const awayMs = Math.min(m.goodbye.backWithinMs, MAX_RETURN_GRACE_MS);
        this.returning.set(nodeId, Date.now() + awayMs);
        this.ctx.logger.info({ nodeId, reason: m.goodbye.reason, awayMs }, 'worker agent is stopping; its tasks keep running while it restarts');
      }
    });
    const close = (): void => {
      if (this.sessions.get(nodeId) === session) {
        this.sessions.delete(nodeId);
        this.ctx.logger.info({ nodeId, session: session.id }, 'worker session closed');
      }
      for (const [id, r] of this.logRequests) {
        if (r.nodes.delete(nodeId)) {
          r.sink.error('', `node ${nodeId} went away`);
          if (r.nodes.size === 0) this.finishLogs(id);
        }
      }
    };
    call.on('end', () => {
      close();
      call.end();
    });
    call.on('error', close);
    call.on('cancelled', close);
  }

  private async open(s: Session, hello: NonNullable<WorkerMessage__Output['hello']>): Promise<void> {
    // Sessions already open get any pending route change first: the new one starts from the table they then hold.
    this.pushRoutes();
    const previous = this.sessions.get(s.nodeId);
    if (previous && previous !== s) this.endSession(previous, new ManagerError('FAILED_PRECONDITION', 'a newer session of this node replaced this one'));
    this.sessions.set(s.nodeId, s);
    this.opened.set(s.nodeId, Date.now());
    this.returning.delete(s.nodeId);
    const offlineNote = hello.offlineNote.slice(0, MAX_OFFLINE_NOTE);
    this.ctx.logger.info(
      { nodeId: s.nodeId, session: s.id, runtime: hello.runtime, tasks: hello.tasks.length, ...(offlineNote ? { offlineNote } : {}) },
      'worker session opened',
    );
    s.call.write({ config: this.sessionConfig(s.nodeId) });
    // Routes before assignments: a task its node must stop is out of rotation already.
    s.call.write({ routes: fullTable(this.routeTable.full()) });
    this.pushAll(s);
    for (const r of hello.tasks) this.queueReport(s.nodeId, r);
    // Record what the agent says about the node (resources, runtime) and that it is up.
    const node = this.ctx.store.getNode(s.nodeId);
    if (!node) return;
    const resources = { nanoCpus: Number(hello.resources?.nanoCpus ?? 0), memoryBytes: Number(hello.resources?.memoryBytes ?? 0) };
    const runtime = (['process', 'docker', 'simulated'].includes(hello.runtime) ? hello.runtime : '') as NodeObject['runtime'];
    const changed =
      node.status.state !== 'ready' ||
      node.status.message !== offlineNote ||
      node.resources.nanoCpus !== resources.nanoCpus ||
      node.resources.memoryBytes !== resources.memoryBytes ||
      node.runtime !== runtime ||
      (hello.hostname && node.hostname !== hello.hostname) ||
      (hello.addr && node.addr !== hello.addr);
    if (!changed) return;
    try {
      await proposeCommand(this.ctx, {
        type: 'node.update',
        at: nowIso(),
        id: s.nodeId,
        patch: {
          // What the agent says about its time away (it could not find any manager) stays
          // readable in `node inspect` until its next session; a node back from down gets the
          // flap back-off.
          status: readyStatus(node, Date.now(), this.o.heartbeatMs(), offlineNote),
          resources,
          runtime,
          ...(hello.hostname ? { hostname: hello.hostname } : {}),
          ...(hello.addr ? { addr: hello.addr } : {}),
        },
      });
    } catch (e) {
      this.ctx.logger.warn({ nodeId: s.nodeId, err: (e as Error).message }, 'could not record the node as ready');
    }
  }

  // ------------------------------------------------------------------ manager list

  /** The config a session gets; remembers the list it carries, to push only changes. */
  private sessionConfig(nodeId: NodeId): { nodeId: string; heartbeatMs: number; managers: string[]; caCertificates: string } {
    const config = { nodeId, heartbeatMs: this.o.heartbeatMs(), managers: this.o.managers(), caCertificates: this.trustedCas() };
    this.managersKey = configKey(config);
    return config;
  }

  /** The CAs workers must trust (both during a CA rotation: see ca-rotation.ts). */
  private trustedCas(): string {
    try {
      return trustBundle(this.ctx.store.cluster());
    } catch {
      return ''; // no cluster object yet
    }
  }

  /** Pushes the manager list (and heartbeat period, and trusted CAs) to every session if any changed. */
  private queueManagers(): void {
    if (this.sessions.size > 0) this.managersSoon.request();
  }

  private pushManagers(): void {
    const probe = { heartbeatMs: this.o.heartbeatMs(), managers: this.o.managers(), caCertificates: this.trustedCas() };
    if (configKey(probe) === this.managersKey) return;
    this.ctx.logger.info({ managers: probe.managers, sessions: this.sessions.size }, 'telling workers the new manager list');
    for (const s of this.sessions.values()) s.call.write({ config: this.sessionConfig(s.nodeId) });
  }

  // ------------------------------------------------------------------ assignments

  /**
   * What a node must know about: every task the store still holds for it — those to run, those
   * to stop, and ended ones, whose output the agent keeps for `service logs` until the reaper
   * removes them. (An ended task still desired "running" waits for the orchestrator's restart
   * decision; the agent never runs a task whose status is final.)
   */
  private relevant(t: TaskObject): boolean {
    return t.nodeId !== '';
  }

  private pushAll(s: Session): void {
    const tasks = this.ctx.store.tasksOfNode(s.nodeId).filter((t) => this.relevant(t));
    s.known.clear();
    for (const t of tasks) s.known.add(t.id);
    s.call.write({
      assignments: {
        full: true,
        assigned: tasks.map((t) => ({ taskId: t.id, desiredState: t.desiredState, task: assignedTaskToWire(t) })),
        removed: [],
      },
    });
  }

  private onStoreEvent(e: StoreEvent): void {
    if (e.kind === 'restore') {
      this.routeTable.sync();
      const table = fullTable(this.routeTable.full());
      for (const s of this.sessions.values()) {
        s.call.write({ routes: table });
        this.pushAll(s);
      }
      this.queueManagers();
      return;
    }
    if (e.kind === 'node' && changesManagerList(e)) this.queueManagers();
    if (e.kind === 'node' && e.action === 'remove') {
      // `node rm --force` of a live worker: its session ends now, and it cannot open another.
      const s = this.sessions.get(e.object.id);
      if (s)
        this.endSession(
          s,
          new ManagerError(
            'REMOVED',
            `node ${e.object.name} (${e.object.id}) was removed from this cluster; to bring it back, join it again with a worker token`,
          ),
        );
    }
    if (e.kind === 'cluster') this.queueManagers(); // the heartbeat period may have changed
    if (e.kind === 'service' || e.kind === 'node') this.queueRoutes();
    if (e.kind !== 'task') return;
    this.queueRoutes();
    const nodes = new Set<string>();
    if (e.object?.nodeId) nodes.add(e.object.nodeId);
    if (e.previous?.nodeId) nodes.add(e.previous.nodeId);
    for (const n of nodes) {
      const s = this.sessions.get(n);
      if (!s) continue;
      s.dirty.add((e.object ?? e.previous)!.id);
      s.push.request();
    }
  }

  private pushDirty(s: Session): void {
    if (this.sessions.get(s.nodeId) !== s) return;
    // Every task event queues a route push before this one, but a store event applied between
    // the two runs would leave it behind: route changes must not reach workers after the
    // assignment that stops a task.
    if (this.routesSoon.pending) this.pushRoutes();
    const assigned = [];
    const removed = [];
    for (const id of s.dirty) {
      const t = this.ctx.store.getTask(id);
      if (t && t.nodeId === s.nodeId && this.relevant(t)) {
        // Only desired-state changes and new tasks matter to the agent; its own status
        // reports coming back need no echo.
        assigned.push({ taskId: t.id, desiredState: t.desiredState, task: assignedTaskToWire(t) });
        s.known.add(id);
      } else if (s.known.delete(id) || !t) {
        removed.push(id);
      }
    }
    s.dirty.clear();
    if (assigned.length > 0 || removed.length > 0) s.call.write({ assignments: { full: false, assigned, removed } });
  }

  // ------------------------------------------------------------------ routing mesh

  private queueRoutes(): void {
    if (this.sessions.size > 0) this.routesSoon.request();
  }

  /** Sends every session the routes that changed since the last push (nothing if none did). */
  private pushRoutes(): void {
    const patch = this.routeTable.sync();
    if (!patch) return;
    const routes = { full: false, routes: patch.changed, removed: patch.removed };
    for (const s of this.sessions.values()) s.call.write({ routes });
  }

  // ------------------------------------------------------------------ reports

  private queueReport(nodeId: NodeId, r: TaskReport__Output): void {
    if (!r.taskId || !REPORTABLE.has(r.state)) return;
    this.pending.set(r.taskId, { nodeId, report: r });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.flushing) this.flushSoon.request();
  }

  /** One proposal for every report gathered since the last one. */
  private async flush(): Promise<void> {
    if (this.pending.size === 0 || !this.ctx.host.isLeader) {
      this.pending.clear();
      return;
    }
    this.flushing = true;
    const at = nowIso();
    const updates = [];
    for (const [taskId, { nodeId, report }] of this.pending) {
      const t = this.ctx.store.getTask(taskId);
      if (!t || t.nodeId !== nodeId) continue; // not this worker's task (or gone)
      if (t.status.state === 'orphaned' || (isFinalState(t.status.state) && t.status.state !== report.state)) continue; // settled already
      const status = statusOf(report, at);
      if (sameStatus(t.status, status)) continue;
      updates.push({ id: taskId, patch: { status } });
    }
    this.pending.clear();
    const started = performance.now();
    try {
      if (updates.length > 0) {
        await proposeCommand(this.ctx, { type: 'tasks.apply', at, creates: [], updates, removes: [] });
        this.ctx.logger.debug({ reports: updates.length, commitMs: Math.round(performance.now() - started) }, 'recorded task reports');
      }
    } catch (e) {
      const err = asManagerError(e);
      if (!['NOT_LEADER', 'NO_QUORUM', 'STOPPED'].includes(err.code)) this.ctx.logger.warn({ err: err.message }, 'could not record task reports');
    } finally {
      this.flushing = false;
      if (this.pending.size > 0) this.scheduleFlush();
    }
  }

  // ------------------------------------------------------------------ logs

  /** Asks the workers holding `tasks` for their output; returns a cancel function. */
  requestLogs(tasks: readonly TaskObject[], o: { follow: boolean; tail: number }, sink: LogSink): () => void {
    const requestId = randomId(16);
    const byNode = new Map<NodeId, string[]>();
    for (const t of tasks) {
      if (!t.nodeId) continue;
      const list = byNode.get(t.nodeId) ?? [];
      list.push(t.id);
      byNode.set(t.nodeId, list);
    }
    const nodes = new Set<NodeId>();
    for (const [nodeId, ids] of byNode) {
      const s = this.sessions.get(nodeId);
      if (!s) {
        sink.error('', `node ${this.ctx.store.getNode(nodeId)?.name ?? nodeId} is not connected; its tasks' logs are unavailable`);
        continue;
      }
      nodes.add(nodeId);
      s.call.write({ logs: { requestId, taskIds: ids, follow: o.follow, tail: o.tail } });
    }
    this.logRequests.set(requestId, { sink, nodes });
    if (nodes.size === 0) this.finishLogs(requestId);
    return () => {
      const r = this.logRequests.get(requestId);
      if (!r) return;
      for (const n of r.nodes) this.sessions.get(n)?.call.write({ cancelLogs: { requestId } });
      this.logRequests.delete(requestId);
    };
  }

  private onLogChunk(nodeId: NodeId, c: LogChunk__Output): void {
    const r = this.logRequests.get(c.requestId);
    if (!r) return;
    if (c.error) r.sink.error(c.taskId, c.error);
    if (c.lines.length > 0) r.sink.line(c.taskId, c.stream, c.lines);
    if (c.end) {
      r.nodes.delete(nodeId);
      if (r.nodes.size === 0) this.finishLogs(c.requestId);
    }
  }

  private finishLogs(requestId: string): void {
    const r = this.logRequests.get(requestId);
    this.logRequests.delete(requestId);
    r?.sink.end();
  }
}

/** A manager node appearing, going, or changing its role, address or Raft role. */
function changesManagerList(e: NodeEvent): boolean {
  if (e.action !== 'update') return e.object.role === 'manager';
  if (e.object.role !== 'manager' && e.previous.role !== 'manager') return false;
  return e.object.role !== e.previous.role || e.object.addr !== e.previous.addr || e.object.raftRole !== e.previous.raftRole;
}

/** What a session config says about where and how often to talk (order of managers aside). */
function configKey(c: { heartbeatMs: number; managers: readonly string[]; caCertificates: string }): string {
  return `${c.heartbeatMs}|${[...c.managers].sort().join(',')}|${c.caCertificates}`;
}

function fullTable(routes: PublishedRoute[]): { full: true; routes: PublishedRoute[]; removed: number[] } {
  return { full: true, routes, removed: [] };
}

function statusOf(r: TaskReport__Output, at: string): TaskStatus {
  return {
    state: r.state as TaskStatus['state'],
    // A worker's words are bounded in the store; clip rather than lose the whole batch.
    message: r.message.slice(0, MAX_TASK_MESSAGE),
    error: r.error.slice(0, MAX_TASK_ERROR),
    exitCode: r.hasExitCode ? r.exitCode : null,
    at,
    runtimeId: r.runtimeId,
    healthy: r.health === 'healthy' ? true : r.health === 'unhealthy' ? false : null,
  };
}

function sameStatus(a: TaskStatus, b: TaskStatus): boolean {
  return (
    a.state === b.state && a.message === b.message && a.error === b.error && a.exitCode === b.exitCode && a.runtimeId === b.runtimeId && a.healthy === b.healthy
  );
}
