// The command set: everything that can change cluster state, as JSON carried in Raft entries.
// Every command carries `at`, the proposer's clock, so apply never reads one. decodeCommand
// checks shape strictly — a manager on an older version must refuse what it does not
// understand rather than apply half of it — and returns a fresh copy safe to store.

import { decodeJson, encodeJson } from './canonical.js';
import { StoreError } from './errors.js';
import {
  NODE_AVAILABILITIES,
  NODE_ROLES,
  RAFT_ROLES,
  HOSTNAME_RULE,
  checkAddr,
  checkId,
  checkLabelKeys,
  checkLabels,
  checkName,
  checkNewNode,
  checkNodeStatus,
  checkPublishErrors,
  checkResources,
  checkRuntime,
  checkSettings,
  checkAdminCerts,
  checkCaPair,
  checkPem,
  CERT_SERIAL_RULE,
  checkTimestamp,
  checkTokenSecret,
  UNLOCK_KEY_RULE,
  TEXT_RULE,
  type ClusterSettings,
  type NewNode,
  type NodeAvailability,
  type NodeResources,
  type NodeRole,
  type NodeStatus,
  type PublishError,
  type RaftRole,
  type Runtime,
} from './objects.js';
import { checkNewService, checkServiceSpec, MAX_REPLICAS, UPDATE_STATES, type NewService, type ServiceSpec, type UpdateStatus } from './services.js';
import { Checker } from './shape.js';
import { checkNewTask, checkTaskUpdate, type NewTask, type TaskUpdate } from './tasks.js';

export interface NodeAddCommand {
  readonly type: 'node.add';
  readonly at: string;
  readonly node: NewNode;
}

export interface NodePatch {
  readonly name?: string;
  readonly availability?: NodeAvailability;
  readonly role?: NodeRole;
  readonly status?: NodeStatus;
  readonly addr?: string;
  readonly addLabels?: Readonly<Record<string, string>>;
  readonly removeLabels?: readonly string[];
  /** null takes the node out of the Raft membership view (e.g. after removal as a voter). */
  readonly raftRole?: RaftRole | null;
  /** What the agent reports about its host when its session starts. */
  readonly hostname?: string;
  readonly resources?: NodeResources;
  readonly runtime?: Runtime;
  /** The node's routing mesh's failures, replacing the last report ([] = none). */
  readonly publishErrors?: readonly PublishError[];
}

export interface NodeUpdateCommand {
  readonly type: 'node.update';
  readonly at: string;
  readonly id: string;
  /** When set, the update is refused unless the node is still at this version. */
  readonly expectedVersion?: number;
  readonly patch: NodePatch;
}

export interface NodeRemoveCommand {
  readonly type: 'node.remove';
  readonly at: string;
  readonly id: string;
}

export interface ClusterRotateTokenCommand {
  readonly type: 'cluster.rotateToken';
  readonly at: string;
  readonly role: NodeRole;
  readonly secret: string;
}

/** Replaces the autolock unlock key (refused when autolock is off). */
export interface ClusterRotateUnlockKeyCommand {
  readonly type: 'cluster.rotateUnlockKey';
  readonly at: string;
  readonly unlockKey: string;
}

/** Makes `serials` the only valid admin certificates (`shoal ca rotate-admin`): older ones are refused. */
export interface ClusterSetAdminCertsCommand {
  readonly type: 'cluster.setAdminCerts';
  readonly at: string;
  readonly serials: readonly string[];
  /**
   * The serial of the admin certificate that asked: refused unless still valid, so of two
   * rotations racing with one old credential only the first takes effect.
   */
  readonly replaces?: string;
}

/**
 * Starts a CA rotation (`shoal ca rotate`) with `ca` as the new CA, and makes `adminSerials`
 * (the caller's admin certificate, already signed by the new CA) the only valid admin
 * certificates, as setAdminCerts does. Refused while a rotation is in progress.
 */
