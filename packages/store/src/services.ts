// Services: what the user asks to run. A service's spec turns into tasks (one per slot for a
// replicated service, one per eligible node for a global one); the store keeps the spec and the
// one it replaced (`previousSpec`), so a rollback is an update back to it.
//
// Commands carry complete specs, checked strictly like everything else in a Raft entry. The
// control API receives partial specs from the CLI and completes them with normalizeServiceSpec
// before proposing, so defaults are chosen once, by the proposer, and replicated as values.

import { seal } from './canonical.js';
import { isPlacementKey, parseConstraint } from './constraints.js';
import { StoreError } from './errors.js';
import { checkId, checkLabels, checkTimestamp, checkRuntime, TEXT_RULE, type NodeResources, type Runtime, type StoredObject } from './objects.js';
import { Checker, describe, type StringRule } from './shape.js';

export const SERVICE_MODES = ['replicated', 'global'] as const;
export const RESTART_CONDITIONS = ['any', 'on-failure', 'none'] as const;
export const FAILURE_ACTIONS = ['pause', 'continue', 'rollback'] as const;
export const UPDATE_ORDERS = ['stop-first', 'start-first'] as const;
export const PORT_PROTOCOLS = ['tcp'] as const;

export type ServiceMode = (typeof SERVICE_MODES)[number];
export type RestartCondition = (typeof RESTART_CONDITIONS)[number];
export type FailureAction = (typeof FAILURE_ACTIONS)[number];
export type UpdateOrder = (typeof UPDATE_ORDERS)[number];

export type Resources = NodeResources;

export interface PortSpec {
  /** The port the cluster publishes, unique across services. */
  readonly published: number;
  /**
   * The port the task listens on, for the record (tasks listen on the PORT their node gave them
   * and the mesh forwards there). New specs carry 1..65535 (default: the published port); 0
   * ("the task's PORT") is still read from specs stored by earlier versions.
   */
  readonly target: number;
  readonly protocol: 'tcp';
}

export interface RestartPolicy {
  readonly condition: RestartCondition;
  readonly delayMs: number;
  /** 0 = unlimited. */
  readonly maxAttempts: number;
  /** The window maxAttempts is counted in; 0 = forever. */
  readonly windowMs: number;
}

export type HealthTest =
  | { readonly kind: 'cmd'; readonly cmd: readonly string[] }
  /** `port` 0 = the task's PORT. */
  | { readonly kind: 'http'; readonly path: string; readonly port: number };

export interface HealthCheck {
  readonly test: HealthTest;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
}

export interface UpdateConfig {
  /** Tasks replaced at a time; 0 = all at once. */
  readonly parallelism: number;
  readonly delayMs: number;
  /** How long an updated task is watched for failure. */
  readonly monitorMs: number;
  readonly failureAction: FailureAction;
  /** The share of updated tasks that may fail (0..1) before failureAction applies. */
  readonly maxFailureRatio: number;
  readonly order: UpdateOrder;
}

export interface Placement {
  readonly constraints: readonly string[];
  readonly preferences: readonly { readonly spread: string }[];
  /** 0 = no limit; replicated services only. */
  readonly maxReplicasPerNode: number;
}

export interface TaskSpec {
  /** '' = whatever the node runs. */
  readonly runtime: Runtime;
  /** Docker image; '' for process tasks. */
  readonly image: string;
  /** Process tasks: argv (required). Docker: overrides the image's command. */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  readonly resources: { readonly reservations: Resources; readonly limits: Resources };
  readonly placement: Placement;
  readonly restartPolicy: RestartPolicy;
  readonly healthCheck: HealthCheck | null;
  readonly stopGracePeriodMs: number;
  /**
   * Bumped by `service update --force`: a different task spec, so every task is replaced even
   * though nothing else changed. 0 by default (and for specs stored before it existed).
   */
  readonly forceUpdate: number;
  /**
   * How long a task desired shut down keeps running after it left every node's routing mesh,
   * before it is signalled, so requests in flight finish (0..300000 ms).
   */
  readonly drainMs: number;
}

