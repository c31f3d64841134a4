// The worker's session with the leader's dispatcher (proto/dispatcher.proto).
//
// It dials the managers it knows in turn; a follower answers NOT_LEADER with the leader's
// address and the session redials there at once. The leader tells it every manager when the
// session opens and again whenever the list changes; a manager that does not answer within
// CONNECT_TIMEOUT_MS is skipped for the next one. While connected it heartbeats at the period
// the leader sets. When the stream breaks — the manager died, the leader changed — it
// reconnects with capped backoff, and every reconnect starts with a Hello carrying what the
// agent runs now, so nothing reported while disconnected is lost. Tasks keep running meanwhile.
// An agent that cannot reach any manager it knows says so in its log, and in its next Hello.

import * as grpc from '@grpc/grpc-js';
import { TLS_CHANNEL_OPTIONS, channelCredentials, type TlsMaterial } from '@shoal/identity';
import {
  CLIENT_OPTIONS,
  dispatcherProto,
  type Assignments__Output,
  type DispatcherClient,
  type Heartbeat,
  type Hello,
  type LogsRequest__Output,
  type ManagerMessage__Output,
  type RoutingTable__Output,
  type WorkerMessage,
  readErrorCode,
  readLeaderAddr,
} from '@shoal/wire';
import type { Logger } from 'pino';

export interface SessionEvents {
  /** The Hello to open each session with (built fresh: it reports the tasks as they are now). */
  hello(): Hello;
  /** What the next heartbeat carries (task load, every few seconds); an empty one without it. */
  heartbeat?(): Heartbeat;
  /** The leader's config: when the session opens, and again whenever the manager list changes. */
  onConfig(c: { nodeId: string; heartbeatMs: number; managers: string[]; caCertificates: string }): void;
  onAssignments(a: Assignments__Output): void;
  onLogsRequest(r: LogsRequest__Output): void;
  onLogsCancel(requestId: string): void;
  onRoutes(t: RoutingTable__Output): void;
  onConnected(addr: string): void;
  onDisconnected(reason: string): void;
}

const BACKOFF_MIN_MS = 50;
const BACKOFF_MAX_MS = 2000;
const DEFAULT_HEARTBEAT_MS = 500;
/** A manager that has not opened the session by then (blackholed, overloaded) is skipped. */
const CONNECT_TIMEOUT_MS = 3000;
/** Without a session this long, and no known manager answering, the agent says so loudly. */
const LOST_AFTER_MS = 10_000;
/** ...and again this often while it lasts. */
const LOST_REPEAT_MS = 60_000;

export class DispatcherSession {
  private managers: string[];
  private preferred: string | undefined;
  private call: grpc.ClientDuplexStream<WorkerMessage, ManagerMessage__Output> | undefined;
  private client: DispatcherClient | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  connectedTo: string | undefined;
  /** Since when no session is open (Date.now() ms); undefined while connected. */
  private offlineSince: number | undefined = Date.now();
  /** The last error from each manager dialled since the last session (for the lost-cluster note). */
  private readonly failures = new Map<string, string>();
  private lostLoggedAt = 0;
  private removedLoggedAt = 0;

  constructor(
    private tls: TlsMaterial,
    managers: readonly string[],
    private readonly events: SessionEvents,
    private readonly logger: Logger,
  ) {
    if (managers.length === 0) throw new Error('a worker needs at least one manager address to dial');
    this.managers = [...managers];
  }

  /** The managers this agent knows now (the leader's latest list). */
  get knownManagers(): readonly string[] {
    return this.managers;
  }

  /**
   * Dials with `tls` from now on (a renewed certificate). The open session carries on with the
   * old one until it ends; every later session uses the new one.
   */
  setTls(tls: TlsMaterial): void {
    this.tls = tls;
  }

