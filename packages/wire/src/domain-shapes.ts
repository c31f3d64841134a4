// The one place where the store's domain objects (packages/store: ServiceSpec, TaskSpec, the
// task an agent runs) change shape to and from their wire messages (proto/spec.proto, the
// dispatcher's Task). What comes off the wire ends in the store's own checks, so a spec or a
// task is held to the leader's rules wherever it is read; nothing else in shoal converts them.
//
// Wire specs give every field presence (see proto/spec.proto): reading one back yields exactly
// the fields that were set, which is what a partial spec from a client is.

import {
  Checker,
  normalizeAutoscale,
  checkAssignedTask,
  checkServiceSpec,
  seal,
  type AssignedTask,
  type AutoscaleConfig,
  type AutoscaleDecision,
  type AutoscaleInput,
  type ServiceSpec,
  type ServiceSpecInput,
  type TaskObject,
  type TaskSpec,
  type UpdateStatus,
} from '@shoal/store';
import type { UpdateStatus as WireUpdateStatus } from './gen/shoal/control/v1/UpdateStatus.js';
import type { AutoscaleConfig as WireAutoscaleConfig, AutoscaleConfig__Output as WireAutoscaleConfigOut } from './gen/shoal/control/v1/AutoscaleConfig.js';
import type { AutoscaleDecision as WireAutoscaleDecision } from './gen/shoal/control/v1/AutoscaleDecision.js';
import type { Task as WireTask, Task__Output as WireTaskOut } from './gen/shoal/dispatcher/v1/Task.js';
import type { HealthCheck as WireHealthCheck, HealthCheck__Output as WireHealthCheckOut } from './gen/shoal/spec/v1/HealthCheck.js';
import type { HealthTest as WireHealthTest, HealthTest__Output as WireHealthTestOut } from './gen/shoal/spec/v1/HealthTest.js';
import type { Placement as WirePlacement, Placement__Output as WirePlacementOut } from './gen/shoal/spec/v1/Placement.js';
import type { PortSpec as WirePortSpec, PortSpec__Output as WirePortSpecOut } from './gen/shoal/spec/v1/PortSpec.js';
import type { ResourceAmounts as WireAmounts, ResourceAmounts__Output as WireAmountsOut } from './gen/shoal/spec/v1/ResourceAmounts.js';
import type { RestartPolicy as WireRestartPolicy, RestartPolicy__Output as WireRestartPolicyOut } from './gen/shoal/spec/v1/RestartPolicy.js';
import type { ServiceSpec as WireServiceSpec, ServiceSpec__Output as WireServiceSpecOut } from './gen/shoal/spec/v1/ServiceSpec.js';
import type { TaskSpec as WireTaskSpec, TaskSpec__Output as WireTaskSpecOut } from './gen/shoal/spec/v1/TaskSpec.js';
import type { UpdateConfig as WireUpdateConfig, UpdateConfig__Output as WireUpdateConfigOut } from './gen/shoal/spec/v1/UpdateConfig.js';

// ---- domain → wire -----------------------------------------------------------------------

/**
 * A spec written by hand (a script, a test) is checked for what its message cannot carry, in
 * the leader's words: an unknown field (a typo would vanish silently instead of being named),
 * a fraction in an integer field (it would be truncated), a number in a string field.
 */
const INPUT = new Checker('INVALID_ARGUMENT', 'invalid service spec');
const ANY_LENGTH = { max: Number.MAX_SAFE_INTEGER };

