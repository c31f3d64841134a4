// Where a rolling update (or rollback) stands, as `service update` / `service rollback` show it
// like `docker service update`: "overall progress: 3 out of 6 tasks updated" and a row per slot
// with a bar for the slot's new task, until the leader's update status says completed, paused
// or rolled back. The reading is pure (updateProgress: a service and its tasks in, lines out),
// so it is tested on recorded answers; followUpdate polls the managers and draws it.

import type { WireService__Output, WireTask__Output } from '@shoal/wire';
import { CliError } from '../errors.js';

type UpdateStatus = NonNullable<WireService__Output['updateStatus']>;

/** The update statuses the leader stops in (proto/control.proto UpdateStatus.state). */
const FINAL_UPDATE_STATES = ['completed', 'paused', 'rollback_completed', 'rollback_paused'];

/** A task's way to running, for its slot's bar: new ... running. */
const STAGES = ['new', 'pending', 'assigned', 'accepted', 'preparing', 'starting', 'running'];
const BAR_WIDTH = 30;

export interface UpdateProgress {
  /** The update status's state ('' before the leader wrote one). */
  readonly state: string;
  readonly message: string;
  readonly updated: number;
  readonly total: number;
  readonly failed: number;
  /** "overall progress: 3 out of 6 tasks updated" (or "rolled back"). */
  readonly title: string;
  /** One row per slot (replicated) or node (global). */
  readonly lines: string[];
}

/** "[==========>                   ]": how far a task is on its way to running. */
export function stageBar(state: string): string {
  const stage = STAGES.indexOf(state);
  if (stage < 0) return `[${' '.repeat(BAR_WIDTH)}]`;
  const filled = Math.round(((stage + 1) / STAGES.length) * BAR_WIDTH);
  return `[${'='.repeat(Math.max(0, filled - 1))}>${' '.repeat(BAR_WIDTH - filled)}]`;
}

/** Whether the status is a rollback's (started, paused or completed). */
function isRollback(state: string): boolean {
  return state.startsWith('rollback');
}

