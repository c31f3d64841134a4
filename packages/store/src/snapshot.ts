// The snapshot format: the whole state as canonical JSON, so every manager that applied the
// same entries produces the same bytes. `formatVersion` lets a newer manager read an older
// snapshot and makes an older one refuse a newer snapshot instead of misreading it.

import { decodeJson, encodeJson } from './canonical.js';
import { StoreError } from './errors.js';
import { checkCluster, checkNode, type ClusterObject, type NodeObject } from './objects.js';
import { Checker } from './shape.js';
import { nameKey } from './table.js';

export const SNAPSHOT_FORMAT = 'shoal-store-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;

export interface SnapshotContent {
  readonly appliedIndex: number;
  /** null only for a store that has not been initialized or restored yet. */
  readonly cluster: ClusterObject | null;
  /** In a deterministic order (by name). */
  readonly nodes: readonly NodeObject[];
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
  const v = c.object(value, '', ['format', 'formatVersion', 'appliedIndex', 'nodes'], ['cluster']);
  const appliedIndex = c.integer(v.appliedIndex, 'appliedIndex', 0);
  const cluster = v.cluster === null || v.cluster === undefined ? null : checkCluster(c, v.cluster, 'cluster');
  const nodes = c.array(v.nodes, 'nodes', (n, path) => checkNode(c, n, path), Number.MAX_SAFE_INTEGER);

  // Facts the tables rely on, which no sequence of commands could have broken.
  if (cluster && cluster.version > appliedIndex) c.fail('cluster.version', `(${cluster.version}) is past appliedIndex (${appliedIndex})`);
  const ids = new Set<string>();
  const names = new Set<string>();
  nodes.forEach((n, i) => {
    if (n.version > appliedIndex) c.fail(`nodes[${i}].version`, `(${n.version}) is past appliedIndex (${appliedIndex})`);
    if (ids.has(n.id)) c.fail(`nodes[${i}].id`, `"${n.id}" appears twice`);
    if (names.has(nameKey(n.name))) c.fail(`nodes[${i}].name`, `"${n.name}" appears twice`);
    ids.add(n.id);
    names.add(nameKey(n.name));
  });
  return { appliedIndex, cluster, nodes };
}