export interface ClusterStartCaRotationCommand {
  readonly type: 'cluster.startCaRotation';
  readonly at: string;
  readonly ca: { readonly certPem: string; readonly keyPem: string };
  readonly serials: readonly string[];
  readonly replaces?: string;
}

/** Records that node `id` now holds a certificate of the rotation's new CA. */
export interface ClusterCaNodeRenewedCommand {
  readonly type: 'cluster.caNodeRenewed';
  readonly at: string;
  readonly id: string;
  /** The new CA's certificate: refused if another rotation has replaced that one meanwhile. */
  readonly caCertPem: string;
}

/** Ends the rotation whose new CA is `caCertPem`: it becomes the only cluster CA. */
export interface ClusterFinishCaRotationCommand {
  readonly type: 'cluster.finishCaRotation';
  readonly at: string;
  readonly caCertPem: string;
}

export interface ClusterUpdateSettingsCommand {
  readonly type: 'cluster.updateSettings';
  readonly at: string;
  readonly expectedVersion?: number;
  readonly patch: Partial<ClusterSettings>;
}

export interface ServiceCreateCommand {
  readonly type: 'service.create';
  readonly at: string;
  /** A complete spec: the control API completes partial ones with normalizeServiceSpec. */
  readonly service: NewService;
}

export interface ServiceUpdateCommand {
  readonly type: 'service.update';
  readonly at: string;
  readonly id: string;
  readonly expectedVersion?: number;
  /** The complete new spec; a rollback is an update to the service's previousSpec. */
  readonly spec: ServiceSpec;
  /**
   * true: leave previousSpec as it is, for changes that are not a version to roll back from
   * (scaling). Otherwise previousSpec becomes the replaced spec (unless the spec is unchanged).
   */
  readonly keepPrevious?: boolean;
  /**
   * When the task spec changes: move only this many slots to it, then hold the update (status
   * paused, "canary"); 0 or absent = all. At most the replica count.
   */
  readonly canary?: number;
}

/**
 * Returns to previousSpec (keeping the replica count) and starts a rollback (status
 * rollback_started), paced by the rollback config: `service rollback`, or the updater when an
 * update's failures pass its ratio with failure action "rollback".
 */
export interface ServiceRollbackCommand {
  readonly type: 'service.rollback';
  readonly at: string;
  readonly id: string;
  readonly expectedVersion?: number;
  /** Why ("rollback requested", "update rolled back: task web.3.abc failed: ..."). */
  readonly message?: string;
}

/**
 * Moves a rolling update's status (the updater: paused, completed, ...; `--continue`: back to
 * updating). expectedVersion is required: it is the service version the status was decided
 * from, so a stale leader's decision cannot overwrite a newer update.
 */
export interface ServiceSetUpdateStatusCommand {
  readonly type: 'service.setUpdateStatus';
  readonly at: string;
  readonly id: string;
  readonly expectedVersion: number;
  readonly status: UpdateStatusPatch;
}

/** The status fields a setUpdateStatus changes; the rest stay. */
export type UpdateStatusPatch = Pick<UpdateStatus, 'state' | 'message'> & Partial<Pick<UpdateStatus, 'completedAt' | 'canary' | 'countFrom'>>;

/** Removes the service and, in the same change, sets desiredState "shutdown" on its tasks. */
export interface ServiceRemoveCommand {
  readonly type: 'service.remove';
  readonly at: string;
  readonly id: string;
}

/**
 * A batch of task changes in one entry (the scheduler and dispatcher make hundreds at a time).
 * Items apply one after another, creates then updates then removes, each seeing the ones
 * before it; an item that cannot apply is skipped and listed in the result's `failed`.
 */
export interface TasksApplyCommand {
  readonly type: 'tasks.apply';
  readonly at: string;
  readonly creates: readonly NewTask[];
  readonly updates: readonly TaskUpdate[];
  /** Ids of tasks that have stopped (a final state) or were never assigned. */
  readonly removes: readonly string[];
}

/** Changes nothing but the applied index: a write for tests, benchmarks and barriers. */
export interface NoopCommand {
  readonly type: 'noop';
  readonly at: string;
}

