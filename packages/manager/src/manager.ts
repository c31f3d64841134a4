// A manager process: the Raft host over the LevelDB Raft database, the peer transport, the
// control and join services on one gRPC port, /metrics, and the leader-only controllers.
//
// Lifecycles: `init` founds a cluster, `join` enters one with a token, `start` resumes from the
// data directory, `forceNewCluster` recovers a cluster that lost its quorum from one survivor.

import type { Server as HttpServer } from 'node:http';
import { hostname as osHostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import {
  ConfChangeType,
  LevelStorage,
  bootstrap,
  decodeConfChange,
  EntryType,
  type ConfChange,
  type NodeId,
} from '@shoal/raft';
import { ClusterStore, DEFAULT_CLUSTER_SETTINGS, newId, type ClusterObject, type NodeObject, type NodePatch, type StoreEvent } from '@shoal/store';
import { SERVER_OPTIONS, controlProto, dispatcherProto, raftProto, warmWireCodecs } from '@shoal/wire';
import type { Logger } from 'pino';
import { createClusterCA, issueCredentials } from './ca.js';
import type { ManagerContext } from './context.js';
import { decodeConfChangeContext } from './conf-change-context.js';
import { controlHandlers } from './control-api.js';
import { startLeaderControllers } from './controllers/index.js';
import { LearnerPromoter } from './controllers/learner-promoter.js';
import { Dispatcher } from './dispatcher.js';
import { pipelineHandler } from './pipeline.js';
import { serviceHandlers } from './service-api.js';
import {
  ADMIN_FILES,
  dataPaths,
  ensureFreshDataDir,
  readNodeConfig,
  readTlsFiles,
  writeNodeConfig,
  writeTlsFiles,
  type NodeConfig,
  type TlsFiles,
} from './data-dir.js';
import { ManagerError } from './errors.js';
import { serverCredentials } from './identity.js';
import { joinCluster } from './join-client.js';
import { joinHandlers } from './join-service.js';
import { createLogger } from './logger.js';
import { ManagerMetrics, splitHostPort } from './metrics.js';
import { DEFAULT_TIMINGS, RaftHost, type PeerStanding, type RaftTimings, type StateMachine } from './raft-host.js';
import { newTokenSecret } from './tokens.js';
import { PeerTransport } from './transport.js';

export interface CommonOptions {
  readonly data: string;
  /** /metrics address; "" for none; default: the listen port + 1000. */
  readonly metrics?: string;
  readonly logger?: Logger;
  readonly timings?: Partial<RaftTimings>;
}

export interface InitOptions extends CommonOptions {
  readonly listen: string;
  readonly name?: string;
  /** How often workers heartbeat (default 500 ms); a few missed periods make a node down. */
  readonly nodeHeartbeatMs?: number;
  /** Ended tasks kept per slot (default 5, 0..100); older ones are removed with their containers and logs. */
  readonly taskHistoryLimit?: number;
}

export interface JoinOptions extends CommonOptions {
  readonly listen: string;
  readonly remote: string;
  readonly token: string;
  readonly name?: string;
}

export interface StartOptions extends CommonOptions {
  /** Serve on another address than the one recorded. */
  readonly listen?: string;
}

export interface ManagerHandle {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly listen: string;
  readonly isLeader: boolean;
  /** Resolves when the manager stops, with why if it stopped on its own. */
  readonly stopped: Promise<string | undefined>;
  stop(o?: { transferLeadership?: boolean }): Promise<void>;
}

/** How long each step of a manager's shutdown may take before it is abandoned. */
const SHUTDOWN_STEP_MS = 2000;

function defaultMetricsAddr(listen: string): string {
  const { host, port } = splitHostPort(listen);
  return port + 1000 <= 65535 ? `${host}:${port + 1000}` : '';
}

function timingsFrom(settings: ClusterObject['settings'] | undefined, override?: Partial<RaftTimings>): RaftTimings {
  return {
    ...DEFAULT_TIMINGS,
    ...(settings
      ? {
          tickMs: settings.tickMs,
          heartbeatTicks: settings.heartbeatTicks,
          electionTicks: settings.electionTicks,
          snapshotEvery: settings.snapshotEvery,
        }
      : {}),
    ...override,
  };
}

/** The store as the Raft host's state machine; membership changes update managers' raftRole. */
export function storeStateMachine(store: ClusterStore): StateMachine {
  return {
    applyEntry: (data, index) => store.applyEntry(data, index),
    applyConfChange: (cc: ConfChange, index: number) => {
      if (!store.getNode(cc.nodeId)) return;
      const { at, demote } = decodeConfChangeContext(cc.context);
      const raftRole: NodePatch['raftRole'] = cc.type === ConfChangeType.AddVoter ? 'voter' : cc.type === ConfChangeType.AddLearner ? 'learner' : null;
      // A demotion leaves Raft and becomes a worker in this one entry (see ConfChangeContext.demote).
      const patch: NodePatch =
        cc.type === ConfChangeType.RemoveNode && demote
          ? { raftRole: null, role: 'worker', status: { state: 'down', message: 'demoted: its manager left the Raft group' } }
          : { raftRole };
      store.apply({ type: 'node.update', at, id: cc.nodeId, patch }, index);
    },
    snapshot: () => store.snapshot(),
    restore: (data) => store.replaceWith(ClusterStore.restore(data)),
  };
}

export class Manager implements ManagerHandle {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly listen: string;
  readonly stopped: Promise<string | undefined>;
  private resolveStopped!: (reason: string | undefined) => void;
  private readonly store = new ClusterStore();
  private readonly host: RaftHost;
  private readonly transport: PeerTransport;
  private readonly server = new grpc.Server({
    ...SERVER_OPTIONS,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 500,
    // The server pings too: a worker whose agent hangs with its connection open (stopped,
    // swapped out) loses its session, which the node monitor counts as evidence; silence
    // alone on an open session never takes most workers down (orchestration/node-monitor.ts).
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 10_000,
  });
  private readonly metrics: ManagerMetrics;
  private metricsServer: HttpServer | undefined;
  private readonly logger: Logger;
  private readonly promoter: LearnerPromoter;
  private readonly dispatcher: Dispatcher;
  /** Orchestrator, scheduler, node monitor, reaper: running while we lead. */
  private leaderControllers: { stop(): void } | undefined;
  private readonly ctx: ManagerContext;
  /** Peers known before the store knows them (a joining manager's first minutes). */
  private readonly initialPeers: Map<NodeId, string>;
  private wasMember = false;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly cfg: NodeConfig,
    private readonly tls: TlsFiles,
    private readonly storage: LevelStorage,
    o: { logger: Logger; timings: RaftTimings; initialPeers?: Map<NodeId, string> },
  ) {
    this.nodeId = cfg.nodeId;
    this.clusterId = cfg.clusterId;
    this.listen = cfg.listen;
    this.logger = o.logger;
    this.initialPeers = o.initialPeers ?? new Map();
    this.stopped = new Promise((r) => (this.resolveStopped = r));
    this.metrics = new ManagerMetrics(cfg.nodeId);
    this.transport = new PeerTransport({
      selfId: cfg.nodeId,
      tls,
      logger: this.logger,
      incarnation: storage.incarnation,
      events: {
        onMessage: (m) => this.host.step(m),
        onUnreachable: (p) => this.host.reportUnreachable(p),
        onSnapshotStatus: (p, ok) => this.host.reportSnapshot(p, ok),
      },
    });
    this.host = new RaftHost({
      id: cfg.nodeId,
      storage,
      stateMachine: storeStateMachine(this.store),
      transport: this.transport,
      timings: o.timings,
      logger: this.logger,
      metrics: this.metrics,
      addressOf: (id) => this.addressOf(id),
      standing: (id) => this.standingOf(id),
    });
    this.ctx = {
      nodeId: cfg.nodeId,
      clusterId: cfg.clusterId,
      store: this.store,
      host: this.host,
      logger: this.logger,
      reachable: (id) => this.transport.reachable(id),
      addressOf: (id) => this.addressOf(id),
    };
    this.promoter = new LearnerPromoter(this.ctx);
    this.dispatcher = new Dispatcher(this.ctx, {
      heartbeatMs: () => {
        try {
          return this.store.cluster().settings.nodeHeartbeatMs;
        } catch {
          return 500; // a joining manager's empty store
        }
      },
      managers: () => [this.listen, ...this.peers().values()],
    });
  }

  get isLeader(): boolean {
    return this.host.isLeader;
  }

  private addressOf(id: NodeId): string | undefined {
    if (id === this.nodeId) return this.listen;
    return this.store.getNode(id)?.addr || this.initialPeers.get(id);
  }

  /**
   * What the store says of a Raft message's sender outside the membership (RaftHost.admits): a
   * manager whose node object exists is a member or joining, unless it was dropped from the
   * Raft group (marked down without a Raft role: --force-new-cluster, LearnerPromoter).
   */
  private standingOf(id: NodeId): PeerStanding {
    const n = this.store.getNode(id);
    if (!n) return 'unknown';
    if (n.role !== 'manager') return 'not-a-manager';
    return n.raftRole === undefined && n.status.state === 'down' ? 'not-a-manager' : 'manager';
  }

  /** Managers to keep links to: the Raft membership, addressed through the store. */
  private peers(): Map<NodeId, string> {
    const conf = this.host.confState();
    const peers = new Map<NodeId, string>();
    for (const id of [...conf.voters, ...conf.learners]) {
      const addr = this.addressOf(id);
      if (addr && id !== this.nodeId) peers.set(id, addr);
    }
    // A manager's node object exists before its conf change commits: link to it early.
    for (const n of this.store.nodes()) if (n.role === 'manager' && n.addr && n.id !== this.nodeId && n.raftRole) peers.set(n.id, n.addr);
    if (conf.voters.length === 0) for (const [id, addr] of this.initialPeers) peers.set(id, addr);
    return peers;
  }

  private refreshPeers(): void {
    const peers = this.peers();
    this.transport.setPeers(peers);
    for (const id of peers.keys()) this.metrics.peerReachable.set({ peer: id }, this.transport.reachable(id) ? 1 : 0);
  }

  private async run(o: { campaign: boolean }): Promise<void> {
    warmWireCodecs();
    const raft = raftProto();
    const control = controlProto();
    this.server.addService(raft.RaftTransport.service, this.transport.handlers());
    const controlCalls = { ...controlHandlers(this.ctx), ...serviceHandlers(this.ctx, this.dispatcher) };
    this.server.addService(control.Control.service, { ...controlCalls, Pipeline: pipelineHandler(control.Control.service, controlCalls, this.logger) });
    this.server.addService(dispatcherProto().Dispatcher.service, this.dispatcher.handlers());
    this.server.addService(
      control.Join.service,
      joinHandlers(this.ctx, {
        timings: () => timingsFrom(this.store.cluster().settings),
        managers: () => {
          const m = this.peers();
          m.set(this.nodeId, this.listen);
          return m;
        },
        incarnation: this.storage.incarnation,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      this.server.bindAsync(this.listen, serverCredentials(this.tls), (err) =>
        err
          ? reject(new ManagerError('FAILED_PRECONDITION', `cannot serve on ${this.listen}: ${err.message} (is the port in use or the address not on this host?)`))
          : resolve(),
      );
    });
    if (this.cfg.metrics) {
      try {
        this.metricsServer = await this.metrics.serve(this.cfg.metrics);
      } catch (e) {
        this.logger.warn({ err: (e as Error).message }, 'metrics not served');
      }
    }
    this.host.on('applied', () => this.onApplied());
    this.host.on('leader', (leader) => {
      const leading = leader === this.nodeId;
      this.dispatcher.leadershipChanged(leading);
      if (leading) {
        this.promoter.run();
        this.leaderControllers ??= startLeaderControllers(this.ctx, this.dispatcher);
      } else {
        this.promoter.stop();
        this.leaderControllers?.stop();
        this.leaderControllers = undefined;
      }
      this.onApplied(); // a removed leader that just stepped down now stops
    });
    this.host.on('fatal', (e: Error) => void this.shutdown(`stopped: ${e.message}`));
    // Peers change only with a manager's node object (or a restore); coalesce bursts of changes.
    let refreshQueued = false;
    this.store.watch((e) => {
      if (refreshQueued || !movesPeerLinks(e)) return;
      refreshQueued = true;
      setImmediate(() => {
        refreshQueued = false;
        this.refreshPeers();
      });
    });
    this.refreshPeers();
    const peerGauge = setInterval(() => this.refreshPeers(), 1000);
    peerGauge.unref();
    void this.stopped.then(() => clearInterval(peerGauge));
    this.dispatcher.start();
    this.host.start({ campaign: o.campaign });
    this.logger.info({ listen: this.listen, metrics: this.cfg.metrics || null, cluster: this.clusterId }, 'manager serving');
  }

  private onApplied(): void {
    const conf = this.host.confState();
    const member = conf.voters.includes(this.nodeId) || conf.learners.includes(this.nodeId);
    if (member) this.wasMember = true;
    else if (this.wasMember && !this.host.isLeader) {
      // (A removed leader first tells the others the change committed, then steps down.)
      void this.shutdown('this manager was removed from the Raft group (demoted or removed); it has stopped');
    }
  }

  /** Stops serving. With transferLeadership, a leader first hands over (no election timeout for the rest). */
  async stop(o: { transferLeadership?: boolean } = {}): Promise<void> {
    if (o.transferLeadership && this.host.isLeader) {
      const ok = await this.host.transferLeadership();
      this.logger.info({ ok }, ok ? 'leadership handed over' : 'no caught-up manager to hand leadership to');
    }
    await this.shutdown(undefined);
  }

  /**
   * Every step is bounded (SHUTDOWN_STEP_MS): a peer or client that never lets go, or a disk that
   * never answers, must not keep a stopping manager up. A step that runs out is logged and left.
   */
  private shutdown(reason: string | undefined): Promise<void> {
    this.stopping ??= (async () => {
      this.promoter.stop();
      this.leaderControllers?.stop();
      this.dispatcher.stop();
      await this.boundedStep('finish the calls in progress', new Promise<void>((resolve) => this.server.tryShutdown(() => resolve())));
      this.server.forceShutdown();
      this.transport.close();
      await this.boundedStep('stop the Raft loop', this.host.stop());
      await this.boundedStep('close the Raft database', this.storage.close());
      const metrics = this.metricsServer;
      if (metrics) {
        metrics.closeAllConnections();
        await this.boundedStep('close the metrics server', new Promise<void>((resolve) => metrics.close(() => resolve())));
      }
      this.logger.info({ reason: reason ?? 'asked to stop' }, 'manager stopped');
      this.logger.flush();
      this.resolveStopped(reason);
    })();
    return this.stopping;
  }

  private async boundedStep(what: string, step: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      step.then(
        () => 'done' as const,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      ),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), SHUTDOWN_STEP_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.logger.warn({ step: what, waitedMs: SHUTDOWN_STEP_MS }, 'a shutdown step did not finish in time; stopping without it');
    else if (outcome !== 'done') this.logger.warn({ step: what, err: outcome }, 'a shutdown step failed; stopping anyway');
  }

  // ------------------------------------------------------------------ lifecycles

  /** Founds a cluster: CA, tokens, this node as its first manager and leader. */
  static async init(o: InitOptions): Promise<{ manager: Manager; tokens: { worker: string; manager: string }; adminDir: string }> {
    splitHostPort(o.listen);
    ensureFreshDataDir(o.data);
    const paths = dataPaths(o.data);
    const clusterId = newId();
    const nodeId = newId();
    const at = new Date().toISOString();
    const ca = await createClusterCA(clusterId);
    const nodeCreds = await issueCredentials(ca, { nodeId, role: 'manager', clusterId });
    const adminCreds = await issueCredentials(ca, { nodeId: 'admin', role: 'admin', clusterId });
    const timings = timingsFrom(undefined, o.timings);
    const cluster: ClusterObject = {
      id: clusterId,
      name: 'default',
      version: 1,
      createdAt: at,
      tokens: { worker: newTokenSecret(), manager: newTokenSecret() },
      ca,
      settings: {
        ...DEFAULT_CLUSTER_SETTINGS,
        tickMs: timings.tickMs,
        heartbeatTicks: timings.heartbeatTicks,
        electionTicks: timings.electionTicks,
        snapshotEvery: timings.snapshotEvery,
        ...(o.nodeHeartbeatMs !== undefined ? { nodeHeartbeatMs: o.nodeHeartbeatMs } : {}),
        ...(o.taskHistoryLimit !== undefined ? { taskHistoryLimit: o.taskHistoryLimit } : {}),
      },
    };
    const name = o.name ?? osHostname();
    const node: NodeObject = {
      id: nodeId,
      name,
      hostname: osHostname(),
      role: 'manager',
      availability: 'active',
      status: { state: 'ready', message: '' },
      addr: o.listen,
      labels: {},
      resources: { nanoCpus: 0, memoryBytes: 0 },
      raftRole: 'voter',
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    // Checked before anything is written: bad settings leave the directory as it was.
    const initial = ClusterStore.initial(cluster, node);
    const tls = { caPem: ca.certPem, certPem: nodeCreds.certPem, keyPem: nodeCreds.keyPem };
    writeTlsFiles(paths.tls, tls);
    writeTlsFiles(paths.admin, { caPem: ca.certPem, certPem: adminCreds.certPem, keyPem: adminCreds.keyPem }, ADMIN_FILES);
    const storage = await LevelStorage.open(paths.raft);
    await bootstrap(storage, [nodeId], initial);
    const cfg: NodeConfig = {
      format: 1,
      nodeId,
      clusterId,
      name,
      role: 'manager',
      listen: o.listen,
      metrics: o.metrics ?? defaultMetricsAddr(o.listen),
      createdAt: at,
    };
    writeNodeConfig(o.data, cfg);
    const manager = await Manager.launch(cfg, tls, storage, o, { campaign: true });
    const { formatJoinToken } = await import('./tokens.js');
    const { caDigest } = await import('./ca.js');
    const digest = caDigest(ca.certPem);
    return {
      manager,
      tokens: { worker: formatJoinToken(digest, cluster.tokens.worker), manager: formatJoinToken(digest, cluster.tokens.manager) },
      adminDir: paths.admin,
    };
  }

  /** Joins an existing cluster with a manager token. */
  static async join(o: JoinOptions): Promise<Manager> {
    splitHostPort(o.listen);
    ensureFreshDataDir(o.data);
    const name = o.name ?? osHostname();
    const { response, caPem, keyPem } = await joinCluster({ remote: o.remote, token: o.token, name, hostname: osHostname(), addr: o.listen, role: 'manager' });
    if (response.role !== 'manager') {
      throw new ManagerError('TOKEN_REJECTED', 'that is a worker token: a manager needs the manager token (`shoal join-token manager`)');
    }
    const paths = dataPaths(o.data);
    const tls = { caPem, certPem: response.certificate, keyPem };
    writeTlsFiles(paths.tls, tls);
    const cfg: NodeConfig = {
      format: 1,
      nodeId: response.nodeId,
      clusterId: response.clusterId,
      name,
      role: 'manager',
      listen: o.listen,
      metrics: o.metrics ?? defaultMetricsAddr(o.listen),
      createdAt: new Date().toISOString(),
    };
    const storage = await LevelStorage.open(paths.raft);
    try {
      // The cluster may have been recovered with --force-new-cluster: take on its incarnation, or
      // its managers drop our messages (docs/raft.md, "Who may send Raft messages").
      if (response.incarnation) await storage.setIncarnation(response.incarnation);
    } catch (e) {
      await storage.close();
      throw new ManagerError('INTERNAL', `the cluster answered the join with an unusable incarnation id: ${(e as Error).message}; ${o.remote} may run an incompatible shoal version`);
    }
    writeNodeConfig(o.data, cfg);
    const r = response.raft;
    const timings = timingsFrom(undefined, {
      ...(r ? { tickMs: r.tickMs, heartbeatTicks: r.heartbeatTicks, electionTicks: r.electionTicks, snapshotEvery: r.snapshotEvery } : {}),
      ...o.timings,
    });
    const initialPeers = new Map(response.managers.map((m) => [m.id, m.addr] as [NodeId, string]));
    return Manager.launch(cfg, tls, storage, { ...o, timings }, { campaign: false, initialPeers });
  }

  /** Resumes from the data directory. */
  static async start(o: StartOptions): Promise<Manager> {
    let cfg = readNodeConfig(o.data);
    if (o.listen && o.listen !== cfg.listen) cfg = { ...cfg, listen: o.listen };
    if (o.metrics !== undefined) cfg = { ...cfg, metrics: o.metrics };
    const tls = readTlsFiles(dataPaths(o.data).tls);
    const storage = await LevelStorage.open(dataPaths(o.data).raft);
    return Manager.launch(cfg, tls, storage, o, { campaign: false });
  }

  /**
   * Recovers from a lost quorum (as Swarm's --force-new-cluster): this manager's state —
   * every entry in its log — becomes a new single-manager cluster; the other managers are
   * dropped from the Raft membership (their node objects stay, marked down).
   */
  static async forceNewCluster(o: StartOptions): Promise<Manager> {
    const cfg0 = readNodeConfig(o.data);
    const cfg = { ...cfg0, ...(o.listen ? { listen: o.listen } : {}), ...(o.metrics !== undefined ? { metrics: o.metrics } : {}) };
    const tls = readTlsFiles(dataPaths(o.data).tls);
    const storage = await LevelStorage.open(dataPaths(o.data).raft);
    try {
      const snap = storage.snapshot();
      const store = snap.meta.index > 0 ? ClusterStore.restore(snap.data) : new ClusterStore();
      const last = storage.lastIndex();
      if (last >= storage.firstIndex()) {
        for (const e of storage.entries(storage.firstIndex(), last + 1)) {
          if (e.index <= store.appliedIndex) continue;
          if (e.type === EntryType.Normal && e.data.byteLength > 0) store.applyEntry(e.data, e.index);
          else if (e.type === EntryType.ConfChange) storeStateMachine(store).applyConfChange(decodeConfChange(e.data), e.index);
        }
      }
      const hs = storage.initialState().hardState;
      // The other managers are out of the group from here on; say so in their node objects now
      // (LearnerPromoter would once we lead), so nothing takes their Raft messages for a joining
      // manager's (RaftHost.admits).
      let index = Math.max(last, snap.meta.index);
      const at = new Date().toISOString();
      const leftOut = store.nodes().filter((n) => n.role === 'manager' && n.id !== cfg.nodeId && n.raftRole !== undefined);
      for (const n of leftOut) {
        store.apply(
          {
            type: 'node.update',
            at,
            id: n.id,
            patch: { raftRole: null, status: { state: 'down', message: 'left out of the Raft group by --force-new-cluster: remove its data directory and join it again' } },
          },
          ++index,
        );
      }
      // A fresh snapshot past everything, with us as the only voter. Nobody else shares this
      // history from here on, so its index and term need not match any old entry.
      index = Math.max(index, Math.max(last, snap.meta.index) + 1);
      const term = Math.max(hs.term, snap.meta.term) + 1;
      // A new incarnation: managers left over from the old one (partitioned, not dead) can no
      // longer reach this history, however high their term (the transport drops them). Written
      // before the snapshot: a crash in between leaves a manager no old peer can disturb, and
      // running --force-new-cluster again finishes the job.
      await storage.setIncarnation(newId());
      await storage.save({
        snapshot: { meta: { index, term, conf: { voters: [cfg.nodeId], learners: [] } }, data: store.snapshot() },
        hardState: { term, vote: '', commit: index },
      });
    } catch (e) {
      await storage.close();
      throw e;
    }
    writeNodeConfig(o.data, cfg);
    return Manager.launch(cfg, tls, storage, o, { campaign: true });
  }

  private static async launch(
    cfg: NodeConfig,
    tls: TlsFiles,
    storage: LevelStorage,
    o: CommonOptions,
    r: { campaign: boolean; initialPeers?: Map<NodeId, string> },
  ): Promise<Manager> {
    const logger = o.logger ?? createLogger({ nodeId: cfg.nodeId });
    let settings: ClusterObject['settings'] | undefined;
    const snap = storage.snapshot();
    if (snap.meta.index > 0) {
      try {
        settings = ClusterStore.restore(snap.data).cluster().settings;
      } catch {
        /* a joining manager's empty store; defaults until the snapshot arrives */
      }
    }
    const timings = timingsFrom(settings, o.timings);
    const m = new Manager(cfg, tls, storage, { logger, timings, ...(r.initialPeers ? { initialPeers: r.initialPeers } : {}) });
    try {
      await m.run({ campaign: r.campaign });
    } catch (e) {
      await m.shutdown(undefined);
      throw e;
    }
    return m;
  }
}

/**
 * Whether a store change can change the manager links (see Manager.peers): a restore, or a
 * manager's node appearing, going, or changing its address or Raft role. Label and status
 * updates, the bulk of node writes, cannot.
 */
function movesPeerLinks(e: StoreEvent): boolean {
  if (e.kind === 'restore') return true;
  if (e.kind !== 'node') return false;
  const isManager = (n: NodeObject | undefined): boolean => n?.role === 'manager';
  if (e.action !== 'update') return isManager(e.object);
  return (
    (isManager(e.object) || isManager(e.previous)) &&
    (e.object.role !== e.previous.role || e.object.addr !== e.previous.addr || e.object.raftRole !== e.previous.raftRole)
  );
}
