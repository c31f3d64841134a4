// Autoscaling, as the store keeps it: a replicated service's bounds and target (`service.autoscale`)
// and the leader's recent decisions (`service.autoscaleDecision`, which also sets the replica
// count). The autoscaler duty (packages/manager/src/leader/autoscaler/) decides; the store only
// checks and records, so every manager shows the same decisions and a new leader sees them.

import { StoreError, outOfSequenceError } from './errors.js';
import { checkId, checkTimestamp } from './objects.js';
import { MAX_REPLICAS, type ServiceObject } from './services.js';
import { Checker, describe } from './shape.js';
import type { Decision, State } from './transitions.js';

export const AUTOSCALE_METRICS = ['cpu', 'connections'] as const;
export type AutoscaleMetric = (typeof AUTOSCALE_METRICS)[number];

export interface AutoscaleConfig {
  /** At least 1: a service scaled to 0 has no task whose load could bring it back. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** cpu: percent of one core per task; connections: open connections per task. */
  readonly metric: AutoscaleMetric;
  readonly target: number;
  /** A higher recommendation must hold this long before the service grows. */
  readonly scaleUpWindowMs: number;
  /** The service shrinks to the highest recommendation of this window (stabilization). */
  readonly scaleDownWindowMs: number;
  /** No change while observed/target stays within 1 ± tolerance. */
  readonly tolerance: number;
}

export interface AutoscaleDecision {
  readonly at: string;
  readonly fromReplicas: number;
  readonly toReplicas: number;
  readonly reason: string;
}

/** What a client may leave out: the windows and the tolerance. Exactly one target. */
export interface AutoscaleInput {
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  readonly targetCpuPercent?: number;
  readonly targetConnections?: number;
  readonly scaleUpWindowMs?: number;
  readonly scaleDownWindowMs?: number;
  readonly tolerance?: number;
}

/**
 * Kubernetes HPA's defaults, except the scale-up window: HPA reacts at once (0); we wait 15 s so
 * one busy heartbeat (a burst, a task's start-up CPU) does not add tasks.
 */
export const DEFAULT_AUTOSCALE_WINDOWS = { scaleUpWindowMs: 15_000, scaleDownWindowMs: 300_000, tolerance: 0.1 } as const;

/** The decisions a service keeps (newest last). */
export const AUTOSCALE_DECISIONS_KEPT = 20;
export const MAX_AUTOSCALE_WINDOW_MS = 3_600_000;
const MAX_REASON = 1024;
const MAX_TARGET = 1_000_000;

/** Completes and checks what a client asks for; throws StoreError INVALID_ARGUMENT naming the flag. */
export function normalizeAutoscale(input: AutoscaleInput): AutoscaleConfig {
  const bad = (problem: string): never => {
    throw new StoreError('INVALID_ARGUMENT', `invalid autoscale: ${problem}`);
  };
  const { minReplicas, maxReplicas, targetCpuPercent: cpu, targetConnections: conns } = input;
  if (minReplicas === undefined || maxReplicas === undefined) bad('give both --min and --max (e.g. --min 2 --max 10)');
  const min = minReplicas!;
  const max = maxReplicas!;
  if (!Number.isSafeInteger(min) || min < 1 || min > MAX_REPLICAS) {
    bad(`--min must be a whole number from 1 to ${MAX_REPLICAS} (got ${describe(min)}); a service scaled to 0 has no load to scale it back up`);
  }
  if (!Number.isSafeInteger(max) || max < 1 || max > MAX_REPLICAS) bad(`--max must be a whole number from 1 to ${MAX_REPLICAS} (got ${describe(max)})`);
  if (min > max) bad(`--min ${min} is larger than --max ${max}`);
  const cpuSet = cpu !== undefined;
  const connsSet = conns !== undefined;
  if (cpuSet && connsSet) bad('give one target, --target-cpu or --target-connections, not both');
  if (!cpuSet && !connsSet) bad('give a target: --target-cpu PERCENT (of one core, per task) or --target-connections N (open, per task)');
  const metric: AutoscaleMetric = cpuSet ? 'cpu' : 'connections';
  const target = (cpuSet ? cpu : conns)!;
  const flag = cpuSet ? '--target-cpu' : '--target-connections';
  if (!Number.isFinite(target) || target <= 0 || target > MAX_TARGET)
    bad(`${flag} must be a number above 0 and at most ${MAX_TARGET} (got ${describe(target)})`);
  const window = (value: number | undefined, fallback: number, name: string): number => {
    const v = value ?? fallback;
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_AUTOSCALE_WINDOW_MS) bad(`${name} must be a duration from 0 to 1h (got ${describe(v)} ms)`);
    return v;
  };
  const tolerance = input.tolerance ?? DEFAULT_AUTOSCALE_WINDOWS.tolerance;
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 1)
    bad(`--tolerance must be a ratio from 0 to 1, e.g. 0.1 for ±10% (got ${describe(tolerance)})`);
  return {
    minReplicas: min,
    maxReplicas: max,
    metric,
    target,
    scaleUpWindowMs: window(input.scaleUpWindowMs, DEFAULT_AUTOSCALE_WINDOWS.scaleUpWindowMs, '--scale-up-window'),
    scaleDownWindowMs: window(input.scaleDownWindowMs, DEFAULT_AUTOSCALE_WINDOWS.scaleDownWindowMs, '--scale-down-window'),
    tolerance: tolerance === 0 ? 0 : tolerance,
  };
}

