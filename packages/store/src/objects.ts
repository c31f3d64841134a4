// The replicated objects and what makes one valid. Every kind has an id, a unique name and a
// version (the Raft index of its last change), so a generic Table can hold it; adding a kind
// is a type here (services.ts and tasks.ts hold the bigger ones), a Table in the store and its
// commands.

import { ID_PATTERN } from './ids.js';
import type { Checker, StringRule } from './shape.js';

export const NODE_ROLES = ['manager', 'worker'] as const;
export const NODE_AVAILABILITIES = ['active', 'pause', 'drain'] as const;
export const NODE_STATES = ['ready', 'down', 'unknown'] as const;
export const RAFT_ROLES = ['voter', 'learner'] as const;
/** What runs tasks: a node's agent reports its runtime; a task spec may ask for one ('' = any). */
export const RUNTIMES = ['', 'process', 'docker', 'simulated'] as const;

export type NodeRole = (typeof NODE_ROLES)[number];
export type NodeAvailability = (typeof NODE_AVAILABILITIES)[number];
export type NodeState = (typeof NODE_STATES)[number];
export type RaftRole = (typeof RAFT_ROLES)[number];
export type Runtime = (typeof RUNTIMES)[number];

/** What every stored object carries; `version` is the Raft index of its last change. */
export interface StoredObject {
  readonly id: string;
  readonly name: string;
  readonly version: number;
}

export interface NodeStatus {
  readonly state: NodeState;
  readonly message: string;
  /** When the node last went down (ISO time); kept after it is back, to tell a flapping node. */
  readonly downAt?: string;
  /** It went down again soon after the previous time: it will get the flap back-off when back. */
  readonly flapping?: boolean;
  /**
   * A node back after flapping gets no new tasks until then (ISO time): moving work onto a
   * node that may go again is how flapping turns into livelock.
   */
  readonly noWorkUntil?: string;
}

export interface NodeResources {
  readonly nanoCpus: number;
  readonly memoryBytes: number;
}

