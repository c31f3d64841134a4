// What the leader's planners need to know about a task's life, in one place. Desired state
// and observed state are separate (SwarmKit's model): a task is *live* while it is meant to run
// and has not stopped; a task that stopped while still meant to run is *awaiting its restart*
// decision — its desiredState stays "running" until the orchestrator carries the decision out
// (a replacement, or giving up), so a delayed restart is remembered by the store itself and
// survives a leader change.

import { isFinalState, taskStateRank, type TaskObject } from '@shoal/store';

/** Meant to run and not stopped: the one task a slot (or a global service's node) should have. */
export function isLive(t: TaskObject): boolean {
  return t.desiredState === 'running' && !isFinalState(t.status.state);
}

/** Stopped while meant to run: the restart policy has not been carried out yet. */
export function awaitsRestart(t: TaskObject): boolean {
  return t.desiredState === 'running' && isFinalState(t.status.state);
}

/**
 * Ended by itself (or lost with its node), as opposed to stopped by the system ("shutdown").
 * Only these go through the restart policy once their desired state is shutdown.
 */
export function endedOnItsOwn(t: TaskObject): boolean {
  const s = t.status.state;
  return s === 'complete' || s === 'failed' || s === 'rejected' || s === 'orphaned';
}

/** Counts against a node: its resources, its spread counts. */
export function occupiesNode(t: TaskObject): boolean {
  return t.nodeId !== '' && isLive(t);
}

/** May be removed from the store (the store's own rule, plus: nobody wants it any more). */
export function isRemovable(t: TaskObject): boolean {
  const s = t.status.state;
  return t.desiredState === 'shutdown' && (isFinalState(s) || ((s === 'new' || s === 'pending') && t.nodeId === ''));
}

/** How far along the lifecycle a state is: the store's order. */
export const stateRank = taskStateRank;

/** Milliseconds of an ISO timestamp from the store; `fallback` if it does not parse. */
export function ms(iso: string, fallback: number): number {
  const v = Date.parse(iso);
  return Number.isNaN(v) ? fallback : v;
}

/** Newest first: creation time, then attempt, then id (deterministic). */
export function newestFirst(a: TaskObject, b: TaskObject): number {
  return ms(b.createdAt, 0) - ms(a.createdAt, 0) || b.attempt - a.attempt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function newest(tasks: readonly TaskObject[]): TaskObject | undefined {
  let best: TaskObject | undefined;
  for (const t of tasks) if (!best || newestFirst(t, best) < 0) best = t;
  return best;
}

/** Which of several live tasks of one slot to keep: the furthest along, then the oldest. */
export function keeperFirst(a: TaskObject, b: TaskObject): number {
  return stateRank(b.status.state) - stateRank(a.status.state) || ms(a.createdAt, 0) - ms(b.createdAt, 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
