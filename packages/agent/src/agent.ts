// A worker agent: joins with a token, then keeps a session with the leader's dispatcher and
// runs what it is assigned through its runtime.
//
// Lifecycles: `join` enters a cluster (a worker token, a fresh data directory), `start`
// resumes from the data directory — adopting the tasks still running from before.

import { hostname as osHostname } from 'node:os';
import {
  CertRenewer,
  IdentityError,
  joinCluster,
  logModeRepairs,
  readTlsFiles,
  splitHostPort,
  writeTlsFiles,
  type ModeRepair,
  type TlsMaterial,
} from '@shoal/identity';
import { EndOfTurn, warmWireCodecs, type LogsRequest__Output, type TaskReport } from '@shoal/wire';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { AgentStatsWriter } from './agent-stats.js';
import { ensureFreshWorkerDir, lockWorkerDir, readWorkerConfig, secureWorkerDataDir, workerPaths, writeWorkerConfig, type WorkerConfig } from './data-dir.js';
import { readAssignments } from './assignments.js';
import { Executor } from './executor.js';
import { ProcessRuntime, createRuntime } from './runtime/index.js';
import type { Runtime, RuntimeName } from './runtime/runtime.js';
import { DispatcherSession } from './session.js';
import { RoutingMesh, type PublishFailure } from '@shoal/ingress';

export const AGENT_VERSION = '0.1.0';

/** How process tasks are kept from the agent (runtime/task-user.ts, runtime/work-dirs.ts). */
export interface ProcessTaskOptions {
  /** `--task-user`: who process tasks run as (a name, UID or UID:GID); default nobody when root. */
  readonly taskUser?: string;
  /** `--tasks-root`: where process tasks' working directories go. */
  readonly tasksRoot?: string;
}

export interface JoinWorkerOptions extends ProcessTaskOptions {
  readonly data: string;
  readonly remote: string;
  readonly token: string;
  readonly name?: string;
  readonly runtime?: RuntimeName;
  readonly labels?: Record<string, string>;
  /** Where this node's tasks are reachable; default 127.0.0.1:0 (host part only matters). */
  readonly listen?: string;
  readonly logger?: Logger;
}

export interface StartWorkerOptions extends ProcessTaskOptions {
  readonly data: string;
  readonly logger?: Logger;
}

/** How long the leader keeps a stopped agent's node up, waiting for it to restart. */
export const PLANNED_RESTART_GRACE_MS = 15_000;

function defaultLogger(nodeId: string): Logger {
  return pino({ level: process.env.SHOAL_LOG_LEVEL ?? 'info', base: { node: nodeId, role: 'worker' } }, pino.destination(2));
}

export class Agent {
  readonly nodeId: string;
  readonly clusterId: string;
  readonly stopped: Promise<string | undefined>;
  private resolveStopped!: (reason: string | undefined) => void;
  private readonly session: DispatcherSession;
  private readonly executor: Executor;
  /** Reports not sent yet (latest per task): sent together once per turn, or on reconnect. */
  private readonly outbox = new Map<string, TaskReport>();
  private readonly reportsSoon = new EndOfTurn(() => this.sendReports());
  private readonly logStreams = new Map<string, AbortController>();
  private stopping: Promise<void> | undefined;
  /** Publishes services' ports on this node's address (the routing mesh). */
  private readonly mesh: RoutingMesh;
  /** DATA/agent-stats.json: event-loop delay and memory, for benchmarks (agent-stats.ts). */
  private readonly stats: AgentStatsWriter;
  /** Renews this node's certificate before it expires (cert-renewal.ts in @shoal/identity). */
  private readonly certs: CertRenewer;