export interface NodeObject extends StoredObject {
  readonly hostname: string;
  readonly role: NodeRole;
  readonly availability: NodeAvailability;
  readonly status: NodeStatus;
  /** Managers: their Raft/control address. Workers: where they were last seen (may be ''). */
  readonly addr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly resources: NodeResources;
  /** Managers only: where this manager is in the Raft membership. */
  readonly raftRole?: RaftRole;
  /**
   * What this node's agent runs ('' = not reported yet). Stored nodes always carry it; it is
   * optional in the type only so node literals written before it existed still compile.
   */
  readonly runtime?: Runtime;
  /**
   * Published ports this node's routing mesh could not open, as its agent last reported them
   * (e.g. another process listens there). Absent when there are none.
   */
  readonly publishErrors?: readonly PublishError[];
  /** ISO timestamps chosen by the proposer (the command's `at`), never by apply. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A published port a node's routing mesh could not open, and why ("address in use"). */
export interface PublishError {
  readonly published: number;
  readonly error: string;
}

/** Publish errors one node may hold (its agent reports at most this many). */
export const MAX_PUBLISH_ERRORS = 256;

/** A node as `node.add` carries it: the store sets version and timestamps (and runtime '' if absent). */
export type NewNode = Omit<NodeObject, 'version' | 'createdAt' | 'updatedAt'>;

export interface ClusterSettings {
  /** Raft tick length; heartbeat and election timeouts are counted in ticks. */
  readonly tickMs: number;
  readonly heartbeatTicks: number;
  readonly electionTicks: number;
  /** Take a Raft snapshot after this many applied entries. */
  readonly snapshotEvery: number;
  /** How often workers heartbeat; a node silent for a few periods is marked down (its tasks move). */
  readonly nodeHeartbeatMs: number;
  /**
   * Ended tasks kept per slot (per node for a global service) for `service ps`; older ones are
   * removed with their containers and process logs (Swarm's task history retention limit).
   */
  readonly taskHistoryLimit: number;
  /**
   * How long node certificates are valid (seconds); nodes renew theirs once 2/3 of it has
   * passed (`manager init --cert-expiry`, `cluster update --cert-expiry`; Swarm's CertExpiry).
   */
  readonly certExpirySeconds: number;
}

export interface ClusterObject extends StoredObject {
  readonly createdAt: string;
  /** The secret part of the join tokens (SWMTKN-1-<ca digest>-<secret>). */
  readonly tokens: { readonly worker: string; readonly manager: string };
  /** Replicated so that whichever manager leads can sign certificates, as Swarm does. */
  readonly ca: { readonly certPem: string; readonly keyPem: string };
  readonly settings: ClusterSettings;
  /**
   * Autolock (`manager init --autolock`): the key a restarted manager needs before it can read
   * its Raft database. Absent: autolock is off. Only `manager unlock-key` shows it.
   */
  readonly unlockKey?: string;
  /**
   * Ids of nodes removed from the cluster (`node rm`), so that managers can tell a removed
   * node (its certificate grants nothing; a removed manager restarted on its old data must
   * stop) from one they have not heard of yet (a joining manager on a lagging follower).
   * Absent until the first removal; a few bytes per removed node.
   */
  readonly removedNodes?: readonly string[];
  /**
   * Serial numbers (lowercase hex) of the admin certificates that are still valid: `init`
   * records the first, `ca rotate-admin` replaces the list with the new one, so an old admin
   * credential is refused on every manager. Absent in clusters made before admin rotation
   * existed: then any admin certificate of the cluster CA is accepted, as it was then.
   */
  readonly adminCerts?: readonly string[];
  /**
   * A CA rotation in progress (`shoal ca rotate`): the new CA, which signs every certificate
   * from now on, and the nodes that already hold one of its certificates. Both CAs are trusted
   * until every node is in `renewed`; then `ca` becomes the new CA and this goes away.
   */
  readonly caRotation?: CaRotation;
}

export interface CaRotation {
  readonly ca: { readonly certPem: string; readonly keyPem: string };
  readonly startedAt: string;
  /** Ids of the nodes whose current certificate the new CA signed. */
  readonly renewed: readonly string[];
}

/**
 * Defaults for a new cluster: 50 ms heartbeats and a 300 ms base election timeout (Raft
 * randomizes it within [300, 600) ms), against Swarm's 1 s tick × 10. Workers heartbeat every
 * 500 ms (Swarm: 5 s), so a dead node's tasks are replaced within a couple of seconds.
 */
export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = Object.freeze({
  tickMs: 50,
  heartbeatTicks: 1,
  electionTicks: 6,
  snapshotEvery: 10_000,
  nodeHeartbeatMs: 500,
  taskHistoryLimit: 5,
  certExpirySeconds: 90 * 86_400,
});

/**
 * Bounds of certExpirySeconds: 30 s lets tests watch renewals happen (managers warn below an
 * hour); the CA itself lives 10 years, and no node certificate should outlive it.
 */
export const CERT_EXPIRY_RANGE = Object.freeze({ min: 30, max: 5 * 365 * 86_400 });

/** A certificate serial number as the store keeps it: lowercase hex, at most 20 octets (RFC 5280). */
export const CERT_SERIAL_RULE: StringRule = {
  min: 1,
  max: 40,
  pattern: /^[0-9a-f]+$/,
  patternHint: 'must be a certificate serial number in lowercase hexadecimal',
};

/** Bounds of the task history limit: 0 keeps no ended task, 100 keeps plenty for any slot. */
export const TASK_HISTORY_LIMIT_RANGE = Object.freeze({ min: 0, max: 100 });

// ---- rules -------------------------------------------------------------------------------

// Names are ASCII so that the case-insensitive uniqueness index lowercases the same way on
// every manager, whatever Unicode tables its Node.js version ships.
export const NAME_RULE: StringRule = {
  min: 1,
  max: 128,
  pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  patternHint: 'must start with a letter or digit and contain only letters, digits, ".", "_" and "-"',
};

export const ID_RULE: StringRule = {
  pattern: ID_PATTERN,
  patternHint: 'must be an object id: 20 to 64 lowercase letters and digits (see newId())',
};

// Letters and digits only, so the secret can sit at the end of SWMTKN-1-<ca digest>-<secret>.
/** SHLKEY-1-<52 base32 characters>: 256 random bits (packages/identity/src/unlock.ts). */
export const UNLOCK_KEY_RULE: StringRule = {
  pattern: /^SHLKEY-1-[A-Z2-7]{52}$/,
  patternHint: 'must be an unlock key, SHLKEY-1- followed by 52 base32 characters',
};

export const TOKEN_SECRET_RULE: StringRule = {
  min: 16,
  max: 256,
  pattern: /^[A-Za-z0-9]+$/,
  patternHint: 'must contain only letters and digits',
};

const TIMESTAMP_RULE: StringRule = {
  pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/,
  patternHint: 'must be an ISO-8601 UTC timestamp like 2025-01-31T12:00:00.000Z (new Date().toISOString())',
};

// Control characters are exactly what the pattern refuses.
// eslint-disable-next-line no-control-regex
export const LABEL_KEY_RULE: StringRule = { min: 1, max: 256, pattern: /^[^\s\u0000-\u001f]+$/, patternHint: 'must not contain spaces or control characters' };
export const LABEL_VALUE_RULE: StringRule = { max: 4096 };
export const TEXT_RULE: StringRule = { max: 1024 };
export const HOSTNAME_RULE: StringRule = { min: 1, max: 255 };
const PEM_RULE: StringRule = { min: 1, max: 65_536 };

export function checkId(c: Checker, value: unknown, path: string): string {
  return c.string(value, path, ID_RULE);
}

export function checkName(c: Checker, value: unknown, path: string): string {
  return c.string(value, path, NAME_RULE);
}

export function checkTimestamp(c: Checker, value: unknown, path: string): string {
  const at = c.string(value, path, TIMESTAMP_RULE);
  // Date.parse rolls 2025-02-30 over into March; a round trip catches dates that do not exist.
  const ms = Date.parse(at);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== at.slice(0, 19)) c.fail(path, `is not a real date (got "${at}")`);
  return at;
}