/** Reads where the update of `svc` stands from the service and its tasks (as ListTasks gives them). */
export function updateProgress(svc: WireService__Output, tasks: readonly WireTask__Output[]): UpdateProgress {
  const status = svc.updateStatus;
  const state = status?.state ?? '';
  const target = svc.specVersion;
  const global = svc.spec?.mode === 'global';
  const replicas = Number(svc.spec?.replicas ?? 0);
  // Each slot's (node's, for a global service) task to show: its newest on the target version
  // (with start-first, the new one; a failed one shows its error), else the one running, else
  // the newest.
  const candidates = new Map<string, WireTask__Output[]>();
  for (const t of [...tasks].sort((a, b) => b.createdAt.localeCompare(a.createdAt))) {
    const key = global ? t.nodeId || t.id : String(t.slot);
    candidates.set(key, [...(candidates.get(key) ?? []), t]);
  }
  const bySlot = new Map<string, WireTask__Output>();
  for (const [key, ts] of candidates) {
    bySlot.set(key, ts.find((t) => t.specVersion === target) ?? ts.find((t) => t.desiredState === 'running') ?? ts[0]!);
  }
  const keys = [...bySlot.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const shown = keys.filter((k) => global || Number(k) <= replicas);
  const count = global ? shown.length : replicas;
  const lines = shown.map((k) => {
    const t = bySlot.get(k)!;
    const label = global ? t.nodeName || t.nodeId || '?' : `${t.slot}/${count}`;
    if (t.specVersion !== target) return `${label}: ${'waiting'.padEnd(9)} ${stageBar('')} (v${t.specVersion} ${t.state})`;
    const detail = t.error || (t.state === 'pending' ? t.message : '');
    return `${label}: ${t.state.padEnd(9)} ${stageBar(t.state)}${detail ? ` ${detail}` : ''}`;
  });
  const total = status?.total || count;
  const updated = status ? status.updated : 0;
  const verb = isRollback(state) ? 'rolled back' : 'updated';
  return {
    state,
    message: status?.message ?? '',
    updated,
    total,
    failed: status?.failed ?? 0,
    title: `${isRollback(state) ? 'rollback' : 'overall'} progress: ${updated} out of ${total} tasks ${verb}${status?.failed ? `, ${status.failed} failed` : ''}`,
    lines,
  };
}

/** A canary's hold: paused on purpose after K tasks, not for failures ("update paused: ..."). */
export function isCanaryHold(status: UpdateStatus | null | undefined): boolean {
  return Boolean(status && status.state === 'paused' && status.canary > 0 && !/^update paused/.test(status.message));
}

/**
 * Whether `now` is the status of the update we started, not the one before it: the stored
 * fields differ (updated/total/failed are counted afresh at each read, so they do not tell).
 */
function isOurs(now: UpdateStatus | null | undefined, before: UpdateStatus | null | undefined): boolean {
  const stored = (u: UpdateStatus | null | undefined) => (u ? [u.state, u.message, u.startedAt, u.completedAt, u.canary].join('\u0000') : '');
  return Boolean(now) && stored(now) !== stored(before);
}

/** What following needs of a connection: reads of the service and its tasks. */
export interface ServiceReader {
  call(method: 'GetService', req: { service: string; read: { stale: boolean } }): Promise<WireService__Output>;
  call(method: 'ListTasks', req: { service: string; read: { stale: boolean } }): Promise<{ tasks: WireTask__Output[] }>;
}

export interface FollowOptions {
  readonly timeoutMs: number;
  /** What was started: a rollback succeeds in rollback_completed, an update does not. */
  readonly kind: 'update' | 'rollback';
  /** The update status before the request (absent before any): a status still equal to it is not ours yet. */
  readonly before: UpdateStatus | null | undefined;
  /** The spec version the update moves to: its failed tasks say why it rolled back, if the leader's message no longer does. */
  readonly updateVersion?: string;
  readonly pollMs?: number;
  /** Where rows go (default stdout); a TTY gets a live listr2 view instead. */
  readonly write?: (text: string) => void;
  readonly live?: boolean;
}

/** The service as it was when the update ended, and how it ended. */
export interface FollowResult {
  readonly service: WireService__Output;
  readonly progress: UpdateProgress;
}

/**
 * Polls the service until the update we started stops (completed, paused, rolled back) and
 * says how it ended: resolves on success (completed; a canary's hold; a rollback's end for
 * `rollback`), throws a CliError with the leader's message otherwise or at the timeout.
 */
export async function followUpdate(conn: ServiceReader, serviceId: string, o: FollowOptions): Promise<FollowResult> {
  const write = o.write ?? ((s: string) => void process.stdout.write(s));
  const deadline = Date.now() + o.timeoutMs;
  let last: FollowResult | undefined;
  let failure: unknown;
  // Why an update rolled back, as the rollback said when it started (its end says only "completed").
  let rollbackReason: string | undefined;
  let lastTasks: readonly WireTask__Output[] = [];
  let printedTitle = '';
  const poll = async (onChange: (p: UpdateProgress) => void): Promise<FollowResult> => {
    for (;;) {
      const service = await conn.call('GetService', { service: serviceId, read: { stale: true } });
      const { tasks } = await conn.call('ListTasks', { service: serviceId, read: { stale: true } });
      lastTasks = tasks;
      const ours = isOurs(service.updateStatus, o.before);
      const progress = updateProgress(service, ours ? tasks : []);
      last = { service, progress: ours ? progress : { ...progress, state: '', title: `${progress.title.split(':')[0]}: starting` } };
      if (ours && progress.state === 'rollback_started' && progress.message) rollbackReason ??= progress.message;
      onChange(last.progress);
      if (ours && FINAL_UPDATE_STATES.includes(progress.state)) return last;
      if (Date.now() > deadline) return last;
      await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    }
  };
  const keep = (e: unknown): undefined => void (failure = e);
  if (o.live) {
    // Loaded here: only an update that is followed on a terminal draws with it.
    const { Listr } = await import('listr2');
    await new Listr(
      [
        {
          title: 'overall progress: starting',
          task: async (_ctx, task) => {
            await poll((p) => {
              task.title = p.title;
              task.output = p.lines.join('\n');
            }).catch(keep);
          },
          rendererOptions: { persistentOutput: true, outputBar: Infinity },
        },
      ],
      { renderer: 'default', exitOnError: true },
    )
      .run()
      .catch(() => undefined);
  } else {
    await poll((p) => {
      if (p.title !== printedTitle) write(`${(printedTitle = p.title)}\n`);
    }).catch(keep);
    if (last) write(last.progress.lines.map((l) => `${l}\n`).join(''));
  }
  // A read that failed for good (the service removed meanwhile, no manager): say that.
  if (failure) throw failure;
  return verdict(last, o, rollbackReason ?? failuresOf(lastTasks, o.updateVersion));
}

/** "update rolled back: task web.1.x failed: exited with code 3": the update's failed tasks. */
function failuresOf(tasks: readonly WireTask__Output[], version: string | undefined): string | undefined {
  if (!version) return undefined;
  const failed = tasks.filter((t) => t.specVersion === version && (t.state === 'failed' || t.state === 'rejected'));
  if (failed.length === 0) return undefined;
  const first = failed[0]!;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
  return `update rolled back: task ${first.name} ${first.state}${first.error ? `: ${first.error}` : ''}${more}`;
}

/** Success, or a CliError saying how the update ended and what to do. */
function verdict(last: FollowResult | undefined, o: FollowOptions, rollbackReason?: string): FollowResult {
  const name = last?.service.name ?? 'the service';
  const p = last?.progress;
  if (!last || !p || !FINAL_UPDATE_STATES.includes(p.state)) {
    throw new CliError(
      `the ${o.kind} did not finish within ${Math.round(o.timeoutMs / 1000)} s (${p ? p.title.replace(/^[a-z]+ progress: /, '') : 'no answer'}); ` +
        `it goes on in the background: watch it with \`shoal service ps ${name}\` and \`shoal service inspect ${name}\``,
      'TIMEOUT',
    );
  }
  const why = p.message ? `: ${p.message}` : '';
  // The leader's message says it already ("update paused: ..."): print it as it is.
  const said = (words: string): string => (p.message.startsWith(words) ? p.message : `${words}${why}`);
  switch (p.state) {
    case 'completed':
      if (o.kind === 'update') return last;
      break;
    case 'rollback_completed':
      if (o.kind === 'rollback') return last;
      throw new CliError(
        `${rollbackReason?.startsWith('update rolled back') ? rollbackReason : said('update rolled back')}\nthe service runs its previous spec again; see \`shoal service ps ${name}\``,
        'ROLLED_BACK',
      );
    case 'paused':
      if (isCanaryHold(last.service.updateStatus)) return last;
      throw new CliError(
        `${said('update paused')}\nresume it with \`shoal service update ${name} --continue\` or undo it with \`shoal service rollback ${name}\``,
        'PAUSED',
      );
    case 'rollback_paused':
      throw new CliError(`${said('rollback paused')}\nsee \`shoal service ps ${name}\``, 'PAUSED');
  }
  throw new CliError(`the ${o.kind} ended as ${p.state}${why}`, 'ERROR');
}

/** The last words after a followed update that succeeded. */
export function verifyLine(r: FollowResult, kind: 'update' | 'rollback'): string {
  const name = r.service.name;
  if (isCanaryHold(r.service.updateStatus)) {
    const s = r.service.updateStatus!;
    // The leader's message says how many moved and how to go on; ours if it has none.
    if (s.message.startsWith('canary')) return `${s.message}\n`;
    return (
      `canary: ${s.updated} of ${s.total} tasks run the new spec; the others wait\n` +
      `finish with \`shoal service update ${name} --continue\`, or undo with \`shoal service rollback ${name}\`\n`
    );
  }
  return kind === 'rollback' ? 'rollback: service rolled back\n' : 'verify: service updated\n';
}
