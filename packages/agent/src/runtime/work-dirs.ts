// Where process tasks work: each task gets a private working directory (its cwd, and its HOME
// when it runs as its own user) outside the agent's data directory, so nothing a task does
// from where it starts leads it into DATA (the node's key, other tasks' specs).
//
//   ROOT/                 --tasks-root; default /var/lib/shoal-tasks (agent is root) or
//                         $TMPDIR/shoal-tasks-<uid>; must not be writable by other users
//   ROOT/<nodeId>/        the agent's, 0711 (the task user may pass, not list) or 0700 when
//                         tasks run as the agent's own user
//   ROOT/<nodeId>/<task>/ the task's, owned by the task user, 0700
//
// The node's directory and the tasks' are created by the agent and checked to be what it
// created (real directories, its own), so another local user cannot slip a symlink in.

import { chmodSync, chownSync, lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { RuntimeError } from './errors.js';
import type { AgentIdentity, TaskUser } from './task-user.js';

/** The tasks root an agent uses without --tasks-root. */
export function defaultTasksRoot(agent: AgentIdentity): string {
  return agent.uid === 0 ? '/var/lib/shoal-tasks' : join(tmpdir(), `shoal-tasks-${agent.uid}`);
}

export interface WorkDirsOptions {
  readonly root: string;
  readonly nodeId: string;
  /** The agent's data directory: the root may neither lie inside it nor hold it. */
  readonly dataDir: string;
  readonly user: TaskUser;
  readonly agent: AgentIdentity;
}

export class WorkDirs {
  readonly root: string;
  private readonly nodeDir: string;
  /** 0711 lets a separate task user reach its own directory by path without listing others. */
  private readonly nodeMode: number;
  private nodeDirReady = false;

  /** Checks (and creates, if missing) the root: throws INVALID_TASKS_ROOT saying what to fix. */
  constructor(private readonly o: WorkDirsOptions) {
    this.root = resolve(o.root);
    this.nodeMode = o.user.separate ? 0o711 : 0o700;
    this.nodeDir = join(this.root, o.nodeId);
    checkRoot(this.root, o);
  }

  /** The task's working directory (whether or not it exists). */
  path(taskId: string): string {
    return join(this.nodeDir, taskId);
  }

  /** Creates the task's working directory, owned by the task user, mode 0700. */
  create(taskId: string): string {
    this.ensureNodeDir();
    const dir = this.path(taskId);
    mkdirIfMissing(dir, 0o700);
    const st = lstatSync(dir);
    if (!st.isDirectory()) throw invalid(`${dir} is not a directory (a symlink or a file took its place): remove it`);
    if (this.o.user.separate) chownSync(dir, this.o.user.uid, this.o.user.gid);
    chmodSync(dir, 0o700);
    return dir;
  }

  /** Deletes a working directory and whatever the task left in it. */
  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  /** ROOT/<nodeId>: created once, and checked to be this agent's own real directory. */
  private ensureNodeDir(): void {
    if (this.nodeDirReady) return;
    mkdirIfMissing(this.nodeDir, this.nodeMode);
    const st = lstatSync(this.nodeDir);
    if (!st.isDirectory()) throw invalid(`${this.nodeDir} is not a directory (a symlink or a file took its place): remove it`);
    if (st.uid !== this.o.agent.uid) {
      throw invalid(
        `${this.nodeDir} belongs to uid ${st.uid}, not to this agent (uid ${this.o.agent.uid}): another user created it; remove it or choose another --tasks-root`,
      );
    }
    if ((st.mode & 0o7777) !== this.nodeMode) chmodSync(this.nodeDir, this.nodeMode);
    this.nodeDirReady = true;
  }
}

function checkRoot(root: string, o: WorkDirsOptions): void {
  try {
    const mode = o.user.separate ? 0o711 : 0o700;
    // The shoal CLI runs agents under umask 077 (data-dir-modes.ts in @shoal/identity), which narrows 0711 to 0700.
    // Every directory mkdir creates (the root and any missing parent), so the task user can pass them.
    const first = mkdirSync(root, { recursive: true, mode });
    for (let dir = root; first !== undefined; dir = dirname(dir)) {
      chmodSync(dir, mode);
      if (dir === first) break;
    }
  } catch (e) {
    throw invalid(`cannot create the tasks root ${root}: ${(e as Error).message}; create it or choose another --tasks-root`);
  }
  const st = statSync(root);
  if (!st.isDirectory()) throw invalid(`the tasks root ${root} is not a directory: choose another --tasks-root`);
  if (st.uid !== o.agent.uid && st.uid !== 0) {
    throw invalid(
      `the tasks root ${root} belongs to uid ${st.uid}, not to this agent (uid ${o.agent.uid}) or root: another user could replace what is in it; remove it or choose another --tasks-root`,
    );
  }
  // Writable by others without the sticky bit: they could rename the node's directory away.
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
    throw invalid(`the tasks root ${root} is writable by other users (mode ${octal(st.mode)}): chmod go-w ${root}, or choose another --tasks-root`);
  }
  const realRoot = realpathSync(root);
  const realData = realpathSync(o.dataDir);
  if (isWithin(realData, realRoot) || isWithin(realRoot, realData)) {
    throw invalid(
      `the tasks root ${root} ${isWithin(realData, realRoot) ? 'is inside' : 'holds'} the worker's data directory ${o.dataDir}: tasks must not reach it; choose a --tasks-root outside it`,
    );
  }
  if (o.user.separate) checkReachable(realRoot, o.user);
}

/** The task user must be able to pass every directory down to the root (search permission). */
function checkReachable(realRoot: string, user: TaskUser): void {
  for (let dir = realRoot; ; dir = dirname(dir)) {
    const st = statSync(dir);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      throw invalid(
        `the task user ${user.name} (uid ${user.uid}) cannot reach the tasks root ${realRoot}: ${dir} is mode ${octal(st.mode)} (owner uid ${st.uid}); ` +
          `let it pass (chmod o+x ${dir}) or choose another --tasks-root`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

function mkdirIfMissing(dir: string, mode: number): void {
  try {
    mkdirSync(dir, { mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

function isWithin(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}

function invalid(message: string): RuntimeError {
  return new RuntimeError('INVALID_TASKS_ROOT', message);
}
