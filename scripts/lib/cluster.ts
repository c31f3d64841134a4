// A local cluster of real manager processes on 127.0.0.1, for `npm start`, the cross-process
// tests and the benchmarks. Each manager is `node packages/cli/dist/main.js manager ...` with
// its own data directory and log file; everything is stopped by PID, never by name.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlConnection, loadCredentials, type ConnectionOptions, type Credentials } from '@shoal/cli';
import type { ClusterInfoResponse__Output } from '@shoal/wire';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SHOAL_BIN = join(REPO_ROOT, 'packages/cli/dist/main.js');

export function assertBuilt(): void {
  if (!existsSync(SHOAL_BIN)) {
    throw new Error(`${SHOAL_BIN} is missing: build first with \`npm run build\` (npm test and npm start do it)`);
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it; we release it at once). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Kills every process task a worker started: they carry SHOAL_NODE_ID=<node id> in their
 * environment (the process runtime runs each in its own process group, which survives the
 * agent). Reading /proc catches them even if the agent died before recording their pid.
 */
export function killProcessTasksOf(nodeId: string): number {
  const pids = taskProcessesOf(nodeId);
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL'); // its whole process group
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  return pids.length;
}

/** The pids of every running process a worker's process runtime started (by their environment). */
export function taskProcessesOf(nodeId: string): number[] {
  const pids: number[] = [];
  const marker = `SHOAL_NODE_ID=${nodeId}\0`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (`${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(marker)) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

/**
 * Stops what an earlier run in `dir` left running (its launcher killed without cleaning up):
 * the processes it recorded — only if they still run from that directory — and its workers'
 * tasks.
 */
function cleanLeftovers(dir: string): void {
  let run: { pids?: number[]; workerNodeIds?: string[] };
  try {
    run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as typeof run;
  } catch {
    return;
  }
  for (const pid of run.pids ?? []) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(dir)) process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const id of run.workerNodeIds ?? []) killProcessTasksOf(id);
}

/** A node process this launcher runs: a manager or a worker agent. */
interface NodeProcess {
  readonly name: string;
  readonly addr: string;
  readonly dataDir: string;
  readonly logFile: string;
  proc: ChildProcess | undefined;
  nodeId: string;
}

export interface ManagerProcess extends NodeProcess {
  readonly metrics: string;
}

export interface WorkerProcess extends NodeProcess {
  /** This node's address: its own 127.0.0.x, where the routing mesh publishes ports. */
  readonly addr: string;
  readonly runtime: 'process' | 'docker' | 'simulated';
}

export interface LocalClusterOptions {
  readonly dir: string;
  readonly managers: number;
  /** Extra environment for the manager processes. */
  readonly env?: NodeJS.ProcessEnv;
  /** Extra arguments for `shoal manager init` (e.g. ['--snapshot-every', '50']). */
  readonly initArgs?: readonly string[];
  /** Extra arguments for node itself in the manager processes (e.g. ['--cpu-prof']). */
  readonly nodeArgs?: readonly string[];
  /** The same for worker agents. */
  readonly workerNodeArgs?: readonly string[];
  /**
   * Where process-runtime workers put their tasks' working directories (--tasks-root).
   * Default: DIR/task-dirs, so a test cluster leaves nothing behind outside its directory;
   * null: the agent's own default (/var/lib/shoal-tasks as root), for a directory the task
   * user may not be able to traverse (the demo's, inside a checkout under /root).
   */
  readonly tasksRoot?: string | null;
}

export class LocalCluster {
  readonly managers: ManagerProcess[] = [];
  readonly workers: WorkerProcess[] = [];
  private creds: Credentials | undefined;
  private conn: ControlConnection | undefined;
  private connKey = '';
  private readonly exits = new Map<ChildProcess, Promise<number | null>>();

  private constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly nodeArgs: readonly string[] = [],
    private readonly workerNodeArgs: readonly string[] = [],
    private readonly tasksRoot: string | null = join(dir, 'task-dirs'),
  ) {}

  /** --tasks-root for a worker of this runtime (process runtime only). */
  private tasksRootArgs(runtime: WorkerProcess['runtime']): string[] {
    return runtime === 'process' && this.tasksRoot ? ['--tasks-root', this.tasksRoot] : [];
  }

  get hosts(): string[] {
    return this.managers.map((m) => m.addr);
  }

  get adminDir(): string {
    return join(this.managers[0]!.dataDir, 'admin');
  }

  /** Notes which processes this cluster started, so a later run can stop what a crash left. */
  private recordRun(): void {
    const procs = [...this.managers, ...this.workers].map((p) => p.proc?.pid).filter((pid): pid is number => pid !== undefined);
    const workers = this.workers.map((w) => w.nodeId).filter(Boolean);
    try {
      writeFileSync(join(this.dir, 'run.json'), JSON.stringify({ pids: procs, workerNodeIds: workers }));
    } catch {
      /* the directory is being removed */
    }
  }

  /** Starts `o.managers` managers: the first founds the cluster, the others join it one by one. */
  static async create(o: LocalClusterOptions): Promise<LocalCluster> {
    assertBuilt();
    cleanLeftovers(o.dir);
    rmSync(o.dir, { recursive: true, force: true });
    mkdirSync(join(o.dir, 'logs'), { recursive: true });
    const c = new LocalCluster(
      o.dir,
      o.env ?? {},
      o.nodeArgs ?? [],
      o.workerNodeArgs ?? [],
      o.tasksRoot === undefined ? join(o.dir, 'task-dirs') : o.tasksRoot,
    );
    try {
      const first = await c.addSlot('m1');
      await c.spawnManager(first, [
        'manager',
        'init',
        '--listen',
        first.addr,
        '--data',
        first.dataDir,
        '--name',
        first.name,
        '--metrics',
        first.metrics,
        '--json',
        ...(o.initArgs ?? []),
      ]);
      await c.waitUntilServing(first);
      for (let i = 2; i <= o.managers; i++) await c.addManager(`m${i}`);
      await c.waitForVoters(o.managers);
    } catch (e) {
      await c.destroy();
      throw e;
    }
    return c;
  }

  private async addSlot(name: string): Promise<ManagerProcess> {
    const m: ManagerProcess = {
      name,
      addr: `127.0.0.1:${await freePort()}`,
      metrics: `127.0.0.1:${await freePort()}`,
      dataDir: join(this.dir, name),
      logFile: join(this.dir, 'logs', `${name}.log`),
      proc: undefined,
      nodeId: '',
    };
    this.managers.push(m);
    return m;
  }

  /**
   * Starts a worker agent that joins with the worker token. Each worker gets its own
   * 127.0.0.x address (from .11 up), so services' published ports do not collide.
   */
  async addWorker(
    name: string,
    o: { runtime?: 'process' | 'docker' | 'simulated'; labels?: Record<string, string>; host?: string; args?: readonly string[] } = {},
  ): Promise<WorkerProcess> {
    const tokenFile = await this.tokenFile('worker', name);
    const host = o.host ?? `127.0.0.${11 + this.workers.length}`;
    const w: WorkerProcess = {
      name,
      addr: `${host}:0`,
      dataDir: join(this.dir, name),
      logFile: join(this.dir, 'logs', `${name}.log`),
      runtime: o.runtime ?? 'process',
      proc: undefined,
      nodeId: '',
    };
    this.workers.push(w);
    const labels = Object.entries(o.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    await this.spawnNode(
      w,
      [
        'worker',
        'join',
        this.managers[0]!.addr,
        '--token-file',
        tokenFile,
        '--data',
        w.dataDir,
        '--name',
        name,
        '--runtime',
        w.runtime,
        '--listen',
        w.addr,
        '--json',
        ...labels,
        ...this.tasksRootArgs(w.runtime),
        ...(o.args ?? []),
      ],
      this.workerNodeArgs,
    );
    await this.waitForWorkerReady(w);
    return w;
  }

  worker(name: string): WorkerProcess {
    const w = this.workers.find((x) => x.name === name || x.nodeId === name);
    if (!w) throw new Error(`no worker ${name}`);
    return w;
  }

  /** Waits until the leader lists the worker as ready. */
  async waitForWorkerReady(w: WorkerProcess, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      `${w.name} to be ready`,
      async () => {
        const { nodes } = await this.client().call('ListNodes', { read: { stale: true } });
        return nodes.some((n) => n.id === w.nodeId && n.status === 'ready') ? true : undefined;
      },
      timeoutMs,
    );
  }

  /** Kills a worker's agent (SIGKILL by default). Its process tasks keep running, as on a real machine crash they would not: see killWorkerTasks. */
  killWorker(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.stopProcess(this.worker(name), signal);
  }

  /** Restarts a stopped worker from its data directory (`shoal worker start`). */
  async startWorker(name: string): Promise<void> {
    const w = this.worker(name);
    if (w.proc) throw new Error(`${name} is running`);
    await this.spawnNode(w, ['worker', 'start', '--data', w.dataDir, '--json', ...this.tasksRootArgs(w.runtime)], this.workerNodeArgs);
    await this.waitForWorkerReady(w);
  }

  private spawnManager(m: ManagerProcess, args: string[]): Promise<void> {
    return this.spawnNode(m, args, this.nodeArgs);
  }

  private spawnNode(m: NodeProcess, args: string[], nodeArgs: readonly string[] = []): Promise<void> {
    const log = createWriteStream(m.logFile, { flags: 'a' });
    const proc = spawn(process.execPath, [...nodeArgs, SHOAL_BIN, ...args], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    m.proc = proc;
    this.exits.set(proc, new Promise((r) => proc.once('exit', (code) => r(code))));
    this.recordRun();
    proc.stderr!.pipe(log);
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      log.write(d);
    });
    // `--json` makes the first stdout line tell the node id.
    return new Promise((resolveStart, reject) => {
      const onData = (): void => {
        const end = out.indexOf('\n}');
        if (end < 0) return;
        try {
          m.nodeId = (JSON.parse(out.slice(0, end + 2)) as { nodeId: string }).nodeId;
          this.recordRun();
          proc.stdout!.off('data', onData);
          resolveStart();
        } catch {
          /* not yet complete */
        }
      };
      proc.stdout!.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`${m.name} exited with code ${code} while starting; see ${m.logFile}`)));
      setTimeout(() => reject(new Error(`${m.name} did not report its node id within 30 s; see ${m.logFile}`)), 30_000).unref();
    });
  }

  private async waitUntilServing(m: ManagerProcess): Promise<void> {
    await waitFor(`${m.name} to answer`, async () => {
      const conn = this.client([m.addr]);
      try {
        const info = await conn.call('ClusterInfo', { read: { stale: true } }, { timeoutMs: 1000 });
        return info.answeredBy === m.nodeId ? true : undefined;
      } finally {
        conn.close();
      }
    });
  }

  /** A connection to all managers (kept and reused), or to the given ones (the caller closes it). */
  client(hosts?: string[], options?: ConnectionOptions): ControlConnection {
    this.creds ??= loadCredentials(this.adminDir);
    if (hosts) return new ControlConnection(hosts, this.creds, options);
    const key = this.hosts.join(',');
    if (!this.conn || this.connKey !== key) {
      this.conn?.close();
      this.conn = new ControlConnection(this.hosts, this.creds);
      this.connKey = key;
    }
    return this.conn;
  }

  async joinToken(role: 'worker' | 'manager'): Promise<string> {
    const r = await this.client().call('JoinToken', { role, rotate: false });
    return r.token;
  }

  /**
   * The current join token in a private file of the cluster's directory, one per joining node
   * (joins may run at once): `--token-file` keeps it out of `ps`.
   */
  private async tokenFile(role: 'worker' | 'manager', node: string): Promise<string> {
    const file = join(this.dir, `${node}.join-token`);
    writeFileSync(file, `${await this.joinToken(role)}\n`, { mode: 0o600 });
    return file;
  }

  /** Starts a new manager that joins with the manager token. */
  async addManager(name: string): Promise<ManagerProcess> {
    const tokenFile = await this.tokenFile('manager', name);
    const m = await this.addSlot(name);
    await this.spawnManager(m, [
      'manager',
      'join',
      this.managers[0]!.addr,
      '--token-file',
      tokenFile,
      '--listen',
      m.addr,
      '--data',
      m.dataDir,
      '--name',
      name,
      '--metrics',
      m.metrics,
      '--json',
    ]);
    await this.waitUntilServing(m);
    return m;
  }

  manager(name: string): ManagerProcess {
    const m = this.managers.find((x) => x.name === name || x.nodeId === name);
    if (!m) throw new Error(`no manager ${name}`);
    return m;
  }

  async clusterInfo(stale = false): Promise<ClusterInfoResponse__Output> {
    return this.client().call('ClusterInfo', { read: { stale } }, { timeoutMs: 3000 });
  }

  /** Waits until a leader (other than `exclude`) is known and serving; returns it. */
  async waitForLeader(exclude?: string, timeoutMs = 20_000): Promise<ManagerProcess> {
    return waitFor(
      'a leader',
      async () => {
        const info = await this.clusterInfo(true);
        const leader = this.managers.find((m) => m.nodeId === info.leader);
        return leader && leader.nodeId !== exclude && leader.proc ? leader : undefined;
      },
      timeoutMs,
    );
  }

  async waitForVoters(n: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${n} voters`,
      async () => {
        const info = await this.clusterInfo(true);
        return info.managers.filter((m) => m.raftRole === 'voter').length === n && info.leader ? true : undefined;
      },
      timeoutMs,
    );
  }

  /** Kills a manager's process (SIGKILL by default) and waits for it to be gone. */
  kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.stopProcess(this.manager(name), signal);
  }

  /** Signals a node's process and waits for it to be gone. */
  private async stopProcess(p: NodeProcess, signal: NodeJS.Signals): Promise<void> {
    const proc = p.proc;
    if (!proc || proc.exitCode !== null) return;
    proc.kill(signal);
    await this.exits.get(proc);
    p.proc = undefined;
  }

  /** Restarts a stopped manager from its data directory (`shoal manager start`). */
  async start(name: string): Promise<void> {
    const m = this.manager(name);
    if (m.proc) throw new Error(`${name} is running`);
    await this.spawnManager(m, ['manager', 'start', '--data', m.dataDir, '--metrics', m.metrics, '--json']);
    await this.waitUntilServing(m);
  }

  /** Stops every manager (SIGTERM, then SIGKILL after a grace period). */
  async stopAll(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await Promise.all(
      [...this.workers, ...this.managers].map(async (m) => {
        const proc = m.proc;
        if (!proc || proc.exitCode !== null) return;
        proc.kill(signal);
        const exited = this.exits.get(proc)!;
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
        m.proc = undefined;
      }),
    );
  }

  /**
   * Kills what a worker's runtime left running: process tasks (by the pids their task.json
   * records, whole process groups) and docker containers labelled with the worker's node id.
   * Agents do not stop their tasks when they exit, as a real agent would not.
   */
  killWorkerTasks(name: string): void {
    const w = this.worker(name);
    if (w.nodeId) killProcessTasksOf(w.nodeId);
    if (w.runtime === 'docker' && w.nodeId) {
      const ids =
        spawnSync('/usr/bin/docker', ['ps', '-aq', '--filter', `label=shoal.node.id=${w.nodeId}`], { encoding: 'utf8' })
          .stdout?.split(/\s+/)
          .filter(Boolean) ?? [];
      if (ids.length > 0) spawnSync('/usr/bin/docker', ['rm', '-f', ...ids]);
    }
  }

  /** Stops everything (agents, managers, the tasks workers left) and removes the cluster's directory. */
  async destroy(): Promise<void> {
    this.conn?.close();
    await this.stopAll('SIGKILL');
    for (const w of this.workers) this.killWorkerTasks(w.name);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
