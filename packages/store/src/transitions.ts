// What each command does to the state. A transition only reads: it returns either the changes
// to make (as the events that will announce them) or the reason it is refused. The store then
// commits all changes or none, which is how a refused command is guaranteed to change nothing.
//
// tasks.apply is the exception by design: a batch of independent items, each all-or-nothing on
// its own. decideTaskBatch yields one item's changes at a time and the store commits them
// before asking for the next, so every item sees the ones before it.

import { canonicalJson } from './canonical.js';
import type { Command, NodePatch, TasksApplyCommand } from './commands.js';
import { StoreError, outOfSequenceError, type StoreErrorCode } from './errors.js';
import type { ClusterEvent, NodeEvent, ServiceEvent, TaskEvent } from './events.js';
import { MAX_LABELS, SAME_SECRETS, settingsProblem, type ClusterObject, type NodeObject } from './objects.js';
import { isRollback, type ServiceObject, type ServiceSpec } from './services.js';
import type { Table } from './table.js';
import { assignedStatus, buildTask, isFinalState, nextTaskStatus, portKey, type NewTask, type TaskIndex, type TaskObject, type TaskUpdate } from './tasks.js';

export interface State {
  readonly nodes: Table<NodeObject>;
  readonly services: Table<ServiceObject>;
  readonly tasks: Table<TaskObject, TaskIndex>;
  readonly cluster: ClusterObject | undefined;
}

export type Change = NodeEvent | ClusterEvent | ServiceEvent | TaskEvent;

/**
 * The changes to make, as the events that will announce them. The proposer gets back the
 * first change's object: the node or cluster as created, updated or removed.
 */
export type Decision = readonly Change[];