export interface ServiceSpec {
  readonly name: string;
  readonly mode: ServiceMode;
  /** Replicated: 0..10000. Global: 0. */
  readonly replicas: number;
  readonly task: TaskSpec;
  readonly ports: readonly PortSpec[];
  readonly update: UpdateConfig;
  readonly rollback: UpdateConfig;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ServiceObject extends StoredObject {
  /** Always spec.name. */
  readonly name: string;
  readonly spec: ServiceSpec;
  /** The spec the last update replaced (null before any); rolling back is updating to it. */
  readonly previousSpec: ServiceSpec | null;
  /**
   * The index at which what tasks are made of (spec.task, spec.ports) last changed: tasks copy
   * it as their specVersion. A rollback brings back the previous spec's version with the spec.
   */
  readonly specVersion: number;
  /** previousSpec's specVersion (0 when there is none). */
  readonly previousSpecVersion: number;
  /** The last rolling update or rollback and where it stands (null before any). */
  readonly updateStatus: UpdateStatus | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

// ---- rolling updates -----------------------------------------------------------------------

export const UPDATE_STATES = ['updating', 'paused', 'completed', 'rollback_started', 'rollback_paused', 'rollback_completed'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

/**
 * Where a rolling update stands. The leader's updater (manager/src/leader/updater) drives it
 * from this and the tasks alone, so a new leader carries on where the old one stopped.
 */
export interface UpdateStatus {
  readonly state: UpdateState;
  /** Why it is in that state ("update paused: task web.3.abc123 failed: ..."). */
  readonly message: string;
  readonly startedAt: string;
  /** '' until completed. */
  readonly completedAt: string;
  /** Slots to move to the new spec before holding (`--canary K`); 0 = all. */
  readonly canary: number;
  /**
   * Failures of updated tasks count from here: the start, or the last `--continue` (a resumed
   * update does not pause again for the failures it was paused for).
   */
  readonly countFrom: string;
}

/** Whether the updater has work (or a hold) for this status: not completed. */
export function updateInProgress(status: UpdateStatus | null): boolean {
  return status !== null && status.state !== 'completed' && status.state !== 'rollback_completed';
}

/** Whether the status describes a rollback (its pacing comes from spec.rollback). */
export function isRollback(status: UpdateStatus | null): boolean {
  return status !== null && status.state.startsWith('rollback_');
}

/** A service as `service.create` carries it: the store sets name, version and timestamps. */
export interface NewService {
  readonly id: string;
  readonly spec: ServiceSpec;
}

// ---- defaults ----------------------------------------------------------------------------

export const DEFAULT_RESTART_POLICY: RestartPolicy = seal({ condition: 'any', delayMs: 200, maxAttempts: 0, windowMs: 0 });

export const DEFAULT_UPDATE_CONFIG: UpdateConfig = seal({
  parallelism: 1,
  delayMs: 0,
  monitorMs: 5_000,
  failureAction: 'pause',
  maxFailureRatio: 0,
  order: 'stop-first',
});

/** Rolling back uses the same pacing as updating by default (as Swarm does). */
export const DEFAULT_ROLLBACK_CONFIG: UpdateConfig = DEFAULT_UPDATE_CONFIG;

/** What a health check given only its test gets (Docker's are 30 s; our clusters react faster). */
export const DEFAULT_HEALTH_CHECK_TIMING: Omit<HealthCheck, 'test'> = seal({ intervalMs: 5_000, timeoutMs: 3_000, retries: 3, startPeriodMs: 0 });

export const DEFAULT_TASK_SPEC: TaskSpec = seal({
  runtime: '',
  image: '',
  command: [],
  env: {},
  workdir: '',
  resources: { reservations: { nanoCpus: 0, memoryBytes: 0 }, limits: { nanoCpus: 0, memoryBytes: 0 } },
  placement: { constraints: [], preferences: [], maxReplicasPerNode: 0 },
  restartPolicy: DEFAULT_RESTART_POLICY,
  healthCheck: null,
  stopGracePeriodMs: 10_000,
  forceUpdate: 0,
  drainMs: 2_000,
});

// ---- limits and rules --------------------------------------------------------------------

export const MAX_REPLICAS = 10_000;
/** The longest drain period (5 minutes). */
export const MAX_DRAIN_MS = 300_000;

/**
 * The largest service spec, encoded as JSON (bytes). Every field has its own limit, but the
 * fields together could reach megabytes; a spec rides in a Raft entry that every manager must
 * validate, write and apply well within an election timeout, and in every task sent to agents.
 */
export const MAX_SPEC_BYTES = 256 * 1024;
const DAY_MS = 86_400_000;

// No "." so task names (<service>.<slot>.<id prefix>) split unambiguously; 63 characters keep
// them DNS-label sized.
export const SERVICE_NAME_RULE: StringRule = {
  min: 1,
  max: 63,
  pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
  patternHint: 'must start with a letter or digit and contain only letters, digits, "_" and "-"',
};
const IMAGE_RULE: StringRule = { max: 512, pattern: /^\S*$/, patternHint: 'must not contain spaces' };
const ENV_KEY_RULE: StringRule = {
  min: 1,
  max: 256,
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  patternHint: 'must be a variable name: letters, digits and "_", not starting with a digit',
};
const ENV_VALUE_RULE: StringRule = { max: 32_768 };
const CONSTRAINT_RULE: StringRule = { min: 1, max: 512 };
const HTTP_PATH_RULE: StringRule = { min: 1, max: 1024, pattern: /^\/\S*$/, patternHint: 'must start with "/" and contain no spaces' };

/** "must be an integer from A to B": every number in a spec says its range. */
function int(c: Checker, value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    c.fail(path, `must be an integer from ${min} to ${max} (got ${describe(value)})`);
  }
  return value === 0 ? 0 : value;
}

function port(c: Checker, value: unknown, path: string, min: 0 | 1): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) c.fail(path, `must be a port number (got ${describe(value)})`);
  if (value < min || value > 65_535) c.fail(path, `${value} is not a port (${min}..65535)`);
  return value === 0 ? 0 : value;
}

