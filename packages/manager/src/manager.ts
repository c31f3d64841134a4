// A manager process: the Raft host over the LevelDB Raft database, the peer transport, the
// control and join services on one gRPC port, /metrics, and the leader-only controllers.
//
// Lifecycles (lifecycle/): `init` founds a cluster, `join` enters one with a token, `start`
// resumes from the data directory, `forceNewCluster` recovers a cluster that lost its quorum
// from one survivor. Each prepares the data directory, identity and Raft storage and hands
// that ReadyState to `launch`, which runs the manager.

import type { Server as HttpServer } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import {
  CertRenewer,
  logModeRepairs,
  readCertificate,
  readCertificates,
  type ServerTls,
  type TlsFiles,
  type TlsMaterial,
  updatableServerCredentials,
  writeTlsFiles,
} from '@shoal/identity';
import type { LevelStorage } from '@shoal/raft/level';
import type { NodeId } from '@shoal/raft';
import { ClusterStore, type ClusterObject, type NodeObject, type StoreEvent } from '@shoal/store';
import { EndOfTurn, SERVER_OPTIONS, controlProto, dispatcherProto, raftProto, warmWireCodecs } from '@shoal/wire';
import type { Logger } from 'pino';
import { encryptNodeKey, followUnlockKey, type DataKey } from './autolock.js';
import type { ManagerContext } from './context.js';
import { controlHandlers } from './control-api.js';
import { startLeaderDuties } from './leader/duties.js';
import { LearnerPromoter } from './leader/learner-promoter/promotion-loop.js';
import { Dispatcher } from './dispatcher.js';
import { pipelineHandler, pipelineService } from './pipeline.js';
import { serviceHandlers } from './service-api.js';
import { autoscaleHandlers } from './autoscale-api.js';
import { dataPaths, type NodeConfig } from './data-dir.js';
import { standingOf as callerStandingOf } from './caller-standing.js';
import { timingsFrom } from './cluster-timings.js';
import { committedStore } from './committed-state.js';
import { ManagerError } from './errors.js';
import { certificateAuthorityHandlers, warnIfShortCertExpiry } from './ca-service.js';
import { finishIfDone, trustBundle } from './ca-rotation.js';
import { joinHandlers, joinService } from './join-service.js';
import { refuseAnonymousCalls } from './anonymous-calls.js';
import { forceNewCluster } from './lifecycle/force-new-cluster.js';
import { foundCluster } from './lifecycle/init.js';
import { joinAsManager } from './lifecycle/join.js';
import type { InitOptions, JoinOptions, StartOptions } from './lifecycle/options.js';
import type { ReadyState } from './lifecycle/ready-state.js';
import { resumeFromDataDir } from './lifecycle/start.js';
import { createLogger } from './logger.js';
import { ManagerMetrics } from './metrics.js';
import { warnIfMetricsExposed } from './metrics-address.js';
import { RaftHost, type PeerStanding, type RaftTimings } from './raft-host.js';
import { storeStateMachine } from './store-state-machine.js';
import { PeerTransport } from './transport.js';
import { warnIfPlantedBug } from './planted-bugs.js';

export type { CommonOptions, InitOptions, JoinOptions, StartOptions } from './lifecycle/options.js';
// Kept here for the modules and tests that import it from the manager.
export { storeStateMachine } from './store-state-machine.js';

export interface ManagerHandle {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly listen: string;
  readonly isLeader: boolean;
  /** Resolves when the manager stops, with why if it stopped on its own. */
  readonly stopped: Promise<string | undefined>;
  stop(o?: { transferLeadership?: boolean }): Promise<void>;
}

const REJOIN_ADVICE = 'To make this machine a manager again, remove its data directory and join it with `shoal manager join` and a manager token';

