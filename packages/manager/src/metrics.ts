// Prometheus metrics of a manager, served at /metrics (prom-client).

import type { Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { serveMetrics } from '@shoal/identity';
import type { HostMetrics } from './raft-host.js';

export class ManagerMetrics implements HostMetrics {
  readonly registry = new Registry();
  private readonly term: Gauge;
  private readonly commit: Gauge;
  private readonly applied: Gauge;
  private readonly isLeader: Gauge;
  private readonly leaderChanges: Counter;
  private readonly proposals: Histogram;
  private readonly snapshots: Counter;
  private readonly logEntries: Gauge;
  private readonly snapshotIndex: Gauge;
  readonly peerReachable: Gauge<'peer'>;

  constructor(nodeId: string) {
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry });
    const r = [this.registry];
    this.term = new Gauge({ name: 'shoal_raft_term', help: 'Current Raft term', registers: r });
    this.commit = new Gauge({ name: 'shoal_raft_commit_index', help: 'Highest log index known committed', registers: r });
    this.applied = new Gauge({ name: 'shoal_raft_applied_index', help: 'Highest log index applied to the store', registers: r });
    this.isLeader = new Gauge({ name: 'shoal_raft_is_leader', help: '1 if this manager is the leader', registers: r });
    this.leaderChanges = new Counter({ name: 'shoal_raft_leader_changes_total', help: 'Times this manager saw the leader change', registers: r });
    this.proposals = new Histogram({
      name: 'shoal_raft_proposal_duration_seconds',
      help: 'Time from proposing a change to applying it',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    });
    this.snapshots = new Counter({ name: 'shoal_raft_snapshots_total', help: 'Snapshots taken (log compactions)', registers: r });
    this.logEntries = new Gauge({ name: 'shoal_raft_log_entries', help: 'Entries the Raft log holds on disk (compaction keeps this bounded)', registers: r });
    this.snapshotIndex = new Gauge({ name: 'shoal_raft_snapshot_index', help: 'Log index of the last snapshot', registers: r });
    this.peerReachable = new Gauge({
      name: 'shoal_raft_peer_reachable',
      help: '1 if the stream to this peer manager is up',
      labelNames: ['peer'],
      registers: r,
    });
  }

  observeProposal(seconds: number, ok: boolean): void {
    this.proposals.observe({ outcome: ok ? 'committed' : 'failed' }, seconds);
  }

  leaderChanged(): void {
    this.leaderChanges.inc();
  }

  snapshotTaken(): void {
    this.snapshots.inc();
  }

  update(s: { term: number; commit: number; applied: number; isLeader: boolean; logEntries: number; snapshotIndex: number }): void {
    this.term.set(s.term);
    this.logEntries.set(s.logEntries);
    this.snapshotIndex.set(s.snapshotIndex);
    this.commit.set(s.commit);
    this.applied.set(s.applied);
    this.isLeader.set(s.isLeader ? 1 : 0);
  }

  /** Serves /metrics on `listen` ("host:port"). */
  async serve(listen: string): Promise<Server> {
    return (await serveMetrics(this.registry, listen)).server;
  }
}