// ---- shapes (commands, snapshots) --------------------------------------------------------

const CONFIG_FIELDS = ['minReplicas', 'maxReplicas', 'metric', 'target', 'scaleUpWindowMs', 'scaleDownWindowMs', 'tolerance'] as const;

export function checkAutoscaleConfig(c: Checker, value: unknown, path: string): AutoscaleConfig {
  const v = c.object(value, path, CONFIG_FIELDS);
  const minReplicas = c.integer(v.minReplicas, `${path}.minReplicas`, 1, MAX_REPLICAS);
  const maxReplicas = c.integer(v.maxReplicas, `${path}.maxReplicas`, 1, MAX_REPLICAS);
  if (minReplicas > maxReplicas) c.fail(`${path}.minReplicas`, `(${minReplicas}) is larger than maxReplicas (${maxReplicas})`);
  return {
    minReplicas,
    maxReplicas,
    metric: c.oneOf(v.metric, `${path}.metric`, AUTOSCALE_METRICS),
    target: positive(c, v.target, `${path}.target`),
    scaleUpWindowMs: c.integer(v.scaleUpWindowMs, `${path}.scaleUpWindowMs`, 0, MAX_AUTOSCALE_WINDOW_MS),
    scaleDownWindowMs: c.integer(v.scaleDownWindowMs, `${path}.scaleDownWindowMs`, 0, MAX_AUTOSCALE_WINDOW_MS),
    tolerance: c.number(v.tolerance, `${path}.tolerance`, 0, 1),
  };
}

function positive(c: Checker, value: unknown, path: string): number {
  const n = c.number(value, path, 0, MAX_TARGET);
  if (n === 0) c.fail(path, 'must be above 0');
  return n;
}

export function checkAutoscaleDecision(c: Checker, value: unknown, path: string): AutoscaleDecision {
  const v = c.object(value, path, ['at', 'fromReplicas', 'toReplicas', 'reason']);
  return {
    at: checkTimestamp(c, v.at, `${path}.at`),
    fromReplicas: c.integer(v.fromReplicas, `${path}.fromReplicas`, 0, MAX_REPLICAS),
    toReplicas: c.integer(v.toReplicas, `${path}.toReplicas`, 0, MAX_REPLICAS),
    reason: c.string(v.reason, `${path}.reason`, { max: MAX_REASON }),
  };
}

/** The autoscale fields of a stored service (absent in services stored before autoscaling). */
export function checkServiceAutoscale(c: Checker, v: Record<string, unknown>, path: string): Pick<ServiceObject, 'autoscale' | 'autoscaleDecisions'> {
  return {
    ...(v.autoscale === undefined ? {} : { autoscale: v.autoscale === null ? null : checkAutoscaleConfig(c, v.autoscale, `${path}.autoscale`) }),
    ...(v.autoscaleDecisions === undefined
      ? {}
      : {
          autoscaleDecisions: c.array(
            v.autoscaleDecisions,
            `${path}.autoscaleDecisions`,
            (d, at) => checkAutoscaleDecision(c, d, at),
            AUTOSCALE_DECISIONS_KEPT,
          ),
        }),
  };
}

