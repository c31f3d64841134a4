// Shared by the runtime tests: task launches, an event recorder that waits with deadlines
// (never fixed sleeps), free ports, and /proc checks.

import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Runtime, RuntimeEvent, TaskLaunch, TaskSpec } from '../src/runtime/index.js';

export function newTaskId(): string {
  return randomBytes(12).toString('hex');
}

export function spec(over: Partial<TaskSpec> = {}): TaskSpec {
  return {
    runtime: '',
    image: '',
    command: [],
    env: {},
    workdir: '',
    resources: { reservations: { nanoCpus: 0, memoryBytes: 0 }, limits: { nanoCpus: 0, memoryBytes: 0 } },
    placement: { constraints: [], preferences: [], maxReplicasPerNode: 0 },
    restartPolicy: { condition: 'none', delayMs: 0, maxAttempts: 0, windowMs: 0 },
    healthCheck: null,
    stopGracePeriodMs: 1000,
    forceUpdate: 0,
    drainMs: 0,
    ...over,
  };
}

export function launch(nodeId: string, s: Partial<TaskSpec>, over: Partial<Omit<TaskLaunch, 'spec'>> = {}): TaskLaunch {
  const taskId = over.taskId ?? newTaskId();
  return {
    taskId,
    taskName: `web.1.${taskId}`,
    serviceId: 'svc0000000000000000000001',
    serviceName: 'web',
    slot: 1,
    nodeId,
    port: 0,
    spec: spec(s),
    ...over,
  };
}

type StateEvent = Extract<RuntimeEvent, { kind: 'state' }>;
type HealthEvent = Extract<RuntimeEvent, { kind: 'health' }>;

/** Records a runtime's events; waits for one with a deadline and says what it saw instead. */
export class EventRecorder {
  readonly all: RuntimeEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(runtime: Runtime) {
    runtime.on('event', (e) => {
      this.all.push(e);
      for (const w of [...this.waiters]) w();
    });
  }

  of(taskId: string): RuntimeEvent[] {
    return this.all.filter((e) => e.taskId === taskId);
  }

  states(taskId: string): string[] {
    return this.of(taskId).flatMap((e) => (e.kind === 'state' ? [e.state] : []));
  }

  waitFor<E extends RuntimeEvent>(what: string, match: (e: RuntimeEvent) => e is E, timeoutMs?: number): Promise<E>;
  waitFor(what: string, match: (e: RuntimeEvent) => boolean, timeoutMs?: number): Promise<RuntimeEvent>;
  waitFor(what: string, match: (e: RuntimeEvent) => boolean, timeoutMs = 15_000): Promise<RuntimeEvent> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.all.find(match);
        if (!hit) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; events seen:\n${this.all.map((e) => JSON.stringify(e)).join('\n')}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  state(taskId: string, state: string, timeoutMs?: number): Promise<StateEvent> {
    return this.waitFor(`${state} event for ${taskId}`, (e): e is StateEvent => e.kind === 'state' && e.taskId === taskId && e.state === state, timeoutMs);
  }

  /** The first terminal state (complete, failed, shutdown). */
  end(taskId: string, timeoutMs?: number): Promise<StateEvent> {
    return this.waitFor(
      `terminal event for ${taskId}`,
      (e): e is StateEvent => e.kind === 'state' && e.taskId === taskId && ['complete', 'failed', 'shutdown'].includes(e.state),
      timeoutMs,
    );
  }

  health(taskId: string, healthy: boolean, timeoutMs?: number): Promise<HealthEvent> {
    return this.waitFor(
      `${healthy ? 'healthy' : 'unhealthy'} event for ${taskId}`,
      (e): e is HealthEvent => e.kind === 'health' && e.taskId === taskId && e.healthy === healthy,
      timeoutMs,
    );
  }
}

/** Polls `f` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Alive = present in /proc and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Live processes whose environment holds SHOAL_TASK_ID=<taskId>. */
export function processesOfTask(taskId: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      if (`\0${readFileSync(`/proc/${pid}/environ`, 'utf8')}`.includes(`\0SHOAL_TASK_ID=${taskId}\0`) && isAlive(pid)) pids.push(pid);
    } catch {
      /* gone, or not ours */
    }
  }
  return pids;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** SIGKILLs a task's whole process group (the task leads it), or the process alone; gone is fine. */
export function killProcessGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
