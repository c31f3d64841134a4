// The chaos lab: real manager and worker processes, each in its own network namespace
// (network.ts), started with `ip netns exec`; a client namespace for the workload and the
// probe. It records what it made in <runDir>/lab-state.json before making it, so that a later
// run can sweep what a crashed one left, and teardown() (synchronous: it also runs from exit
// and signal handlers) kills every process in our namespaces, unmounts the tmpfs data dirs and
// deletes the namespaces.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setClockOffset, writeClockShim, CLOCK_FILE_ENV } from './clock-shim.js';
import { LabNetwork, type LabHost } from './network.js';
import { Probe } from './probe.js';
import { isAlive, listNamespaces, namespacePids, sh, shTry, sleepSync } from './sh.js';

/** The repository this package lives in (src/lab or dist/lab, four levels down). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
export const SHOAL_BIN = join(REPO_ROOT, 'packages/cli/dist/main.js');
export const MANAGER_PORT = 2377;
const STATE_FILE = 'lab-state.json';

export interface ChaosLabOptions {
  /** Short and unique per run: it names the namespaces (shc-<runId>-m1). */
  readonly runId: string;
  /** chaos-results/<run>: logs, node data, state. */
  readonly runDir: string;
  readonly managers: number;
  readonly workers: number;
  /** Extra environment for the manager processes (SHOAL_UNSAFE_PLANTED_BUG). */
  readonly managerEnv?: Readonly<Record<string, string>>;
  /** Put each manager's data directory on a tmpfs of this many MiB (the disk nemesis fills one). */
  readonly tmpfsMb?: number;
  /** The manager started with the clock shim (the clock nemesis shifts its Date). */
  readonly clockVictim?: string;
  readonly log?: (line: string) => void;
}

export interface LabNode {
  readonly name: string;
  readonly role: 'manager' | 'worker';
  readonly host: LabHost;
  /** HOST:PORT it serves on (managers) or its node address (workers). */
  readonly addr: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** The tmpfs its data directory lives on, if any. */
  readonly mount?: string;
  /** The file the clock shim reads its offset from (the clock victim only). */
  readonly clockFile?: string;
  child?: ChildProcess;
  exited?: Promise<void>;
  paused: boolean;
}

interface LabState {
  readonly ownerPid: number;
  readonly prefix: string;
  readonly mounts: string[];
  readonly tasksRoot: string;
}

/** The leader as the managers see it: the one named by the answer with the highest term. */
export interface LeaderView {
  readonly name: string;
  readonly term: number;
}

export class ChaosLab {
  readonly network: LabNetwork;
  readonly nodes = new Map<string, LabNode>();
  readonly certsDir: string;
  readonly tasksRoot: string;
  private probeProcess: Probe | undefined;
  private readonly mounts: string[] = [];
  private clockShim: string | undefined;
  private tornDown = false;
  private readonly log: (line: string) => void;

  constructor(readonly o: ChaosLabOptions) {
    if (o.runId.length > 10) throw new Error(`run id ${o.runId} is longer than 10 characters (it becomes part of namespace names)`);
    this.network = new LabNetwork(`shc-${o.runId}`);
    this.certsDir = join(o.runDir, 'certs');
    this.tasksRoot = `/tmp/shc-${o.runId}-tasks`;
    this.log = o.log ?? (() => {});
  }

  get managers(): LabNode[] {
    return [...this.nodes.values()].filter((n) => n.role === 'manager');
  }

  get workers(): LabNode[] {
    return [...this.nodes.values()].filter((n) => n.role === 'worker');
  }

  get managerAddrs(): string[] {
    return this.managers.map((m) => m.addr);
  }

  get clientNs(): string {
    return this.network.host('client').ns;
  }

