// The restart policy (SwarmKit's restart supervisor, made a pure function of the store). When a
// task ends, its slot gets a replacement or not according to the service's policy:
//
//   condition   none → never; on-failure → not after "complete"; any → always
//   delayMs     counted from when the task ended (its status time)
//   maxAttempts restarts allowed: over the slot's whole life (windowMs 0), or within windowMs
//               before the end. Counting starts again when the task spec changes, as Swarm
//               clears its history on a new spec version.
//
// The count lives in the tasks: `attempt` is how many times this slot was restarted under the
// current spec before the task was made (a replacement gets attempt + 1; a task moved off a
// drained node keeps its number), and the reaper keeps enough finished tasks per slot to count
// a window. So the decision is the same on whichever manager leads, and a delayed restart that
// was due during a failover still happens.

import { taskSpecIsCurrent, type ServiceObject, type TaskObject } from '@shoal/store';
import { ms } from '../task-lifecycle.js';
import { formatDuration } from '../format-duration.js';

export type RestartDecision =
  { readonly kind: 'now' } | { readonly kind: 'later'; readonly atMs: number } | { readonly kind: 'never'; readonly reason: string };

/**
 * Whether `ended` (a task of `service` in a final state) gets a replacement, and when.
 * `history` is the slot's tasks (any order, `ended` may be among them).
 */
export function restartDecision(ended: TaskObject, history: readonly TaskObject[], service: ServiceObject, nowMs: number): RestartDecision {
  const policy = service.spec.task.restartPolicy;
  const state = ended.status.state;
  if (policy.condition === 'none') return { kind: 'never', reason: 'restart condition is "none"' };
  if (policy.condition === 'on-failure' && state === 'complete') {
    return { kind: 'never', reason: 'completed, and the restart condition is "on-failure"' };
  }
  const endMs = ms(ended.status.at, nowMs);
  if (policy.maxAttempts > 0 && taskSpecIsCurrent(ended, service)) {
    const restarts = policy.windowMs === 0 ? ended.attempt : restartsWithin(history, service, endMs - policy.windowMs, endMs);
    if (restarts >= policy.maxAttempts) {
      const within = policy.windowMs === 0 ? '' : ` within ${formatDuration(policy.windowMs)}`;
      return { kind: 'never', reason: `restarted ${restarts} time${restarts === 1 ? '' : 's'}${within}; max attempts is ${policy.maxAttempts}` };
    }
  }
  const due = endMs + policy.delayMs;
  return due <= nowMs ? { kind: 'now' } : { kind: 'later', atMs: due };
}

/** The attempt number of `ended`'s replacement. */
export function nextAttempt(ended: TaskObject, service: ServiceObject): number {
  return taskSpecIsCurrent(ended, service) ? ended.attempt + 1 : 0;
}

/** Restarts under the current spec made in (fromMs, toMs]. */
function restartsWithin(history: readonly TaskObject[], service: ServiceObject, fromMs: number, toMs: number): number {
  let n = 0;
  for (const t of history) {
    if (t.attempt === 0) continue;
    const created = ms(t.createdAt, 0);
    if (created > fromMs && created <= toMs && taskSpecIsCurrent(t, service)) n++;
  }
  return n;
}

/** Finished tasks a slot must keep so that restartsWithin can count its window. */
export function historyToKeep(service: ServiceObject | undefined, minimum: number): number {
  const p = service?.spec.task.restartPolicy;
  return p && p.maxAttempts > 0 && p.windowMs > 0 ? Math.max(minimum, p.maxAttempts + 1) : minimum;
}
