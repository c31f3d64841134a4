// Tasks: one running instance of a service, in SwarmKit's model. Desired state and observed
// state are separate fields: controllers move `desiredState` (running → shutdown, never back),
// agents report `status`, which only moves forward along
//
//   new → pending → assigned → accepted → preparing → starting → running → a final state
//   (complete | failed | shutdown | rejected | orphaned)
//
// and never changes again once final. Workers resend statuses after reconnecting, so a report
// older than what is stored is ignored, not applied: it must not resurrect a stopped task.

import { canonicalJson } from './canonical.js';
import { StoreError } from './errors.js';
import { checkId, checkTimestamp, TEXT_RULE, type NodeObject, type StoredObject } from './objects.js';
import { checkPortSpec, checkTaskSpec, MAX_REPLICAS, type PortSpec, type ServiceObject, type TaskSpec } from './services.js';
import type { Checker, StringRule } from './shape.js';
import type { IndexKeys } from './table.js';

export const TASK_STATES = [
  'new',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'starting',
  'running',
  'complete',
  'failed',
  'shutdown',
  'rejected',
  'orphaned',
] as const;
export const FINAL_TASK_STATES = ['complete', 'failed', 'shutdown', 'rejected', 'orphaned'] as const;
export const DESIRED_TASK_STATES = ['running', 'shutdown'] as const;

export type TaskState = (typeof TASK_STATES)[number];
export type DesiredTaskState = (typeof DESIRED_TASK_STATES)[number];

export interface TaskStatus {
  readonly state: TaskState;
  readonly message: string;
  readonly error: string;
  readonly exitCode: number | null;
  /** When the task entered this status (the reporting command's `at` unless the report says). */
  readonly at: string;
  /** Container id or pid; '' until the runtime made one. */
  readonly runtimeId: string;
  /** null = no health check, or no verdict yet. */
  readonly healthy: boolean | null;
}

