// One slot's reconciliation, shared by replicated services (slot 1..replicas) and global ones
// (one "slot" per node). A slot should hold exactly one live task:
//
//   - several live tasks (a duplicate after an uncertain proposal): keep the one furthest
//     along, stop the others — except that while the service updates, a slot keeps one task of
//     the current spec and one of an older spec (start-first: the updater stops the old one
//     once the new one is ready);
//   - a live task that must leave its node (drained, constraints no longer met): stop it and
//     make a replacement at once — a move, not a restart, so no delay and no attempt counted;
//   - a task that ended while meant to run: carry out the restart policy (restart-policy.ts) — now,
//     later (the caller is told when to wake), or never;
//   - no task at all, or the last one was stopped by the system (scaled down and up again, a
//     replacement that failed to be created): make one.
//
// A slot whose last task ended on its own and may not restart stays empty until the task spec
// changes (as Swarm re-runs such slots on a service update).

import { canonicalJson, taskIsCurrent, taskSpecIsCurrent, updateInProgress, type ServiceObject, type TaskObject } from '@shoal/store';
import type { TaskBatch } from '../task-batch.js';
import { awaitsRestart, endedOnItsOwn, isLive, keeperFirst, newest, newestFirst } from '../task-lifecycle.js';
import { nextAttempt, restartDecision } from './restart-policy.js';

export interface SlotContext {
  readonly nowMs: number;
  readonly batch: TaskBatch;
  /** Asks to be planned again at this time (a delayed restart). */
  wake(atMs: number): void;
}

export interface SlotRules {
  /** For messages: "slot 3", "node w1". */
  readonly label: string;
  /** New tasks may be made now (a global service's node must be ready and active). */
  readonly canStart: boolean;
  /** Why a live task must leave its node, if it must. */
  moveReason(t: TaskObject): string | undefined;
  /** Makes the slot's next task; `fromPreviousSpec`: from the service's previous spec (a held update, README). */
  create(attempt: number, fromPreviousSpec?: boolean): void;
}

export function reconcileSlot(tasks: readonly TaskObject[], service: ServiceObject, ctx: SlotContext, rules: SlotRules): void {
  const { batch } = ctx;
  const awaiting: TaskObject[] = [];
  const staying: TaskObject[] = [];
  let moved: TaskObject | undefined;
  for (const t of tasks) {
    if (awaitsRestart(t)) {
      awaiting.push(t);
    } else if (isLive(t)) {
      const why = rules.moveReason(t);
      if (why === undefined) {
        staying.push(t);
      } else {
        batch.stop(t, why);
        if (!moved || newestFirst(t, moved) < 0) moved = t;
      }
    }
  }

  if (staying.length > 0) {
    staying.sort(keeperFirst);
    // During a rolling update (start-first) a slot holds its old task and its new one until
    // the updater stops the old one: one of each is not a duplicate.
    const keep = updateInProgress(service.updateStatus) ? keepDuringUpdate(staying, service) : staying.slice(0, 1);
    for (const extra of staying) if (!keep.includes(extra)) batch.stop(extra, `duplicate task for ${rules.label}`);
    for (const t of awaiting) batch.stop(t, `superseded by task ${staying[0]?.name}`);
    return;
  }
  if (moved) {
    for (const t of awaiting) batch.stop(t, 'superseded');
    if (rules.canStart) rules.create(moved.attempt, keepsPreviousSpec(moved, service));
    return;
  }
  if (awaiting.length > 0) {
    awaiting.sort(newestFirst);
    const [ended, ...older] = awaiting as [TaskObject, ...TaskObject[]];
    for (const t of older) batch.stop(t, 'superseded');
    if (!rules.canStart) return; // decided once the node may take work again
    const d = restartDecision(ended, tasks, service, ctx.nowMs);
    if (d.kind === 'later') {
      ctx.wake(d.atMs);
      return;
    }
    batch.stop(ended, d.kind === 'never' ? d.reason : 'restarting');
    const keep = keepsPreviousSpec(ended, service);
    if (d.kind === 'now') rules.create(keep ? ended.attempt + 1 : nextAttempt(ended, service), keep);
    return;
  }

  if (!rules.canStart) return;
  const latest = newest(tasks);
  if (!latest) {
    rules.create(0);
  } else if (!endedOnItsOwn(latest)) {
    rules.create(latest.attempt, keepsPreviousSpec(latest, service)); // stopped by the system: the slot is free
  } else if (!taskSpecIsCurrent(latest, service)) {
    rules.create(0); // a new spec starts counting afresh
  } else {
    // Its restart was carried out (or refused) before; this only matters when the replacement
    // could not be created then.
    const d = restartDecision(latest, tasks, service, ctx.nowMs);
    if (d.kind === 'now') rules.create(nextAttempt(latest, service));
    else if (d.kind === 'later') ctx.wake(d.atMs);
  }
}

/** The tasks a slot keeps while its service updates: the keeper on the current spec and the keeper on an older one. */
function keepDuringUpdate(staying: readonly TaskObject[], service: ServiceObject): TaskObject[] {
  const current = staying.find((t) => taskIsCurrent(t, service));
  const older = staying.find((t) => !taskIsCurrent(t, service));
  return [current, older].filter((t): t is TaskObject => t !== undefined);
}

/**
 * Whether a slot an update has not reached is refilled from the previous spec: while the update
 * is held — paused, or a canary — a restart must not move the slot to the new version (a canary
 * would grow by every crash). Otherwise restarts use the current spec, as Swarm's do.
 */
function keepsPreviousSpec(t: TaskObject, service: ServiceObject): boolean {
  const status = service.updateStatus;
  const previous = service.previousSpec;
  if (!status || !previous) return false;
  const held = status.state === 'paused' || (status.state === 'updating' && status.canary > 0);
  return (
    held &&
    service.spec.mode === 'replicated' &&
    !taskIsCurrent(t, service) &&
    canonicalJson(t.spec) === canonicalJson(previous.task) &&
    canonicalJson(t.ports) === canonicalJson(previous.ports)
  );
}
