// What the manager's services share: the store, the Raft host, who we are, and helpers to turn
// store objects into wire objects. One object so handlers stay small and testable.

import type { NodeId } from '@shoal/raft';
import { encodeCommand, type ApplyResult, type ClusterStore, type Command, type NodeObject } from '@shoal/store';
import type { WireNode } from '@shoal/wire';
import type { Logger } from 'pino';
import { ManagerError, asManagerError, fromStoreError } from './errors.js';
import type { RaftHost } from './raft-host.js';

export interface ManagerContext {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly store: ClusterStore;
  readonly host: RaftHost;
  readonly logger: Logger;
  /** Whether our stream to this manager is up. */
  reachable(id: NodeId): boolean;
  addressOf(id: NodeId): string | undefined;
}

/** Proposes a store command and returns its value, turning a refusal into a ManagerError. */
export async function proposeCommand(ctx: ManagerContext, cmd: Command): Promise<unknown> {
  const result = (await ctx.host.propose(encodeCommand(cmd))) as ApplyResult | undefined;
  if (!result) throw new ManagerError('INTERNAL', 'the command was applied without a result');
  if (!result.ok) throw fromStoreError(result.error.code, result.error.message);
  return result.value;
}

/** Waits for a linearizable view unless the caller accepts a stale one. */
export async function readView(ctx: ManagerContext, stale: boolean | undefined): Promise<void> {
  if (stale) return;
  try {
    await ctx.host.readBarrier();
  } catch (e) {
    const err = asManagerError(e);
    // One retry: a read caught in a leader change usually succeeds right after.
    if (err.code !== 'TIMEOUT') throw err;
    await ctx.host.readBarrier();
  }
}

/**
 * Before a write: only the leader takes writes (others answer NOT_LEADER with its address),
 * and its view must include every committed change, so names resolve against current state.
 */
export async function prepareWrite(ctx: ManagerContext): Promise<void> {
  if (!ctx.host.isLeader) throw ctx.host.notLeaderError();
  if (!ctx.host.isCurrentLeader()) await ctx.host.readBarrier();
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** A store node as the control API shows it; managers' status comes from reachability. */
export function toWireNode(ctx: ManagerContext, n: NodeObject): WireNode {
  const isManager = n.role === 'manager';
  const inRaft = isManager && n.raftRole !== undefined;
  const reachable = n.id === ctx.nodeId || ctx.reachable(n.id);
  const leader = n.id === ctx.host.leaderId;
  const state = inRaft ? (reachable ? 'ready' : 'down') : n.status.state;
  return {
    id: n.id,
    name: n.name,
    hostname: n.hostname,
    role: n.role,
    status: state,
    statusMessage: inRaft ? (reachable ? '' : 'the manager cannot be reached') : n.status.message,
    availability: n.availability,
    addr: n.addr,
    labels: { ...n.labels },
    managerStatus: inRaft
      ? { leader, reachability: reachable ? 'reachable' : 'unreachable', addr: n.addr, raftRole: n.raftRole ?? '' }
      : null,
    version: String(n.version),
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
    resources: { nanoCpus: String(n.resources.nanoCpus), memoryBytes: String(n.resources.memoryBytes) },
  };
}