export type Command =
  | NodeAddCommand
  | NodeUpdateCommand
  | NodeRemoveCommand
  | ClusterRotateTokenCommand
  | ClusterRotateUnlockKeyCommand
  | ClusterUpdateSettingsCommand
  | ClusterSetAdminCertsCommand
  | ClusterStartCaRotationCommand
  | ClusterCaNodeRenewedCommand
  | ClusterFinishCaRotationCommand
  | ServiceCreateCommand
  | ServiceUpdateCommand
  | ServiceRemoveCommand
  | ServiceRollbackCommand
  | ServiceSetUpdateStatusCommand
  | TasksApplyCommand
  | NoopCommand;

export type CommandType = Command['type'];

export const COMMAND_TYPES: readonly CommandType[] = [
  'node.add',
  'node.update',
  'node.remove',
  'cluster.rotateToken',
  'cluster.rotateUnlockKey',
  'cluster.updateSettings',
  'cluster.setAdminCerts',
  'cluster.startCaRotation',
  'cluster.caNodeRenewed',
  'cluster.finishCaRotation',
  'service.create',
  'service.update',
  'service.remove',
  'service.rollback',
  'service.setUpdateStatus',
  'tasks.apply',
  'noop',
];

/** Items one tasks.apply may carry, per list. */
export const MAX_TASK_BATCH = 10_000;

/** Validates (throws StoreError INVALID_COMMAND) and serializes; call it when proposing. */
export function encodeCommand(cmd: Command): Uint8Array {
  return encodeJson(parseCommand(cmd));
}

/** Bytes from a Raft entry to a command; throws StoreError INVALID_COMMAND on anything malformed. */
export function decodeCommand(data: Uint8Array): Command {
  let value: unknown;
  try {
    value = decodeJson(data);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new StoreError('INVALID_COMMAND', `invalid command: the entry is not UTF-8 JSON (${why}); it was not written by encodeCommand`);
  }
  return parseCommand(value);
}

