// `shoal node ls|inspect|update|promote|demote|rm`, like `docker node ...`.

import type { WireNode__Output } from '@shoal/wire';
import { CliError, type ControlConnection } from '../client.js';
import { managerCountWarning, printJson, printTable, warn } from '../output.js';

/** "Leader", "Reachable" or "Unreachable" for managers; "" for workers — as `docker node ls`. */
export function managerStatus(n: WireNode__Output): string {
  if (n.role !== 'manager' || !n.managerStatus) return '';
  if (n.managerStatus.leader) return 'Leader';
  return n.managerStatus.reachability === 'reachable' ? 'Reachable' : 'Unreachable';
}

/** The JSON shape of a node row (stable: scripts and tests read it). */
export function nodeRow(n: WireNode__Output) {
  return {
    id: n.id,
    name: n.name,
    hostname: n.hostname,
    role: n.role,
    status: n.status,
    availability: n.availability,
    managerStatus: managerStatus(n),
    addr: n.addr,
    labels: n.labels,
    version: Number(n.version),
  };
}

function nodeDetail(n: WireNode__Output) {
  return {
    ...nodeRow(n),
    statusMessage: n.statusMessage,
    raftRole: n.managerStatus?.raftRole ?? '',
    resources: n.resources ? { nanoCpus: Number(n.resources.nanoCpus), memoryBytes: Number(n.resources.memoryBytes) } : null,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
  };
}

export async function nodeLs(conn: ControlConnection, o: { json: boolean; stale: boolean }): Promise<void> {
  const { nodes } = await conn.call('ListNodes', { read: { stale: o.stale } });
  if (o.json) {
    printJson(nodes.map(nodeRow));
  } else {
    printTable(
      ['ID', 'NAME', 'ROLE', 'STATUS', 'AVAILABILITY', 'MANAGER STATUS'],
      nodes.map((n) => [n.id, n.name, n.role, n.status, n.availability, managerStatus(n)]),
    );
  }
  const managers = nodes.filter((n) => n.role === 'manager' && n.managerStatus?.raftRole === 'voter').length;
  const w = managerCountWarning(managers);
  if (w) warn(w);
}

export async function nodeInspect(conn: ControlConnection, refs: readonly string[], o: { stale: boolean }): Promise<void> {
  const out = [];
  for (const ref of refs) out.push(nodeDetail(await conn.call('GetNode', { node: ref, read: { stale: o.stale } })));
  printJson(out); // like `docker node inspect`: always JSON
}

export async function nodeUpdate(
  conn: ControlConnection,
  ref: string,
  o: { json: boolean; availability?: string; labelAdd: readonly string[]; labelRm: readonly string[]; version?: number },
): Promise<void> {
  if (o.availability && !['active', 'pause', 'drain'].includes(o.availability)) {
    throw new CliError(`--availability must be active, pause or drain (got "${o.availability}")`);
  }
  const addLabels: Record<string, string> = {};
  for (const kv of o.labelAdd) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new CliError(`--label-add wants KEY=VALUE (got "${kv}")`);
    addLabels[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  if (!o.availability && o.labelAdd.length === 0 && o.labelRm.length === 0) {
    throw new CliError('nothing to update: give --availability, --label-add or --label-rm');
  }
  const n = await conn.call(
    'UpdateNode',
    { node: ref, version: String(o.version ?? 0), availability: o.availability ?? '', addLabels, removeLabels: [...o.labelRm] },
    { write: true },
  );
  if (o.json) printJson(nodeDetail(n));
  else process.stdout.write(`${n.id}\n`);
}

export async function nodeRole(conn: ControlConnection, refs: readonly string[], promote: boolean, o: { json: boolean }): Promise<void> {
  for (const ref of refs) {
    const n = await conn.call(promote ? 'PromoteNode' : 'DemoteNode', { node: ref }, { write: true, timeoutMs: 15000 });
    if (o.json) printJson(nodeDetail(n));
    else process.stdout.write(`Node ${n.name} (${n.id}) ${promote ? 'promoted to a manager' : 'demoted to a worker'}.\n`);
  }
}

export async function nodeRm(conn: ControlConnection, refs: readonly string[], o: { force: boolean }): Promise<void> {
  for (const ref of refs) {
    await conn.call('RemoveNode', { node: ref, force: o.force }, { write: true });
    process.stdout.write(`${ref}\n`);
  }
}
