// A manager process: the Raft host over the LevelDB Raft database, the peer transport, the
// control and join services on one gRPC port, /metrics, and the leader-only controllers.
//
// Lifecycles: `init` founds a cluster, `join` enters one with a token, `start` resumes from the
// data directory, `forceNewCluster` recovers a cluster that lost its quorum from one survivor.

import type { Server as HttpServer } from 'node:http';
import { hostname as osHostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import {
  caDigest,
  certificateSerial,
  CertRenewer,
  createClusterCA,
  formatJoinToken,
  issueCredentials,
  joinCluster,
  logModeRepairs,
  newTokenSecret,
  newUnlockKey,
  parseUnlockKey,
  readCertificate,
  readCertificates,
  readTlsFiles,
  splitHostPort,
  updatableServerCredentials,
  validDaysOf,
  writeTlsFiles,
  type ModeRepair,
  type ServerTls,
  type TlsFiles,
  type TlsMaterial,
} from '@shoal/identity';
import {
  ConfChangeType,
  bootstrap,
  isRaftError,
  decodeConfChange,
  EntryType,
  type ConfChange,
  type NodeId,
} from '@shoal/raft';
import { LevelStorage } from '@shoal/raft/level';
import { ClusterStore, DEFAULT_CLUSTER_SETTINGS, newId, type ClusterObject, type NodeObject, type NodePatch, type StoreEvent } from '@shoal/store';
import { SERVER_OPTIONS, controlProto, dispatcherProto, raftProto, warmWireCodecs } from '@shoal/wire';
import type { Logger } from 'pino';
import { DataKey, decryptNodeKey, encryptNodeKey, followUnlockKey, isEncryptedKeyPem, waitForUnlock } from './autolock.js';
import type { ManagerContext } from './context.js';
import { decodeConfChangeContext } from './conf-change-context.js';
import { controlHandlers } from './control-api.js';
import { startLeaderDuties } from './leader/duties.js';
import { LearnerPromoter } from './leader/learner-promoter/promotion-loop.js';
import { Dispatcher } from './dispatcher.js';
import { pipelineHandler } from './pipeline.js';
import { serviceHandlers } from './service-api.js';
import { ADMIN_FILES, dataPaths, ensureFreshDataDir, readNodeConfig, secureManagerDataDir, writeNodeConfig, type NodeConfig } from './data-dir.js';
import { standingOf as callerStandingOf } from './caller-standing.js';
import { committedStore } from './committed-state.js';
import { ManagerError } from './errors.js';
import { adminCertSeconds, certificateAuthorityHandlers, checkCertExpiry, warnIfShortCertExpiry } from './ca-service.js';
import { finishIfDone, trustBundle } from './ca-rotation.js';
import { joinHandlers } from './join-service.js';
import { createLogger } from './logger.js';
import { ManagerMetrics } from './metrics.js';
import { defaultMetricsAddr, warnIfMetricsExposed } from './metrics-address.js';
import { DEFAULT_TIMINGS, RaftHost, type PeerStanding, type RaftTimings, type StateMachine } from './raft-host.js';
import { PeerTransport } from './transport.js';

export interface CommonOptions {
  readonly data: string;
  /** /metrics address; "" for none; default: the listen port + 1000 on loopback (metrics-address.ts). */
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
  /** How long node certificates are valid, in seconds (default 90 days; 30 s at least). */
  readonly certExpirySeconds?: number;
  /** Seal secrets at rest under a new unlock key (autolock.ts), returned once by init. */
  readonly autolock?: boolean;
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
  /** An autolocked manager's unlock key (--unlock-key-file); without it, it waits on DIR/unlock.sock. */
  readonly unlockKey?: string;
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

const REJOIN_ADVICE =
  'To make this machine a manager again, remove its data directory and join it with `shoal manager join` and a manager token';

/** How long each step of a manager's shutdown may take before it is abandoned. */
const SHUTDOWN_STEP_MS = 2000;

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
    this.server.addService(control.CertificateAuthority.service, certificateAuthorityHandlers(this.ctx));
    this.serverTls = updatableServerCredentials(this.tls);
    await new Promise<void>((resolve, reject) => {
      this.server.bindAsync(this.listen, this.serverTls!.credentials, (err) =>
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
        this.leaderControllers ??= startLeaderDuties(this.ctx, this.dispatcher);
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
    let queued = false;
    const check = (): void => {
      if (queued) return;
      queued = true;
      setImmediate(() => {
        queued = false;
        this.followCa();
        if (this.host.isLeader) finishIfDone(this.ctx).catch((e: unknown) => this.logger.warn({ err: (e as Error).message }, 'could not finish the CA rotation; retrying on the next change'));
      });
    };
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
      .catch((e: unknown) => this.logger.error({ err: (e as Error).message }, 'could not switch to the CAs the cluster trusts now; retrying on the next change'));
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

  // ------------------------------------------------------------------ lifecycles

  /** Founds a cluster: CA, tokens, this node as its first manager and leader. */
  static async init(o: InitOptions): Promise<{ manager: Manager; tokens: { worker: string; manager: string }; adminDir: string; unlockKey?: string }> {
    splitHostPort(o.listen);
    ensureFreshDataDir(o.data);
    const repaired = secureManagerDataDir(o.data);
    const paths = dataPaths(o.data);
    const clusterId = newId();
    const nodeId = newId();
    const at = new Date().toISOString();
    const ca = await createClusterCA(clusterId);
    if (o.certExpirySeconds !== undefined) checkCertExpiry(o.certExpirySeconds);
    const certExpirySeconds = o.certExpirySeconds ?? DEFAULT_CLUSTER_SETTINGS.certExpirySeconds;
    const nodeCreds = await issueCredentials(ca, { nodeId, role: 'manager', clusterId }, validDaysOf(certExpirySeconds));
    const adminCreds = await issueCredentials(ca, { nodeId: 'admin', role: 'admin', clusterId }, validDaysOf(adminCertSeconds(certExpirySeconds)));
    const timings = timingsFrom(undefined, o.timings);
    const unlockKey = o.autolock ? newUnlockKey() : undefined;
    const dataKey = unlockKey ? DataKey.create(unlockKey) : undefined;
    const cluster: ClusterObject = {
      id: clusterId,
      name: 'default',
      version: 1,
      createdAt: at,
      tokens: { worker: newTokenSecret(), manager: newTokenSecret() },
      ca,
      ...(unlockKey ? { unlockKey } : {}),
      // The one admin certificate that counts until `ca rotate-admin` replaces it.
      adminCerts: [certificateSerial(adminCreds.certPem)],
      settings: {
        ...DEFAULT_CLUSTER_SETTINGS,
        tickMs: timings.tickMs,
        heartbeatTicks: timings.heartbeatTicks,
        electionTicks: timings.electionTicks,
        snapshotEvery: timings.snapshotEvery,
        ...(o.nodeHeartbeatMs !== undefined ? { nodeHeartbeatMs: o.nodeHeartbeatMs } : {}),
        ...(o.taskHistoryLimit !== undefined ? { taskHistoryLimit: o.taskHistoryLimit } : {}),
        certExpirySeconds,
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
    writeTlsFiles(paths.tls, dataKey ? { ...tls, keyPem: encryptNodeKey(tls.keyPem, dataKey) } : tls);
    writeTlsFiles(paths.admin, { caPem: ca.certPem, certPem: adminCreds.certPem, keyPem: adminCreds.keyPem }, ADMIN_FILES);
    const storage = await LevelStorage.open(paths.raft, dataKey ? { cipher: dataKey } : {});
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
    const manager = await Manager.launch(cfg, tls, storage, o, { campaign: true, repaired, ...(dataKey ? { dataKey } : {}) });
    warnIfShortCertExpiry(manager.logger, certExpirySeconds);
    const digest = caDigest(ca.certPem);
    return {
      manager,
      tokens: { worker: formatJoinToken(digest, cluster.tokens.worker), manager: formatJoinToken(digest, cluster.tokens.manager) },
      adminDir: paths.admin,
      ...(unlockKey ? { unlockKey } : {}),
    };
  }

  /** Joins an existing cluster with a manager token. */
  static async join(o: JoinOptions): Promise<Manager> {
    splitHostPort(o.listen);
    ensureFreshDataDir(o.data);
    const repaired = secureManagerDataDir(o.data);
    const name = o.name ?? osHostname();
    const { response, caPem, keyPem } = await joinCluster({ remote: o.remote, token: o.token, name, hostname: osHostname(), addr: o.listen, role: 'manager' });
    if (response.role !== 'manager') {
      throw new ManagerError('TOKEN_REJECTED', 'that is a worker token: a manager needs the manager token (`shoal join-token manager`)');
    }
    const paths = dataPaths(o.data);
    const tls = { caPem, certPem: response.certificate, keyPem };
    // An autolocked cluster hands its joining managers the unlock key: sealed from the first write.
    const dataKey = response.unlockKey ? DataKey.create(parseUnlockKey(response.unlockKey, `the join answer from ${o.remote}`)) : undefined;
    writeTlsFiles(paths.tls, dataKey ? { ...tls, keyPem: encryptNodeKey(tls.keyPem, dataKey) } : tls);
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
    const storage = await LevelStorage.open(paths.raft, dataKey ? { cipher: dataKey } : {});
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
    return Manager.launch(cfg, tls, storage, { ...o, timings }, { campaign: false, initialPeers, repaired, ...(dataKey ? { dataKey } : {}) });
  }

  /** Resumes from the data directory. */
  static async start(o: StartOptions): Promise<Manager> {
    const repaired = secureManagerDataDir(o.data);
    let cfg = readNodeConfig(o.data);
    if (o.listen && o.listen !== cfg.listen) cfg = { ...cfg, listen: o.listen };
    if (o.metrics !== undefined) cfg = { ...cfg, metrics: o.metrics };
    const { tls, storage, dataKey, logger } = await Manager.openData(o, cfg);
    return Manager.launch(cfg, tls, storage, { ...o, logger }, { campaign: false, repaired, ...(dataKey ? { dataKey } : {}) });
  }

  /**
   * Recovers from a lost quorum (as Swarm's --force-new-cluster): this manager's state —
   * every entry in its log — becomes a new single-manager cluster; the other managers are
   * dropped from the Raft membership (their node objects stay, marked down).
   */
  static async forceNewCluster(o: StartOptions): Promise<Manager> {
    const repaired = secureManagerDataDir(o.data);
    const cfg0 = readNodeConfig(o.data);
    const cfg = { ...cfg0, ...(o.listen ? { listen: o.listen } : {}), ...(o.metrics !== undefined ? { metrics: o.metrics } : {}) };
    const { tls, storage, dataKey, logger } = await Manager.openData(o, cfg);
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
    return Manager.launch(cfg, tls, storage, { ...o, logger }, { campaign: true, repaired, ...(dataKey ? { dataKey } : {}) });
  }

  /**
   * The node's TLS identity and Raft database. An autolocked manager (its node key is
   * encrypted) first needs the unlock key: o.unlockKey (--unlock-key-file), or else the one sent
   * to DIR/unlock.sock (`shoal manager unlock`); until then it serves nothing.
   */
  private static async openData(o: StartOptions, cfg: NodeConfig): Promise<{ tls: TlsFiles; storage: LevelStorage; dataKey?: DataKey; logger: Logger }> {
    const logger = o.logger ?? createLogger({ nodeId: cfg.nodeId });
    const paths = dataPaths(o.data);
    const files = readTlsFiles(paths.tls);
    if (!isEncryptedKeyPem(files.keyPem)) {
      if (o.unlockKey !== undefined) throw new ManagerError('INVALID_ARGUMENT', `${o.data} is not autolocked (its node key is not encrypted): start it without --unlock-key-file`);
      return { tls: files, storage: await LevelStorage.open(paths.raft), logger };
    }
    const open = async (key: string): Promise<{ tls: TlsFiles; storage: LevelStorage; dataKey: DataKey; logger: Logger }> => {
      const dataKey = DataKey.opening(key);
      const storage = await LevelStorage.open(paths.raft, { cipher: dataKey });
      try {
        return { tls: { ...files, keyPem: decryptNodeKey(files.keyPem, dataKey, `${paths.tls}/node-key.pem`) }, storage, dataKey, logger };
      } catch (e) {
        await storage.close();
        throw e;
      }
    };
    if (o.unlockKey !== undefined) return open(o.unlockKey);
    // Before waiting: a database in use by another process, or not encrypted, is said now.
    const probe = await LevelStorage.open(paths.raft).catch((e: unknown) => e);
    if (probe instanceof LevelStorage) {
      await probe.close();
      throw new ManagerError('FAILED_PRECONDITION', `${paths.tls}/node-key.pem is encrypted but the Raft database in ${paths.raft} is not: the data directory is inconsistent; restore it from a backup, or remove it and join the manager again`);
    }
    if (!isRaftError(probe, 'LOCKED')) throw probe;
    return waitForUnlock({ dataDir: o.data, logger, attempt: open });
  }

  private static async launch(
    cfg: NodeConfig,
    tls: TlsFiles,
    storage: LevelStorage,
    o: CommonOptions,
    r: { campaign: boolean; initialPeers?: Map<NodeId, string>; repaired: readonly ModeRepair[]; dataKey?: DataKey },
  ): Promise<Manager> {
    const logger = o.logger ?? createLogger({ nodeId: cfg.nodeId });
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