/** Checks an already-parsed value and returns a fresh, validated copy. */
export function parseCommand(value: unknown): Command {
  const top = new Checker('INVALID_COMMAND', 'invalid command');
  const head = top.object(
    value,
    '',
    ['type'],
    [
      'at',
      'node',
      'id',
      'expectedVersion',
      'patch',
      'role',
      'secret',
      'unlockKey',
      'service',
      'spec',
      'keepPrevious',
      'canary',
      'message',
      'status',
      'creates',
      'updates',
      'removes',
      'serials',
      'replaces',
      'ca',
      'caCertPem',
    ],
  );
  const type = top.oneOf(head.type, 'type', COMMAND_TYPES);
  const c = top.about(`invalid ${type} command`);
  const at = (v: Record<string, unknown>): string => checkTimestamp(c, v.at, 'at');
  switch (type) {
    case 'node.add': {
      const v = c.object(value, '', ['type', 'at', 'node']);
      return { type, at: at(v), node: checkNewNode(c, v.node, 'node') };
    }
    case 'node.update': {
      const v = c.object(value, '', ['type', 'at', 'id', 'patch'], ['expectedVersion']);
      return {
        type,
        at: at(v),
        id: checkId(c, v.id, 'id'),
        ...expectedVersion(c, v),
        patch: checkNodePatch(c, v.patch, 'patch'),
      };
    }
    case 'node.remove': {
      const v = c.object(value, '', ['type', 'at', 'id']);
      return { type, at: at(v), id: checkId(c, v.id, 'id') };
    }
    case 'cluster.rotateToken': {
      const v = c.object(value, '', ['type', 'at', 'role', 'secret']);
      return { type, at: at(v), role: c.oneOf(v.role, 'role', NODE_ROLES), secret: checkTokenSecret(c, v.secret, 'secret') };
    }
    case 'cluster.rotateUnlockKey': {
      const v = c.object(value, '', ['type', 'at', 'unlockKey']);
      return { type, at: at(v), unlockKey: c.string(v.unlockKey, 'unlockKey', UNLOCK_KEY_RULE) };
    }
    case 'cluster.updateSettings': {
      const v = c.object(value, '', ['type', 'at', 'patch'], ['expectedVersion']);
      return { type, at: at(v), ...expectedVersion(c, v), patch: checkSettings(c, v.patch, 'patch', true) };
    }
    case 'cluster.setAdminCerts': {
      const v = c.object(value, '', ['type', 'at', 'serials'], ['replaces']);
      return {
        type,
        at: at(v),
        serials: checkAdminCerts(c, v.serials, 'serials'),
        ...(v.replaces === undefined ? {} : { replaces: c.string(v.replaces, 'replaces', CERT_SERIAL_RULE) }),
      };
    }
    case 'cluster.startCaRotation': {
      const v = c.object(value, '', ['type', 'at', 'ca', 'serials'], ['replaces']);
      return {
        type,
        at: at(v),
        ca: checkCaPair(c, v.ca, 'ca'),
        serials: checkAdminCerts(c, v.serials, 'serials'),
        ...(v.replaces === undefined ? {} : { replaces: c.string(v.replaces, 'replaces', CERT_SERIAL_RULE) }),
      };
    }
    case 'cluster.caNodeRenewed': {
      const v = c.object(value, '', ['type', 'at', 'id', 'caCertPem']);
      return { type, at: at(v), id: checkId(c, v.id, 'id'), caCertPem: checkPem(c, v.caCertPem, 'caCertPem') };
    }
    case 'cluster.finishCaRotation': {
      const v = c.object(value, '', ['type', 'at', 'caCertPem']);
      return { type, at: at(v), caCertPem: checkPem(c, v.caCertPem, 'caCertPem') };
    }
    case 'service.create': {
      const v = c.object(value, '', ['type', 'at', 'service']);
      return { type, at: at(v), service: checkNewService(c, v.service, 'service') };
    }
    case 'service.update': {
      const v = c.object(value, '', ['type', 'at', 'id', 'spec'], ['expectedVersion', 'keepPrevious', 'canary']);
      return {
        type,
        at: at(v),
        id: checkId(c, v.id, 'id'),
        ...expectedVersion(c, v),
        spec: checkServiceSpec(c, v.spec, 'spec'),
        ...(v.keepPrevious === undefined ? {} : { keepPrevious: c.boolean(v.keepPrevious, 'keepPrevious') }),
        ...(v.canary === undefined ? {} : { canary: c.integer(v.canary, 'canary', 0, MAX_REPLICAS) }),
      };
    }
    case 'service.rollback': {
      const v = c.object(value, '', ['type', 'at', 'id'], ['expectedVersion', 'message']);
      return {
        type,
        at: at(v),
        id: checkId(c, v.id, 'id'),
        ...expectedVersion(c, v),
        ...(v.message === undefined ? {} : { message: c.string(v.message, 'message', TEXT_RULE) }),
      };
    }
    case 'service.setUpdateStatus': {
      const v = c.object(value, '', ['type', 'at', 'id', 'expectedVersion', 'status']);
      return {
        type,
        at: at(v),
        id: checkId(c, v.id, 'id'),
        expectedVersion: c.integer(v.expectedVersion, 'expectedVersion', 1),
        status: checkUpdateStatusPatch(c, v.status, 'status'),
      };
    }
    case 'service.remove': {
      const v = c.object(value, '', ['type', 'at', 'id']);
      return { type, at: at(v), id: checkId(c, v.id, 'id') };
    }
    case 'tasks.apply': {
      const v = c.object(value, '', ['type', 'at', 'creates', 'updates', 'removes']);
      const cmd: TasksApplyCommand = {
        type,
        at: at(v),
        creates: c.array(v.creates, 'creates', (t, path) => checkNewTask(c, t, path), MAX_TASK_BATCH),
        updates: c.array(v.updates, 'updates', (u, path) => checkTaskUpdate(c, u, path), MAX_TASK_BATCH),
        removes: c.array(v.removes, 'removes', (id, path) => checkId(c, id, path), MAX_TASK_BATCH),
      };
      if (cmd.creates.length + cmd.updates.length + cmd.removes.length === 0) c.fail('', 'has no creates, updates or removes; propose nothing instead');
      return cmd;
    }
    case 'noop': {
      const v = c.object(value, '', ['type', 'at']);
      return { type, at: at(v) };
    }
  }
}

