// What a cross-process test file starts — clusters of real manager processes and `shoal` CLI
// processes — kept in one place so that afterEach/afterAll can stop all of it by PID and
// remove its directories even when a test failed halfway.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { LocalCluster, SHOAL_BIN, assertBuilt } from '../../scripts/lib/cluster.js';

/** A fresh path under the OS temp directory (not created). */
export function tempPath(label: string): string {
  return join(tmpdir(), `shoal-test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export interface ShoalResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A `shoal` process the test started and may leave running (e.g. a recovered manager). */
export interface ShoalProcess {
  readonly proc: ChildProcess;
  /** Everything it printed so far, stdout then stderr. */
  output(): string;
  readonly exited: Promise<ShoalResult>;
}

/** Every live lab in this process, for the last-resort kill on exit. */
const labs = new Set<Lab>();
process.once('exit', () => {
  for (const lab of labs) lab.killNow();
});

export class Lab {
  private readonly clusters = new Set<LocalCluster>();
  private readonly procs = new Set<ChildProcess>();
  private readonly dirs = new Set<string>();

  constructor() {
    labs.add(this);
  }

  /**
   * SIGKILLs, synchronously, every process still running — managers, worker agents and the
   * tasks and containers the workers run: the safety net for a vitest worker that exits
   * without the hooks having run (cleanup() is the normal path).
   */
  killNow(): void {
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    for (const c of this.clusters) {
      for (const m of [...c.managers, ...c.workers]) if (m.proc && m.proc.exitCode === null && m.proc.signalCode === null) m.proc.kill('SIGKILL');
      // Agents leave their tasks running (as they should): those go by the pids they recorded.
      for (const w of c.workers) c.killWorkerTasks(w.name);
    }
  }

  /** Starts a cluster of `managers` real manager processes in a fresh temp directory. */
  async cluster(label: string, managers: number, o: { initArgs?: readonly string[]; tasksRoot?: string | null } = {}): Promise<LocalCluster> {
    const c = await LocalCluster.create({
      dir: tempPath(label),
      managers,
      ...(o.initArgs ? { initArgs: o.initArgs } : {}),
      ...(o.tasksRoot !== undefined ? { tasksRoot: o.tasksRoot } : {}),
    });
    this.clusters.add(c);
    return c;
  }

  /** A temp directory path removed at cleanup. */
  dir(label: string): string {
    const d = tempPath(label);
    this.dirs.add(d);
    return d;
  }

  /** Spawns `node packages/cli/dist/main.js ...args`; it is killed at cleanup if still running. */
  spawnShoal(args: readonly string[], env: NodeJS.ProcessEnv = {}): ShoalProcess {
    assertBuilt();
    const proc = spawn(process.execPath, [SHOAL_BIN, ...args], {
      // No SHOAL_HOST/SHOAL_CERTS leaking in from the environment running the tests.
      env: { ...process.env, SHOAL_HOST: '', SHOAL_CERTS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.procs.add(proc);
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<ShoalResult>((resolve) => {
      proc.once('close', (code, signal) => {
        this.procs.delete(proc);
        resolve({ code, signal, stdout, stderr });
      });
    });
    return { proc, output: () => stdout + stderr, exited };
  }

  /** Runs a `shoal` command to its end; kills it (and fails) if it runs longer than `timeoutMs`. */
  async runShoal(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<ShoalResult> {
    const p = this.spawnShoal(args, env);
    const timer = setTimeout(() => p.proc.kill('SIGKILL'), timeoutMs);
    const r = await p.exited;
    clearTimeout(timer);
    if (r.signal === 'SIGKILL') throw new Error(`shoal ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${r.stdout}${r.stderr}`);
    return r;
  }

  /**
   * Stops every process and cluster started through this lab and removes their directories.
   * After a failed test the managers' logs are kept (the path is printed) to explain it.
   */
  async cleanup(o: { failed?: boolean } = {}): Promise<void> {
    const waits = [...this.procs].map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once('close', () => resolve());
          p.kill('SIGKILL');
        }),
    );
    await Promise.all(waits);
    this.procs.clear();
    const clusters = [...this.clusters];
    this.clusters.clear();
    if (o.failed) {
      for (const c of clusters) {
        const logs = join(c.dir, 'logs');
        if (!existsSync(logs)) continue;
        const kept = join(tmpdir(), 'shoal-test-logs', basename(c.dir));
        cpSync(logs, kept, { recursive: true });
        process.stderr.write(`manager logs of the failed test kept in ${kept}\n`);
      }
    }
    // One cluster failing to stop must not keep the others (or the directories) around.
    const results = await Promise.allSettled(clusters.map((c) => c.destroy()));
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
    this.dirs.clear();
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }
}