  private constructor(
    private cfg: WorkerConfig,
    private readonly dir: string,
    tls: TlsMaterial,
    private readonly runtime: Runtime,
    private readonly logger: Logger,
    private readonly unlock: () => void,
  ) {
    this.nodeId = cfg.nodeId;
    this.clusterId = cfg.clusterId;
    this.stopped = new Promise((r) => (this.resolveStopped = r));
    this.stats = new AgentStatsWriter(dir, undefined, (e) => logger.debug({ err: e.message }, 'could not write agent-stats.json'));
    this.executor = new Executor(runtime, (r) => this.queueReport(r), logger, splitHostPort(cfg.addr).host);
    // Ports the mesh cannot open show on the service (the leader records them on the node).
    this.mesh = new RoutingMesh(splitHostPort(cfg.addr).host, logger, (failures) => this.sendPublishStatus(failures));
    this.session = new DispatcherSession(
      tls,
      cfg.managers,
      {
        hello: () => {
          const cap = runtime.capacity();
          return {
            runtime: runtime.name,
            resources: { nanoCpus: String(cap.nanoCpus), memoryBytes: String(cap.memoryBytes) },
            hostname: osHostname(),
            addr: cfg.addr,
            tasks: this.executor.reports(),
            agentVersion: AGENT_VERSION,
          };
        },
        onConfig: (c) => {
          // Remember the managers the leader lists, to find the cluster again after a restart.
          if (c.managers.length > 0 && c.managers.join(',') !== this.cfg.managers.join(',')) {
            this.cfg = { ...this.cfg, managers: c.managers };
            writeWorkerConfig(this.dir, this.cfg);
          }
          // A CA rotation began or ended: trust what the cluster trusts, and renew if it began.
          if (c.caCertificates) {
            this.certs
              .follow(c.caCertificates)
              .catch((e: unknown) => this.logger.error({ err: (e as Error).message }, 'could not switch to the CAs the cluster trusts now'));
          }
        },
        onAssignments: (a) => this.executor.apply(readAssignments(a)),
        onLogsRequest: (r) => void this.serveLogs(r),
        onLogsCancel: (id) => this.logStreams.get(id)?.abort(),
        onRoutes: (t) => {
          const routes = t.routes.map((r) => ({
            published: r.published,
            serviceName: r.serviceName,
            backends: r.backends.map((b) => ({ host: b.host, port: b.port, taskId: b.taskId })),
          }));
          // The whole table when the session opens, then only the ports that changed.
          if (t.full) this.mesh.update(routes);
          else this.mesh.patch(routes, t.removed);
        },
        onConnected: (addr) => {
          this.logger.info({ manager: addr }, 'session open with the leader');
          // The Hello carried every task's state; what changed since goes now.
          const queued = [...this.outbox.values()];
          this.outbox.clear();
          if (queued.length > 0) this.session.send({ statuses: { reports: queued } });
          // Also when there are none: it clears what an earlier run of this agent reported.
          this.sendPublishStatus(this.mesh.failures());
        },
        onDisconnected: (reason) => this.logger.warn({ reason }, 'lost the session with the leader; tasks keep running'),
      },
      logger,
    );
    this.certs = new CertRenewer({
      kind: 'worker',
      initial: tls,
      // The manager of the open session leads (or did a moment ago): ask it first.
      managers: () => [...(this.session.connectedTo ? [this.session.connectedTo] : []), ...this.session.knownManagers],
      install: (next) => {
        writeTlsFiles(workerPaths(dir).tls, next);
        this.session.setTls(next);
      },
      logger,
    });
  }

  /** Without a session it is dropped: the next session opens with the current set. */
  private sendPublishStatus(failures: readonly PublishFailure[]): void {
    this.session.send({ publishStatus: { failures: failures.map((f) => ({ published: f.published, error: f.error })) } });
  }

  /**
   * Reports leave in one message per event-loop turn: a burst of task changes (40 tasks
   * starting) costs one gRPC write, not 40. Without a session they wait for the next one.
   */
  private queueReport(r: TaskReport): void {
    this.outbox.set(r.taskId ?? '', r);
    this.reportsSoon.request();
  }

  private sendReports(): void {
    if (this.outbox.size === 0 || !this.session.connected) return;
    const reports = [...this.outbox.values()];
    if (this.session.send({ statuses: { reports } })) this.outbox.clear();
  }

  private async serveLogs(r: LogsRequest__Output): Promise<void> {
    const abort = new AbortController();
    this.logStreams.set(r.requestId, abort);
    try {
      await Promise.all(
        r.taskIds.map(async (taskId) => {
          try {
            let batch: string[] = [];
            let stream: 'stdout' | 'stderr' = 'stdout';
            for await (const line of this.runtime.logs(taskId, { follow: r.follow, ...(r.tail > 0 ? { tail: r.tail } : {}), signal: abort.signal })) {
              if (line.stream !== stream && batch.length > 0) {
                this.session.send({ logs: { requestId: r.requestId, taskId, stream, lines: batch } });
                batch = [];
              }
              stream = line.stream;
              batch.push(line.line);
              if (batch.length >= 100) {
                this.session.send({ logs: { requestId: r.requestId, taskId, stream, lines: batch } });
                batch = [];
              }
            }
            if (batch.length > 0) this.session.send({ logs: { requestId: r.requestId, taskId, stream, lines: batch } });
          } catch (e) {
            if (!abort.signal.aborted) this.session.send({ logs: { requestId: r.requestId, taskId, error: (e as Error).message } });
          }
        }),
      );
    } finally {
      this.logStreams.delete(r.requestId);
      this.session.send({ logs: { requestId: r.requestId, end: true } });
    }
  }

  private async run(): Promise<void> {
    warmWireCodecs();
    this.stats.start();
    await this.executor.adopt();
    this.session.start();
    this.certs.start();
    this.logger.info({ runtime: this.runtime.name, managers: this.cfg.managers }, 'worker agent running');
  }

