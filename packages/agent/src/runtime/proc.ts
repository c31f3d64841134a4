// What Linux's /proc says about processes: enough to tell whether a recorded task process is
// still the same process (a PID can be reused), and whether a process group still has live
// members. Zombies count as gone: they have exited, only their parent has not reaped them
// (and a process orphaned by a crashed agent may be re-parented to an init that never does).

import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  readonly pid: number;
  /** R, S, D, Z, T, ... */
  readonly state: string;
  readonly pgrp: number;
  /** Field 22: start time in clock ticks since boot. With the pid it names one process for good. */
  readonly startTime: string;
}

export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (comm) is in parentheses and may itself hold spaces or ')': split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = rest[19];
  if (state === undefined || startTime === undefined || !Number.isInteger(pgrp)) return undefined;
  return { pid, state, pgrp, startTime };
}

/** The recorded process is alive, and it is the one recorded (same start time), not a reuse of its pid. */
export function isSameProcess(pid: number, startTime: string): boolean {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.startTime === startTime && stat.state !== 'Z';
}

function allPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/** Live (non-zombie) members of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const pid of allPids()) {
    const stat = readProcStat(pid);
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z') members.push(pid);
  }
  return members;
}

export function isGroupAlive(pgid: number): boolean {
  try {
    // Cheap first answer: ESRCH means no member at all, not even a zombie.
    process.kill(-pgid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // Second cheap answer: the leader itself still runs. Only without it is every process in
  // /proc read (a stop polls this; hundreds of stops must not each scan /proc every poll).
  const leader = readProcStat(pgid);
  if (leader !== undefined && leader.pgrp === pgid && leader.state !== 'Z') return true;
  return groupMembers(pgid).length > 0;
}

/** Signals every member of the group; false when the group has no member left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/**
 * The process group leader whose environment holds SHOAL_TASK_ID=<taskId>: finds a task that
 * was spawned but whose task.json was never written (the agent died in between).
 */
export function findTaskLeader(taskId: string): ProcStat | undefined {
  const needle = `\0SHOAL_TASK_ID=${taskId}\0`;
  for (const pid of allPids()) {
    const stat = readProcStat(pid);
    if (stat === undefined || stat.pgrp !== pid || stat.state === 'Z') continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // another user's process, or it just ended
    }
    if (`\0${environ}`.includes(needle)) return stat;
  }
  return undefined;
}

/**
 * Clock ticks per second of /proc's CPU times (USER_HZ): 100 on every architecture Linux
 * runs Node on (the kernel keeps it fixed for userspace, whatever its internal HZ).
 */
const USER_HZ = 100;
/** /proc entries read per slice of a scan: the agent's event loop gets a turn in between. */
const SCAN_SLICE = 256;

/**
 * CPU time used so far by each of these process groups, in microseconds: utime + stime of
 * every live member, plus cutime + cstime (children it waited for: a shell's short-lived
 * commands). One /proc scan for all groups, in slices, so hundreds of tasks cost one pass.
 * Groups with no member found are left out.
 */
export async function groupCpuMicros(pgids: ReadonlySet<number>): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  if (pgids.size === 0) return ticks;
  const pids = allPids();
  for (let i = 0; i < pids.length; i += SCAN_SLICE) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    for (const pid of pids.slice(i, i + SCAN_SLICE)) {
      const cpu = readProcCpu(pid);
      if (cpu === undefined || !pgids.has(cpu.pgrp)) continue;
      ticks.set(cpu.pgrp, (ticks.get(cpu.pgrp) ?? 0) + cpu.ticks);
    }
  }
  for (const [pgid, t] of ticks) ticks.set(pgid, (t * 1e6) / USER_HZ);
  return ticks;
}

function readProcCpu(pid: number): { pgrp: number; ticks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // ended meanwhile
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Field N is rest[N - 3]: pgrp 5, utime 14, stime 15, cutime 16, cstime 17.
  const pgrp = Number(rest[2]);
  const ticks = Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
  if (!Number.isInteger(pgrp) || !Number.isFinite(ticks)) return undefined;
  return { pgrp, ticks };
}
