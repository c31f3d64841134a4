// Live progress for `service create` / `service scale` without --detach, like
// `docker service create`: "overall progress: 3 out of 5 tasks" and a line per slot, until the
// service converges — or, if it cannot, why not (pending reasons, failures).

import { serviceSpecFromWire, type WireTask__Output } from '@shoal/wire';
import { isFinalState } from '@shoal/store';
import { CliError, type ControlConnection } from '../client.js';

export interface Convergence {
  readonly converged: boolean;
  readonly running: number;
  readonly desired: number;
  /** Why it is not converged: pending reasons and recent failures, one per line. */
  readonly problems: string[];
  readonly lines: string[];
}

/** Reads the service and its tasks and judges where it stands. */
export async function convergence(conn: ControlConnection, serviceId: string): Promise<Convergence> {
  const svc = await conn.call('GetService', { service: serviceId, read: { stale: true } });
  const { tasks } = await conn.call('ListTasks', { service: serviceId, read: { stale: true } });
  const spec = serviceSpecFromWire(svc.spec);
  const live = tasks.filter((t) => t.desiredState === 'running' && !isFinalState(t.state));
  const running = live.filter((t) => t.state === 'running');
  const desired = spec.mode === 'global' ? Math.max(svc.desired, live.length) : spec.replicas;
  // One line per slot (replicated) or per node (global), newest task first.
  const bySlot = new Map<string, WireTask__Output>();
  for (const t of [...tasks].sort((a, b) => b.createdAt.localeCompare(a.createdAt))) {
    const key = spec.mode === 'global' ? t.nodeId || t.id : String(t.slot);
    if (!bySlot.has(key)) bySlot.set(key, t);
  }
  const lines: string[] = [];
  const problems: string[] = [];
  const keys = [...bySlot.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  for (const k of keys) {
    const t = bySlot.get(k)!;
    if (spec.mode !== 'global' && t.slot > desired) continue;
    const label = spec.mode === 'global' ? t.nodeName || t.nodeId || '?' : `${t.slot}/${desired}`;
    const detail = t.error || t.message;
    lines.push(`${label}: ${t.state}${detail ? ` (${detail})` : ''}`);
    if (t.state === 'pending' && t.message) problems.push(`${t.name}: pending: ${t.message}`);
    if ((t.state === 'failed' || t.state === 'rejected') && t.error) problems.push(`${t.name}: ${t.state}: ${t.error}`);
  }
  return { converged: running.length === desired && live.length === desired, running: running.length, desired, problems, lines };
}

/** Shows progress until the service converges; throws a CliError saying why if it does not. */
export async function waitForConvergence(conn: ControlConnection, serviceId: string, o: { timeoutMs: number; quiet?: boolean }): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let last: Convergence | undefined;
  // quiet: the caller prints JSON on stdout afterwards (`service update --json`).
  const tty = Boolean(process.stdout.isTTY) && !o.quiet;
  // Loaded here, not at start: only a create/scale/rebalance that waits for its service needs it.
  const { Listr } = await import('listr2');
  await new Listr(
    [
      {
        title: 'overall progress: starting',
        task: async (_ctx, task) => {
          for (;;) {
            last = await convergence(conn, serviceId);
            task.title = `overall progress: ${last.running} out of ${last.desired} tasks`;
            task.output = last.lines.join('\n');
            if (last.converged) return;
            if (Date.now() > deadline) throw new Error('not converged');
            await new Promise((r) => setTimeout(r, 200));
          }
        },
        rendererOptions: { persistentOutput: true, outputBar: Infinity },
      },
    ],
    { renderer: tty ? 'default' : 'silent', exitOnError: true },
  )
    .run()
    .catch(() => undefined);
  if (!last?.converged) {
    const why = last?.problems.length ? `:\n  ${[...new Set(last.problems)].join('\n  ')}` : '';
    throw new CliError(
      `the service did not converge within ${Math.round(o.timeoutMs / 1000)} s: ${last?.running ?? 0} of ${last?.desired ?? '?'} tasks running${why}\n` +
        'it keeps trying in the background; watch it with `shoal service ps`',
    );
  }
  if (o.quiet) return;
  if (!tty) process.stdout.write(`overall progress: ${last.running} out of ${last.desired} tasks\n`);
  process.stdout.write('verify: service converged\n');
}