/** Labels one object may hold; applying a command must never produce more (snapshots are checked against it). */
export const MAX_LABELS = 256;

export function checkLabels(c: Checker, value: unknown, path: string): Record<string, string> {
  return c.stringMap(value, path, LABEL_KEY_RULE, LABEL_VALUE_RULE, MAX_LABELS);
}

export function checkLabelKeys(c: Checker, value: unknown, path: string): string[] {
  return c.array(value, path, (v, p) => c.string(v, p, LABEL_KEY_RULE), 256);
}

export function checkNodeStatus(c: Checker, value: unknown, path: string): NodeStatus {
  const v = c.object(value, path, ['state', 'message'], ['downAt', 'flapping', 'noWorkUntil']);
  // Optional fields are left out when absent, so a decoded status equals what was encoded.
  return {
    state: c.oneOf(v.state, `${path}.state`, NODE_STATES),
    message: c.string(v.message, `${path}.message`, TEXT_RULE),
    ...(v.downAt === undefined ? {} : { downAt: checkTimestamp(c, v.downAt, `${path}.downAt`) }),
    ...(v.flapping === undefined ? {} : { flapping: c.boolean(v.flapping, `${path}.flapping`) }),
    ...(v.noWorkUntil === undefined ? {} : { noWorkUntil: checkTimestamp(c, v.noWorkUntil, `${path}.noWorkUntil`) }),
  };
}

export function checkRuntime(c: Checker, value: unknown, path: string): Runtime {
  return c.oneOf(value, path, RUNTIMES);
}

export function checkResources(c: Checker, value: unknown, path: string): NodeResources {
  const v = c.object(value, path, ['nanoCpus', 'memoryBytes']);
  return { nanoCpus: c.integer(v.nanoCpus, `${path}.nanoCpus`, 0), memoryBytes: c.integer(v.memoryBytes, `${path}.memoryBytes`, 0) };
}

export function checkAddr(c: Checker, value: unknown, path: string): string {
  return c.string(value, path, { max: 512 });
}

export function checkTokenSecret(c: Checker, value: unknown, path: string): string {
  return c.string(value, path, TOKEN_SECRET_RULE);
}

const NEW_NODE_FIELDS = ['id', 'name', 'hostname', 'role', 'availability', 'status', 'addr', 'labels', 'resources'] as const;
const META_FIELDS = ['version', 'createdAt', 'updatedAt'] as const;

export function checkNewNode(c: Checker, value: unknown, path: string): NewNode {
  const v = c.object(value, path, NEW_NODE_FIELDS, ['raftRole', 'runtime']);
  return newNodeFrom(c, v, path);
}

export function checkNode(c: Checker, value: unknown, path: string): NodeObject {
  // runtime is optional: snapshots of format 1 predate it.
  const v = c.object(value, path, [...NEW_NODE_FIELDS, ...META_FIELDS], ['raftRole', 'runtime', 'publishErrors']);
  return {
    runtime: '',
    ...newNodeFrom(c, v, path),
    // Left out when there are none, as the store keeps it.
    ...(v.publishErrors === undefined ? {} : { publishErrors: checkPublishErrors(c, v.publishErrors, `${path}.publishErrors`) }),
    version: c.integer(v.version, `${path}.version`, 1),
    createdAt: checkTimestamp(c, v.createdAt, `${path}.createdAt`),
    updatedAt: checkTimestamp(c, v.updatedAt, `${path}.updatedAt`),
  };
}

