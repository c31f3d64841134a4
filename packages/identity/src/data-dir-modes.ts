// Who may read a node's data directory: its owner, and nobody else. A manager's Raft database
// holds the cluster's CA key and the join-token secrets, tls/ holds the node's key and admin/
// the CLI's: every directory a manager or a worker creates is 0700 and every file 0600.
//
// Two layers make new files private:
// - what shoal writes itself names its mode (PRIVATE_FILE_MODE, PRIVATE_DIR_MODE);
// - the shoal CLI sets the umask to 077 (usePrivateUmask) before a manager or worker creates
//   anything: LevelDB creates its files (tables, LOG, MANIFEST, ...) itself, in its own threads,
//   and an umask is the only way to reach them.
// And at start-up secureDataDir() checks what is already there (a copied backup, a directory
// from an older shoal): files of another user refuse the start, files open to the group or the
// world are made private, and the caller logs which ones.

import { chmodSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_UMASK = 0o077;

/** The umask the process had before usePrivateUmask(): what the tasks it spawns get. */
let umaskBefore: number | undefined;

/** From now on, whatever this process creates is readable by its user only (umask 077). */
export function usePrivateUmask(): void {
  const before = process.umask(PRIVATE_UMASK);
  umaskBefore ??= before;
}

/**
 * Runs `spawn` (which must fork synchronously, as child_process.spawn does) under the umask the
 * process was started with. Children inherit the umask: a task the agent spawns would otherwise
 * create its files 0600 — a web server's uploads nobody else can read — a surprise that has
 * nothing to do with the task. Restoring it for the instant of the fork is safe because the
 * agent's own files name their mode (0600/0700), which an umask can only narrow.
 */
export function withStartingUmask<T>(spawn: () => T): T {
  if (umaskBefore === undefined) return spawn();
  const mine = process.umask(umaskBefore);
  try {
    return spawn();
  } finally {
    process.umask(mine);
  }
}

/** A file or directory secureDataDir() made private. */
export interface ModeRepair {
  readonly path: string;
  /** Permission bits before (e.g. 0o644) and after (0o600). */
  readonly was: number;
  readonly now: number;
}

export type DataDirModeErrorCode = 'DATA_DIR_FOREIGN_OWNER' | 'DATA_DIR_SHARED' | 'DATA_DIR_UNREADABLE' | 'DATA_DIR_CHMOD_FAILED';

export class DataDirModeError extends Error {
  constructor(
    readonly code: DataDirModeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DataDirModeError';
  }
}

/** "0644" */
export function octalMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

/**
 * Checks `dir` and its `entries` (names inside it; a directory is checked with everything below
 * it; missing ones are skipped, a worker has no raft/):
 * - anything owned by another user refuses the start and nothing is changed: that user could
 *   read or replace the node's keys;
 * - any entry the group or others may access is made private (0644 → 0600, 0755 → 0700) and
 *   returned, for the caller to log once it has a logger (logModeRepairs).
 * `dir` itself, which the operator may have made (a volume's mount point), is only made private
 * when others may write to it (they could swap its entries); reading it shows them nothing but
 * names. A sticky directory (/tmp) is refused: it is shared, not the node's to change.
 * `uid` is whose files they must be (default: this process's user).
 */
export function secureDataDir(dir: string, entries: readonly string[], o: { uid?: number } = {}): ModeRepair[] {
  const uid = o.uid ?? process.getuid?.();
  if (uid === undefined) return []; // no POSIX owners (Windows): nothing to compare
  const root = statOrUndefined(dir);
  if (!root) return []; // the caller reports a missing data directory in its own words
  if (root.isDirectory() && root.mode & 0o1000) {
    throw new DataDirModeError(
      'DATA_DIR_SHARED',
      `${dir} is a shared directory (sticky bit, like /tmp): give the node a directory of its own, e.g. --data ${join(dir, 'shoal')}`,
    );
  }
  const found: { path: string; stats: Stats; open: number }[] = [{ path: dir, stats: root, open: 0o022 }];
  const walk = (path: string): void => {
    const stats = statOrUndefined(path);
    if (!stats) return;
    found.push({ path, stats, open: 0o077 });
    if (stats.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
  };
  for (const e of entries) walk(join(dir, e));

  const foreign = found.filter((f) => f.stats.uid !== uid);
  if (foreign.length > 0) {
    const listed = foreign
      .slice(0, 5)
      .map((f) => `${f.path} (uid ${f.stats.uid})`)
      .join(', ');
    const more = foreign.length > 5 ? ` and ${foreign.length - 5} more` : '';
    throw new DataDirModeError(
      'DATA_DIR_FOREIGN_OWNER',
      `refusing to start: ${listed}${more} in the data directory belong${foreign.length === 1 ? 's' : ''} to another user than this process's (uid ${uid}), ` +
        `who could read or replace the node's keys; run shoal as the directory's owner, or give it to this user (chown -R ${uid} ${dir})`,
    );
  }
  const repairs: ModeRepair[] = [];
  for (const { path, stats, open } of found) {
    const was = stats.mode & 0o7777;
    if ((was & open) === 0) continue;
    const now = was & 0o700;
    try {
      chmodSync(path, now);
    } catch (e) {
      throw new DataDirModeError(
        'DATA_DIR_CHMOD_FAILED',
        `${path} is ${octalMode(was)}, open to other users, and could not be made private (${(e as Error).message}): run chmod ${octalMode(now)} ${path}`,
      );
    }
    repairs.push({ path, was, now });
  }
  return repairs;
}

/** One warning line naming every file secureDataDir() made private and its old mode. */
export function logModeRepairs(logger: Logger, repairs: readonly ModeRepair[]): void {
  if (repairs.length === 0) return;
  logger.warn(
    { repaired: repairs.map((r) => ({ path: r.path, was: octalMode(r.was), now: octalMode(r.now) })) },
    `${repairs.length} path(s) in the data directory were open to other users (keys and the Raft database must be private); made them private: ` +
      repairs.map((r) => `${r.path} ${octalMode(r.was)}`).join(', '),
  );
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataDirModeError(
      'DATA_DIR_UNREADABLE',
      `cannot check ${path} (${(e as Error).message}): make the data directory readable by the user running shoal`,
    );
  }
}
