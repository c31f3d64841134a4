// The autoscaler's planner (Kubernetes HPA semantics): for each autoscaled service, the load of
// its running tasks against the target gives a recommended replica count; the service grows to
// the lowest recommendation of the scale-up window and shrinks to the highest of the scale-down
// window, within min..max. Pure but for the recommendation history it is given (the loop's
// memory): a read-only view, the load board, a clock value in; decisions to record out.

import type { AutoscaleConfig, Command, ServiceObject, StoreView, TaskObject } from '@shoal/store';
import type { TaskLoadSource } from '../../task-load.js';
import { formatDuration } from '../format-duration.js';
import type { LoopPlan } from '../loop.js';
import { isLive } from '../task-lifecycle.js';

/** A sample older than this (its node stopped reporting) does not count. */
export const MAX_SAMPLE_AGE_MS = 30_000;

/** Update states during which the autoscaler holds: the updater owns the tasks then. */
const UPDATE_IN_PROGRESS = new Set(['updating', 'rollback_started']);

export interface Recommendation {
  readonly atMs: number;
  readonly replicas: number;
}

interface Watched {
  /** The config the recommendations were made for: another config starts over. */
  readonly configKey: string;
  /** When this leader started recommending for it: a window counts only once it has passed. */
  readonly sinceMs: number;
  recommendations: Recommendation[];
}

/**
 * Each service's recent recommendations, in the loop's memory only: a new leader starts with
 * none, so it waits a full window before scaling (it cannot know what the old leader saw).
 */
export class RecommendationHistory {
  private readonly byService = new Map<string, Watched>();

  watch(serviceId: string, config: AutoscaleConfig, nowMs: number): Watched {
    const configKey = JSON.stringify(config);
    let w = this.byService.get(serviceId);
    if (!w || w.configKey !== configKey) this.byService.set(serviceId, (w = { configKey, sinceMs: nowMs, recommendations: [] }));
    return w;
  }

  /** Forgets services that are gone or no longer autoscaled. */
  keepOnly(serviceIds: ReadonlySet<string>): void {
    for (const id of this.byService.keys()) if (!serviceIds.has(id)) this.byService.delete(id);
  }

  recommendationsOf(serviceId: string): readonly Recommendation[] {
    return this.byService.get(serviceId)?.recommendations ?? [];
  }
}

/** What the planner concluded for one service: a decision to record, or why it holds. */
export interface AutoscaleOutcome {
  readonly serviceId: string;
  readonly service: string;
  readonly fromReplicas: number;
  /** Set when the service is to be scaled. */
  readonly toReplicas?: number;
  /** For a hold: a short code (logs say so when it changes): */
  readonly hold?: 'update' | 'no-tasks' | 'missing-samples' | 'steady' | 'up-window' | 'down-window';
  readonly reason: string;
}

export interface AutoscalePlan extends LoopPlan {
  readonly outcomes: readonly AutoscaleOutcome[];
}

export interface AutoscaleSettings {
  readonly maxSampleAgeMs?: number;
}

export function planAutoscaling(
  view: StoreView,
  load: TaskLoadSource,
  history: RecommendationHistory,
  nowMs: number,
  settings: AutoscaleSettings = {},
): AutoscalePlan {
  const commands: Command[] = [];
  const outcomes: AutoscaleOutcome[] = [];
  const watched = new Set<string>();
  for (const s of view.services()) {
    const config = s.autoscale;
    if (!config || s.spec.mode !== 'replicated') continue;
    watched.add(s.id);
    const outcome = planService(view, s, config, load, history, nowMs, settings.maxSampleAgeMs ?? MAX_SAMPLE_AGE_MS);
    outcomes.push(outcome);
    if (outcome.toReplicas !== undefined) {
      commands.push({
        type: 'service.autoscaleDecision',
        at: new Date(nowMs).toISOString(),
        id: s.id,
        expectedVersion: s.version,
        decision: { at: new Date(nowMs).toISOString(), fromReplicas: outcome.fromReplicas, toReplicas: outcome.toReplicas, reason: outcome.reason },
      });
    }
  }
  history.keepOnly(watched);
  return { commands, outcomes };
}

/** The observed load per task, or why it is not known well enough to act on. */
export type Observation =
  { readonly perTask: number; readonly sampled: number; readonly running: number } | { readonly missing: string; readonly running: number };