/** How long each step of a manager's shutdown may take before it is abandoned. */
const SHUTDOWN_STEP_MS = 2000;

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
    interceptors: [refuseAnonymousCalls],
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 500,
    // The server pings too: a worker whose agent hangs with its connection open (stopped,
    // swapped out) loses its session, which the node monitor counts as evidence; silence
    // alone on an open session never takes most workers down (leader/node-health/).
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
  /** This manager applied its own demotion or removal: the stop records it on disk. */
  private appliedOwnRemoval = false;
  /** Peers with a shoal_raft_peer_reachable series. */
  private gaugedPeers = new Set<NodeId>();
  private stopping: Promise<void> | undefined;
  /** What the server presents; replaced when the certificate is renewed. */
  private serverTls: ServerTls | undefined;
  /** Renews this manager's certificate before it expires (startCertRenewal). */
  private certs: CertRenewer | undefined;
  /** The certificate the server presents (during a CA rotation, the old CA's: see serveWith). */
  private serving: TlsMaterial | undefined;
  /** The trust bundle this manager last followed (followCa). */
  private followedCa = '';

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
      callerStanding: (identity) => callerStandingOf(this.store, identity),
      events: {
        onMessage: (m) => this.host.step(m),
        onUnreachable: (p) => this.host.reportUnreachable(p),
        onSnapshotStatus: (p, ok) => this.host.reportSnapshot(p, ok),
        // A manager restarted on the data of one that was removed while it was away.
        onRemoved: (reason) => void this.shutdown(`stopped: another manager refuses this one: ${reason}. ${REJOIN_ADVICE}`),
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
    // A demoted or removed manager is no peer: its series goes rather than reading 0 for ever.
    for (const id of this.gaugedPeers) if (!peers.has(id)) this.metrics.peerReachable.remove({ peer: id });
    this.gaugedPeers = new Set(peers.keys());
  }

  /**
   * Why this manager must not serve, judged from `store` (its own view): the store knows it was
   * demoted, removed, or left out of the Raft group. A joining manager, whose store is still
   * empty, passes; so does one whose removal it has not heard of (its peers refuse it, and
   * TransportEvents.onRemoved stops it).
   */
  private removalSeenIn(store: ClusterStore): string | undefined {
    const standing = callerStandingOf(store, { nodeId: this.nodeId, role: 'manager', clusterId: this.clusterId });
    return !standing.ok && standing.removed ? standing.reason : undefined;
  }

  private async run(o: { campaign: boolean }): Promise<void> {
    // Judged on everything committed on disk, before anything is served: the Raft host would
    // only replay the log after the server is up.
    const removal = this.removalSeenIn(committedStore(this.storage, storeStateMachine));
    if (removal) throw new ManagerError('REMOVED', `this manager cannot start: ${removal}. ${REJOIN_ADVICE}`);
    warmWireCodecs();
    const raft = raftProto();
    const control = controlProto();
    this.server.addService(raft.RaftTransport.service, this.transport.handlers());
    const controlCalls = { ...controlHandlers(this.ctx), ...serviceHandlers(this.ctx, this.dispatcher), ...autoscaleHandlers(this.ctx) };
    this.server.addService(pipelineService(control.Control.service), {
      ...controlCalls,
      Pipeline: pipelineHandler(control.Control.service, controlCalls, this.logger),
    });
    this.server.addService(dispatcherProto().Dispatcher.service, this.dispatcher.handlers());
    this.server.addService(
      joinService(control.Join.service),
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
    this.server.addService(control.CertificateAuthority.service, certificateAuthorityHandlers(this.ctx));
    this.serverTls = updatableServerCredentials(this.tls);
    await new Promise<void>((resolve, reject) => {
      this.server.bindAsync(this.listen, this.serverTls!.credentials, (err) =>
        err
          ? reject(
              new ManagerError('FAILED_PRECONDITION', `cannot serve on ${this.listen}: ${err.message} (is the port in use or the address not on this host?)`),
            )
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
        this.leaderControllers ??= startLeaderDuties(this.ctx, this.dispatcher, undefined, this.dispatcher.taskLoad);
      } else {
        this.promoter.stop();
        this.leaderControllers?.stop();
        this.leaderControllers = undefined;
      }
      this.onApplied(); // a removed leader that just stepped down now stops
    });
    this.host.on('fatal', (e: Error) => void this.shutdown(`stopped: ${e.message}`));
    // Peers change only with a manager's node object (or a restore); coalesce bursts of changes.
    const refreshSoon = new EndOfTurn(() => this.refreshPeers());
    this.store.watch((e) => {
      if (movesPeerLinks(e)) refreshSoon.request();
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
      this.appliedOwnRemoval = true;
      void this.shutdown('this manager was removed from the Raft group (demoted or removed); it has stopped');
      return;
    }
    // Replaying its log after a restart can reveal a removal the snapshot did not hold yet.
    const removal = this.host.isLeader ? undefined : this.removalSeenIn(this.store);
    if (removal) {
      this.appliedOwnRemoval = true;
      void this.shutdown(`stopped: ${removal}. ${REJOIN_ADVICE}`);
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
      void this.certs?.stop();
      this.promoter.stop();
      this.leaderControllers?.stop();
      this.dispatcher.stop();
      await this.boundedStep('finish the calls in progress', new Promise<void>((resolve) => this.server.tryShutdown(() => resolve())));
      this.server.forceShutdown();
      this.transport.close();
      await this.boundedStep('stop the Raft loop', this.host.stop());
      if (this.appliedOwnRemoval) await this.boundedStep('record the removal on disk', this.persistAppliedCommit());
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

  /**
   * Raft may persist the commit index after it applied the entries (as etcd does), so the entry
   * that removed us can be applied yet past the commit index on disk, and a restart would not
   * see it (committedStore). Everything applied was committed: raising the stored commit index
   * to it is what the next Ready would have written.
   */
  private async persistAppliedCommit(): Promise<void> {
    const hardState = this.storage.initialState().hardState;
    const applied = Math.min(this.store.appliedIndex, this.storage.lastIndex());
    if (applied > hardState.commit) await this.storage.save({ hardState: { ...hardState, commit: applied } });
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

  /**
   * Keeps this manager's certificate renewed (CertRenewer, @shoal/identity): the new files are
   * written (the key sealed as at init when autolocked), the server presents the new certificate
   * on new connections, and peer links dial with it when they next reconnect.
   */
  private startCertRenewal(dataDir: string, dataKey: DataKey | undefined): void {
    this.certs = new CertRenewer({
      kind: 'manager',
      initial: this.tls,
      managers: () => {
        const leader = this.host.leaderId;
        const leaderAddr = leader ? this.addressOf(leader) : undefined;
        return [...(leaderAddr ? [leaderAddr] : []), this.listen, ...this.peers().values()];
      },
      install: (next) => {
        writeTlsFiles(dataPaths(dataDir).tls, dataKey ? { ...next, keyPem: encryptNodeKey(next.keyPem, dataKey) } : next);
        this.serveWith(next);
        this.transport.setTls(next);
      },
      logger: this.logger,
    });
    this.certs.start();
    this.serving = this.tls;
    // CA rotation (ca-rotation.ts): follow the CAs the cluster trusts; the leader ends a
    // rotation once no node is left (a renewal, a node removed, or a new leader).
    const checkSoon = new EndOfTurn(() => {
      this.followCa();
      if (this.host.isLeader)
        finishIfDone(this.ctx).catch((e: unknown) =>
          this.logger.warn({ err: (e as Error).message }, 'could not finish the CA rotation; retrying on the next change'),
        );
    });
    const check = (): void => checkSoon.request();
    this.store.watch((e) => {
      if (e.kind === 'cluster' || e.kind === 'restore' || (e.kind === 'node' && e.action === 'remove')) check();
    });
    this.host.on('leader', () => check());
    check();
  }

  /** Trusts what the cluster trusts now, renewing at once if a CA rotation began (CertRenewer.follow()). */
  private followCa(): void {
    let bundle: string;
    try {
      bundle = trustBundle(this.store.cluster());
    } catch {
      return; // no cluster object yet (a joining manager)
    }
    if (bundle === this.followedCa || !this.certs) return;
    this.followedCa = bundle;
    const certs = this.certs;
    certs
      .follow(bundle)
      .then(() => this.serveWith(certs.current))
      .catch((e: unknown) =>
        this.logger.error({ err: (e as Error).message }, 'could not switch to the CAs the cluster trusts now; retrying on the next change'),
      );
  }

  /**
   * Moves the server to `next`. During a CA rotation it keeps presenting its certificate of the
   * old CA (trusting both): a node that still trusts only the old CA must be able to connect
   * to learn of the rotation. The new certificate is presented once the rotation is over.
   */
  private serveWith(next: TlsMaterial): void {
    let rotating = false;
    try {
      rotating = this.store.cluster().caRotation !== undefined;
    } catch {
      // no cluster object yet
    }
    const kept = this.serving;
    if (rotating && kept && kept.certPem !== next.certPem && stillValid(kept.certPem) && signedByOneOf(kept.certPem, next.caPem)) {
      this.serverTls?.update({ caPem: next.caPem, certPem: kept.certPem, keyPem: kept.keyPem });
      return;
    }
    this.serverTls?.update(next);
    this.serving = next;
  }

  // ------------------------------------------------------------------ lifecycles (lifecycle/)

  /** Founds a cluster: CA, tokens, this node as its first manager and leader. */
  static async init(o: InitOptions): Promise<{ manager: Manager; tokens: { worker: string; manager: string }; adminDir: string; unlockKey?: string }> {
    const founded = await foundCluster(o);
    const manager = await Manager.launch(founded.ready);
    warnIfShortCertExpiry(manager.logger, founded.certExpirySeconds);
    return {
      manager,
      tokens: founded.tokens,
      adminDir: founded.adminDir,
      ...(founded.unlockKey ? { unlockKey: founded.unlockKey } : {}),
    };
  }

  /** Joins an existing cluster with a manager token. */
  static async join(o: JoinOptions): Promise<Manager> {
    return Manager.launch(await joinAsManager(o));
  }

  /** Resumes from the data directory. */
  static async start(o: StartOptions): Promise<Manager> {
    return Manager.launch(await resumeFromDataDir(o));
  }

  /** Recovers from a lost quorum from this survivor (lifecycle/force-new-cluster.ts). */
  static async forceNewCluster(o: StartOptions): Promise<Manager> {
    return Manager.launch(await forceNewCluster(o));
  }

  /** Runs a manager on the state a lifecycle prepared; on failure, stops what it started. */
  private static async launch(r: ReadyState): Promise<Manager> {
    const { cfg, tls, storage, options: o } = r;
    const logger = o.logger ?? createLogger({ nodeId: cfg.nodeId });
    warnIfPlantedBug(logger);
    logModeRepairs(logger, r.repaired);
    warnIfMetricsExposed(logger, cfg.metrics);
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
    // Autolock: re-seal the data key whenever a committed change rotates the unlock key.
    if (r.dataKey) followUnlockKey({ store: m.store, storage, dataKey: r.dataKey, logger });
    try {
      await m.run({ campaign: r.campaign });
    } catch (e) {
      await m.shutdown(undefined);
      throw e;
    }
    m.startCertRenewal(o.data, r.dataKey);
    return m;
  }
}

function stillValid(certPem: string): boolean {
  return Date.parse(readCertificate(certPem).validTo) > Date.now() + 60_000;
}

function signedByOneOf(certPem: string, caPem: string): boolean {
  const cert = readCertificate(certPem);
  return readCertificates(caPem).some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
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