  node(name: string): LabNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no lab node ${name} (nodes: ${[...this.nodes.keys()].join(', ')})`);
    return n;
  }

  get probe(): Probe {
    if (!this.probeProcess) throw new Error('the lab has no probe yet: start the managers first');
    return this.probeProcess;
  }

  private writeState(): void {
    const state: LabState = { ownerPid: process.pid, prefix: this.network.prefix, mounts: this.mounts, tasksRoot: this.tasksRoot };
    writeFileSync(join(this.o.runDir, STATE_FILE), JSON.stringify(state, null, 2));
  }

  /** Namespaces, addresses and (for the disk nemesis) tmpfs mounts; no process yet. */
  setUp(): void {
    mkdirSync(join(this.o.runDir, 'logs'), { recursive: true });
    mkdirSync(join(this.o.runDir, 'nodes'), { recursive: true });
    this.writeState(); // before anything exists, so a crash at any point can be swept
    mkdirSync(this.tasksRoot, { recursive: true, mode: 0o755 });
    this.network.createHub();
    for (let i = 1; i <= this.o.managers; i++) this.addNode(`m${i}`, 'manager', 10 + i);
    for (let i = 1; i <= this.o.workers; i++) this.addNode(`w${i}`, 'worker', 100 + i);
    this.network.addHost('client', 200);
    if (this.o.clockVictim) this.clockShim = writeClockShim(this.o.runDir);
    this.log(
      `lab: ${this.nodes.size + 1} namespaces under ${this.network.prefix}-*, bridge br0 in ${this.network.hub}${this.o.tmpfsMb ? `, manager data on ${this.o.tmpfsMb} MiB tmpfs` : ''}`,
    );
  }

  private addNode(name: string, role: LabNode['role'], octet: number): void {
    const host = this.network.addHost(name, octet);
    const base = join(this.o.runDir, 'nodes', name);
    mkdirSync(base, { recursive: true });
    let mount: string | undefined;
    if (role === 'manager' && this.o.tmpfsMb) {
      this.mounts.push(base);
      this.writeState();
      sh('mount', ['-t', 'tmpfs', '-o', `size=${this.o.tmpfsMb}m,mode=0700`, `shc-${this.o.runId}-${name}`, base]);
      mount = base;
    }
    const clockFile = this.o.clockVictim === name ? join(this.o.runDir, `clock-${name}`) : undefined;
    if (clockFile) setClockOffset(clockFile, 0);
    this.nodes.set(name, {
      name,
      role,
      host,
      addr: role === 'manager' ? `${host.ip}:${MANAGER_PORT}` : `${host.ip}:0`,
      dataDir: join(base, 'data'),
      logFile: join(this.o.runDir, 'logs', `${name}.log`),
      ...(mount ? { mount } : {}),
      ...(clockFile ? { clockFile } : {}),
      paused: false,
    });
  }

  /** Starts `node <shoal> args` inside the node's namespace, in its own process group. */
  private spawnNode(n: LabNode, args: readonly string[]): void {
    const fd = openSync(n.logFile, 'a');
    const nodeArgs = n.clockFile && this.clockShim ? ['--import', pathToFileURL(this.clockShim).href] : [];
    const env: NodeJS.ProcessEnv = { ...process.env, SHOAL_HOST: '', SHOAL_CERTS: '', ...(n.role === 'manager' ? this.o.managerEnv : {}) };
    if (n.clockFile) env[CLOCK_FILE_ENV] = n.clockFile;
    // `ip netns exec` execs the command in place: the child's pid is the node's.
    const child = spawn('ip', ['netns', 'exec', n.host.ns, process.execPath, ...nodeArgs, SHOAL_BIN, ...args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env,
    });
    closeSync(fd);
    n.child = child;
    n.paused = false;
    n.exited = new Promise((r) => child.once('exit', () => r()));
  }

  isRunning(n: LabNode): boolean {
    return !!n.child && n.child.exitCode === null && n.child.signalCode === null;
  }

  /** Founds the cluster on m1, starts the probe, joins the other managers one by one. */
  async startManagers(timeoutMs = 60_000): Promise<void> {
    const [first, ...rest] = this.managers;
    if (!first) throw new Error('the lab needs at least one manager');
    this.spawnNode(first, ['manager', 'init', '--listen', first.addr, '--data', first.dataDir, '--name', first.name, '--metrics', '', '--json']);
    const admin = join(first.dataDir, 'admin');
    await waitUntil(
      `${first.name} to write its admin credentials`,
      () => readFileSync(first.logFile, 'utf8').includes('"nodeId"') && existsSync(admin),
      timeoutMs,
      () => this.assertAlive(first),
    );
    rmSync(this.certsDir, { recursive: true, force: true });
    cpSync(admin, this.certsDir, { recursive: true });
    this.probeProcess = new Probe(this.clientNs, this.certsDir);
    await this.waitServing(first, timeoutMs);
    for (const m of rest) {
      const token = await this.tokenFile('manager', m.name);
      this.spawnNode(m, [
        'manager',
        'join',
        first.addr,
        '--token-file',
        token,
        '--listen',
        m.addr,
        '--data',
        m.dataDir,
        '--name',
        m.name,
        '--metrics',
        '',
        '--json',
      ]);
      await this.waitServing(m, timeoutMs);
    }
    await waitUntil(
      `${this.managers.length} voters`,
      async () => {
        const info = await this.probe.call<{ managers: { raftRole: string }[]; leader: string }>(
          'ClusterInfo',
          { read: { stale: true } },
          { hosts: this.managerAddrs },
        );
        return info.leader !== '' && info.managers.filter((x) => x.raftRole === 'voter').length === this.managers.length;
      },
      timeoutMs,
    );
    this.log(`lab: ${this.managers.length} managers serving on ${this.managerAddrs.join(', ')}`);
  }

  /** Starts the worker agents (process runtime) and waits until the leader lists them ready. */
  async startWorkers(timeoutMs = 60_000): Promise<void> {
    const first = this.managers[0]!;
    for (const w of this.workers) {
      const token = await this.tokenFile('worker', w.name);
      this.spawnNode(w, [
        'worker',
        'join',
        first.addr,
        '--token-file',
        token,
        '--data',
        w.dataDir,
        '--name',
        w.name,
        '--runtime',
        'process',
        '--listen',
        w.addr,
        '--tasks-root',
        this.tasksRoot,
        '--json',
      ]);
    }
    if (this.workers.length === 0) return;
    await waitUntil(
      `${this.workers.length} workers to be ready`,
      async () => {
        const { nodes } = await this.probe.call<{ nodes: { name?: string; status: string; role?: string }[] }>(
          'ListNodes',
          { read: { stale: true } },
          { hosts: this.managerAddrs },
        );
        return nodes.filter((n) => n.status === 'ready' && this.workers.some((w) => w.name === n.name)).length === this.workers.length;
      },
      timeoutMs,
    );
    this.log(`lab: ${this.workers.length} workers ready`);
  }

  private async tokenFile(role: 'manager' | 'worker', name: string): Promise<string> {
    const { token } = await this.probe.call<{ token: string }>('JoinToken', { role, rotate: false }, { hosts: this.managerAddrs, timeoutMs: 10_000 });
    const file = join(this.o.runDir, `${name}.join-token`);
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    return file;
  }

  private assertAlive(n: LabNode): void {
    if (!this.isRunning(n)) throw new Error(`${n.name} exited while starting; see ${n.logFile}:\n${tail(n.logFile)}`);
  }

  /** Waits until `n` answers a ClusterInfo on its own address. */
  async waitServing(n: LabNode, timeoutMs = 30_000): Promise<void> {
    await waitUntil(
      `${n.name} to answer on ${n.addr}`,
      async () => {
        this.assertAlive(n);
        await this.probe.call('ClusterInfo', { read: { stale: true } }, { hosts: [n.addr], timeoutMs: 1000 });
        return true;
      },
      timeoutMs,
    );
  }

  /** Asks every running, unpaused manager who leads; the answer with the highest term wins. */
  async leader(timeoutMs = 1000): Promise<LeaderView | undefined> {
    const answers = await Promise.allSettled(
      this.managers
        .filter((m) => this.isRunning(m) && !m.paused)
        .map((m) =>
          this.probe.call<{ leader: string; leaderAddr: string; term: string | number }>(
            'ClusterInfo',
            { read: { stale: true } },
            { hosts: [m.addr], timeoutMs },
          ),
        ),
    );
    let best: LeaderView | undefined;
    for (const a of answers) {
      if (a.status !== 'fulfilled' || !a.value.leader || !a.value.leaderAddr) continue;
      const term = Number(a.value.term);
      const m = this.managers.find((x) => x.addr === a.value.leaderAddr || x.host.ip === a.value.leaderAddr.split(':')[0]);
      if (m && (!best || term > best.term)) best = { name: m.name, term };
    }
    return best;
  }

  /** Kills a node's process (SIGKILL by default, its whole process group) and waits for it. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const n = this.node(name);
    if (!this.isRunning(n)) return;
    try {
      process.kill(-n.child!.pid!, signal);
    } catch {
      n.child!.kill(signal);
    }
    if (n.paused) signalPid(n.child!.pid!, 'SIGCONT');
    await n.exited;
    n.paused = false;
  }

  /** Restarts a stopped manager from its data directory (`shoal manager start`). */
  restartManager(name: string): void {
    const m = this.node(name);
    if (this.isRunning(m)) throw new Error(`${name} is running`);
    this.spawnNode(m, ['manager', 'start', '--data', m.dataDir, '--metrics', '', '--json']);
  }

  /** SIGSTOP (pause) or SIGCONT (resume) a node's process. */
  pause(name: string, paused: boolean): void {
    const n = this.node(name);
    if (!this.isRunning(n)) return;
    signalPid(n.child!.pid!, paused ? 'SIGSTOP' : 'SIGCONT');
    n.paused = paused;
  }

  /**
   * Stops everything and removes it: every process in our namespaces (nodes, their tasks, the
   * probe, the workload), the tmpfs mounts, the namespaces (with their rules and the bridge),
   * the tasks' directory. Synchronous and idempotent.
   */
  teardown(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    this.probeProcess?.close();
    for (const n of this.nodes.values()) if (n.child?.pid && this.isRunning(n)) signalPid(n.child.pid, 'SIGCONT');
    killNamespaceProcesses(this.network.prefix);
    for (const m of this.mounts) unmount(m);
    this.network.destroy();
    rmSync(this.tasksRoot, { recursive: true, force: true });
    try {
      renameSync(join(this.o.runDir, STATE_FILE), join(this.o.runDir, `${STATE_FILE}.done`));
    } catch {
      /* never written */
    }
    this.log(`lab: torn down (${this.network.prefix}-* gone)`);
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

function unmount(path: string): void {
  if (shTry('umount', [path]).code !== 0) shTry('umount', ['-l', path]);
}

/** SIGKILLs every process in the namespaces named `<prefix>-*` and waits (≤ 5 s) for them to go. */
function killNamespaceProcesses(prefix: string): void {
  const spaces = listNamespaces().filter((ns) => ns.startsWith(`${prefix}-`));
  for (let round = 0; round < 50; round++) {
    const pids = spaces.flatMap(namespacePids).filter((p) => p !== process.pid);
    if (pids.length === 0) return;
    for (const pid of pids) signalPid(pid, 'SIGKILL');
    sleepSync(100);
  }
}

/**
 * Sweeps what crashed runs left under `resultsRoot` (chaos-results): for every run directory
 * whose lab-state.json names an owner that no longer runs, its processes, mounts, namespaces
 * and tasks directory. Returns the prefixes swept.
 */
export function sweepLeftovers(resultsRoot: string): string[] {
  const swept: string[] = [];
  if (!existsSync(resultsRoot)) return swept;
  for (const run of readdirSync(resultsRoot)) {
    const file = join(resultsRoot, run, STATE_FILE);
    let state: LabState;
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as LabState;
    } catch {
      continue;
    }
    if (state.ownerPid !== process.pid && isAlive(state.ownerPid) && ownerLooksLikeChaos(state.ownerPid)) continue; // a run in progress
    killNamespaceProcesses(state.prefix);
    for (const m of state.mounts) unmount(m);
    for (const ns of listNamespaces()) if (ns.startsWith(`${state.prefix}-`)) shTry('ip', ['netns', 'del', ns]);
    if (state.tasksRoot.startsWith('/tmp/shc-')) rmSync(state.tasksRoot, { recursive: true, force: true });
    renameSync(file, `${file}.swept`);
    swept.push(state.prefix);
  }
  return swept;
}

function ownerLooksLikeChaos(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('chaos');
  } catch {
    return false;
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `probe` until it returns true; throws naming `what` (and the last error) at the deadline. */
export async function waitUntil(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number, check?: () => void, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    check?.();
    try {
      if (await probe()) return;
    } catch (e) {
      last = e;
      if ((e as Error).message.includes('exited while starting')) throw e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
