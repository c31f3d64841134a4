// The snapshot format: the whole state as canonical JSON, so every manager that applied the
// same entries produces the same bytes. `formatVersion` lets a newer manager read an older
// snapshot and makes an older one refuse a newer snapshot instead of misreading it.
//
// Format 2 added services, tasks and the nodes' runtime. Format 1 snapshots (no services or
// tasks, nodes without runtime) still restore: as an empty service list and runtime ''.

import { decodeJson, encodeJson } from './canonical.js';
import { StoreError } from './errors.js';
import { checkCluster, checkNode, type ClusterObject, type NodeObject, type StoredObject } from './objects.js';
import { checkService, type ServiceObject } from './services.js';
import { Checker } from './shape.js';
import { nameKey } from './table.js';
import { checkTask, holdsPort, portKey, type TaskObject } from './tasks.js';

export const SNAPSHOT_FORMAT = 'shoal-store-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 2;

export interface SnapshotContent {
  readonly appliedIndex: number;
  /** null only for a store that has not been initialized or restored yet. */
  readonly cluster: ClusterObject | null;
  /** Each list in a deterministic order (by name). */
  readonly nodes: readonly NodeObject[];
  readonly services: readonly ServiceObject[];
  readonly tasks: readonly TaskObject[];
}

export function encodeSnapshot(content: SnapshotContent): Uint8Array {
  return encodeJson({ format: SNAPSHOT_FORMAT, formatVersion: SNAPSHOT_FORMAT_VERSION, ...content });
}

const ADVICE = '; the snapshot is damaged or was not written by a shoal store — rejoin this manager to get a fresh copy';

export function decodeSnapshot(data: Uint8Array): SnapshotContent {
  const c = new Checker('CORRUPT_SNAPSHOT', 'corrupt store snapshot', ADVICE);
  let value: unknown;
  try {
    value = decodeJson(data);
  } catch (e) {
    c.fail('', `is not UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  // Read the format first and leniently: a newer format may have fields this one does not know.
  const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
  const head = c.object(value, '', ['format', 'formatVersion'], keys);
  if (head.format !== SNAPSHOT_FORMAT) c.fail('format', `must be "${SNAPSHOT_FORMAT}" (got ${JSON.stringify(head.format)})`);
  const formatVersion = c.integer(head.formatVersion, 'formatVersion', 1);
  if (formatVersion > SNAPSHOT_FORMAT_VERSION) {
    throw new StoreError(
      'CORRUPT_SNAPSHOT',
      `store snapshot format ${formatVersion} is newer than this manager understands (${SNAPSHOT_FORMAT_VERSION}); upgrade this manager`,
    );
  }
  const lists = formatVersion === 1 ? ['nodes'] : ['nodes', 'services', 'tasks'];
  const v = c.object(value, '', ['format', 'formatVersion', 'appliedIndex', ...lists], ['cluster']);
  const appliedIndex = c.integer(v.appliedIndex, 'appliedIndex', 0);
  const cluster = v.cluster === null || v.cluster === undefined ? null : checkCluster(c, v.cluster, 'cluster');
  const all = Number.MAX_SAFE_INTEGER;
  const nodes = c.array(v.nodes, 'nodes', (n, path) => checkNode(c, n, path), all);
  const services = formatVersion === 1 ? [] : c.array(v.services, 'services', (s, path) => checkService(c, s, path), all);
  const tasks = formatVersion === 1 ? [] : c.array(v.tasks, 'tasks', (t, path) => checkTask(c, t, path), all);

  // Facts the tables rely on, which no sequence of commands could have broken.
  if (cluster && cluster.version > appliedIndex) c.fail('cluster.version', `(${cluster.version}) is past appliedIndex (${appliedIndex})`);
  checkTable(c, 'nodes', nodes, appliedIndex);
  checkTable(c, 'services', services, appliedIndex);
  checkTable(c, 'tasks', tasks, appliedIndex);
  const published = new Map<number, string>();
  services.forEach((s, i) => {
    for (const p of s.spec.ports) {
      const other = published.get(p.published);
      if (other !== undefined) c.fail(`services[${i}].spec.ports`, `publish port ${p.published}, which service ${other} publishes too`);
      published.set(p.published, s.name);
    }
  });
  const heldPorts = new Set<string>();
  tasks.forEach((t, i) => {
    if (!holdsPort(t)) return;
    const key = portKey(t.nodeId, t.port);
    if (heldPorts.has(key)) c.fail(`tasks[${i}].port`, `${t.port} on node ${t.nodeId} is held by another running task too`);
    heldPorts.add(key);
  });
  return { appliedIndex, cluster, nodes, services, tasks };
}

function checkTable(c: Checker, what: string, objects: readonly StoredObject[], appliedIndex: number): void {
  const ids = new Set<string>();
  const names = new Set<string>();
  objects.forEach((o, i) => {
    if (o.version > appliedIndex) c.fail(`${what}[${i}].version`, `(${o.version}) is past appliedIndex (${appliedIndex})`);
    if (ids.has(o.id)) c.fail(`${what}[${i}].id`, `"${o.id}" appears twice`);
    if (names.has(nameKey(o.name))) c.fail(`${what}[${i}].name`, `"${o.name}" appears twice`);
    ids.add(o.id);
    names.add(nameKey(o.name));
  });
}
