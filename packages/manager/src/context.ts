// What the manager's services share: the store, consensus (the Raft host, as a Consensus), who
// we are, and helpers to turn store objects into wire objects. One object so handlers stay
// small and testable.

import type { NodeId } from '@shoal/raft';
import { encodeCommand, isStoreError, type ApplyResult, type ClusterStore, type Command, type NodeObject, type TasksApplyResult } from '@shoal/store';
import type { WireNode } from '@shoal/wire';
import type { Logger } from 'pino';
import { ManagerError, asManagerError, fromStoreError } from './errors.js';
import type { Consensus } from './consensus.js';
import { MAX_ENTRY_BYTES } from './raft-host.js';
import { plantedBug } from './planted-bugs.js';
import { splitTaskBatch } from './split-task-batch.js';

export interface ManagerContext {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly store: ClusterStore;
  /** Raft, as far as the services need it (RaftHost in a manager, a fake in unit tests). */
  readonly host: Consensus;
  readonly logger: Logger;
  /** Whether our stream to this manager is up. */
  reachable(id: NodeId): boolean;
  addressOf(id: NodeId): string | undefined;
}

/**
 * Proposes a store command and returns its value, turning a refusal into a ManagerError. A
 * tasks.apply too large for one Raft entry goes as several (see splitTaskBatch); its value
 * then lists the items skipped in all of them.
 */
export async function proposeCommand(ctx: ManagerContext, cmd: Command): Promise<unknown> {
  const data = encode(cmd);
  if (cmd.type === 'tasks.apply' && data.byteLength > MAX_ENTRY_BYTES) {
    // Proposed together, so the parts take consecutive places in the log (in order).
    const parts = splitTaskBatch(cmd, MAX_ENTRY_BYTES).map((part) => proposeEncoded(ctx, encode(part)));
    const settled = await Promise.allSettled(parts);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return { failed: settled.flatMap((s) => (s.status === 'fulfilled' ? (s.value as TasksApplyResult).failed : [])) } satisfies TasksApplyResult;
  }
  return proposeEncoded(ctx, data, cmd);
}

/** A command the store refuses to encode (malformed: a bad value from a client) is INVALID_ARGUMENT. */
function encode(cmd: Command): Uint8Array {
  try {
    return encodeCommand(cmd);
  } catch (e) {
    if (isStoreError(e)) throw fromStoreError(e.code, e.message);
    throw e;
  }
}

async function proposeEncoded(ctx: ManagerContext, data: Uint8Array, cmd?: Command): Promise<unknown> {
  const applied = ctx.host.propose(data);
  if (cmd && plantedBug() === 'ack-before-commit' && (cmd.type === 'service.create' || cmd.type === 'service.update')) {
    return ackBeforeCommit(applied);
  }
  return proposeResult(await applied);
}

/** The value of an applied command, or its refusal by the store as a ManagerError. */
function proposeResult(applied: unknown): unknown {
  const result = applied as ApplyResult | undefined;
  if (!result) throw new ManagerError('INTERNAL', 'the command was applied without a result');
  if (!result.ok) throw fromStoreError(result.error.code, result.error.message);
  return result.value;
}

/**
 * PLANTED BUG `ack-before-commit` (planted-bugs.ts; chaos-harness self-test only): answers as
 * soon as the leader has the entry in its log, without waiting for a quorum. A refusal before
 * proposing (already settled: not the leader, no quorum) still comes through.
 */
async function ackBeforeCommit(applied: Promise<unknown>): Promise<unknown> {
  applied.catch(() => undefined);
  const pending = Symbol('pending');
  const first = await Promise.race([applied, Promise.resolve(pending)]);
  return first === pending ? undefined : proposeResult(first);
}

/** Waits for a linearizable view unless the caller accepts a stale one. */
export async function readView(ctx: ManagerContext, stale: boolean | undefined): Promise<void> {
  if (stale) return;
  // PLANTED BUG `follower-local-reads` (planted-bugs.ts; chaos-harness self-test only).
  if (plantedBug() === 'follower-local-reads' && !ctx.host.isLeader) return;
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
    managerStatus: inRaft ? { leader, reachability: reachable ? 'reachable' : 'unreachable', addr: n.addr, raftRole: n.raftRole ?? '' } : null,
    version: String(n.version),
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
    resources: { nanoCpus: String(n.resources.nanoCpus), memoryBytes: String(n.resources.memoryBytes) },
  };
}
