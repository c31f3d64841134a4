// The updater's plan: moves every service whose update status is "updating" or
// "rollback_started" one step closer to running its current spec everywhere, by Swarm's rules
// (README.md). Pure: a view and a clock in, commands out. Everything is derived from the store
// — which slots already run the current spec, since when, which of those failed — so a new
// leader continues exactly where the old one stopped, and a slot whose live task runs the
// current spec is never touched again.

import {
  isRollback,
  newId,
  taskIsCurrent,
  type Command,
  type ServiceObject,
  type StoreView,
  type TaskObject,
  type UpdateConfig,
  type UpdateStatusPatch,
} from '@shoal/store';
import { formatDuration } from '../format-duration.js';
import { TaskBatch } from '../task-batch.js';
import { isLive, keeperFirst, ms } from '../task-lifecycle.js';

export interface UpdaterSettings {
  /** Task ids (tests pass a deterministic source); default newId(). */
  readonly newId?: () => string;
}

/** A transition worth a log line: which service, what happened. */
export interface UpdateNote {
  readonly service: string;
  readonly event: string;
  readonly detail: string;
}

export interface UpdatePlan {
  /** Status changes first (one per service that moves), then one tasks.apply of every slot started or finished. */
  readonly commands: Command[];
  readonly nextWakeMs: number | undefined;
  readonly notes: UpdateNote[];
}

/** Where one slot (a replicated slot, or a global service's node) stands in the update. */
export type SlotStage =
  /** A live task runs the current spec and has been running (and healthy) for the monitor period. */
  | 'updated'
  /** A live task runs the current spec, running (and healthy) since `readyMs`, still watched. */
  | 'monitoring'
  /** A live task runs the current spec but is not running (and healthy) yet. */
  | 'starting'
  /** Only tasks of an older spec are live: still to update. */
  | 'waiting'
  /** No live task at all: the orchestrator refills it (with the current spec). */
  | 'empty';

export interface SlotAssessment {
  readonly key: string;
  readonly slot: number;
  readonly stage: SlotStage;
  /** The live task on the current spec. */
  readonly current: TaskObject | undefined;
  /** Live tasks of an older spec. */
  readonly stale: readonly TaskObject[];
  /** When the current task became running (and healthy). */
  readonly readyMs: number | undefined;
}

export interface UpdateAssessment {
  readonly config: UpdateConfig;
  readonly slots: readonly SlotAssessment[];
  /** Tasks on the current spec that ended on their own within their monitor period, since the status's countFrom; newest first. */
  readonly failures: readonly TaskObject[];
  /** Slots that have (or had, if it failed) a task on the current spec since countFrom. */
  readonly touched: number;
}

/** The update's config: the spec's update config, or its rollback config during a rollback. */
export function configOf(service: ServiceObject): UpdateConfig {
  return isRollback(service.updateStatus) ? service.spec.rollback : service.spec.update;
}

/** When a task on the current spec became ready: running, and healthy when it has a health check. */
function readyMsOf(t: TaskObject, nowMs: number): number | undefined {
  if (t.status.state !== 'running') return undefined;
  if (t.spec.healthCheck) return t.status.healthy === true ? ms(t.status.at, nowMs) : undefined;
  return ms(t.runningAt ?? t.status.at, nowMs);
}

/** Ended on its own (not stopped by the system, not lost with its node): an update failure when within the monitor period. */
function failedOnItsOwn(t: TaskObject): boolean {
  const s = t.status.state;
  return s === 'failed' || s === 'complete' || s === 'rejected';
}

