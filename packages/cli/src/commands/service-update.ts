// `shoal service update NAME` and `shoal service rollback NAME`, like docker's: read the
// service, apply the flags to its spec, send the change with the version read (retrying when
// someone else changed it meanwhile), then follow the rolling update slot by slot until the
// leader says completed, paused (a canary's hold, or failures) or rolled back.

import type { WireService__Output, WireServiceSpec } from '@shoal/wire';
import { CliError, type ControlConnection } from '../client.js';
import { printJson, warn } from '../output.js';
import { checkUpdateFlags, isEmptySpec, updateSpecFromArgv } from '../service-create-flags.js';
import { waitForConvergence } from './progress.js';
import { serviceRow } from './service.js';
import { followUpdate, verifyLine } from './update-progress.js';

export interface UpdateCommandOptions {
  readonly json: boolean;
  readonly detach: boolean;
  readonly timeoutMs: number;
  /** Move only this many tasks, then hold. */
  readonly canary?: number;
  /** Resume a paused update or a canary. */
  readonly continue: boolean;
}

/** Someone else changed the service between our read and our write: read again, a few times. */
async function withVersionRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (e instanceof CliError && e.code === 'UPDATE_OUT_OF_SEQUENCE' && i < 3) continue;
      throw e;
    }
  }
}

/**
 * What the update request carries, from the flags and the service as read; refuses a request
 * that could not do what was asked before anything is sent.
 */
export function updateRequest(
  current: WireService__Output,
  argv: Readonly<Record<string, unknown>>,
  o: Pick<UpdateCommandOptions, 'canary' | 'continue'>,
): { service: string; version: string; spec?: WireServiceSpec; canary?: number; continue?: boolean } {
  if (!current.spec) throw new CliError(`the manager sent ${current.name} without its spec: is it an older version? upgrade the managers`);
  const spec = updateSpecFromArgv(argv, current.spec);
  const name = current.name;
  if (o.continue) {
    if (o.canary !== undefined) throw new CliError('--continue finishes the update that is held; --canary starts a new one: give one of them', 'USAGE');
    if (!isEmptySpec(spec)) {
      throw new CliError('--continue resumes the held update as it is: give spec changes in an update of their own (without --continue)', 'USAGE');
    }
    return { service: current.id, version: current.version, continue: true };
  }
  if (isEmptySpec(spec)) {
    throw new CliError(
      `nothing to update: give what to change (see \`shoal service update --help\`), --force to replace every task of ${name} as it is, ` +
        `or --continue to resume a held update`,
      'USAGE',
    );
  }
  if (o.canary !== undefined) {
    const replicas = Number(spec.replicas ?? current.spec?.replicas ?? 0);
    const size = current.spec?.mode === 'global' ? current.desired : replicas;
    if (o.canary < 1 || o.canary > size) {
      throw new CliError(
        `--canary must be from 1 to the service's ${size} tasks (got ${o.canary}): how many tasks move to the new spec before the update holds`,
        'USAGE',
      );
    }
  }
  return { service: current.id, version: current.version, spec, ...(o.canary !== undefined ? { canary: o.canary } : {}) };
}

export async function serviceUpdate(conn: ControlConnection, ref: string, argv: Readonly<Record<string, unknown>>, o: UpdateCommandOptions): Promise<void> {
  checkUpdateFlags(argv);
  let before: WireService__Output | undefined;
  const after = await withVersionRetry(async () => {
    before = await conn.call('GetService', { service: ref });
    return conn.call('UpdateService', updateRequest(before, argv, o), { write: true });
  });
  // Only the replica count or the update config changed: no task is replaced, the service scales.
  const rolling = o.continue || after.specVersion !== before!.specVersion;
  await report(conn, before!, after, { ...o, kind: 'update', rolling, updateVersion: after.specVersion });
}

export async function serviceRollback(conn: ControlConnection, ref: string, o: Pick<UpdateCommandOptions, 'json' | 'detach' | 'timeoutMs'>): Promise<void> {
  let before: WireService__Output | undefined;
  const after = await withVersionRetry(async () => {
    before = await conn.call('GetService', { service: ref });
    if (!before.previousSpec) throw new CliError(`${before.name} has no previous spec to roll back to: it was never updated`, 'FAILED_PRECONDITION');
    return conn.call('RollbackService', { service: before.id, version: before.version }, { write: true });
  });
  await report(conn, before!, after, { ...o, kind: 'rollback', rolling: true });
}

/** Prints the outcome: at once with --detach, else after following the update to its end. */
async function report(
  conn: ControlConnection,
  before: WireService__Output,
  after: WireService__Output,
  o: Pick<UpdateCommandOptions, 'json' | 'detach' | 'timeoutMs'> & { kind: 'update' | 'rollback'; rolling: boolean; updateVersion?: string },
): Promise<void> {
  if (o.detach) {
    if (o.json) printJson(serviceRow(after));
    else process.stdout.write(`${after.name}\n`);
    return;
  }
  if (!o.json) process.stdout.write(`${after.name}\n`);
  if (!o.rolling) {
    // No task changes (replicas, update config): the service scales. A held update stays held.
    const held = after.updateStatus;
    if (held && (held.state === 'paused' || held.state === 'rollback_paused')) {
      warn(
        `the last update of ${after.name} is still ${held.state}: ${held.message}; resume it with \`shoal service update ${after.name} --continue\` or undo it with \`shoal service rollback ${after.name}\``,
      );
    }
    await waitForConvergence(conn, after.id, { timeoutMs: o.timeoutMs, quiet: o.json });
    if (o.json) printJson(serviceRow(await conn.call('GetService', { service: after.id })));
    return;
  }
  const live = !o.json && Boolean(process.stdout.isTTY);
  // --json: nothing but the final row on stdout (progress would break the JSON).
  const write = o.json ? () => undefined : undefined;
  const result = await followUpdate(conn, after.id, {
    timeoutMs: o.timeoutMs,
    kind: o.kind,
    before: before.updateStatus,
    updateVersion: o.updateVersion,
    live,
    write,
  }).catch(async (e: unknown) => {
    // A script reads the row whatever the outcome; the error still says why and sets the exit code.
    if (o.json) printJson(serviceRow(await conn.call('GetService', { service: after.id })));
    throw e;
  });
  if (o.json) printJson(serviceRow(result.service));
  else process.stdout.write(verifyLine(result, o.kind));
}
