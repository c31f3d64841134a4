// A Raft group in one line: a Consensus that applies every proposal to a real ClusterStore at
// the next index, at once or when the test releases it. Leadership is whatever the test sets.

import { EventEmitter } from 'node:events';
import type { ConfChange, ConfState, NodeId, RaftStatus } from '@shoal/raft';
import { decodeCommand, type ClusterStore, type Command } from '@shoal/store';
import type { Consensus, LeaderListener } from '../src/consensus.js';
import { ManagerError } from '../src/errors.js';

export class FakeConsensus implements Consensus {
  isLeader = true;
  leaderId: NodeId;
  /** Every command proposed, in order (applied or not). */
  readonly proposed: Command[] = [];
  /** Hold proposals until release() instead of applying them at once. */
  hold = false;
  private readonly held: { data: Uint8Array; resolve: (r: unknown) => void }[] = [];
  private readonly events = new EventEmitter();

  constructor(
    private readonly store: ClusterStore,
    private readonly self: NodeId,
    private readonly o: {
      addressOf?: (id: NodeId) => string | undefined;
      /** The log index of the next applied entry (default: right after the store's). */
      nextIndex?: () => number;
    } = {},
  ) {
    this.leaderId = self;
  }

  private nextIndex(): number {
    return this.o.nextIndex ? this.o.nextIndex() : this.store.appliedIndex + 1;
  }

  get appliedIndex(): number {
    return this.store.appliedIndex;
  }

  propose(data: Uint8Array): Promise<unknown> {
    if (!this.isLeader) return Promise.reject(this.notLeaderError());
    this.proposed.push(decodeCommand(data));
    if (!this.hold) return Promise.resolve(this.store.applyEntry(data, this.nextIndex()));
    return new Promise((resolve) => this.held.push({ data, resolve }));
  }

  /** Applies the held proposals, in order. */
  release(): void {
    for (const p of this.held.splice(0)) p.resolve(this.store.applyEntry(p.data, this.nextIndex()));
  }

  proposeConfChange(_cc: ConfChange): Promise<unknown> {
    return Promise.reject(new Error('FakeConsensus has no Raft membership'));
  }

  readBarrier(): Promise<void> {
    return this.isLeader || this.leaderId ? Promise.resolve() : Promise.reject(this.notLeaderError());
  }

  isCurrentLeader(): boolean {
    return this.isLeader;
  }

  notLeaderError(): ManagerError {
    if (!this.leaderId) return new ManagerError('NO_QUORUM', 'no leader is elected (FakeConsensus)');
    const addr = this.o.addressOf?.(this.leaderId);
    return new ManagerError('NOT_LEADER', `this manager is not the leader; the leader is ${this.leaderId}`, addr);
  }

  /** Makes `leader` the leader ('' for none) and tells the listeners. */
  setLeader(leader: NodeId): void {
    this.leaderId = leader;
    this.isLeader = leader === this.self;
    this.events.emit('leader', leader, 0);
  }

  async transferLeadership(): Promise<boolean> {
    return !this.isLeader;
  }

  on(event: 'leader', listener: LeaderListener): this {
    this.events.on(event, listener);
    return this;
  }

  off(event: 'leader', listener: LeaderListener): this {
    this.events.off(event, listener);
    return this;
  }

  confState(): ConfState {
    return { voters: [this.self], learners: [] };
  }

  status(): RaftStatus {
    throw new Error('FakeConsensus keeps no Raft status');
  }
}
