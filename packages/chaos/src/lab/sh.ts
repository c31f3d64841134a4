// Running the host tools the lab is built from (ip, iptables, tc, mount): synchronously, so
// that teardown can run from an exit handler too, and with the command in every error.

import { spawnSync } from 'node:child_process';

export interface ShResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// Debian keeps ip/iptables/tc in /sbin, which a non-root PATH may lack.
const PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;

/** Runs `cmd args...`; returns its output, whatever the exit code. */
export function shTry(cmd: string, args: readonly string[], input?: string): ShResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, PATH }, input, timeout: 30_000 });
  if (r.error) return { code: 127, stdout: '', stderr: r.error.message };
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs `cmd args...` and throws, naming the command and its error output, if it fails. */
export function sh(cmd: string, args: readonly string[], input?: string): string {
  const r = shTry(cmd, args, input);
  if (r.code !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** The same inside network namespace `ns`. */
export function nsSh(ns: string, cmd: string, args: readonly string[]): string {
  return sh('ip', ['netns', 'exec', ns, cmd, ...args]);
}

export function nsShTry(ns: string, cmd: string, args: readonly string[]): ShResult {
  return shTry('ip', ['netns', 'exec', ns, cmd, ...args]);
}

/** The names of the network namespaces that exist now. */
export function listNamespaces(): string[] {
  return shTry('ip', ['netns', 'list'])
    .stdout.split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** The pids of every process inside namespace `ns`. */
export function namespacePids(ns: string): number[] {
  return shTry('ip', ['netns', 'pids', ns])
    .stdout.split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Blocks the thread for `ms` (teardown runs in exit handlers, where nothing can await). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