// ---- checks ------------------------------------------------------------------------------

const SPEC_FIELDS = ['name', 'mode', 'replicas', 'task', 'ports', 'update', 'rollback', 'labels'] as const;
const TASK_FIELDS = [
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
] as const;
/** Task spec fields added after specs were stored: absent ones get their default. */
const LATER_TASK_FIELDS = ['forceUpdate'] as const;

export function checkServiceSpec(c: Checker, value: unknown, path: string): ServiceSpec {
  const v = c.object(value, path, SPEC_FIELDS);
  const mode = c.oneOf(v.mode, `${path}.mode`, SERVICE_MODES);
  const replicas = int(c, v.replicas, `${path}.replicas`, 0, MAX_REPLICAS);
  if (mode === 'global' && replicas !== 0) {
    c.fail(`${path}.replicas`, `must be 0 for a global service: it runs one task on every eligible node (got ${replicas})`);
  }
  const task = checkTaskSpec(c, v.task, `${path}.task`);
  if (mode === 'global' && task.placement.maxReplicasPerNode !== 0) {
    c.fail(
      `${path}.task.placement.maxReplicasPerNode`,
      `must be 0 for a global service: it runs one task per node anyway (got ${task.placement.maxReplicasPerNode})`,
    );
  }
  const ports = c.array(v.ports, `${path}.ports`, (p, at) => checkPortSpec(c, p, at), 64);
  const seen = new Set<number>();
  ports.forEach((p, i) => {
    if (seen.has(p.published)) c.fail(`${path}.ports[${i}].published`, `${p.published} is listed twice; publish each port once`);
    seen.add(p.published);
  });
  const rollback = checkUpdateConfig(c, v.rollback, `${path}.rollback`);
  if (rollback.failureAction === 'rollback') {
    c.fail(`${path}.rollback.failureAction`, 'cannot be "rollback": a failed rollback has nothing to roll back to; use "pause" or "continue"');
  }
  return {
    name: c.string(v.name, `${path}.name`, SERVICE_NAME_RULE),
    mode,
    replicas,
    task,
    ports,
    update: checkUpdateConfig(c, v.update, `${path}.update`),
    rollback,
    labels: checkLabels(c, v.labels, `${path}.labels`),
  };
}