export interface TaskObject extends StoredObject {
  /** `<service>.<slot>.<id[0:6]>`, or `<service>.<node id[0:6]>.<id[0:6]>` for a global service. */
  readonly name: string;
  readonly serviceId: string;
  readonly serviceName: string;
  /** The service's version when this task was created. */
  readonly serviceVersion: number;
  /** The service's specVersion when this task was created: the version of the spec it runs. */
  readonly specVersion: number;
  /** When the task first reported running (absent until then); an update's monitor period counts from it. */
  readonly runningAt?: string;
  /** Replicated: 1..replicas. Global: 0. */
  readonly slot: number;
  /** '' until the scheduler assigns it (a global service's tasks are created with their node). */
  readonly nodeId: string;
  /** The service's task spec when this task was created. */
  readonly spec: TaskSpec;
  /** The service's published ports, copied. */
  readonly ports: readonly PortSpec[];
  readonly desiredState: DesiredTaskState;
  readonly status: TaskStatus;
  /** The port given to the task on its node (its PORT); 0 = none. */
  readonly port: number;
  /** How many tasks this slot had before this one (restart counting). */
  readonly attempt: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A task as `tasks.apply` creates it; the store copies spec, ports and names from the service. */
export interface NewTask {
  readonly id: string;
  readonly serviceId: string;
  /** Replicated: 1..replicas. Global: 0. */
  readonly slot: number;
  /** Assigns the task at once (state "assigned"); required for a global service's tasks. */
  readonly nodeId?: string;
  /** With nodeId: the port the task gets on that node. */
  readonly port?: number;
  /** Defaults to 0. */
  readonly attempt?: number;
  /** When set, the create fails unless the service is still at this version (it was planned from it). */
  readonly serviceVersion?: number;
}

/** What a worker (or a controller) reports. Left-out fields are ''/null, except `runtimeId`, which is kept, and `at`, which is the command's. */
export interface TaskStatusReport {
  readonly state: TaskState;
  readonly message?: string;
  readonly error?: string;
  readonly exitCode?: number | null;
  readonly at?: string;
  readonly runtimeId?: string;
  readonly healthy?: boolean | null;
}

export interface TaskPatch {
  /** Assigns a task that is new or pending to a node: its state becomes "assigned". */
  readonly nodeId?: string;
  /** Only with nodeId. */
  readonly port?: number;
  /** Only running → shutdown. */
  readonly desiredState?: DesiredTaskState;
  /** With nodeId, applies after the assignment (so it must move on from "assigned"). */
  readonly status?: TaskStatusReport;
}

export interface TaskUpdate {
  readonly id: string;
  readonly expectedVersion?: number;
  readonly patch: TaskPatch;
}

// ---- lifecycle rules ---------------------------------------------------------------------

/** Position along the lifecycle; every final state shares the last one. */
const RANK: Readonly<Record<TaskState, number>> = {
  new: 0,
  pending: 1,
  assigned: 2,
  accepted: 3,
  preparing: 4,
  starting: 5,
  running: 6,
  complete: 7,
  failed: 7,
  shutdown: 7,
  rejected: 7,
  orphaned: 7,
};

/** How far along the lifecycle a state is (all final states share the last rank). */
export function taskStateRank(state: TaskState): number {
  return RANK[state];
}

/** Whether a task in `state` has ended for good. Takes any string: wire rows carry the state as one. */
export function isFinalState(state: TaskState | string): boolean {
  return Object.hasOwn(RANK, state) && RANK[state as TaskState] === 7;
}

/** States a task can be in only once it has a node. */
function needsNode(state: TaskState): boolean {
  return state !== 'new' && state !== 'pending' && state !== 'shutdown' && state !== 'rejected' && state !== 'orphaned';
}

/**
 * The status a report moves the task to; undefined when it changes nothing (a resend); a
 * StoreError when the report is older than what is stored (UPDATE_OUT_OF_SEQUENCE: ignore it)
 * or impossible (INVALID_ARGUMENT).
 */
export function nextTaskStatus(task: TaskObject, report: TaskStatusReport, at: string): TaskStatus | undefined | StoreError {
  const current = task.status;
  const next: TaskStatus = {
    state: report.state,
    message: report.message ?? '',
    error: report.error ?? '',
    exitCode: report.exitCode ?? null,
    at: report.at ?? at,
    runtimeId: report.runtimeId ?? current.runtimeId,
    healthy: report.healthy ?? null,
  };
  const same =
    next.state === current.state &&
    next.message === current.message &&
    next.error === current.error &&
    next.exitCode === current.exitCode &&
    next.runtimeId === current.runtimeId &&
    next.healthy === current.healthy;
  if (same) return undefined;
  const who = `task ${task.name} (${task.id})`;
  if (isFinalState(current.state)) {
    return new StoreError(
      'UPDATE_OUT_OF_SEQUENCE',
      `${who} is already ${current.state}, a final state; its status no longer changes (ignored a report of "${next.state}")`,
    );
  }
  if (RANK[next.state] < RANK[current.state]) {
    return new StoreError('UPDATE_OUT_OF_SEQUENCE', `${who} is already ${current.state}; the report of "${next.state}" is older (ignored)`);
  }
  if (next.state === 'assigned' && current.state !== 'assigned') {
    return new StoreError('INVALID_ARGUMENT', `${who}: a task becomes assigned when the scheduler sets its nodeId, not by a status report`);
  }
  if (needsNode(next.state) && task.nodeId === '') {
    return new StoreError(
      'INVALID_ARGUMENT',
      `${who} has no node yet; before it is assigned it can only be reported pending, shutdown, rejected or orphaned (got "${next.state}")`,
    );
  }
  return next;
}

/** Whether a task still holds its node port: assigned there and not known to have stopped. */
export function holdsPort(task: TaskObject): boolean {
  return task.port !== 0 && task.nodeId !== '' && !isFinalState(task.status.state);
}

/** The key of the task index of node ports held. */
export function portKey(nodeId: string, port: number): string {
  return `${nodeId}/${port}`;
}

/** The store's secondary indexes of tasks: by service, by node, and node ports held. */
export type TaskIndex = 'service' | 'node' | 'port';

export const TASK_INDEX_KEYS: IndexKeys<TaskObject, TaskIndex> = {
  service: (t) => t.serviceId,
  node: (t) => (t.nodeId === '' ? undefined : t.nodeId),
  port: (t) => (holdsPort(t) ? portKey(t.nodeId, t.port) : undefined),
};

/** The name a task gets; unique because it ends with the start of the task's (random) id. */
export function taskName(serviceName: string, slot: number, nodeId: string, id: string): string {
  return `${serviceName}.${slot === 0 ? nodeId.slice(0, 6) : slot}.${id.slice(0, 6)}`;
}

/**
 * Whether a task runs its service's current task spec (what a rolling update compares).
 * Tasks the store created from the spec share its object, so this is usually one comparison.
 */
export function taskSpecIsCurrent(task: TaskObject, service: ServiceObject): boolean {
  return task.spec === service.spec.task || canonicalJson(task.spec) === canonicalJson(service.spec.task);
}

/**
 * Whether a task runs what its service now asks for: the task spec and the published ports
 * (a rolling update replaces every task for which this is false).
 */
export function taskIsCurrent(task: TaskObject, service: ServiceObject): boolean {
  return taskSpecIsCurrent(task, service) && (task.ports === service.spec.ports || canonicalJson(task.ports) === canonicalJson(service.spec.ports));
}

/** The task a create makes: spec and ports are the service's own (shared, immutable) objects. */
export function buildTask(t: NewTask, service: ServiceObject, node: NodeObject | undefined, at: string, index: number): TaskObject {
  return {
    id: t.id,
    name: taskName(service.name, t.slot, t.nodeId ?? '', t.id),
    version: index,
    serviceId: service.id,
    serviceName: service.name,
    serviceVersion: service.version,
    specVersion: service.specVersion,
    slot: t.slot,
    nodeId: t.nodeId ?? '',
    spec: service.spec.task,
    ports: service.spec.ports,
    desiredState: 'running',
    status: node ? assignedStatus(node, at) : { ...EMPTY_STATUS, state: 'pending', at },
    port: t.port ?? 0,
    attempt: t.attempt ?? 0,
    createdAt: at,
    updatedAt: at,
  };
}

export function assignedStatus(node: NodeObject, at: string): TaskStatus {
  return { ...EMPTY_STATUS, state: 'assigned', message: `assigned to node ${node.name}`, at };
}

const EMPTY_STATUS = { message: '', error: '', exitCode: null, runtimeId: '', healthy: null } as const;

// ---- checks ------------------------------------------------------------------------------

/** Longest status message / error a report may carry; the dispatcher clips longer ones. */
export const MAX_TASK_MESSAGE = 1024;
export const MAX_TASK_ERROR = 8192;
const ERROR_RULE: StringRule = { max: MAX_TASK_ERROR };
const RUNTIME_ID_RULE: StringRule = { max: 256 };
const EXIT_CODE_RANGE = [-2_147_483_648, 4_294_967_295] as const;
const TASK_NAME_RULE: StringRule = { min: 1, max: 128 };

export function checkNewTask(c: Checker, value: unknown, path: string): NewTask {
  const v = c.object(value, path, ['id', 'serviceId', 'slot'], ['nodeId', 'port', 'attempt', 'serviceVersion']);
  const task: { -readonly [K in keyof NewTask]: NewTask[K] } = {
    id: checkId(c, v.id, `${path}.id`),
    serviceId: checkId(c, v.serviceId, `${path}.serviceId`),
    slot: c.integer(v.slot, `${path}.slot`, 0, MAX_REPLICAS),
  };
  if (v.nodeId !== undefined) task.nodeId = checkId(c, v.nodeId, `${path}.nodeId`);
  if (v.port !== undefined) {
    if (v.nodeId === undefined) c.fail(`${path}.port`, 'is given with the node (nodeId); leave it out for an unassigned task');
    task.port = c.integer(v.port, `${path}.port`, 0, 65_535);
  }
  if (v.attempt !== undefined) task.attempt = c.integer(v.attempt, `${path}.attempt`, 0);
  if (v.serviceVersion !== undefined) task.serviceVersion = c.integer(v.serviceVersion, `${path}.serviceVersion`, 1);
  return task;
}

const PATCH_FIELDS = ['nodeId', 'port', 'desiredState', 'status'] as const;

export function checkTaskUpdate(c: Checker, value: unknown, path: string): TaskUpdate {
  const v = c.object(value, path, ['id', 'patch'], ['expectedVersion']);
  const p = c.object(v.patch, `${path}.patch`, [], PATCH_FIELDS);
  const patch: { -readonly [K in keyof TaskPatch]: TaskPatch[K] } = {};
  if (p.nodeId !== undefined) patch.nodeId = checkId(c, p.nodeId, `${path}.patch.nodeId`);
  if (p.port !== undefined) {
    if (p.nodeId === undefined) c.fail(`${path}.patch.port`, 'is set with the assignment: give nodeId too');
    patch.port = c.integer(p.port, `${path}.patch.port`, 0, 65_535);
  }
  if (p.desiredState !== undefined) patch.desiredState = c.oneOf(p.desiredState, `${path}.patch.desiredState`, DESIRED_TASK_STATES);
  if (p.status !== undefined) patch.status = checkStatusReport(c, p.status, `${path}.patch.status`);
  if (Object.keys(patch).length === 0) c.fail(`${path}.patch`, `is empty; set at least one of ${PATCH_FIELDS.join(', ')}`);
  return {
    id: checkId(c, v.id, `${path}.id`),
    ...(v.expectedVersion === undefined ? {} : { expectedVersion: c.integer(v.expectedVersion, `${path}.expectedVersion`, 1) }),
    patch,
  };
}

const REPORT_FIELDS = ['message', 'error', 'exitCode', 'at', 'runtimeId', 'healthy'] as const;

function checkStatusReport(c: Checker, value: unknown, path: string): TaskStatusReport {
  const v = c.object(value, path, ['state'], REPORT_FIELDS);
  const report: { -readonly [K in keyof TaskStatusReport]: TaskStatusReport[K] } = { state: c.oneOf(v.state, `${path}.state`, TASK_STATES) };
  if (v.message !== undefined) report.message = c.string(v.message, `${path}.message`, TEXT_RULE);
  if (v.error !== undefined) report.error = c.string(v.error, `${path}.error`, ERROR_RULE);
  if (v.exitCode !== undefined) report.exitCode = checkExitCode(c, v.exitCode, `${path}.exitCode`);
  if (v.at !== undefined) report.at = checkTimestamp(c, v.at, `${path}.at`);
  if (v.runtimeId !== undefined) report.runtimeId = c.string(v.runtimeId, `${path}.runtimeId`, RUNTIME_ID_RULE);
  if (v.healthy !== undefined) report.healthy = v.healthy === null ? null : c.boolean(v.healthy, `${path}.healthy`);
  return report;
}

function checkExitCode(c: Checker, value: unknown, path: string): number | null {
  return value === null ? null : c.integer(value, path, ...EXIT_CODE_RANGE);
}

const TASK_FIELDS = [
  'id',
  'name',
  'version',
  'serviceId',
  'serviceName',
  'serviceVersion',
  'slot',
  'nodeId',
  'spec',
  'ports',
  'desiredState',
  'status',
  'port',
  'attempt',
  'createdAt',
  'updatedAt',
] as const;
/** Added with rolling updates: tasks stored before lack them. */
const LATER_TASK_FIELDS = ['specVersion', 'runningAt'] as const;

/** A stored task (snapshots). */
export function checkTask(c: Checker, value: unknown, path: string): TaskObject {
  const v = c.object(value, path, TASK_FIELDS, LATER_TASK_FIELDS);
  const s = c.object(v.status, `${path}.status`, ['state', 'message', 'error', 'exitCode', 'at', 'runtimeId', 'healthy']);
  const nodeId = v.nodeId === '' ? '' : checkId(c, v.nodeId, `${path}.nodeId`);
  const task: TaskObject = {
    id: checkId(c, v.id, `${path}.id`),
    name: c.string(v.name, `${path}.name`, TASK_NAME_RULE),
    version: c.integer(v.version, `${path}.version`, 1),
    serviceId: checkId(c, v.serviceId, `${path}.serviceId`),
    serviceName: c.string(v.serviceName, `${path}.serviceName`, TASK_NAME_RULE),
    serviceVersion: c.integer(v.serviceVersion, `${path}.serviceVersion`, 1),
    specVersion: v.specVersion === undefined ? 1 : c.integer(v.specVersion, `${path}.specVersion`, 1),
    ...(v.runningAt === undefined ? {} : { runningAt: checkTimestamp(c, v.runningAt, `${path}.runningAt`) }),
    slot: c.integer(v.slot, `${path}.slot`, 0, MAX_REPLICAS),
    nodeId,
    spec: checkTaskSpec(c, v.spec, `${path}.spec`),
    ports: c.array(v.ports, `${path}.ports`, (p, at) => checkPortSpec(c, p, at), 64),
    desiredState: c.oneOf(v.desiredState, `${path}.desiredState`, DESIRED_TASK_STATES),
    status: {
      state: c.oneOf(s.state, `${path}.status.state`, TASK_STATES),
      message: c.string(s.message, `${path}.status.message`, TEXT_RULE),
      error: c.string(s.error, `${path}.status.error`, ERROR_RULE),
      exitCode: checkExitCode(c, s.exitCode, `${path}.status.exitCode`),
      at: checkTimestamp(c, s.at, `${path}.status.at`),
      runtimeId: c.string(s.runtimeId, `${path}.status.runtimeId`, RUNTIME_ID_RULE),
      healthy: s.healthy === null ? null : c.boolean(s.healthy, `${path}.status.healthy`),
    },
    port: c.integer(v.port, `${path}.port`, 0, 65_535),
    attempt: c.integer(v.attempt, `${path}.attempt`, 0),
    createdAt: checkTimestamp(c, v.createdAt, `${path}.createdAt`),
    updatedAt: checkTimestamp(c, v.updatedAt, `${path}.updatedAt`),
  };
  const expected = taskName(task.serviceName, task.slot, task.nodeId, task.id);
  if (task.name !== expected) c.fail(`${path}.name`, `("${task.name}") is not the name its service, slot and id give ("${expected}")`);
  if (task.slot === 0 && task.nodeId === '') c.fail(`${path}.nodeId`, 'is empty, but a global task (slot 0) is created with its node');
  if (needsNode(task.status.state) && task.nodeId === '') c.fail(`${path}.status.state`, `is "${task.status.state}", but the task has no node`);
  return task;
}

/**
 * What a worker's agent needs of a task to run it: the store's TaskObject without the history
 * the leader keeps (status details, attempt, timestamps). The dispatcher sends it to the
 * task's node (proto/dispatcher.proto Task); the agent checks it with checkAssignedTask.
 */
export type AssignedTask = Pick<
  TaskObject,
  'id' | 'name' | 'serviceId' | 'serviceName' | 'serviceVersion' | 'slot' | 'nodeId' | 'spec' | 'ports' | 'desiredState' | 'port'
> & {
  /** The task's observed state as the store holds it: a final one means it must not run (again). */
  readonly state: TaskState;
};

const ASSIGNED_TASK_FIELDS = [
  'id',
  'name',
  'serviceId',
  'serviceName',
  'serviceVersion',
  'slot',
  'nodeId',
  'spec',
  'ports',
  'desiredState',
  'state',
  'port',
] as const;

/** An assigned task, by the rules a stored task follows (checkTask), its spec by the leader's. */
export function checkAssignedTask(c: Checker, value: unknown, path: string): AssignedTask {
  const v = c.object(value, path, ASSIGNED_TASK_FIELDS);
  const task: AssignedTask = {
    id: checkId(c, v.id, `${path}.id`),
    name: c.string(v.name, `${path}.name`, TASK_NAME_RULE),
    serviceId: checkId(c, v.serviceId, `${path}.serviceId`),
    serviceName: c.string(v.serviceName, `${path}.serviceName`, TASK_NAME_RULE),
    serviceVersion: c.integer(v.serviceVersion, `${path}.serviceVersion`, 1),
    slot: c.integer(v.slot, `${path}.slot`, 0, MAX_REPLICAS),
    nodeId: checkId(c, v.nodeId, `${path}.nodeId`),
    spec: checkTaskSpec(c, v.spec, `${path}.spec`),
    ports: c.array(v.ports, `${path}.ports`, (p, at) => checkPortSpec(c, p, at), 64),
    desiredState: c.oneOf(v.desiredState, `${path}.desiredState`, DESIRED_TASK_STATES),
    state: c.oneOf(v.state, `${path}.state`, TASK_STATES),
    port: c.integer(v.port, `${path}.port`, 0, 65_535),
  };
  const expected = taskName(task.serviceName, task.slot, task.nodeId, task.id);
  if (task.name !== expected) c.fail(`${path}.name`, `("${task.name}") is not the name its service, slot and id give ("${expected}")`);
  return task;
}