  get connected(): boolean {
    return this.connectedTo !== undefined;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Ends the session. With `goodbye` (a planned stop) the leader is told first, and the session
   * is closed from our side cleanly, so the goodbye arrives before the stream ends.
   */
  async stop(goodbye?: { reason: string; backWithinMs: number }): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const call = this.call;
    if (call && goodbye && this.connectedTo) {
      call.write({ goodbye });
      call.end();
      // The leader closes its side once it has read ours; do not wait long for a busy one.
      await Promise.race([this.loop, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    this.call?.end();
    this.call?.cancel();
    await this.loop;
    this.client?.close();
  }

  /** Sends a message if a session is up; otherwise drops it (the next Hello carries the state). */
  send(msg: WorkerMessage): boolean {
    if (!this.call || !this.connectedTo) return false;
    this.call.write(msg);
    return true;
  }

  private async run(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    let next = 0;
    while (!this.stopped) {
      const addr = this.preferred ?? this.managers[next++ % this.managers.length]!;
      this.preferred = undefined;
      const outcome = await this.connectOnce(addr);
      if (this.stopped) break;
      if (outcome.leader) {
        this.preferred = outcome.leader; // a follower told us where the leader is
        continue;
      }
      if (outcome.wasConnected) {
        backoff = BACKOFF_MIN_MS;
        this.failures.clear();
      } else {
        this.failures.set(addr, outcome.reason);
        this.noteIfLost();
      }
      this.logger.info({ manager: addr, reason: outcome.reason, retryInMs: backoff }, 'dispatcher session ended');
      await this.sleep(backoff);
      backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
    }
  }

  /**
   * Whether every manager this agent knows failed since the last session, for long: then the
   * cluster may have moved (its managers replaced) and only an operator can help.
   */
  private lostFor(): number | undefined {
    if (this.offlineSince === undefined) return undefined;
    const away = Date.now() - this.offlineSince;
    if (away < LOST_AFTER_MS || !this.managers.every((m) => this.failures.has(m))) return undefined;
    return away;
  }

  private noteIfLost(): void {
    const away = this.lostFor();
    if (away === undefined || Date.now() - this.lostLoggedAt < LOST_REPEAT_MS) return;
    this.lostLoggedAt = Date.now();
    this.logger.error(
      { managers: this.managers, errors: Object.fromEntries(this.failures), offlineMs: away },
      `cannot reach any of the ${this.managers.length} manager(s) this worker knows for ${Math.round(away / 1000)} s; its tasks keep running and it keeps trying. ` +
        'If those managers are gone for good, join this worker to the cluster again with a fresh token (`shoal worker join`).',
    );
  }

  /** For the next Hello: why this agent was away, when it was away for long. */
  private offlineNote(): string {
    if (this.offlineSince === undefined) return '';
    const away = Date.now() - this.offlineSince;
    if (away < LOST_AFTER_MS) return '';
    const tried = [...this.failures.keys()];
    const why =
      tried.length > 0
        ? `could not reach ${tried.length === 1 ? 'the manager' : 'any of the managers'} it knew (${tried.map((m) => `${m}: ${this.failures.get(m)}`).join('; ')})`
        : 'no manager answered';
    return `back after ${Math.round(away / 1000)} s without a session: ${why}`;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private connectOnce(addr: string): Promise<{ leader?: string; reason: string; wasConnected: boolean }> {
    return new Promise((resolve) => {
      this.client?.close();
      const Dispatcher = dispatcherProto().Dispatcher;
      const client = new Dispatcher(addr, channelCredentials(this.tls, 'manager'), {
        ...CLIENT_OPTIONS,
        ...TLS_CHANNEL_OPTIONS,
        // A manager that dies closes the connection, which is noticed at once; pings are for one
        // that is cut off. Their timeout is generous because a leader busy applying a large
        // deployment may answer a ping late, and a session dropped for that would make its
        // node look down (2 silent periods) and move healthy work.
        'grpc.keepalive_time_ms': 2000,
        'grpc.keepalive_timeout_ms': 4000,
      }) as unknown as DispatcherClient;
      this.client = client;
      const call = client.Session();
      this.call = call;
      let wasConnected = false;
      let settled = false;
      const finish = (r: { leader?: string; reason: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearInterval(this.heartbeatTimer);
        if (this.connectedTo) this.events.onDisconnected(r.reason);
        if (this.connectedTo) this.offlineSince = Date.now();
        this.connectedTo = undefined;
        this.call = undefined;
        resolve({ ...r, wasConnected });
      };
      // A manager that neither answers nor refuses (cut off, or too busy) must not hold us.
      const connectTimer = setTimeout(() => {
        finish({ reason: `no answer within ${CONNECT_TIMEOUT_MS} ms` });
        call.cancel();
      }, CONNECT_TIMEOUT_MS);
      call.on('data', (m: ManagerMessage__Output) => {
        if (m.config) {
          const heartbeatMs = m.config.heartbeatMs || DEFAULT_HEARTBEAT_MS;
          if (m.config.managers.length > 0) this.managers = [...m.config.managers];
          const opening = !wasConnected;
          if (opening || heartbeatMs !== this.heartbeatMs) {
            this.heartbeatMs = heartbeatMs;
            this.startHeartbeats();
          }
          if (opening) {
            wasConnected = true;
            clearTimeout(connectTimer);
            this.connectedTo = addr;
            this.offlineSince = undefined;
            this.failures.clear();
          }
          this.events.onConfig({
            nodeId: m.config.nodeId,
            heartbeatMs: this.heartbeatMs,
            managers: [...m.config.managers],
            caCertificates: m.config.caCertificates,
          });
          if (opening) this.events.onConnected(addr);
        } else if (m.assignments) {
          this.events.onAssignments(m.assignments);
        } else if (m.logs) {
          this.events.onLogsRequest(m.logs);
        } else if (m.cancelLogs) {
          this.events.onLogsCancel(m.cancelLogs.requestId);
        } else if (m.routes) {
          this.events.onRoutes(m.routes);
        }
      });
      call.on('error', (e: grpc.ServiceError) => {
        const code = readErrorCode(e);
        const leader = readLeaderAddr(e);
        if (code === 'NOT_LEADER' && leader && leader !== addr) finish({ leader, reason: `not the leader; redirected to ${leader}` });
        else finish({ reason: e.details || e.message });
        if (code === 'REMOVED' && Date.now() - this.removedLoggedAt >= LOST_REPEAT_MS) {
          // Retrying is harmless (every manager refuses the same way) and lets an operator's
          // mistake be undone only by a fresh join: say so plainly, not as "unreachable".
          this.removedLoggedAt = Date.now();
          this.logger.error(
            { manager: addr },
            `${e.details}. This worker's tasks keep running until you stop it; remove its data directory before joining it again.`,
          );
        }
      });
      call.on('end', () => finish({ reason: 'the manager ended the session' }));
      call.write({ hello: { ...this.events.hello(), offlineNote: this.offlineNote() } });
    });
  }

  private startHeartbeats(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => this.send({ heartbeat: this.events.heartbeat?.() ?? {} }), this.heartbeatMs);
  }
}