export function checkPublishErrors(c: Checker, value: unknown, path: string): PublishError[] {
  return c.array(
    value,
    path,
    (e, at) => {
      const v = c.object(e, at, ['published', 'error']);
      return { published: c.integer(v.published, `${at}.published`, 1, 65_535), error: c.string(v.error, `${at}.error`, TEXT_RULE) };
    },
    MAX_PUBLISH_ERRORS,
  );
}

function newNodeFrom(c: Checker, v: Record<string, unknown>, path: string): NewNode {
  const role = c.oneOf(v.role, `${path}.role`, NODE_ROLES);
  const node: NewNode = {
    id: checkId(c, v.id, `${path}.id`),
    name: checkName(c, v.name, `${path}.name`),
    hostname: c.string(v.hostname, `${path}.hostname`, HOSTNAME_RULE),
    role,
    availability: c.oneOf(v.availability, `${path}.availability`, NODE_AVAILABILITIES),
    status: checkNodeStatus(c, v.status, `${path}.status`),
    addr: checkAddr(c, v.addr, `${path}.addr`),
    labels: checkLabels(c, v.labels, `${path}.labels`),
    resources: checkResources(c, v.resources, `${path}.resources`),
    // Left out when absent, so a decoded node.add equals what was encoded; the store fills ''.
    ...(v.runtime === undefined ? {} : { runtime: checkRuntime(c, v.runtime, `${path}.runtime`) }),
  };
  if (v.raftRole === undefined) return node;
  if (role !== 'manager') c.fail(`${path}.raftRole`, 'applies to managers only; leave it out for a worker');
  return { ...node, raftRole: c.oneOf(v.raftRole, `${path}.raftRole`, RAFT_ROLES) };
}

const SETTINGS_FIELDS = ['tickMs', 'heartbeatTicks', 'electionTicks', 'snapshotEvery', 'nodeHeartbeatMs', 'taskHistoryLimit', 'certExpirySeconds'] as const;
/** Settings added after clusters existed: a stored cluster without one gets its default. */
const LATER_SETTINGS = ['taskHistoryLimit', 'certExpirySeconds'] as const;
const FIRST_SETTINGS = SETTINGS_FIELDS.filter((f) => !(LATER_SETTINGS as readonly string[]).includes(f));

/** Settings, all fields required, or with `partial` any non-empty subset (a patch). */
export function checkSettings(c: Checker, value: unknown, path: string, partial: true): Partial<ClusterSettings>;
export function checkSettings(c: Checker, value: unknown, path: string, partial?: false): ClusterSettings;
export function checkSettings(c: Checker, value: unknown, path: string, partial = false): Partial<ClusterSettings> {
  const v = partial ? c.object(value, path, [], SETTINGS_FIELDS) : c.object(value, path, FIRST_SETTINGS, LATER_SETTINGS);
  const bounds: Record<(typeof SETTINGS_FIELDS)[number], [number, number]> = {
    tickMs: [1, 60_000],
    heartbeatTicks: [1, 1_000],
    electionTicks: [2, 10_000],
    snapshotEvery: [1, Number.MAX_SAFE_INTEGER],
    nodeHeartbeatMs: [100, 3_600_000],
    taskHistoryLimit: [TASK_HISTORY_LIMIT_RANGE.min, TASK_HISTORY_LIMIT_RANGE.max],
    certExpirySeconds: [CERT_EXPIRY_RANGE.min, CERT_EXPIRY_RANGE.max],
  };
  const out: Partial<Record<(typeof SETTINGS_FIELDS)[number], number>> = {};
  for (const key of SETTINGS_FIELDS) {
    if (v[key] !== undefined) out[key] = c.integer(v[key], `${path}.${key}`, ...bounds[key]);
  }
  if (!partial) for (const key of LATER_SETTINGS) out[key] ??= DEFAULT_CLUSTER_SETTINGS[key];
  if (partial && Object.keys(out).length === 0) c.fail(path, `is empty; set at least one of ${SETTINGS_FIELDS.join(', ')}`);
  if (!partial) {
    const problem = settingsProblem(out as ClusterSettings);
    if (problem) c.fail(path, problem);
  }
  return out;
}