export function assessUpdate(service: ServiceObject, tasks: readonly TaskObject[], nowMs: number): UpdateAssessment {
  const config = configOf(service);
  const countFromMs = service.updateStatus ? ms(service.updateStatus.countFrom, 0) : 0;
  const groups = new Map<string, TaskObject[]>();
  if (service.spec.mode === 'replicated') {
    for (let slot = 1; slot <= service.spec.replicas; slot++) groups.set(String(slot), []);
    for (const t of tasks) groups.get(String(t.slot))?.push(t);
  } else {
    for (const t of tasks) {
      if (t.slot !== 0 || t.nodeId === '') continue;
      const list = groups.get(t.nodeId);
      if (list) list.push(t);
      else if (isLive(t)) groups.set(t.nodeId, [t]);
    }
  }
  const slots: SlotAssessment[] = [];
  const failures: TaskObject[] = [];
  let touched = 0;
  for (const [key, list] of groups) {
    const live = list.filter(isLive);
    const current = live.filter((t) => taskIsCurrent(t, service)).sort(keeperFirst)[0];
    const stale = live.filter((t) => !taskIsCurrent(t, service));
    let failedHere = false;
    for (const t of list) {
      if (!failedOnItsOwn(t) || !taskIsCurrent(t, service) || ms(t.status.at, 0) < countFromMs) continue;
      const ran = t.runningAt === undefined ? 0 : ms(t.status.at, 0) - ms(t.runningAt, 0);
      if (t.runningAt !== undefined && ran >= config.monitorMs) continue;
      failures.push(t);
      failedHere = true;
    }
    const readyMs = current && readyMsOf(current, nowMs);
    const stage: SlotStage = current
      ? readyMs === undefined
        ? 'starting'
        : nowMs - readyMs >= config.monitorMs
          ? 'updated'
          : 'monitoring'
      : stale.length > 0
        ? 'waiting'
        : 'empty';
    if (current || failedHere) touched++;
    slots.push({ key, slot: Number(key) || 0, stage, current, stale, readyMs });
  }
  failures.sort((a, b) => ms(b.status.at, 0) - ms(a.status.at, 0));
  return { config, slots, failures, touched };
}

/** What GetService shows: slots past their monitor period, slots in all, failures counted. */
export function updateProgress(service: ServiceObject, tasks: readonly TaskObject[], nowMs: number): { updated: number; total: number; failed: number } {
  if (!service.updateStatus) return { updated: 0, total: 0, failed: 0 };
  const a = assessUpdate(service, tasks, nowMs);
  return { updated: a.slots.filter((s) => s.stage === 'updated').length, total: a.slots.length, failed: a.failures.length };
}

/** Why a failed task failed, in a few words. */
function failureText(t: TaskObject): string {
  const why = t.status.error || t.status.message || (t.status.exitCode !== null ? `exit code ${t.status.exitCode}` : '');
  return `task ${t.name} ${t.status.state}${why ? `: ${why}` : ''}`;
}