// ---- commands ----------------------------------------------------------------------------

/** Sets (or, with null, clears) a replicated service's autoscaling. */
export interface ServiceAutoscaleCommand {
  readonly type: 'service.autoscale';
  readonly at: string;
  readonly id: string;
  readonly autoscale: AutoscaleConfig | null;
}

/**
 * The autoscaler's decision: sets spec.replicas (keeping previousSpec, as scaling does) and
 * records why. Refused unless the service is still at `expectedVersion`: a decision made on an
 * older view (a user scaled, an update started) is not carried out.
 */
export interface ServiceAutoscaleDecisionCommand {
  readonly type: 'service.autoscaleDecision';
  readonly at: string;
  readonly id: string;
  readonly expectedVersion: number;
  readonly decision: AutoscaleDecision;
}

export function parseAutoscaleCommand(c: Checker, value: unknown): ServiceAutoscaleCommand {
  const v = c.object(value, '', ['type', 'at', 'id', 'autoscale']);
  return {
    type: 'service.autoscale',
    at: checkTimestamp(c, v.at, 'at'),
    id: checkId(c, v.id, 'id'),
    autoscale: v.autoscale === null ? null : checkAutoscaleConfig(c, v.autoscale, 'autoscale'),
  };
}

export function parseAutoscaleDecisionCommand(c: Checker, value: unknown): ServiceAutoscaleDecisionCommand {
  const v = c.object(value, '', ['type', 'at', 'id', 'expectedVersion', 'decision']);
  return {
    type: 'service.autoscaleDecision',
    at: checkTimestamp(c, v.at, 'at'),
    id: checkId(c, v.id, 'id'),
    expectedVersion: c.integer(v.expectedVersion, 'expectedVersion', 1),
    decision: checkAutoscaleDecision(c, v.decision, 'decision'),
  };
}

export function decideAutoscale(state: State, cmd: ServiceAutoscaleCommand, index: number): Decision | StoreError {
  const service = state.services.existing(cmd.id);
  if (service instanceof StoreError) return service;
  if (cmd.autoscale && service.spec.mode !== 'replicated') {
    return new StoreError(
      'INVALID_ARGUMENT',
      `service ${service.name} is global: it runs one task per eligible node, so there is no replica count to autoscale`,
    );
  }
  const next: ServiceObject = { ...service, autoscale: cmd.autoscale, version: index, updatedAt: cmd.at };
  return [{ kind: 'service', action: 'update', object: next, previous: service, index }];
}

export function decideAutoscaleDecision(state: State, cmd: ServiceAutoscaleDecisionCommand, index: number): Decision | StoreError {
  const service = state.services.existing(cmd.id);
  if (service instanceof StoreError) return service;
  if (cmd.expectedVersion !== service.version) return outOfSequenceError(`service ${service.id} ("${service.name}")`, cmd.expectedVersion, service.version);
  const config = service.autoscale;
  if (!config) return new StoreError('INVALID_ARGUMENT', `service ${service.name} is not autoscaled (any more); the decision is dropped`);
  const { fromReplicas, toReplicas } = cmd.decision;
  if (fromReplicas !== service.spec.replicas) {
    return new StoreError('UPDATE_OUT_OF_SEQUENCE', `service ${service.name} runs ${service.spec.replicas} replicas, not ${fromReplicas}; decide again`);
  }
  if (toReplicas < config.minReplicas || toReplicas > config.maxReplicas) {
    return new StoreError(
      'INVALID_ARGUMENT',
      `${toReplicas} replicas is outside service ${service.name}'s autoscale bounds ${config.minReplicas}..${config.maxReplicas}`,
    );
  }
  const decisions = [...(service.autoscaleDecisions ?? []), cmd.decision].slice(-AUTOSCALE_DECISIONS_KEPT);
  const next: ServiceObject = {
    ...service,
    spec: { ...service.spec, replicas: toReplicas },
    autoscaleDecisions: decisions,
    version: index,
    updatedAt: cmd.at,
  };
  return [{ kind: 'service', action: 'update', object: next, previous: service, index }];
}