function checkUpdateStatusPatch(c: Checker, value: unknown, path: string): UpdateStatusPatch {
  const v = c.object(value, path, ['state', 'message'], ['completedAt', 'canary', 'countFrom']);
  return {
    state: c.oneOf(v.state, `${path}.state`, UPDATE_STATES),
    message: c.string(v.message, `${path}.message`, TEXT_RULE),
    ...(v.completedAt === undefined ? {} : { completedAt: v.completedAt === '' ? '' : checkTimestamp(c, v.completedAt, `${path}.completedAt`) }),
    ...(v.canary === undefined ? {} : { canary: c.integer(v.canary, `${path}.canary`, 0, MAX_REPLICAS) }),
    ...(v.countFrom === undefined ? {} : { countFrom: checkTimestamp(c, v.countFrom, `${path}.countFrom`) }),
  };
}

function expectedVersion(c: Checker, v: Record<string, unknown>): { expectedVersion?: number } {
  return v.expectedVersion === undefined ? {} : { expectedVersion: c.integer(v.expectedVersion, 'expectedVersion', 1) };
}

const PATCH_FIELDS = [
  'name',
  'availability',
  'role',
  'status',
  'addr',
  'addLabels',
  'removeLabels',
  'raftRole',
  'hostname',
  'resources',
  'runtime',
  'publishErrors',
] as const;

function checkNodePatch(c: Checker, value: unknown, path: string): NodePatch {
  const v = c.object(value, path, [], PATCH_FIELDS);
  const patch: { -readonly [K in keyof NodePatch]: NodePatch[K] } = {};
  if (v.name !== undefined) patch.name = checkName(c, v.name, `${path}.name`);
  if (v.availability !== undefined) patch.availability = c.oneOf(v.availability, `${path}.availability`, NODE_AVAILABILITIES);
  if (v.role !== undefined) patch.role = c.oneOf(v.role, `${path}.role`, NODE_ROLES);
  if (v.status !== undefined) patch.status = checkNodeStatus(c, v.status, `${path}.status`);
  if (v.addr !== undefined) patch.addr = checkAddr(c, v.addr, `${path}.addr`);
  if (v.addLabels !== undefined) patch.addLabels = checkLabels(c, v.addLabels, `${path}.addLabels`);
  if (v.removeLabels !== undefined) patch.removeLabels = checkLabelKeys(c, v.removeLabels, `${path}.removeLabels`);
  if (v.raftRole !== undefined) patch.raftRole = v.raftRole === null ? null : c.oneOf(v.raftRole, `${path}.raftRole`, RAFT_ROLES);
  if (v.hostname !== undefined) patch.hostname = c.string(v.hostname, `${path}.hostname`, HOSTNAME_RULE);
  if (v.resources !== undefined) patch.resources = checkResources(c, v.resources, `${path}.resources`);
  if (v.runtime !== undefined) patch.runtime = checkRuntime(c, v.runtime, `${path}.runtime`);
  if (v.publishErrors !== undefined) patch.publishErrors = checkPublishErrors(c, v.publishErrors, `${path}.publishErrors`);
  if (Object.keys(patch).length === 0) c.fail(path, `is empty; set at least one of ${PATCH_FIELDS.join(', ')}`);
  // Both adding and removing a key has no obvious meaning; make the proposer choose.
  const both = (patch.removeLabels ?? []).filter((k) => patch.addLabels && Object.hasOwn(patch.addLabels, k));
  if (both.length > 0) c.fail(path, `both adds and removes label ${both.map((k) => `"${k}"`).join(', ')}; do one or the other`);
  return patch;
}
