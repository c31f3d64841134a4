// `shoal service create|ls|ps|inspect|scale|rm|logs|rebalance`, like `docker service ...`.

import * as grpc from '@grpc/grpc-js';
import { serviceSpecFromWire, type ServiceLogLine__Output, type WireService__Output, type WireTask__Output } from '@shoal/wire';
import { isFinalState } from '@shoal/store';
import { CliError, type ControlConnection } from '../client.js';
import { printJson, printTable } from '../output.js';
import { specFromArgv } from '../service-create-flags.js';
import { waitForConvergence } from './progress.js';
import { isCanaryHold } from './update-progress.js';
import { autoscaleView } from './autoscale.js';

/** A service's spec in the store's form: what `--json` prints and every view reads. */
function specOf(s: WireService__Output) {
  return serviceSpecFromWire(s.spec);
}

/** The JSON shape of `service ls` rows. */
export function serviceRow(s: WireService__Output) {
  const spec = specOf(s);
  return {
    id: s.id,
    name: s.name,
    mode: spec.mode,
    replicas: `${s.running}/${s.desired}`,
    running: s.running,
    desired: s.desired,
    image: spec.task.image || spec.task.command.join(' '),
    runtime: spec.task.runtime,
    ports: spec.ports.map((p) => `*:${p.published}->${p.target}/tcp`),
    version: Number(s.version),
    specVersion: Number(s.specVersion),
    // The last update or rollback, in a word ("" before any): `service ls`'s UPDATE column.
    update: updateWord(s.updateStatus),
  };
}

/** "updating 3/6", "paused", "completed", "rolling back 1/2"...: short, for `service ls`. */
export function updateWord(u: WireService__Output['updateStatus']): string {
  if (!u || !u.state) return '';
  const count = `${u.updated}/${u.total}`;
  switch (u.state) {
    case 'updating':
      return `updating ${count}`;
    case 'rollback_started':
      return `rolling back ${count}`;
    case 'paused':
      return isCanaryHold(u) ? `canary ${count}` : 'paused';
    case 'rollback_paused':
      return 'rollback paused';
    case 'rollback_completed':
      return 'rolled back';
    default:
      return u.state;
  }
}

/** `service inspect`'s view of the update status (null before any update). */
function updateStatusView(u: WireService__Output['updateStatus']) {
  if (!u) return null;
  return {
    state: u.state,
    message: u.message,
    startedAt: u.startedAt || null,
    completedAt: u.completedAt || null,
    canary: u.canary,
    updated: u.updated,
    total: u.total,
    failed: u.failed,
  };
}

/** The JSON shape of `service ps` rows (stable: scripts and tests read it). */
export function taskRow(t: WireTask__Output) {
  return {
    id: t.id,
    name: t.name,
    slot: t.slot,
    node: t.nodeId,
    nodeName: t.nodeName,
    desiredState: t.desiredState,
    state: t.state,
    message: t.message,
    error: t.error,
    exitCode: t.hasExitCode ? t.exitCode : null,
    port: t.port,
    health: t.health,
    updatedAt: t.updatedAt,
    // The service spec version this task runs (`service ps`'s VERSION).
    specVersion: Number(t.specVersion),
  };
}

/** `argv`: what yargs parsed of `service create`'s flags (service-create-flags.ts declares them). */
export async function serviceCreate(
  conn: ControlConnection,
  argv: Readonly<Record<string, unknown>>,
  o: { json: boolean; detach: boolean; timeoutMs: number },
): Promise<void> {
  const spec = specFromArgv(argv);
  const s = await conn.call('CreateService', { spec }, { write: true });
  if (o.json) printJson(serviceRow(s));
  else process.stdout.write(`${s.id}\n`);
  if (!o.detach) await waitForConvergence(conn, s.id, { timeoutMs: o.timeoutMs });
}

export async function serviceLs(conn: ControlConnection, o: { json: boolean; stale: boolean }): Promise<void> {
  const { services } = await conn.call('ListServices', { read: { stale: o.stale } });
  const rows = services.map(serviceRow);
  if (o.json) return printJson(rows);
  printTable(
    ['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE / COMMAND', 'PORTS', 'UPDATE'],
    rows.map((r) => [r.id, r.name, r.mode, r.replicas, r.image.length > 40 ? `${r.image.slice(0, 37)}...` : r.image, r.ports.join(','), r.update]),
  );
}