export function checkPortSpec(c: Checker, value: unknown, path: string): PortSpec {
  const v = c.object(value, path, ['published', 'target', 'protocol']);
  return {
    published: port(c, v.published, `${path}.published`, 1),
    target: port(c, v.target, `${path}.target`, 0),
    protocol: c.oneOf(v.protocol, `${path}.protocol`, PORT_PROTOCOLS),
  };
}

export function checkTaskSpec(c: Checker, value: unknown, path: string): TaskSpec {
  const v = c.object(value, path, TASK_FIELDS, LATER_TASK_FIELDS);
  const runtime = checkRuntime(c, v.runtime, `${path}.runtime`);
  const image = c.string(v.image, `${path}.image`, IMAGE_RULE);
  const command = c.array(v.command, `${path}.command`, (a, at) => c.string(a, at), 256);
  if (runtime === 'process' && (command.length === 0 || command[0] === '')) {
    c.fail(`${path}.command:`, 'a process task needs a command (e.g. --command "node server.js")');
  }
  if (runtime === 'process' && image !== '') {
    c.fail(`${path}.image`, `is for docker tasks; a process task runs its command (got "${image}"): leave the image out or use --runtime docker`);
  }
  if (runtime === 'docker' && image === '') c.fail(`${path}.image:`, 'a docker task needs an image (e.g. --image nginx:alpine)');
  if (runtime === '' && image === '' && command.length === 0) {
    c.fail(`${path}:`, 'nothing to run; give an image (docker) or a command (process)');
  }
  const resources = c.object(v.resources, `${path}.resources`, ['reservations', 'limits']);
  const reservations = checkResourceAmounts(c, resources.reservations, `${path}.resources.reservations`);
  const limits = checkResourceAmounts(c, resources.limits, `${path}.resources.limits`);
  for (const key of ['nanoCpus', 'memoryBytes'] as const) {
    if (limits[key] !== 0 && limits[key] < reservations[key]) {
      c.fail(
        `${path}.resources.limits.${key}`,
        `(${limits[key]}) is below the reservation (${reservations[key]}); a task cannot be limited to less than it reserves`,
      );
    }
  }
  return {
    runtime,
    image,
    command,
    env: c.stringMap(v.env, `${path}.env`, ENV_KEY_RULE, ENV_VALUE_RULE, 256),
    workdir: c.string(v.workdir, `${path}.workdir`, { max: 4096 }),
    resources: { reservations, limits },
    placement: checkPlacement(c, v.placement, `${path}.placement`),
    restartPolicy: checkRestartPolicy(c, v.restartPolicy, `${path}.restartPolicy`),
    healthCheck: v.healthCheck === null ? null : checkHealthCheck(c, v.healthCheck, `${path}.healthCheck`),
    stopGracePeriodMs: int(c, v.stopGracePeriodMs, `${path}.stopGracePeriodMs`, 0, 3_600_000),
    forceUpdate: v.forceUpdate === undefined ? 0 : int(c, v.forceUpdate, `${path}.forceUpdate`, 0, Number.MAX_SAFE_INTEGER),
    drainMs: int(c, v.drainMs, `${path}.drainMs`, 0, MAX_DRAIN_MS),
  };
}

