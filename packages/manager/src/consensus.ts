// Consensus: what the manager's services and leader duties need from Raft, and nothing more.
// RaftHost implements it; the dispatcher, the control, service and join APIs, the CA service
// and the leader-only controllers reach it through ManagerContext.host, so their tests can
// stand a fake in for a whole Raft group. (The store they read is ManagerContext.store: it is
// the state machine Raft applies to, not part of Raft.)

import type { ConfChange, ConfState, NodeId, RaftStatus } from '@shoal/raft';
import type { ManagerError } from './errors.js';

export type LeaderListener = (leader: NodeId, term: number) => void;

export interface Consensus {
  // ---- writes: answered once applied to the store, with the store's result
  /** Proposes an encoded store command; resolves with the store's ApplyResult once applied. */
  propose(data: Uint8Array): Promise<unknown>;
  /** Proposes a membership change; resolves once applied. */
  proposeConfChange(cc: ConfChange): Promise<unknown>;

  // ---- reads
  /** Resolves once the store reflects every write committed before the call (ReadIndex). */
  readBarrier(): Promise<void>;

  // ---- leadership
  readonly isLeader: boolean;
  /** The leader this manager knows of ('' if none). */
  readonly leaderId: NodeId;
  /** A leader whose store already holds every acknowledged write: writes need no read barrier. */
  isCurrentLeader(): boolean;
  /** NOT_LEADER with the leader's address, or NO_QUORUM when none is elected. */
  notLeaderError(): ManagerError;
  /** Hands leadership to `target` (or the most caught-up voter); true once we no longer lead. */
  transferLeadership(target?: NodeId, timeoutMs?: number): Promise<boolean>;
  /** Leadership changes: the new leader ('' if none) and its term. */
  on(event: 'leader', listener: LeaderListener): unknown;
  off(event: 'leader', listener: LeaderListener): unknown;

  // ---- membership and progress (cluster info, learner promotion)
  confState(): ConfState;
  status(): RaftStatus;
  readonly appliedIndex: number;
}
