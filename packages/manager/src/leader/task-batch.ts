// Collects a planner's task changes and turns them into tasks.apply commands. Updates to one
// task merge into one item (e.g. "orphaned" and "desired shutdown" together), and every update
// carries the version the planner read, so a change made meanwhile by someone else (an agent's
// report, another duty's loop) makes the store skip that item instead of overwriting it; the
// loop re-plans from the new state.

import { MAX_TASK_BATCH, type NewTask, type TaskObject, type TaskPatch, type TaskStatusReport, type TasksApplyCommand } from '@shoal/store';

export class TaskBatch {
  private readonly creates: NewTask[] = [];
  private readonly updates = new Map<string, { expectedVersion: number; patch: TaskPatch }>();
  private readonly removes: string[] = [];

  get size(): number {
    return this.creates.length + this.updates.size + this.removes.length;
  }

  create(t: NewTask): void {
    this.creates.push(t);
  }

  update(task: TaskObject, patch: TaskPatch): void {
    const current = this.updates.get(task.id);
    if (!current) {
      this.updates.set(task.id, { expectedVersion: task.version, patch });
      return;
    }
    const status: TaskStatusReport | undefined = patch.status ?? current.patch.status;
    current.patch = { ...current.patch, ...patch, ...(status ? { status } : {}) };
  }

  /** Desired state → shutdown. A task no node ever took is also reported stopped (no agent will). */
  stop(task: TaskObject, reason: string): void {
    if (task.desiredState === 'shutdown' && !this.updates.has(task.id)) return;
    const unassigned = task.nodeId === '' && (task.status.state === 'new' || task.status.state === 'pending');
    this.update(task, unassigned ? { desiredState: 'shutdown', status: { state: 'shutdown', message: reason } } : { desiredState: 'shutdown' });
  }

  remove(id: string): void {
    this.removes.push(id);
  }

  /** One command per MAX_TASK_BATCH items of each list; none when there is nothing to do. */
  toCommands(at: string, limit = MAX_TASK_BATCH): TasksApplyCommand[] {
    const updates = [...this.updates].map(([id, u]) => ({ id, expectedVersion: u.expectedVersion, patch: u.patch }));
    const commands: TasksApplyCommand[] = [];
    for (let i = 0; ; i += limit) {
      const creates = this.creates.slice(i, i + limit);
      const ups = updates.slice(i, i + limit);
      const removes = this.removes.slice(i, i + limit);
      if (creates.length + ups.length + removes.length === 0) break;
      commands.push({ type: 'tasks.apply', at, creates, updates: ups, removes });
    }
    return commands;
  }
}