function checkResourceAmounts(c: Checker, value: unknown, path: string): Resources {
  const v = c.object(value, path, ['nanoCpus', 'memoryBytes']);
  return {
    nanoCpus: int(c, v.nanoCpus, `${path}.nanoCpus`, 0, Number.MAX_SAFE_INTEGER),
    memoryBytes: int(c, v.memoryBytes, `${path}.memoryBytes`, 0, Number.MAX_SAFE_INTEGER),
  };
}

function checkPlacement(c: Checker, value: unknown, path: string): Placement {
  const v = c.object(value, path, ['constraints', 'preferences', 'maxReplicasPerNode']);
  const constraints = c.array(
    v.constraints,
    `${path}.constraints`,
    (x, at) => {
      const expr = c.string(x, at, CONSTRAINT_RULE);
      try {
        parseConstraint(expr);
      } catch (e) {
        c.fail(at, e instanceof StoreError ? e.message : String(e));
      }
      return expr;
    },
    64,
  );
  const preferences = c.array(
    v.preferences,
    `${path}.preferences`,
    (x, at) => {
      const p = c.object(x, at, ['spread']);
      const spread = c.string(p.spread, `${at}.spread`, CONSTRAINT_RULE);
      if (!isPlacementKey(spread)) c.fail(`${at}.spread`, `must name a node attribute like node.labels.zone (got "${spread}")`);
      return { spread };
    },
    8,
  );
  return { constraints, preferences, maxReplicasPerNode: int(c, v.maxReplicasPerNode, `${path}.maxReplicasPerNode`, 0, MAX_REPLICAS) };
}

function checkRestartPolicy(c: Checker, value: unknown, path: string): RestartPolicy {
  const v = c.object(value, path, ['condition', 'delayMs', 'maxAttempts', 'windowMs']);
  return {
    condition: c.oneOf(v.condition, `${path}.condition`, RESTART_CONDITIONS),
    delayMs: int(c, v.delayMs, `${path}.delayMs`, 0, DAY_MS),
    maxAttempts: int(c, v.maxAttempts, `${path}.maxAttempts`, 0, 1_000_000),
    windowMs: int(c, v.windowMs, `${path}.windowMs`, 0, 7 * DAY_MS),
  };
}

function checkHealthCheck(c: Checker, value: unknown, path: string): HealthCheck {
  const v = c.object(value, path, ['test', 'intervalMs', 'timeoutMs', 'retries', 'startPeriodMs']);
  return {
    test: checkHealthTest(c, v.test, `${path}.test`),
    intervalMs: int(c, v.intervalMs, `${path}.intervalMs`, 100, DAY_MS),
    timeoutMs: int(c, v.timeoutMs, `${path}.timeoutMs`, 10, DAY_MS),
    retries: int(c, v.retries, `${path}.retries`, 1, 100),
    startPeriodMs: int(c, v.startPeriodMs, `${path}.startPeriodMs`, 0, DAY_MS),
  };
}

function checkHealthTest(c: Checker, value: unknown, path: string): HealthTest {
  const head = c.object(value, path, ['kind'], ['cmd', 'path', 'port']);
  const kind = c.oneOf(head.kind, `${path}.kind`, ['cmd', 'http'] as const);
  if (kind === 'cmd') {
    const v = c.object(value, path, ['kind', 'cmd']);
    const cmd = c.array(v.cmd, `${path}.cmd`, (a, at) => c.string(a, at), 256);
    if (cmd.length === 0 || cmd[0] === '') c.fail(`${path}.cmd`, 'must not be empty: give the command to run (e.g. ["curl", "-f", "localhost"])');
    return { kind, cmd };
  }
  const v = c.object(value, path, ['kind', 'path', 'port']);
  return { kind, path: c.string(v.path, `${path}.path`, HTTP_PATH_RULE), port: port(c, v.port, `${path}.port`, 0) };
}