  /**
   * Stops the agent. Its tasks keep running; `shoal worker start` adopts them again. The leader
   * is told (a Goodbye), so it waits PLANNED_RESTART_GRACE_MS for this node to come back before
   * moving its tasks.
   */
  stop(reason?: string): Promise<void> {
    this.stopping ??= (async () => {
      for (const a of this.logStreams.values()) a.abort();
      await this.certs.stop();
      await this.session.stop({ reason: reason ?? 'asked to stop', backWithinMs: PLANNED_RESTART_GRACE_MS });
      this.mesh.close();
      this.executor.close();
      await this.runtime.close();
      await this.stats.stop();
      this.unlock();
      this.logger.info({ reason: reason ?? 'asked to stop' }, 'worker agent stopped');
      this.logger.flush();
      this.resolveStopped(reason);
    })();
    return this.stopping;
  }

  // ------------------------------------------------------------------ lifecycles

  static async join(o: JoinWorkerOptions): Promise<Agent> {
    const listen = o.listen ?? '127.0.0.1:0';
    splitHostPort(listen);
    ensureFreshWorkerDir(o.data);
    const repaired = secureWorkerDataDir(o.data);
    const unlock = lockWorkerDir(o.data);
    try {
      const runtimeName: RuntimeName = o.runtime ?? 'process';
      const name = o.name ?? osHostname();
      const preLogger = o.logger ?? pino({ level: 'warn' }, pino.destination(2));
      const runtime = await createRuntime(runtimeName, { nodeId: 'pending', dataDir: o.data, logger: preLogger, ...processTaskOptions(o) });
      const cap = runtime.capacity();
      await runtime.close();
      const { response, caPem, keyPem } = await joinCluster({
        remote: o.remote,
        token: o.token,
        name,
        hostname: osHostname(),
        addr: listen,
        role: 'worker',
        labels: o.labels ?? {},
        resources: cap,
      });
      if (response.role !== 'worker') {
        throw new IdentityError('TOKEN_REJECTED', 'that is a manager token: a worker joins with the worker token (`shoal join-token worker`)');
      }
      const tls = { caPem, certPem: response.certificate, keyPem };
      writeTlsFiles(workerPaths(o.data).tls, tls);
      const cfg: WorkerConfig = {
        format: 1,
        nodeId: response.nodeId,
        clusterId: response.clusterId,
        name,
        runtime: runtimeName,
        addr: listen,
        managers: response.managers.map((m) => m.addr),
        createdAt: new Date().toISOString(),
      };
      writeWorkerConfig(o.data, cfg);
      return await Agent.launch(cfg, o.data, tls, o.logger, unlock, repaired, o);
    } catch (e) {
      unlock();
      throw e;
    }
  }

  static async start(o: StartWorkerOptions): Promise<Agent> {
    const repaired = secureWorkerDataDir(o.data);
    const cfg = readWorkerConfig(o.data);
    const unlock = lockWorkerDir(o.data);
    try {
      const tls = readTlsFiles(workerPaths(o.data).tls);
      return await Agent.launch(cfg, o.data, tls, o.logger, unlock, repaired, o);
    } catch (e) {
      unlock();
      throw e;
    }
  }

  private static async launch(
    cfg: WorkerConfig,
    dir: string,
    tls: TlsMaterial,
    logger: Logger | undefined,
    unlock: () => void,
    repaired: readonly ModeRepair[],
    processTasks: ProcessTaskOptions,
  ): Promise<Agent> {
    const log = logger ?? defaultLogger(cfg.nodeId);
    logModeRepairs(log, repaired);
    const runtime = await createRuntime(cfg.runtime, { nodeId: cfg.nodeId, dataDir: dir, logger: log, ...processTaskOptions(processTasks) });
    if (runtime instanceof ProcessRuntime) {
      log.info(
        { taskUser: runtime.taskUser.name, uid: runtime.taskUser.uid, gid: runtime.taskUser.gid, tasksRoot: runtime.tasksRoot },
        'process tasks run as the task user, in the tasks root',
      );
      if (runtime.isolationWarning) log.warn(runtime.isolationWarning);
    }
    const agent = new Agent(cfg, dir, tls, runtime, log, unlock);
    await agent.run();
    return agent;
  }
}

/** The process-task options that were given (undefined ones left out, for exactOptionalPropertyTypes). */
function processTaskOptions(o: ProcessTaskOptions): ProcessTaskOptions {
  return { ...(o.taskUser !== undefined ? { taskUser: o.taskUser } : {}), ...(o.tasksRoot !== undefined ? { tasksRoot: o.tasksRoot } : {}) };
}
