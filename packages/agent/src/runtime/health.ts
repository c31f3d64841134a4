// Health checks run by the agent (every `http` check, and `cmd` checks of process tasks; a
// Docker task's `cmd` check runs inside Docker, see docker.ts).
//
// The timing follows Docker's HEALTHCHECK on purpose, so a service behaves the same on either
// runtime: the first probe runs intervalMs after the task started, then one every intervalMs
// (never two at once). During startPeriodMs a failed probe does not count, but a passing one
// already makes the task healthy (a fast starter need not wait the period out). After that,
// `retries` consecutive failures make it unhealthy, one pass makes it healthy again. Only
// changes are reported: a listener sees healthy/unhealthy flips, not every probe.

import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { withStartingUmask } from '@shoal/identity';
import type { RuntimeEvent } from './runtime.js';
import { nextSpawnTurn } from './spawn-turns.js';
import type { TaskSpec } from '@shoal/store';

export type HealthCheck = NonNullable<TaskSpec['healthCheck']>;
export type HealthEvent = Extract<RuntimeEvent, { kind: 'health' }>;

export interface ProbeResult {
  readonly ok: boolean;
  readonly message: string;
}

// Docker's defaults, for a spec that leaves a field at 0.
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
/** How much of a failing command's output goes into the message. */
const OUTPUT_LIMIT = 512;

export interface HealthProbeOptions {
  readonly taskId: string;
  readonly check: HealthCheck;
  /** The task's PORT: where an http check goes when the check names no port. */
  readonly port: number;
  /** The task's HOST (its node's address): where an http check connects. Default 127.0.0.1. */
  readonly host?: string;
  /** Environment and directory of a cmd check: the task's own, so it sees PORT too. */
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Who a cmd check runs as: the task's user (unset: the agent's own). */
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly report: (e: HealthEvent) => void;
}

export class HealthProbe {
  private readonly startedAt = Date.now();
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  private stopped = false;
  private healthy: boolean | undefined;
  private failures = 0;

  constructor(private readonly o: HealthProbeOptions) {
    this.intervalMs = o.check.intervalMs > 0 ? o.check.intervalMs : DEFAULT_INTERVAL_MS;
    this.timeoutMs = o.check.timeoutMs > 0 ? o.check.timeoutMs : DEFAULT_TIMEOUT_MS;
    this.retries = o.check.retries > 0 ? o.check.retries : DEFAULT_RETRIES;
  }

  /** 'starting' until the first verdict. */
  get status(): 'starting' | 'healthy' | 'unhealthy' {
    return this.healthy === undefined ? 'starting' : this.healthy ? 'healthy' : 'unhealthy';
  }

  start(): this {
    this.schedule();
    return this;
  }

  /** Stops probing (the task ended or the agent closes); a probe in flight is abandoned. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.inFlight?.abort();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probe(), this.intervalMs);
    // The probe must not keep the agent alive on its own.
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    const abort = new AbortController();
    this.inFlight = abort;
    const result = await runCheck(this.o, this.timeoutMs, abort.signal);
    this.inFlight = undefined;
    if (this.stopped) return;
    if (result.ok) {
      this.failures = 0;
      this.set(true, result.message);
    } else if (Date.now() - this.startedAt >= this.o.check.startPeriodMs) {
      this.failures++;
      if (this.failures >= this.retries) {
        this.set(false, `health check failed ${this.failures} time(s) in a row: ${result.message}`);
      }
    }
    this.schedule();
  }

  private set(healthy: boolean, message: string): void {
    if (this.healthy === healthy) return;
    this.healthy = healthy;
    this.o.report({ kind: 'health', taskId: this.o.taskId, healthy, message });
  }
}

/** One probe of a check, as the agent runs it. */
export function runCheck(
  o: Pick<HealthProbeOptions, 'check' | 'port' | 'host' | 'env' | 'cwd' | 'user'>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const test = o.check.test;
  if (test.kind === 'http') {
    const port = test.port > 0 ? test.port : o.port;
    if (port <= 0) {
      return Promise.resolve({
        ok: false,
        message: 'the http health check has no port: set healthCheck.test.port or give the task a port',
      });
    }
    const path = test.path.startsWith('/') ? test.path : `/${test.path}`;
    const host = o.host && o.host.includes(':') ? `[${o.host}]` : (o.host ?? '127.0.0.1');
    return httpCheck(`http://${host}:${port}${path}`, timeoutMs, signal);
  }
  return cmdCheck(test.cmd, { env: o.env ?? {}, cwd: o.cwd, user: o.user, timeoutMs, signal });
}

/** GET `url`: 2xx and 3xx are healthy (a redirect still proves the server answers). */
export function httpCheck(url: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const what = `GET ${url}`;
    let settled = false;
    const finish = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    // agent: false: no keep-alive pool, so a probe leaves no socket open behind it.
    const req = request(url, { method: 'GET', agent: false, signal }, (res) => {
      const code = res.statusCode ?? 0;
      res.resume();
      finish({ ok: code >= 200 && code < 400, message: `${what}: HTTP ${code}` });
    });
    const timer = setTimeout(() => finish({ ok: false, message: `${what}: no answer within ${timeoutMs} ms` }), timeoutMs);
    req.on('error', (e) => finish({ ok: false, message: `${what}: ${e.message}` }));
    req.end();
  });
}

/**
 * Runs `cmd` (exec form, no shell) as its own process group, so a timeout kills whatever it
 * started too. Exit 0 is healthy.
 */
export async function cmdCheck(
  cmd: readonly string[],
  o: {
    env: Record<string, string>;
    cwd?: string | undefined;
    /** Run as this user (uid/gid also clear the supplementary groups), not as the agent. */
    user?: { readonly uid: number; readonly gid: number } | undefined;
    timeoutMs: number;
    signal?: AbortSignal | undefined;
  },
): Promise<ProbeResult> {
  // Checks of many tasks fall due together: their spawns take turns like task spawns do.
  await nextSpawnTurn();
  if (o.signal?.aborted) return { ok: false, message: `${cmd.join(' ')}: abandoned` };
  return new Promise((resolve) => {
    const [file, ...args] = cmd;
    if (file === undefined || file === '') {
      resolve({ ok: false, message: 'the cmd health check has no command' });
      return;
    }
    const what = cmd.join(' ');
    let output = '';
    let settled = false;
    // The task's own command: under the umask the agent was started with, as the task (process.ts).
    const child = withStartingUmask(() =>
      spawn(file, args, { env: o.env, cwd: o.cwd, ...(o.user ? { uid: o.user.uid, gid: o.user.gid } : {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    const collect = (chunk: Buffer): void => {
      if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const finish = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = (): void => {
      killGroup();
      finish({ ok: false, message: `${what}: abandoned` });
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      killGroup();
      finish({ ok: false, message: `${what}: no result within ${o.timeoutMs} ms` });
    }, o.timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({ ok: false, message: e.code === 'ENOENT' ? `health check command not found: ${file}` : `${what}: ${e.message}` });
    });
    // 'close', not 'exit': the output is complete only once the pipes closed.
    child.on('close', (code, signal) => {
      const out = output.trim().slice(0, OUTPUT_LIMIT);
      const detail = out === '' ? '' : `: ${out}`;
      if (code === 0) finish({ ok: true, message: `${what}: exit 0${detail}` });
      else finish({ ok: false, message: `${what}: ${code === null ? `killed by ${signal}` : `exit ${code}`}${detail}` });
    });
  });
}