export function decide(state: State, cmd: Exclude<Command, TasksApplyCommand>, index: number): Decision | StoreError {
  switch (cmd.type) {
    case 'node.add': {
      const node: NodeObject = { runtime: '', ...cmd.node, version: index, createdAt: cmd.at, updatedAt: cmd.at };
      const problem = state.nodes.insertProblem(node);
      if (problem) return problem;
      return [{ kind: 'node', action: 'create', object: node, index }];
    }
    case 'node.update': {
      const node = state.nodes.existing(cmd.id);
      if (node instanceof StoreError) return node;
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== node.version) {
        return outOfSequenceError(`node ${node.id} ("${node.name}")`, cmd.expectedVersion, node.version);
      }
      const next = patchNode(node, cmd.patch, cmd.at, index);
      if (next instanceof StoreError) return next;
      const problem = state.nodes.nameProblem(next.name, next.id);
      if (problem) return problem;
      return [{ kind: 'node', action: 'update', object: next, previous: node, index }];
    }
    case 'node.remove': {
      const node = state.nodes.existing(cmd.id);
      if (node instanceof StoreError) return node;
      const removal: Change = { kind: 'node', action: 'remove', object: node, index };
      const cluster = state.cluster;
      if (!cluster) return [removal];
      // Remembered so a removed node's certificate is told "removed", not "unknown" (ClusterObject.removedNodes).
      const next: ClusterObject = { ...cluster, version: index, removedNodes: [...(cluster.removedNodes ?? []), node.id] };
      return [removal, { kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'cluster.rotateToken': {
      const cluster = state.cluster ?? noCluster();
      if (cluster instanceof StoreError) return cluster;
      const other = cmd.role === 'worker' ? cluster.tokens.manager : cluster.tokens.worker;
      if (cmd.secret === other) return new StoreError('INVALID_ARGUMENT', `join token secrets ${SAME_SECRETS}; generate a new secret`);
      const next: ClusterObject = { ...cluster, version: index, tokens: { ...cluster.tokens, [cmd.role]: cmd.secret } };
      return [{ kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'cluster.rotateUnlockKey': {
      const cluster = state.cluster ?? noCluster();
      if (cluster instanceof StoreError) return cluster;
      if (cluster.unlockKey === undefined) {
        return new StoreError(
          'INVALID_ARGUMENT',
          'autolock is off for this cluster, so it has no unlock key to rotate (it is chosen at `shoal manager init --autolock`)',
        );
      }
      const next: ClusterObject = { ...cluster, version: index, unlockKey: cmd.unlockKey };
      return [{ kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'cluster.setAdminCerts': {
      const cluster = state.cluster ?? noCluster();
      if (cluster instanceof StoreError) return cluster;
      if (cmd.replaces !== undefined && cluster.adminCerts !== undefined && !cluster.adminCerts.includes(cmd.replaces)) {
        return new StoreError(
          'UPDATE_OUT_OF_SEQUENCE',
          'the admin certificate that asked was replaced meanwhile (another `shoal ca rotate-admin` ran first); use the credentials that one wrote',
        );
      }
      const next: ClusterObject = { ...cluster, version: index, adminCerts: [...cmd.serials] };
      return [{ kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'cluster.startCaRotation': {
      const cluster = state.cluster ?? noCluster();
      if (cluster instanceof StoreError) return cluster;
      if (cluster.caRotation)
        return new StoreError(
          'INVALID_ARGUMENT',
          'a CA rotation is already in progress (started ' + cluster.caRotation.startedAt + '); follow it with `shoal ca status`',
        );
      if (cmd.replaces !== undefined && cluster.adminCerts !== undefined && !cluster.adminCerts.includes(cmd.replaces)) {
        return new StoreError(
          'UPDATE_OUT_OF_SEQUENCE',
          'the admin certificate that asked was replaced meanwhile (another `shoal ca rotate` or `rotate-admin` ran first); use the credentials that one wrote',
        );
      }
      const next: ClusterObject = {
        ...cluster,
        version: index,
        adminCerts: [...cmd.serials],
        caRotation: { ca: { ...cmd.ca }, startedAt: cmd.at, renewed: [] },
      };
      return [{ kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'cluster.caNodeRenewed': {
      const cluster = state.cluster ?? noCluster();
      if (cluster instanceof StoreError) return cluster;
      const rotation = cluster.caRotation;
      if (!rotation || rotation.ca.certPem !== cmd.caCertPem) {
        return new StoreError('UPDATE_OUT_OF_SEQUENCE', 'the CA rotation this renewal belongs to is over; the node renews again with the current CA');
      }
      if (rotation.renewed.includes(cmd.id)) return [];
      const next: ClusterObject = { ...cluster, version: index, caRotation: { ...rotation, renewed: [...rotation.renewed, cmd.id] } };
      return [{ kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'cluster.finishCaRotation': {
      const cluster = state.cluster ?? noCluster();
      if (cluster instanceof StoreError) return cluster;
      const rotation = cluster.caRotation;
      if (!rotation || rotation.ca.certPem !== cmd.caCertPem) {
        return new StoreError('UPDATE_OUT_OF_SEQUENCE', 'that CA rotation is already over');
      }
      const { caRotation: _, ...rest } = cluster;
      const next: ClusterObject = { ...rest, version: index, ca: { ...rotation.ca } };
      return [{ kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'cluster.updateSettings': {
      const cluster = state.cluster ?? noCluster();
      if (cluster instanceof StoreError) return cluster;
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== cluster.version) {
        return outOfSequenceError(`cluster "${cluster.name}"`, cmd.expectedVersion, cluster.version);
      }
      const settings = { ...cluster.settings, ...cmd.patch };
      const problem = settingsProblem(settings);
      if (problem) return new StoreError('INVALID_ARGUMENT', `cluster settings: ${problem}`);
      const next: ClusterObject = { ...cluster, version: index, settings };
      return [{ kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'service.create': {
      const { id, spec } = cmd.service;
      const service: ServiceObject = {
        id,
        name: spec.name,
        version: index,
        spec,
        previousSpec: null,
        specVersion: index,
        previousSpecVersion: 0,
        updateStatus: null,
        createdAt: cmd.at,
        updatedAt: cmd.at,
      };
      const problem = state.services.insertProblem(service) ?? publishedPortProblem(state.services, spec, id);
      if (problem) return problem;
      return [{ kind: 'service', action: 'create', object: service, index }];
    }
    case 'service.update': {
      const service = state.services.existing(cmd.id);
      if (service instanceof StoreError) return service;
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== service.version) {
        return outOfSequenceError(`service ${service.id} ("${service.name}")`, cmd.expectedVersion, service.version);
      }
      const old = service.spec;
      if (cmd.spec.name !== old.name) {
        return new StoreError(
          'INVALID_ARGUMENT',
          `service ${old.name} cannot be renamed (spec.name "${cmd.spec.name}"): task names and references use it; create a new service and remove this one`,
        );
      }
      if (cmd.spec.mode !== old.mode) {
        return new StoreError(
          'INVALID_ARGUMENT',
          `service ${old.name} is ${old.mode}; its mode cannot change to ${cmd.spec.mode}: create a new service and remove this one`,
        );
      }
      const problem = publishedPortProblem(state.services, cmd.spec, service.id);
      if (problem) return problem;
      // Keep the task spec's object when it did not change: tasks made from it share it, which
      // makes taskSpecIsCurrent one comparison (e.g. after scaling).
      const spec: ServiceSpec = canonicalJson(cmd.spec.task) === canonicalJson(old.task) ? { ...cmd.spec, task: old.task } : cmd.spec;
      // Re-submitting the same spec must not lose the version a rollback would return to.
      const changed = canonicalJson(cmd.spec) !== canonicalJson(old);
      const keep = cmd.keepPrevious || !changed;
      const previousSpec = keep ? service.previousSpec : old;
      // What tasks are made of changed: a new spec version, and a rolling update to it.
      const tasksChange = spec.task !== old.task || canonicalJson(spec.ports) !== canonicalJson(old.ports);
      const canary = cmd.canary ?? 0;
      if (canary > 0 && !tasksChange) {
        return new StoreError('INVALID_ARGUMENT', `a canary of ${canary} needs a change to the task spec of service ${old.name}; nothing would be updated`);
      }
      if (canary > 0 && spec.mode === 'replicated' && canary > spec.replicas) {
        return new StoreError(
          'INVALID_ARGUMENT',
          `a canary of ${canary} is larger than the service's ${spec.replicas} replicas; give --canary 0..${spec.replicas}`,
        );
      }
      const next: ServiceObject = {
        ...service,
        spec,
        previousSpec,
        ...(keep ? {} : { previousSpecVersion: service.specVersion }),
        ...(tasksChange
          ? {
              specVersion: index,
              updateStatus: { state: 'updating', message: 'update in progress', startedAt: cmd.at, completedAt: '', canary, countFrom: cmd.at },
            }
          : {}),
        version: index,
        updatedAt: cmd.at,
      };
      return [{ kind: 'service', action: 'update', object: next, previous: service, index }];
    }
    case 'service.rollback': {
      const service = state.services.existing(cmd.id);
      if (service instanceof StoreError) return service;
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== service.version) {
        return outOfSequenceError(`service ${service.id} ("${service.name}")`, cmd.expectedVersion, service.version);
      }
      const target = service.previousSpec;
      if (!target) return new StoreError('INVALID_ARGUMENT', `service ${service.name} has no previous spec to roll back to`);
      // The replica count stays: scaling (by hand or by the autoscaler) is not a version.
      const spec: ServiceSpec = target.replicas === service.spec.replicas ? target : { ...target, replicas: service.spec.replicas };
      const message = cmd.message ?? 'rollback requested';
      const next: ServiceObject = {
        ...service,
        spec,
        previousSpec: service.spec,
        specVersion: service.previousSpecVersion || index,
        previousSpecVersion: service.specVersion,
        updateStatus: { state: 'rollback_started', message, startedAt: cmd.at, completedAt: '', canary: 0, countFrom: cmd.at },
        version: index,
        updatedAt: cmd.at,
      };
      return [{ kind: 'service', action: 'update', object: next, previous: service, index }];
    }
    case 'service.setUpdateStatus': {
      const service = state.services.existing(cmd.id);
      if (service instanceof StoreError) return service;
      // Required: a stale leader's (or a slow client's) view must not overwrite a newer status.
      if (cmd.expectedVersion !== service.version) {
        return outOfSequenceError(`service ${service.id} ("${service.name}")`, cmd.expectedVersion, service.version);
      }
      const current = service.updateStatus;
      if (!current) return new StoreError('INVALID_ARGUMENT', `service ${service.name} has no update in progress; nothing to pause, resume or complete`);
      if (isRollback(current) !== cmd.status.state.startsWith('rollback_')) {
        return new StoreError(
          'INVALID_ARGUMENT',
          `service ${service.name} is in ${current.state}; it cannot move to ${cmd.status.state} (an update and a rollback have their own states)`,
        );
      }
      const next: ServiceObject = { ...service, updateStatus: { ...current, ...cmd.status }, version: index, updatedAt: cmd.at };
      return [{ kind: 'service', action: 'update', object: next, previous: service, index }];
    }
    case 'service.remove': {
      const service = state.services.existing(cmd.id);
      if (service instanceof StoreError) return service;
      const changes: Change[] = [{ kind: 'service', action: 'remove', object: service, index }];
      for (const task of state.tasks.lookup('service', service.id)) {
        if (task.desiredState === 'shutdown') continue;
        changes.push({
          kind: 'task',
          action: 'update',
          object: { ...task, desiredState: 'shutdown', version: index, updatedAt: cmd.at },
          previous: task,
          index,
        });
      }
      return changes;
    }
    case 'noop':
      return [];
  }
}

/** A published port is the cluster's: two services cannot both publish it. */
function publishedPortProblem(services: Table<ServiceObject>, spec: ServiceSpec, id: string): StoreError | undefined {
  if (spec.ports.length === 0) return undefined;
  const wanted = new Set(spec.ports.map((p) => p.published));
  for (const other of services.all()) {
    if (other.id === id) continue;
    const clash = other.spec.ports.find((p) => wanted.has(p.published));
    if (clash) {
      return new StoreError('PORT_IN_USE', `port ${clash.published} is already published by service ${other.name}; choose another --publish port`);
    }
  }
  return undefined;
}

// ---- tasks.apply ----------------------------------------------------------------------------

/** An item of a tasks.apply that was skipped, as the result's `failed` lists it. */
export interface TaskItemFailure {
  readonly id: string;
  readonly code: StoreErrorCode;
  readonly message: string;
}

/**
 * One outcome per item: creates, then updates, then removes, in order. The store commits each
 * item's changes before resuming, so later items read the state earlier ones left.
 */
export function* decideTaskBatch(state: State, cmd: TasksApplyCommand, index: number): Generator<Decision | TaskItemFailure, void, void> {
  for (const t of cmd.creates) yield outcome(t.id, createTask(state, t, cmd.at, index));
  for (const u of cmd.updates) yield outcome(u.id, updateTask(state, u, cmd.at, index));
  for (const id of cmd.removes) yield outcome(id, removeTask(state, id, index));
}

function outcome(id: string, d: Decision | StoreError): Decision | TaskItemFailure {
  return d instanceof StoreError ? { id, code: d.code, message: d.message } : d;
}

function createTask(state: State, t: NewTask, at: string, index: number): Decision | StoreError {
  const service = state.services.get(t.serviceId);
  if (!service) {
    return new StoreError('NOT_FOUND', `no service has id "${t.serviceId}"; it may have been removed — task ${t.id} was not created`);
  }
  if (t.serviceVersion !== undefined && t.serviceVersion !== service.version) {
    return outOfSequenceError(`service ${service.id} ("${service.name}")`, t.serviceVersion, service.version);
  }
  const { mode, replicas } = service.spec;
  if (mode === 'replicated' && (t.slot < 1 || t.slot > replicas)) {
    const slots = replicas === 0 ? 'none: it is scaled to 0' : `1..${replicas}`;
    return new StoreError('INVALID_ARGUMENT', `slot ${t.slot} is not a slot of service ${service.name} (its slots: ${slots}); task ${t.id} was not created`);
  }
  if (mode === 'global' && t.slot !== 0) {
    return new StoreError('INVALID_ARGUMENT', `service ${service.name} is global: its tasks have slot 0 and a node (got slot ${t.slot})`);
  }
  if (mode === 'global' && t.nodeId === undefined) {
    return new StoreError('INVALID_ARGUMENT', `service ${service.name} is global: each task is created with its node; give nodeId`);
  }
  let node: NodeObject | undefined;
  if (t.nodeId !== undefined) {
    node = state.nodes.get(t.nodeId);
    if (!node) return unknownNode(t.nodeId);
  }
  const task = buildTask(t, service, node, at, index);
  const problem = taskInsertProblem(state.tasks, task) ?? (node && nodePortProblem(state.tasks, node, task.port, task.id));
  if (problem) return problem;
  return [{ kind: 'task', action: 'create', object: task, index }];
}

function taskInsertProblem(tasks: Table<TaskObject, TaskIndex>, task: TaskObject): StoreError | undefined {
  if (tasks.get(task.id)) return new StoreError('ALREADY_EXISTS', `a task with id "${task.id}" already exists; generate a new id`);
  const owner = tasks.getByName(task.name);
  if (owner) {
    return new StoreError(
      'NAME_TAKEN',
      `task name "${task.name}" is already used by task ${owner.id}; generate another id (a task's name ends with its id's first 6 characters)`,
    );
  }
  return undefined;
}

/** A node port is one task's until that task stops. */
function nodePortProblem(tasks: Table<TaskObject, TaskIndex>, node: NodeObject, port: number, taskId: string): StoreError | undefined {
  if (port === 0) return undefined;
  const holder = tasks.lookup('port', portKey(node.id, port)).find((t) => t.id !== taskId);
  if (!holder) return undefined;
  return new StoreError('PORT_IN_USE', `port ${port} on node ${node.name} is already given to task ${holder.name} (${holder.status.state}); pick another port`);
}

function unknownNode(id: string): StoreError {
  return new StoreError('NOT_FOUND', `no node has id "${id}"; it may have been removed — see \`shoal node ls\``);
}

function updateTask(state: State, u: TaskUpdate, at: string, index: number): Decision | StoreError {
  const task = state.tasks.existing(u.id);
  if (task instanceof StoreError) return task;
  if (u.expectedVersion !== undefined && u.expectedVersion !== task.version) {
    return outOfSequenceError(`task ${task.id} ("${task.name}")`, u.expectedVersion, task.version);
  }
  const { patch } = u;
  let { nodeId, port, desiredState, status } = task;
  if (patch.desiredState !== undefined && patch.desiredState !== desiredState) {
    if (patch.desiredState === 'running') {
      return new StoreError(
        'INVALID_ARGUMENT',
        `task ${task.name} is desired shutdown; desired state only moves from running to shutdown — create a new task to run the slot again`,
      );
    }
    desiredState = patch.desiredState;
  }
  if (patch.nodeId !== undefined) {
    if (status.state !== 'new' && status.state !== 'pending') {
      const where = task.nodeId ? ` on node ${task.nodeId}` : '';
      return new StoreError(
        'UPDATE_OUT_OF_SEQUENCE',
        `task ${task.name} is already ${status.state}${where}; only a new or pending task can be assigned — re-read and retry`,
      );
    }
    if (desiredState === 'shutdown') {
      return new StoreError('UPDATE_OUT_OF_SEQUENCE', `task ${task.name} is to be shut down; it is not assigned — re-read and retry`);
    }
    const node = state.nodes.get(patch.nodeId);
    if (!node) return unknownNode(patch.nodeId);
    port = patch.port ?? 0;
    const problem = nodePortProblem(state.tasks, node, port, task.id);
    if (problem) return problem;
    nodeId = node.id;
    status = assignedStatus(node, at);
  }
  if (patch.status !== undefined) {
    // After an assignment in the same patch, the report is judged against "assigned".
    const next = nextTaskStatus(status === task.status ? task : { ...task, nodeId, status }, patch.status, at);
    if (next instanceof StoreError) return next;
    if (next) status = next;
  }
  if (nodeId === task.nodeId && port === task.port && desiredState === task.desiredState && status === task.status) return []; // a resend
  // The first "running": an update's monitor period counts from it, whatever status follows.
  const runningAt = task.runningAt ?? (status.state === 'running' ? status.at : undefined);
  const next: TaskObject = { ...task, nodeId, port, desiredState, status, ...(runningAt === undefined ? {} : { runningAt }), version: index, updatedAt: at };
  return [{ kind: 'task', action: 'update', object: next, previous: task, index }];
}

function removeTask(state: State, id: string, index: number): Decision | StoreError {
  const task = state.tasks.existing(id);
  if (task instanceof StoreError) return task;
  const s = task.status.state;
  if (!isFinalState(s) && s !== 'new' && s !== 'pending') {
    return new StoreError(
      'INVALID_ARGUMENT',
      `task ${task.name} is still ${s} on node ${task.nodeId}; set its desiredState to shutdown and remove it once its node reports a final state (or report it orphaned if the node is gone)`,
    );
  }
  return [{ kind: 'task', action: 'remove', object: task, index }];
}

function noCluster(): StoreError {
  return new StoreError(
    'NOT_FOUND',
    'the store has no cluster object yet (it has not been initialized or restored from a snapshot); wait for this manager to catch up',
  );
}

function patchNode(node: NodeObject, patch: NodePatch, at: string, index: number): NodeObject | StoreError {
  const { raftRole: currentRaftRole, publishErrors: currentPublishErrors, ...rest } = node;
  const publishErrors = patch.publishErrors ?? currentPublishErrors ?? [];
  const role = patch.role ?? node.role;
  // Demoting a manager takes it out of the Raft membership view; a stale raftRole on a worker
  // would mislead whoever reconciles membership.
  const raftRole = patch.raftRole === undefined ? (role === 'manager' ? currentRaftRole : undefined) : (patch.raftRole ?? undefined);
  if (raftRole !== undefined && role !== 'manager') {
    return new StoreError(
      'INVALID_ARGUMENT',
      `node ${node.id} ("${node.name}") is a worker; raftRole applies to managers only — promote it (role: "manager") in the same update`,
    );
  }
  let labels = node.labels;
  if (patch.removeLabels || patch.addLabels) {
    const removed = new Set(patch.removeLabels ?? []);
    labels = Object.fromEntries([...Object.entries(node.labels).filter(([k]) => !removed.has(k)), ...Object.entries(patch.addLabels ?? {})]);
    // Enforced here, not only per command: a restore refuses a node with more, so a store that
    // accepted them could never be snapshotted and restored again.
    const count = Object.keys(labels).length;
    if (count > MAX_LABELS) {
      return new StoreError(
        'INVALID_ARGUMENT',
        `node ${node.id} ("${node.name}") would have ${count} labels; a node holds at most ${MAX_LABELS}: remove some first (removeLabels)`,
      );
    }
  }
  const next: NodeObject = {
    ...rest,
    name: patch.name ?? node.name,
    availability: patch.availability ?? node.availability,
    role,
    status: patch.status ?? node.status,
    addr: patch.addr ?? node.addr,
    hostname: patch.hostname ?? node.hostname,
    resources: patch.resources ?? node.resources,
    runtime: patch.runtime ?? node.runtime ?? '',
    labels,
    ...(publishErrors.length > 0 ? { publishErrors } : {}),
    version: index,
    updatedAt: at,
  };
  return raftRole === undefined ? next : { ...next, raftRole };
}