export function checkUpdateConfig(c: Checker, value: unknown, path: string): UpdateConfig {
  const v = c.object(value, path, ['parallelism', 'delayMs', 'monitorMs', 'failureAction', 'maxFailureRatio', 'order']);
  return {
    parallelism: int(c, v.parallelism, `${path}.parallelism`, 0, MAX_REPLICAS),
    delayMs: int(c, v.delayMs, `${path}.delayMs`, 0, DAY_MS),
    monitorMs: int(c, v.monitorMs, `${path}.monitorMs`, 0, DAY_MS),
    failureAction: c.oneOf(v.failureAction, `${path}.failureAction`, FAILURE_ACTIONS),
    maxFailureRatio: c.number(v.maxFailureRatio, `${path}.maxFailureRatio`, 0, 1),
    order: c.oneOf(v.order, `${path}.order`, UPDATE_ORDERS),
  };
}

export function checkNewService(c: Checker, value: unknown, path: string): NewService {
  const v = c.object(value, path, ['id', 'spec']);
  return { id: checkId(c, v.id, `${path}.id`), spec: checkServiceSpec(c, v.spec, `${path}.spec`) };
}

export function checkService(c: Checker, value: unknown, path: string): ServiceObject {
  // The update fields are optional: services stored before rolling updates existed lack them.
  const v = c.object(
    value,
    path,
    ['id', 'name', 'version', 'spec', 'previousSpec', 'createdAt', 'updatedAt'],
    ['specVersion', 'previousSpecVersion', 'updateStatus'],
  );
  const spec = checkServiceSpec(c, v.spec, `${path}.spec`);
  const name = c.string(v.name, `${path}.name`, SERVICE_NAME_RULE);
  if (name !== spec.name) c.fail(`${path}.name`, `("${name}") differs from spec.name ("${spec.name}")`);
  return {
    id: checkId(c, v.id, `${path}.id`),
    name,
    version: c.integer(v.version, `${path}.version`, 1),
    spec,
    previousSpec: v.previousSpec === null ? null : checkServiceSpec(c, v.previousSpec, `${path}.previousSpec`),
    specVersion: v.specVersion === undefined ? 1 : c.integer(v.specVersion, `${path}.specVersion`, 1),
    previousSpecVersion: v.previousSpecVersion === undefined ? 0 : c.integer(v.previousSpecVersion, `${path}.previousSpecVersion`, 0),
    updateStatus: v.updateStatus === undefined || v.updateStatus === null ? null : checkUpdateStatus(c, v.updateStatus, `${path}.updateStatus`),
    createdAt: checkTimestamp(c, v.createdAt, `${path}.createdAt`),
    updatedAt: checkTimestamp(c, v.updatedAt, `${path}.updatedAt`),
  };
}

export function checkUpdateStatus(c: Checker, value: unknown, path: string): UpdateStatus {
  const v = c.object(value, path, ['state', 'message', 'startedAt', 'completedAt', 'canary', 'countFrom']);
  return {
    state: c.oneOf(v.state, `${path}.state`, UPDATE_STATES),
    message: c.string(v.message, `${path}.message`, TEXT_RULE),
    startedAt: checkTimestamp(c, v.startedAt, `${path}.startedAt`),
    completedAt: v.completedAt === '' ? '' : checkTimestamp(c, v.completedAt, `${path}.completedAt`),
    canary: int(c, v.canary, `${path}.canary`, 0, MAX_REPLICAS),
    countFrom: checkTimestamp(c, v.countFrom, `${path}.countFrom`),
  };
}

// ---- partial specs from the CLI ----------------------------------------------------------

type DeepPartial<T> = T extends readonly (infer U)[] ? readonly DeepPartial<U>[] : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/** What the CLI sends: any part of a spec (a name at least, unless updating). Parsed JSON may be passed as unknown. */
export type ServiceSpecInput = DeepPartial<ServiceSpec>;

/**
 * Completes a partial spec and validates it; throws StoreError INVALID_ARGUMENT with a message
 * naming the field ("invalid service spec: spec.replicas must be an integer from 0 to 10000
 * (got -1)"). Missing fields come from `base` (the current spec, for an update) or else the
 * defaults. Objects merge field by field; arrays, labels, env and a health check's test are
 * replaced whole; `healthCheck: null` removes the check.
 */