export async function servicePs(conn: ControlConnection, refs: readonly string[], o: { json: boolean; stale: boolean; all: boolean }): Promise<void> {
  const rows: { row: ReturnType<typeof taskRow>; history: boolean }[] = [];
  for (const ref of refs) {
    const { tasks } = await conn.call('ListTasks', { service: ref, read: { stale: o.stale } });
    rows.push(...taskHistory(tasks, o.all).map((h) => ({ row: taskRow(h.task), history: h.history })));
  }
  if (o.json) return printJson(rows.map((r) => r.row));
  printTable(
    ['ID', 'NAME', 'VERSION', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR', 'PORT'],
    rows.map(({ row: r, history }) => [
      r.id.slice(0, 12),
      // Like docker: a slot's earlier tasks under its current one.
      history ? ` \\_ ${r.name}` : r.name,
      r.specVersion ? `v${r.specVersion}` : '',
      r.nodeName || r.node.slice(0, 12),
      r.desiredState,
      // An ended task's last health is no news.
      `${r.state}${r.health && !isFinalState(r.state) ? ` (${r.health})` : ''}`,
      r.error || (r.state === 'pending' ? r.message : ''),
      r.port || '',
    ]),
  );
  // The tasks may run fine while a node cannot publish the service's port: say so under them.
  for (const ref of refs) {
    const s = await conn.call('GetService', { service: ref, read: { stale: o.stale } });
    for (const e of s.publishErrors) process.stdout.write(`${s.name}: not published: ${publishErrorLine(e)}\n`);
  }
}

/**
 * The tasks `service ps` shows, slot by slot (node by node for a global service), the current
 * ones first and each slot's earlier tasks under it, newest first: live tasks, tasks ended in
 * the last minute, and tasks an update replaced (an older spec version than their slot's
 * newest), so which tasks run which version shows. `all`: every task the leader keeps.
 */
export function taskHistory(tasks: readonly WireTask__Output[], all: boolean): { task: WireTask__Output; history: boolean }[] {
  const slotOf = (t: WireTask__Output): string => (t.slot > 0 ? String(t.slot) : t.nodeId || t.id);
  const current = (t: WireTask__Output): boolean => t.desiredState === 'running' && !isFinalState(t.state);
  // The version each slot runs now: its newest live task's (or, with none, its newest task's).
  const running = new Map<string, WireTask__Output>();
  for (const t of [...tasks].sort((a, b) => Number(current(b)) - Number(current(a)) || b.createdAt.localeCompare(a.createdAt))) {
    if (!running.has(slotOf(t))) running.set(slotOf(t), t);
  }
  const replaced = (t: WireTask__Output): boolean => t.specVersion !== running.get(slotOf(t))?.specVersion;
  const shown = tasks.filter((t) => all || t.desiredState === 'running' || !isFinalState(t.state) || isRecent(t) || replaced(t));
  const sorted = [...shown].sort(
    (a, b) => a.slot - b.slot || slotOf(a).localeCompare(slotOf(b)) || Number(current(b)) - Number(current(a)) || b.createdAt.localeCompare(a.createdAt),
  );
  let previous = '';
  return sorted.map((task) => {
    const slot = slotOf(task);
    const history = slot === previous && !current(task);
    previous = slot;
    return { task, history };
  });
}

/** Ended tasks of the last minute still show in `service ps`, as history (docker shows them too). */
function isRecent(t: WireTask__Output): boolean {
  return Date.now() - Date.parse(t.updatedAt) < 60_000;
}

export async function serviceInspect(conn: ControlConnection, refs: readonly string[], o: { stale: boolean }): Promise<void> {
  const out = [];
  for (const ref of refs) {
    const s = await conn.call('GetService', { service: ref, read: { stale: o.stale } });
    out.push({
      id: s.id,
      name: s.name,
      version: Number(s.version),
      specVersion: Number(s.specVersion),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      spec: specOf(s),
      previousSpec: s.previousSpec ? serviceSpecFromWire(s.previousSpec) : null,
      tasks: { running: s.running, desired: s.desired },
      updateStatus: updateStatusView(s.updateStatus),
      // Per node, the published ports its routing mesh could not open (Docker's Endpoint).
      endpoint: {
        ports: specOf(s).ports,
        publishErrors: s.publishErrors.map((e) => ({
          published: e.published,
          nodeId: e.nodeId,
          nodeName: e.nodeName,
          error: e.error,
          message: publishErrorLine(e),
        })),
      },
      // Autoscaling: bounds, target and the autoscaler's last decisions (null: not autoscaled).
      autoscale: autoscaleView(s),
    });
  }
  printJson(out);
}

/** "port 18090 on node w1: address in use: ..." */
function publishErrorLine(e: WireService__Output['publishErrors'][number]): string {
  return `port ${e.published} on node ${e.nodeName || e.nodeId}: ${e.error}`;
}

export async function serviceScale(conn: ControlConnection, pairs: readonly string[], o: { json: boolean; detach: boolean; timeoutMs: number }): Promise<void> {
  for (const pair of pairs) {
    const m = /^(.+)=(\d+)$/.exec(pair);
    if (!m) throw new CliError(`scale wants SERVICE=REPLICAS like web=5 (got "${pair}")`);
    const [, ref, n] = m;
    for (let attempt = 0; ; attempt++) {
      const s = await conn.call('GetService', { service: ref });
      if (specOf(s).mode === 'global') throw new CliError(`${s.name} is a global service: it runs one task per node and cannot be scaled`);
      try {
        // The spec as read, with the new count: the version check refuses it if it changed meanwhile.
        const updated = await conn.call('UpdateService', { service: s.id, version: s.version, spec: { ...s.spec, replicas: Number(n) } }, { write: true });
        if (o.json) printJson(serviceRow(updated));
        else process.stdout.write(`${updated.name} scaled to ${n}\n`);
        if (!o.detach) await waitForConvergence(conn, s.id, { timeoutMs: o.timeoutMs });
        break;
      } catch (e) {
        // Someone else changed the service meanwhile: re-read and retry a few times.
        if (e instanceof CliError && e.code === 'UPDATE_OUT_OF_SEQUENCE' && attempt < 3) continue;
        throw e;
      }
    }
  }
}

export async function serviceRm(conn: ControlConnection, refs: readonly string[]): Promise<void> {
  for (const ref of refs) {
    await conn.call('RemoveService', { service: ref }, { write: true });
    process.stdout.write(`${ref}\n`);
  }
}

export async function serviceRebalance(conn: ControlConnection, ref: string, o: { json: boolean; detach: boolean; timeoutMs: number }): Promise<void> {
  const s = await conn.call('RebalanceService', { service: ref }, { write: true });
  if (o.json) printJson(serviceRow(s));
  else process.stdout.write(`${s.name}: rebalancing\n`);
  if (!o.detach) await waitForConvergence(conn, s.id, { timeoutMs: o.timeoutMs });
}

export async function serviceLogs(conn: ControlConnection, ref: string, o: { follow: boolean; tail: number; json: boolean }): Promise<void> {
  // Workers hold their sessions with the leader, so the leader gathers the logs.
  const stream = conn.serviceLogs(await conn.leaderAddr(), { service: ref, follow: o.follow, tail: o.tail });
  const stop = (): void => stream.cancel();
  process.once('SIGINT', stop);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (l: ServiceLogLine__Output) => {
        if (o.json) process.stdout.write(`${JSON.stringify(l)}\n`);
        else if (l.stream === 'error') process.stderr.write(`${l.taskName ? `${l.taskName}: ` : ''}${l.line}\n`);
        else (l.stream === 'stderr' ? process.stderr : process.stdout).write(`${l.taskName} | ${l.line}\n`);
      });
      stream.on('end', resolve);
      stream.on('error', (e: grpc.ServiceError) => (e.code === grpc.status.CANCELLED ? resolve() : reject(new CliError(e.details || e.message))));
    });
  } finally {
    process.off('SIGINT', stop);
  }
}
