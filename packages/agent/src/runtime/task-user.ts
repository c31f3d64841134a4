// Who a process task runs as.
//
// A task started as the agent's own user could read everything the agent can: the node's
// private key (DATA/tls/node-key.pem) first of all. An agent running as root therefore hands
// its tasks to an unprivileged user (`--task-user`, default `nobody`); an agent that is not
// root cannot switch users, so its tasks run as itself and it says so once at start.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { RuntimeError } from './errors.js';

/** The user every process task (and its `cmd` health checks) runs as. */
export interface TaskUser {
  /** For messages and logs: a user name, or `uid N` when it has none. */
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /**
   * Whether tasks run as another user than the agent: spawn then gets uid/gid, which also
   * clears the supplementary groups (libuv calls setgroups(0) before setgid/setuid).
   */
  readonly separate: boolean;
}

/** Who the agent itself runs as (a parameter so tests can play a non-root agent). */
export interface AgentIdentity {
  readonly uid: number;
  readonly gid: number;
}

/** The user an agent running as root gives its tasks when none is named. */
export const DEFAULT_TASK_USER = 'nobody';

export function agentIdentity(): AgentIdentity {
  return { uid: process.geteuid?.() ?? userInfo().uid, gid: process.getegid?.() ?? userInfo().gid };
}

/**
 * The task user for `--task-user SPEC` (a user name, `uid` or `uid:gid`), or the default when
 * SPEC is undefined: `nobody` for an agent running as root, the agent's own user otherwise.
 * An agent that is not root cannot run tasks as anyone else, and says so.
 */
export function resolveTaskUser(spec: string | undefined, agent: AgentIdentity = agentIdentity()): TaskUser {
  const root = agent.uid === 0;
  if (spec === undefined) {
    if (!root) return { name: ownName(agent.uid), uid: agent.uid, gid: agent.gid, separate: false };
    spec = DEFAULT_TASK_USER;
  }
  const user = lookUp(spec, spec === DEFAULT_TASK_USER && root);
  const separate = user.uid !== agent.uid || user.gid !== agent.gid;
  if (separate && !root) {
    throw new RuntimeError(
      'INVALID_TASK_USER',
      `--task-user ${spec}: only an agent running as root can run tasks as another user (this agent runs as uid ${agent.uid}); ` +
        "start the agent as root, or leave --task-user out to run tasks as the agent's own user (they can then read its key material: prefer the docker runtime)",
    );
  }
  return { ...user, separate };
}

/**
 * The warning an agent logs once at start when its process tasks are not kept from its key
 * material (they run as the agent's user, or as root); undefined when they are.
 */
export function taskUserWarning(user: TaskUser, agent: AgentIdentity = agentIdentity()): string | undefined {
  if (user.uid === 0) {
    return (
      "process tasks run as root: they can read this worker's key material (DATA/tls/node-key.pem) and everything else on the node; " +
      'give --task-user an unprivileged user (the default, nobody), or use the docker runtime'
    );
  }
  if (user.uid === agent.uid) {
    return (
      `process tasks run as ${user.name}, the agent's own user: they can read this worker's key material (DATA/tls/node-key.pem); ` +
      'run the agent as root (tasks then run as --task-user, default nobody) or use the docker runtime to keep them from it'
    );
  }
  return undefined;
}

/** Parses and resolves SPEC; `isDefault` only changes the error's advice. */
function lookUp(spec: string, isDefault: boolean): Omit<TaskUser, 'separate'> {
  const numeric = /^(\d+)(?::(\d+))?$/.exec(spec);
  if (numeric) {
    const uid = toId(numeric[1] as string, 'uid', spec);
    if (numeric[2] !== undefined) {
      const gid = toId(numeric[2], 'gid', spec);
      return { name: passwdByUid(uid)?.name ?? `uid ${uid}`, uid, gid };
    }
    const entry = passwdByUid(uid) ?? idOf(String(uid));
    if (!entry) {
      throw new RuntimeError(
        'INVALID_TASK_USER',
        `--task-user ${spec}: uid ${uid} has no user entry, so its group is unknown: give it as UID:GID (e.g. ${uid}:${uid})`,
      );
    }
    return { name: entry.name, uid, gid: entry.gid };
  }
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(spec)) {
    throw new RuntimeError('INVALID_TASK_USER', `--task-user ${JSON.stringify(spec)} is neither a user name nor UID or UID:GID`);
  }
  const entry = passwdByName(spec) ?? idOf(spec);
  if (!entry) {
    const advice = isDefault
      ? 'this node has no user "nobody": create one, or give --task-user an unprivileged user or UID:GID (e.g. 65534:65534)'
      : `create it (e.g. useradd --system --no-create-home ${spec}), or give --task-user an existing user or UID:GID`;
    throw new RuntimeError(
      'INVALID_TASK_USER',
      `--task-user ${spec}: no such user on this node (not in /etc/passwd, and \`id ${spec}\` does not know it); ${advice}`,
    );
  }
  return entry;
}

function toId(text: string, what: 'uid' | 'gid', spec: string): number {
  const n = Number(text);
  // 2^32 - 1 is (uid_t)-1, "no change" to setuid: never a real id.
  if (!Number.isSafeInteger(n) || n >= 2 ** 32 - 1) throw new RuntimeError('INVALID_TASK_USER', `--task-user ${spec}: ${what} ${text} is out of range`);
  return n;
}

interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

function passwd(): PasswdEntry[] {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return [];
  }
  const entries: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (!name || uid === undefined || gid === undefined || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) continue;
    entries.push({ name, uid: Number(uid), gid: Number(gid) });
  }
  return entries;
}

function passwdByName(name: string): PasswdEntry | undefined {
  return passwd().find((e) => e.name === name);
}

function passwdByUid(uid: number): PasswdEntry | undefined {
  return passwd().find((e) => e.uid === uid);
}

/** Users /etc/passwd does not list (LDAP, sssd...) through `id`, which asks NSS. */
function idOf(who: string): PasswdEntry | undefined {
  try {
    const run = (flag: string): string => execFileSync('id', [flag, who], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    const uid = Number(run('-u'));
    const gid = Number(run('-g'));
    if (!Number.isSafeInteger(uid) || !Number.isSafeInteger(gid)) return undefined;
    return { name: run('-un'), uid, gid };
  } catch {
    return undefined;
  }
}

function ownName(uid: number): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${uid}`;
  }
}