function planService(
  view: StoreView,
  s: ServiceObject,
  config: AutoscaleConfig,
  load: TaskLoadSource,
  history: RecommendationHistory,
  nowMs: number,
  maxSampleAgeMs: number,
): AutoscaleOutcome {
  const current = s.spec.replicas;
  const base = { serviceId: s.id, service: s.spec.name, fromReplicas: current };
  const { minReplicas: min, maxReplicas: max } = config;
  const updateState = (s as { updateStatus?: { state?: string } | null }).updateStatus?.state;
  if (updateState !== undefined && UPDATE_IN_PROGRESS.has(updateState)) {
    return { ...base, hold: 'update', reason: `a rolling update is in progress (${updateState}): holding at ${current}` };
  }
  // Out of bounds (autoscaling just set, or a manual `service scale`): back within at once.
  if (current < min) return { ...base, toReplicas: min, reason: `${current} is below the autoscale minimum: ${current} -> ${min}` };
  if (current > max) return { ...base, toReplicas: max, reason: `${current} is above the autoscale maximum: ${current} -> ${max}` };

  const watch = history.watch(s.id, config, nowMs);
  const observed = observe(view.tasksOfService(s.id), config, load, nowMs, maxSampleAgeMs);
  if ('missing' in observed) return { ...base, hold: observed.running === 0 ? 'no-tasks' : 'missing-samples', reason: `${observed.missing}: not scaling` };

  const ratio = observed.perTask / config.target;
  // The epsilon keeps 11/10 (1.1000000000000001) inside a 10% band.
  const within = Math.abs(ratio - 1) <= config.tolerance + 1e-9;
  const raw = within ? current : Math.ceil(observed.running * ratio);
  const recommended = Math.min(max, Math.max(min, raw));
  const bound = raw > max ? ` (max ${max})` : raw < min ? ` (min ${min})` : '';
  const metric = describeObserved(config, observed);

  const horizon = Math.max(config.scaleUpWindowMs, config.scaleDownWindowMs);
  watch.recommendations = [...watch.recommendations.filter((r) => r.atMs >= nowMs - horizon), { atMs: nowMs, replicas: recommended }];
  const inWindow = (windowMs: number): number[] => watch.recommendations.filter((r) => r.atMs >= nowMs - windowMs).map((r) => r.replicas);
  const watchedFor = nowMs - watch.sinceMs;

  const up = Math.min(...inWindow(config.scaleUpWindowMs));
  if (up > current) {
    if (watchedFor < config.scaleUpWindowMs) {
      return {
        ...base,
        hold: 'up-window',
        reason: `${metric}: recommends ${recommended}${bound}; waiting for it to hold ${formatDuration(config.scaleUpWindowMs)}`,
      };
    }
    const held = config.scaleUpWindowMs > 0 ? `, held ${formatDuration(config.scaleUpWindowMs)}` : '';
    return { ...base, toReplicas: up, reason: `${metric}: ${current} -> ${up}${bound}${held}` };
  }
  const down = Math.max(...inWindow(config.scaleDownWindowMs));
  if (down < current) {
    if (watchedFor < config.scaleDownWindowMs) {
      return {
        ...base,
        hold: 'down-window',
        reason: `${metric}: recommends ${recommended}${bound}; waiting for the ${formatDuration(config.scaleDownWindowMs)} stabilization window`,
      };
    }
    const window = config.scaleDownWindowMs > 0 ? `, highest recommendation of the last ${formatDuration(config.scaleDownWindowMs)}` : '';
    return { ...base, toReplicas: down, reason: `${metric}: ${current} -> ${down}${bound}${window}` };
  }
  const why = within
    ? `within the ${Math.round(config.tolerance * 100)}% tolerance`
    : recommended === current
      ? `recommends ${recommended}${bound}`
      : `recommends ${recommended}${bound}, held by the windows`;
  return { ...base, hold: 'steady', reason: `${metric}: ${why}; staying at ${current}` };
}

/**
 * The mean load per running task. cpu: the tasks' own nodes' samples (a task's CPU is measured
 * where it runs); connections: per task, the open connections every node's mesh holds to it.
 * At least half the running tasks must have a fresh sample: new tasks report after their first
 * heartbeat, but a service whose load is mostly unknown is not scaled on a guess.
 */
export function observe(tasks: readonly TaskObject[], config: AutoscaleConfig, load: TaskLoadSource, nowMs: number, maxSampleAgeMs: number): Observation {
  const running = tasks.filter((t) => isLive(t) && t.status.state === 'running');
  if (running.length === 0) return { missing: 'no running task to measure', running: 0 };
  const values: number[] = [];
  for (const t of running) {
    const fresh = load.samplesOf(t.id).filter((x) => x.atMs >= nowMs - maxSampleAgeMs);
    if (config.metric === 'cpu') {
      const own = fresh.find((x) => x.nodeId === t.nodeId && x.cpuPercent !== null);
      if (own) values.push(own.cpuPercent!);
    } else if (fresh.length > 0) {
      values.push(fresh.reduce((sum, x) => sum + x.openConnections, 0));
    }
  }
  const needed = Math.ceil(running.length / 2);
  if (values.length < needed) {
    return {
      missing: `${config.metric} load known for ${values.length} of ${running.length} running tasks (at least ${needed} needed)`,
      running: running.length,
    };
  }
  return { perTask: values.reduce((a, b) => a + b, 0) / values.length, sampled: values.length, running: running.length };
}

function describeObserved(config: AutoscaleConfig, o: { perTask: number; sampled: number; running: number }): string {
  const tasks = o.running === 1 ? 'task' : 'tasks';
  const over = o.sampled === o.running ? `${o.running} ${tasks}` : `${o.sampled} of ${o.running} ${tasks}`;
  const tol = `±${Math.round(config.tolerance * 100)}%`;
  if (config.metric === 'cpu') return `cpu ${round(o.perTask)}% per task vs target ${config.target}% ${tol} over ${over}`;
  return `connections ${round(o.perTask)} per task vs target ${config.target} ${tol} over ${over}`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