/** Rules between settings, checked on the merged result of a patch. */
export function settingsProblem(s: ClusterSettings): string | undefined {
  // Raft needs followers to hear several heartbeats within one election timeout, or healthy
  // leaders get deposed.
  if (s.electionTicks <= s.heartbeatTicks) {
    return `electionTicks (${s.electionTicks}) must be greater than heartbeatTicks (${s.heartbeatTicks}); raise electionTicks`;
  }
  return undefined;
}

export function checkCluster(c: Checker, value: unknown, path: string): ClusterObject {
  const v = c.object(
    value,
    path,
    ['id', 'name', 'createdAt', 'version', 'tokens', 'ca', 'settings'],
    ['removedNodes', 'unlockKey', 'adminCerts', 'caRotation'],
  );
  const tokens = c.object(v.tokens, `${path}.tokens`, ['worker', 'manager']);
  const ca = c.object(v.ca, `${path}.ca`, ['certPem', 'keyPem']);
  const cluster: ClusterObject = {
    id: checkId(c, v.id, `${path}.id`),
    name: checkName(c, v.name, `${path}.name`),
    createdAt: checkTimestamp(c, v.createdAt, `${path}.createdAt`),
    version: c.integer(v.version, `${path}.version`, 1),
    tokens: {
      worker: checkTokenSecret(c, tokens.worker, `${path}.tokens.worker`),
      manager: checkTokenSecret(c, tokens.manager, `${path}.tokens.manager`),
    },
    ca: {
      certPem: c.string(ca.certPem, `${path}.ca.certPem`, PEM_RULE),
      keyPem: c.string(ca.keyPem, `${path}.ca.keyPem`, PEM_RULE),
    },
    settings: checkSettings(c, v.settings, `${path}.settings`),
    ...(v.unlockKey === undefined ? {} : { unlockKey: c.string(v.unlockKey, `${path}.unlockKey`, UNLOCK_KEY_RULE) }),
    ...(v.removedNodes === undefined
      ? {}
      : { removedNodes: c.array(v.removedNodes, `${path}.removedNodes`, (id, p) => checkId(c, id, p), Number.MAX_SAFE_INTEGER) }),
    ...(v.adminCerts === undefined ? {} : { adminCerts: checkAdminCerts(c, v.adminCerts, `${path}.adminCerts`) }),
    ...(v.caRotation === undefined ? {} : { caRotation: checkCaRotation(c, v.caRotation, `${path}.caRotation`) }),
  };
  if (cluster.tokens.worker === cluster.tokens.manager) c.fail(`${path}.tokens`, SAME_SECRETS);
  return cluster;
}

/** A PEM text (certificate or key). */
export function checkPem(c: Checker, value: unknown, path: string): string {
  return c.string(value, path, PEM_RULE);
}

/** A CA certificate and its key, as the cluster object and the rotation commands carry them. */
export function checkCaPair(c: Checker, value: unknown, path: string): { certPem: string; keyPem: string } {
  const ca = c.object(value, path, ['certPem', 'keyPem']);
  return { certPem: c.string(ca.certPem, `${path}.certPem`, PEM_RULE), keyPem: c.string(ca.keyPem, `${path}.keyPem`, PEM_RULE) };
}

function checkCaRotation(c: Checker, value: unknown, path: string): CaRotation {
  const v = c.object(value, path, ['ca', 'startedAt', 'renewed']);
  return {
    ca: checkCaPair(c, v.ca, `${path}.ca`),
    startedAt: checkTimestamp(c, v.startedAt, `${path}.startedAt`),
    renewed: c.array(v.renewed, `${path}.renewed`, (id, p) => checkId(c, id, p), Number.MAX_SAFE_INTEGER),
  };
}

/** The valid admin certificate serials: at least one (an empty list would lock every admin out). */
export function checkAdminCerts(c: Checker, value: unknown, path: string): string[] {
  const serials = c.array(value, path, (v, p) => c.string(v, p, CERT_SERIAL_RULE), 16);
  if (serials.length === 0) c.fail(path, 'is empty; it must name at least one admin certificate serial, or no admin could ever call the cluster again');
  return serials;
}

// Equal secrets would let a worker join token admit a manager.
export const SAME_SECRETS = 'must have different worker and manager secrets, or a worker token would admit managers';