function fields(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> | undefined {
  return value === undefined ? undefined : INPUT.object(value, path, [], allowed);
}

// Ranges and choices are the leader's to check (its refusal names them and their bounds).

function text(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : INPUT.string(value, path, ANY_LENGTH);
}

function int(value: unknown, path: string): number | undefined {
  return value === undefined ? undefined : INPUT.integer(value, path, Number.MIN_SAFE_INTEGER);
}

function ratio(value: unknown, path: string): number | undefined {
  return value === undefined ? undefined : INPUT.number(value, path, -Number.MAX_VALUE, Number.MAX_VALUE);
}

function list<T, W>(value: unknown, path: string, item: (v: T, path: string) => W): { items: W[] } | undefined {
  if (value === undefined) return undefined;
  return { items: INPUT.array(value, path, (v, at) => item(v as T, at), Number.MAX_SAFE_INTEGER) };
}

function strings(value: unknown, path: string): { items: string[] } | undefined {
  return list<unknown, string>(value, path, (v, at) => INPUT.string(v, at, ANY_LENGTH)); // an item: never absent
}

function stringMap(value: unknown, path: string): { entries: Record<string, string> } | undefined {
  if (value === undefined) return undefined;
  return { entries: INPUT.stringMap(value, path, ANY_LENGTH, ANY_LENGTH, Number.MAX_SAFE_INTEGER) };
}

/** A service spec, complete (from the store) or partial (what a client asks for), as sent. */
export function serviceSpecToWire(spec: ServiceSpecInput): WireServiceSpec {
  // Not fields(): a missing spec is refused in words, not read as an empty one.
  const v = INPUT.object(spec, 'spec', [], ['name', 'mode', 'replicas', 'task', 'ports', 'update', 'rollback', 'labels']);
  return {
    name: text(v.name, 'spec.name'),
    mode: text(v.mode, 'spec.mode'),
    replicas: int(v.replicas, 'spec.replicas'),
    task: taskSpecToWire(v.task, 'spec.task'),
    ports: list(v.ports, 'spec.ports', portToWire),
    update: updateConfigToWire(v.update, 'spec.update'),
    rollback: updateConfigToWire(v.rollback, 'spec.rollback'),
    labels: stringMap(v.labels, 'spec.labels'),
  };
}

function taskSpecToWire(value: unknown, path: string): WireTaskSpec | undefined {
  const v = fields(value, path, [
    'runtime',
    'image',
    'command',
    'env',
    'workdir',
    'resources',
    'placement',
    'restartPolicy',
    'healthCheck',
    'stopGracePeriodMs',
    'drainMs',
    'forceUpdate',
  ]);
  if (!v) return undefined;
  const r = fields(v.resources, `${path}.resources`, ['reservations', 'limits']);
  return {
    runtime: text(v.runtime, `${path}.runtime`),
    image: text(v.image, `${path}.image`),
    command: strings(v.command, `${path}.command`),
    env: stringMap(v.env, `${path}.env`),
    workdir: text(v.workdir, `${path}.workdir`),
    resources: r && {
      reservations: amountsToWire(r.reservations, `${path}.resources.reservations`),
      limits: amountsToWire(r.limits, `${path}.resources.limits`),
    },
    placement: placementToWire(v.placement, `${path}.placement`),
    restartPolicy: restartPolicyToWire(v.restartPolicy, `${path}.restartPolicy`),
    // null: no health check (a complete spec says so; an update removes the current one).
    healthCheck: v.healthCheck === null ? undefined : healthCheckToWire(v.healthCheck, `${path}.healthCheck`),
    noHealthCheck: v.healthCheck === null ? true : undefined,
    stopGracePeriodMs: int(v.stopGracePeriodMs, `${path}.stopGracePeriodMs`),
    drainMs: int(v.drainMs, `${path}.drainMs`),
    forceUpdate: int(v.forceUpdate, `${path}.forceUpdate`),
  };
}

function portToWire(value: unknown, path: string): WirePortSpec {
  const v = INPUT.object(value, path, [], ['published', 'target', 'protocol']); // a list item: never absent
  return {
    published: int(v.published, `${path}.published`),
    target: int(v.target, `${path}.target`),
    protocol: text(v.protocol, `${path}.protocol`),
  };
}

function amountsToWire(value: unknown, path: string): WireAmounts | undefined {
  const v = fields(value, path, ['nanoCpus', 'memoryBytes']);
  return (
    v && {
      nanoCpus: int(v.nanoCpus, `${path}.nanoCpus`),
      memoryBytes: int(v.memoryBytes, `${path}.memoryBytes`),
    }
  );
}

function placementToWire(value: unknown, path: string): WirePlacement | undefined {
  const v = fields(value, path, ['constraints', 'preferences', 'maxReplicasPerNode']);
  if (!v) return undefined;
  return {
    constraints: strings(v.constraints, `${path}.constraints`),
    preferences: list(v.preferences, `${path}.preferences`, (p, at) => ({
      spread: text(INPUT.object(p, at, [], ['spread']).spread, `${at}.spread`),
    })),
    maxReplicasPerNode: int(v.maxReplicasPerNode, `${path}.maxReplicasPerNode`),
  };
}

function restartPolicyToWire(value: unknown, path: string): WireRestartPolicy | undefined {
  const v = fields(value, path, ['condition', 'delayMs', 'maxAttempts', 'windowMs']);
  return (
    v && {
      condition: text(v.condition, `${path}.condition`),
      delayMs: int(v.delayMs, `${path}.delayMs`),
      maxAttempts: int(v.maxAttempts, `${path}.maxAttempts`),
      windowMs: int(v.windowMs, `${path}.windowMs`),
    }
  );
}

function healthCheckToWire(value: unknown, path: string): WireHealthCheck | undefined {
  const v = fields(value, path, ['test', 'intervalMs', 'timeoutMs', 'retries', 'startPeriodMs']);
  if (!v) return undefined;
  const t = fields(v.test, `${path}.test`, ['kind', 'cmd', 'path', 'port']);
  const test: WireHealthTest | undefined = t && {
    kind: text(t.kind, `${path}.test.kind`),
    cmd: strings(t.cmd, `${path}.test.cmd`),
    path: text(t.path, `${path}.test.path`),
    port: int(t.port, `${path}.test.port`),
  };
  return {
    test,
    intervalMs: int(v.intervalMs, `${path}.intervalMs`),
    timeoutMs: int(v.timeoutMs, `${path}.timeoutMs`),
    retries: int(v.retries, `${path}.retries`),
    startPeriodMs: int(v.startPeriodMs, `${path}.startPeriodMs`),
  };
}

function updateConfigToWire(value: unknown, path: string): WireUpdateConfig | undefined {
  const v = fields(value, path, ['parallelism', 'delayMs', 'monitorMs', 'failureAction', 'maxFailureRatio', 'order']);
  return (
    v && {
      parallelism: int(v.parallelism, `${path}.parallelism`),
      delayMs: int(v.delayMs, `${path}.delayMs`),
      monitorMs: int(v.monitorMs, `${path}.monitorMs`),
      failureAction: text(v.failureAction, `${path}.failureAction`),
      maxFailureRatio: ratio(v.maxFailureRatio, `${path}.maxFailureRatio`),
      order: text(v.order, `${path}.order`),
    }
  );
}

/** How far a rolling update got, counted by the leader from the tasks (the store keeps no counters). */
export interface UpdateProgress {
  readonly updated: number;
  readonly total: number;
  readonly failed: number;
}

/** A service's update status as GetService/ListServices carry it; undefined (absent) before any update. */
export function updateStatusToWire(status: UpdateStatus | null, progress: UpdateProgress): WireUpdateStatus | undefined {
  if (!status) return undefined;
  return {
    state: status.state,
    message: status.message,
    startedAt: status.startedAt,
    completedAt: status.completedAt,
    canary: status.canary,
    updated: progress.updated,
    total: progress.total,
    failed: progress.failed,
  };
}

/**
 * Task specs already converted: the store's tasks share their service's frozen spec object, so
 * a node's full set of thousands of tasks converts it once, not once per task.
 */
const wireTaskSpecs = new WeakMap<TaskSpec, WireTaskSpec>();

function taskSpecOnWire(spec: TaskSpec): WireTaskSpec {
  let wire = wireTaskSpecs.get(spec);
  if (!wire) {
    wire = taskSpecToWire(spec, 'task.spec')!;
    if (Object.isFrozen(spec)) wireTaskSpecs.set(spec, wire);
  }
  return wire;
}

/** A stored task as the dispatcher sends it to the agent of its node (what it needs to run it). */
export function assignedTaskToWire(t: TaskObject): WireTask {
  return {
    id: t.id,
    name: t.name,
    serviceId: t.serviceId,
    serviceName: t.serviceName,
    serviceVersion: t.serviceVersion,
    slot: t.slot,
    nodeId: t.nodeId,
    spec: taskSpecOnWire(t.spec),
    ports: t.ports.map((p) => portToWire(p, 'task.ports')),
    desiredState: t.desiredState,
    state: t.status.state,
    port: t.port,
  };
}

// ---- wire → domain -----------------------------------------------------------------------

type Fields = Record<string, unknown>;

/** The fields that were set (absent ones left out, as a partial spec leaves them out). */
function present(o: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** sint64 arrives as a decimal string (longs: String); the store's numbers are JS numbers. */
function num(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

/**
 * A spec off the wire as the store's (partial) spec input: exactly the fields that were set,
 * for normalizeServiceSpec to complete and check.
 */
export function serviceSpecInputFromWire(w: WireServiceSpecOut | null): ServiceSpecInput {
  if (!w) return {};
  return present({
    name: w.name,
    mode: w.mode,
    replicas: num(w.replicas),
    task: w.task ? taskSpecFromWire(w.task) : undefined,
    ports: w.ports?.items.map(portFromWire),
    update: w.update ? updateConfigFromWire(w.update) : undefined,
    rollback: w.rollback ? updateConfigFromWire(w.rollback) : undefined,
    labels: w.labels?.entries,
  }) as ServiceSpecInput;
}

function taskSpecFromWire(w: WireTaskSpecOut): Fields {
  return present({
    runtime: w.runtime,
    image: w.image,
    command: w.command?.items,
    env: w.env?.entries,
    workdir: w.workdir,
    resources: w.resources
      ? present({
          reservations: w.resources.reservations ? amountsFromWire(w.resources.reservations) : undefined,
          limits: w.resources.limits ? amountsFromWire(w.resources.limits) : undefined,
        })
      : undefined,
    placement: w.placement ? placementFromWire(w.placement) : undefined,
    restartPolicy: w.restartPolicy ? restartPolicyFromWire(w.restartPolicy) : undefined,
    healthCheck: w.healthCheck ? healthCheckFromWire(w.healthCheck) : w.noHealthCheck ? null : undefined,
    stopGracePeriodMs: num(w.stopGracePeriodMs),
    drainMs: num(w.drainMs),
    forceUpdate: num(w.forceUpdate),
  });
}

function portFromWire(w: WirePortSpecOut): Fields {
  return present({ published: num(w.published), target: num(w.target), protocol: w.protocol });
}

function amountsFromWire(w: WireAmountsOut): Fields {
  return present({ nanoCpus: num(w.nanoCpus), memoryBytes: num(w.memoryBytes) });
}

function placementFromWire(w: WirePlacementOut): Fields {
  return present({
    constraints: w.constraints?.items,
    preferences: w.preferences?.items.map((p) => present({ spread: p.spread })),
    maxReplicasPerNode: num(w.maxReplicasPerNode),
  });
}

function restartPolicyFromWire(w: WireRestartPolicyOut): Fields {
  return present({ condition: w.condition, delayMs: num(w.delayMs), maxAttempts: num(w.maxAttempts), windowMs: num(w.windowMs) });
}

function healthCheckFromWire(w: WireHealthCheckOut): Fields {
  return present({
    test: w.test ? healthTestFromWire(w.test) : undefined,
    intervalMs: num(w.intervalMs),
    timeoutMs: num(w.timeoutMs),
    retries: num(w.retries),
    startPeriodMs: num(w.startPeriodMs),
  });
}

function healthTestFromWire(w: WireHealthTestOut): Fields {
  return present({ kind: w.kind, cmd: w.cmd?.items, path: w.path, port: num(w.port) });
}

function updateConfigFromWire(w: WireUpdateConfigOut): Fields {
  return present({
    parallelism: num(w.parallelism),
    delayMs: num(w.delayMs),
    monitorMs: num(w.monitorMs),
    failureAction: w.failureAction,
    maxFailureRatio: w.maxFailureRatio,
    order: w.order,
  });
}

/**
 * A complete spec a manager sent (a Service's spec), checked by the store's rules and in the
 * store's form (keys sorted, frozen), so it prints as the leader stored it. Throws a StoreError
 * naming the field when it is not a valid complete spec.
 */
export function serviceSpecFromWire(w: WireServiceSpecOut | null, what = 'service spec from the manager'): ServiceSpec {
  return seal(checkServiceSpec(new Checker('INVALID_ARGUMENT', what), serviceSpecInputFromWire(w), 'spec'));
}

/**
 * The task an assignment carries, checked by the store's rules (its spec as the leader checks
 * one). Throws a StoreError naming the field when it is malformed.
 */
export function assignedTaskFromWire(w: WireTaskOut | null): AssignedTask {
  const c: Checker = new Checker('INVALID_ARGUMENT', 'invalid task from the leader');
  if (!w) c.fail('task', 'is missing from the assignment');
  const task = checkAssignedTask(
    c,
    {
      id: w.id,
      name: w.name,
      serviceId: w.serviceId,
      serviceName: w.serviceName,
      serviceVersion: Number(w.serviceVersion),
      slot: w.slot,
      nodeId: w.nodeId,
      spec: w.spec ? (taskSpecFromWire(w.spec) as unknown as TaskSpec) : undefined,
      ports: w.ports.map(portFromWire),
      desiredState: w.desiredState,
      state: w.state,
      port: w.port,
    },
    'task',
  );
  return seal(task);
}

// ---- autoscaling (control.proto AutoscaleConfig) -------------------------------------------
//
// The wire config has no field presence: a request carries a complete config (the CLI fills
// the defaults with autoscaleInputToWire), and a 0 window or tolerance means 0. The one target
// set (above 0) is the metric.

export function autoscaleToWire(a: AutoscaleConfig): WireAutoscaleConfig {
  return {
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    targetCpuPercent: a.metric === 'cpu' ? a.target : 0,
    targetConnections: a.metric === 'connections' ? a.target : 0,
    scaleUpWindowMs: String(a.scaleUpWindowMs),
    scaleDownWindowMs: String(a.scaleDownWindowMs),
    tolerance: a.tolerance,
  };
}

/** What a client asks for, completed with the defaults and checked (throws StoreError INVALID_ARGUMENT), as sent. */
export function autoscaleInputToWire(input: AutoscaleInput): WireAutoscaleConfig {
  return autoscaleToWire(normalizeAutoscale(input));
}

/** A request's config as the store's input, for normalizeAutoscale to check. */
export function autoscaleInputFromWire(w: WireAutoscaleConfigOut): AutoscaleInput {
  return {
    minReplicas: w.minReplicas,
    maxReplicas: w.maxReplicas,
    ...(w.targetCpuPercent !== 0 ? { targetCpuPercent: w.targetCpuPercent } : {}),
    ...(w.targetConnections !== 0 ? { targetConnections: w.targetConnections } : {}),
    scaleUpWindowMs: Number(w.scaleUpWindowMs),
    scaleDownWindowMs: Number(w.scaleDownWindowMs),
    tolerance: w.tolerance,
  };
}

export function autoscaleDecisionToWire(d: AutoscaleDecision): WireAutoscaleDecision {
  return { at: d.at, fromReplicas: d.fromReplicas, toReplicas: d.toReplicas, reason: d.reason };
}