export function normalizeServiceSpec(input: ServiceSpecInput | unknown, base?: ServiceSpec): ServiceSpec {
  const c = new Checker('INVALID_ARGUMENT', 'invalid service spec');
  const v = c.object(input, 'spec', [], SPEC_FIELDS);
  if (!base && v.name === undefined) c.fail('spec.name', 'is required (e.g. --name web)');
  const mode = v.mode ?? base?.mode ?? 'replicated';
  const defaultReplicas = mode === 'global' ? 0 : base?.mode === 'replicated' ? base.replicas : 1;
  const merged = {
    name: v.name ?? base?.name,
    mode,
    replicas: v.replicas ?? defaultReplicas,
    task: fillTask(v.task, base?.task ?? DEFAULT_TASK_SPEC),
    ports: Array.isArray(v.ports) ? v.ports.map((p: unknown, i: number) => fillPort(c, p, `spec.ports[${i}]`)) : (v.ports ?? base?.ports ?? []),
    update: fill(v.update, base?.update ?? DEFAULT_UPDATE_CONFIG),
    rollback: fill(v.rollback, base?.rollback ?? DEFAULT_ROLLBACK_CONFIG),
    labels: v.labels ?? base?.labels ?? {},
  };
  const spec = checkServiceSpec(c, merged, 'spec');
  const bytes = Buffer.byteLength(JSON.stringify(spec));
  if (bytes > MAX_SPEC_BYTES) {
    c.fail(
      'spec',
      `is ${describeBytes(bytes)} encoded; a service spec may be at most ${describeBytes(MAX_SPEC_BYTES)}: ` +
        'keep large data (files, certificates, blobs) out of env, args and labels, e.g. in an image or a file the task reads',
    );
  }
  return spec;
}

/** "262144 bytes (256 KiB)": exact, and readable. */
export function describeBytes(n: number): string {
  const unit = n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1).replace(/\.0$/, '')} MiB` : `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes (${unit})`;
}

/**
 * A published port as a client sends it: the target defaults to the published port (as
 * `-p 8080` means 8080:8080), and a target given must be a real port — 0 is refused here,
 * though specs stored by earlier versions may still hold it.
 */
function fillPort(c: Checker, value: unknown, path: string): unknown {
  if (!isPlain(value)) return value;
  if (value.target === 0) c.fail(`${path}.target`, '0 is not a port (1..65535): give the port the task listens on, e.g. -p 8080:80');
  return fill(value, { target: value.published, protocol: 'tcp' });
}

function fillTask(input: unknown, base: TaskSpec): unknown {
  if (!isPlain(input)) return input ?? base;
  const { healthCheck, env, command, ...rest } = input;
  const filled = fill(rest, base) as Record<string, unknown>;
  return {
    ...filled,
    env: env ?? base.env,
    command: command ?? base.command,
    healthCheck: fillHealthCheck(healthCheck, base.healthCheck),
  };
}

function fillHealthCheck(input: unknown, base: HealthCheck | null): unknown {
  if (input === undefined) return base;
  if (!isPlain(input)) return input; // null removes it; anything else is refused by the check
  const { test, ...rest } = input;
  return { ...(fill(rest, base ?? DEFAULT_HEALTH_CHECK_TIMING) as object), test: test ?? base?.test };
}

/** `value` over `defaults`, recursively for plain objects; anything else replaces. */
function fill(value: unknown, defaults: unknown): unknown {
  if (value === undefined) return defaults;
  if (!isPlain(value) || !isPlain(defaults)) return value;
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, v] of Object.entries(value)) {
    // defineProperty: a "__proto__" key stays a (refused) field instead of replacing the prototype.
    if (v !== undefined) Object.defineProperty(out, key, { value: fill(v, defaults[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
