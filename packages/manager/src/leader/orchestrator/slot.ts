// One slot's reconciliation, shared by replicated services (slot 1..replicas) and global ones
// (one "slot" per node). A slot should hold exactly one live task:
//
//   - several live tasks (a duplicate after an uncertain proposal): keep the one furthest
//     along, stop the others;
//   - a live task that must leave its node (drained, constraints no longer met): stop it and
//     make a replacement at once — a move, not a restart, so no delay and no attempt counted;
//   - a task that ended while meant to run: carry out the restart policy (restart-policy.ts) — now,
//     later (the caller is told when to wake), or never;
//   - no task at all, or the last one was stopped by the system (scaled down and up again, a
//     replacement that failed to be created): make one.
//
// A slot whose last task ended on its own and may not restart stays empty until the task spec
// changes (as Swarm re-runs such slots on a service update).

import { taskIsCurrent, taskSpecIsCurrent, updateInProgress, type ServiceObject, type TaskObject } from '@shoal/store';
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
  /** Makes the slot's next task. */
  create(attempt: number): void;
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
    if (rules.canStart) rules.create(moved.attempt);
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
    if (d.kind === 'now') rules.create(nextAttempt(ended, service));
    return;
  }

  if (!rules.canStart) return;
  const latest = newest(tasks);
  if (!latest) {
    rules.create(0);
  } else if (!endedOnItsOwn(latest)) {
    rules.create(latest.attempt); // stopped by the system: the slot is free
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
