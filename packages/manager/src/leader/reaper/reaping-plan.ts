// The task reaper: finished tasks are history (`shoal service ps` shows why a slot restarted),
// but history must not grow without bound. Per slot (per node for a global service) the last
// few finished tasks stay — the cluster's taskHistoryLimit (`manager init --task-history-limit`,
// default 5, as Swarm's task history retention limit), more when the restart policy counts
// attempts within a window and needs them (../orchestrator/restart-policy.ts) — and older ones are removed. Tasks of
// a service that no longer exists are removed once they have stopped. A task that stopped
// while still meant to run is never removed: it is waiting for its restart decision.
//
// Removing a task from the store is what frees its leftovers on the node: the dispatcher tells
// the task's agent it was removed, and the agent's runtime deletes the container (docker) or
// the task's directory with its logs (process, DATA/tasks/<id>).

import { DEFAULT_CLUSTER_SETTINGS, type StoreView, type TaskObject, type TasksApplyCommand } from '@shoal/store';
import { TaskBatch } from '../task-batch.js';
import { isRemovable, newestFirst } from '../task-lifecycle.js';
import { historyToKeep } from '../orchestrator/restart-policy.js';

export const DEFAULT_HISTORY_PER_SLOT = DEFAULT_CLUSTER_SETTINGS.taskHistoryLimit;

export interface ReaperSettings {
  /** Finished tasks kept per slot; default: the cluster's taskHistoryLimit setting. */
  readonly keepPerSlot?: number;
  /** Removes at most this many per plan, keeping Raft entries small; default 1000. */
  readonly maxRemoves?: number;
}

export interface ReapingPlan {
  readonly commands: TasksApplyCommand[];
  readonly removed: string[];
}

export function planReaping(view: StoreView, nowMs: number, settings: ReaperSettings = {}): ReapingPlan {
  const keep = settings.keepPerSlot ?? historyLimit(view);
  const limit = settings.maxRemoves ?? 1_000;
  const slots = new Map<string, TaskObject[]>();
  const removed: string[] = [];
  for (const t of view.tasks()) {
    if (!isRemovable(t)) continue;
    if (!view.getService(t.serviceId)) {
      removed.push(t.id);
      continue;
    }
    const key = `${t.serviceId}/${t.slot === 0 ? t.nodeId : t.slot}`;
    const list = slots.get(key);
    if (list) list.push(t);
    else slots.set(key, [t]);
  }
  for (const list of slots.values()) {
    const first = list[0];
    const n = historyToKeep(first ? view.getService(first.serviceId) : undefined, keep);
    if (list.length <= n) continue;
    list.sort(newestFirst);
    for (const t of list.slice(n)) removed.push(t.id);
  }
  const batch = new TaskBatch();
  const chosen = removed.slice(0, limit);
  for (const id of chosen) batch.remove(id);
  return { commands: batch.toCommands(new Date(nowMs).toISOString()), removed: chosen };
}

/** The cluster's task history limit (a store not initialized yet has none: the default). */
export function historyLimit(view: StoreView): number {
  try {
    return view.cluster().settings.taskHistoryLimit;
  } catch {
    return DEFAULT_HISTORY_PER_SLOT;
  }
}