export function planUpdates(view: StoreView, nowMs: number, settings: UpdaterSettings = {}): UpdatePlan {
  const at = new Date(nowMs).toISOString();
  const batch = new TaskBatch();
  const statusCommands: Command[] = [];
  const notes: UpdateNote[] = [];
  let nextWakeMs: number | undefined;
  const wake = (atMs: number): void => {
    if (nextWakeMs === undefined || atMs < nextWakeMs) nextWakeMs = atMs;
  };
  const makeId = settings.newId ?? newId;

  for (const service of view.services()) {
    const status = service.updateStatus;
    if (!status || (status.state !== 'updating' && status.state !== 'rollback_started')) continue;
    const rollback = isRollback(status);
    const name = service.name;
    const a = assessUpdate(service, view.tasksOfService(service.id), nowMs);
    const { config } = a;
    const setStatus = (patch: UpdateStatusPatch, event: string): void => {
      statusCommands.push({ type: 'service.setUpdateStatus', at, id: service.id, expectedVersion: service.version, status: patch });
      notes.push({ service: name, event, detail: patch.message });
    };

    // 1. Failures past the ratio: the failure action.
    const failed = a.failures.length;
    if (failed > 0 && failed / Math.max(1, a.touched) > config.maxFailureRatio && config.failureAction !== 'continue') {
      const why =
        `${failureText(a.failures[0]!)} (${failed} of ${Math.max(1, a.touched)} updated task${a.touched === 1 ? '' : 's'} failed, ` +
        `more than the max failure ratio ${config.maxFailureRatio})`;
      if (config.failureAction === 'rollback' && !rollback && service.previousSpec) {
        const message = `update rolled back: ${why}`;
        statusCommands.push({ type: 'service.rollback', at, id: service.id, expectedVersion: service.version, message });
        notes.push({ service: name, event: 'rollback_started', detail: message });
      } else {
        const state = rollback ? 'rollback_paused' : 'paused';
        setStatus({ state, message: `${rollback ? 'rollback' : 'update'} paused: ${why}` }, state);
      }
      continue;
    }

    // 2. Slots already started: finish what their stage asks.
    let busy = 0;
    let lastReadyMs: number | undefined;
    let waiting = 0;
    let onNew = 0;
    let updated = 0;
    for (const s of a.slots) {
      if (s.current) onNew++;
      if (s.stage === 'updated') updated++;
      if (s.stage === 'waiting') waiting++;
      if (s.readyMs !== undefined && (lastReadyMs === undefined || s.readyMs > lastReadyMs)) lastReadyMs = s.readyMs;
      if (s.stage === 'monitoring') wake(s.readyMs! + config.monitorMs);
      if (s.stage === 'starting') busy++;
      // The new task is ready (start-first), or the order does not wait for it: the old one goes.
      const { current } = s;
      if (current && s.stale.length > 0 && (s.readyMs !== undefined || config.order === 'stop-first')) {
        for (const t of s.stale) batch.stop(t, `replaced by task ${current.name} (${rollback ? 'rollback' : 'update'})`);
      }
    }

    // 3. Done: every slot runs the current spec, past its monitor period.
    if (waiting === 0 && busy === 0 && a.slots.every((s) => s.stage === 'updated' || s.stage === 'empty')) {
      const state = rollback ? 'rollback_completed' : 'completed';
      setStatus({ state, message: `${rollback ? 'rollback' : 'update'} completed`, completedAt: at }, state);
      continue;
    }

    // 4. A canary holds once its K slots are updated.
    const canary = rollback ? 0 : status.canary;
    if (canary > 0 && waiting > 0 && updated >= canary && onNew >= canary && busy === 0) {
      const message =
        `canary: ${onNew} of ${a.slots.length} tasks run version ${service.specVersion}; ` +
        `\`shoal service update ${name} --continue\` finishes, \`shoal service rollback ${name}\` undoes it`;
      setStatus({ state: 'paused', message }, 'paused');
      continue;
    }

    // 5. Start the next slots: parallelism at a time, the delay after the last one became ready.
    if (waiting === 0) continue;
    if (config.delayMs > 0 && lastReadyMs !== undefined && nowMs < lastReadyMs + config.delayMs) {
      wake(lastReadyMs + config.delayMs);
      continue;
    }
    let budget = (config.parallelism === 0 ? Infinity : config.parallelism) - busy;
    if (canary > 0) budget = Math.min(budget, canary - onNew);
    const started: string[] = [];
    for (const s of a.slots) {
      if (budget <= 0) break;
      if (s.stage !== 'waiting') continue;
      budget--;
      started.push(s.key);
      const replicated = service.spec.mode === 'replicated';
      // A global service's node gets its new task from the orchestrator once the old one is
      // stopped (it owns node ports), so global services always update stop-first.
      if (!replicated || config.order === 'stop-first') {
        for (const t of s.stale) batch.stop(t, `${rollback ? 'rolling back' : 'updating'} to version ${service.specVersion}`);
      }
      if (replicated) batch.create({ id: makeId(), serviceId: service.id, slot: s.slot, attempt: 0, serviceVersion: service.version });
    }
    if (started.length > 0) {
      notes.push({
        service: name,
        event: rollback ? 'rolling back' : 'updating',
        detail: `${service.spec.mode === 'replicated' ? 'slots' : 'nodes'} ${started.join(', ')} to version ${service.specVersion} (${config.order}, ${updated} of ${a.slots.length} updated, monitor ${formatDuration(config.monitorMs)})`,
      });
    }
  }
  return { commands: [...statusCommands, ...batch.toCommands(at)], nextWakeMs, notes };
}
