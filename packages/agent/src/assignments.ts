// What a manager assigns this node, read off the wire: each task decoded and checked by the
// store's rules (@shoal/wire's assignedTaskFromWire), as the leader checks what it commits. A
// task that does not pass is set apart with the reason, for the executor to reject and report,
// instead of reaching a runtime half-formed.

import { isStoreError, type AssignedTask } from '@shoal/store';
import { assignedTaskFromWire, type Assignments__Output } from '@shoal/wire';

export interface TaskAssignments {
  /** This is the whole set for the node (anything else running here must stop). */
  readonly full: boolean;
  readonly assigned: readonly AssignedTask[];
  /** Tasks no longer assigned here. */
  readonly removed: readonly string[];
  /** Assigned tasks that could not be read, and why. */
  readonly unreadable: readonly { readonly taskId: string; readonly error: string }[];
}

export function readAssignments(a: Assignments__Output): TaskAssignments {
  const assigned: AssignedTask[] = [];
  const unreadable: { taskId: string; error: string }[] = [];
  for (const as of a.assigned) {
    try {
      assigned.push(assignedTaskFromWire(as.task));
    } catch (e) {
      if (!isStoreError(e)) throw e;
      unreadable.push({ taskId: as.taskId, error: e.message });
    }
  }
  return { full: a.full, assigned, removed: a.removed, unreadable };
}
