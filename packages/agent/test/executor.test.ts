// The executor against a scripted runtime: starts are queued and throttled (first come, first
// started), stops do not wait behind starts, and a host port held by a task of this node is
// not given to another task until the holder has ended. A task with published ports drains
// before its stop.

import { EventEmitter } from 'node:events';
import type { TaskReport } from '@shoal/wire';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskAssignments } from '../src/assignments.js';
import { Executor, type AssignedTask } from '../src/executor.js';
import type { FoundTask, LogLine, Runtime, RuntimeEvent, TaskLaunch } from '../src/runtime/index.js';
import { eventually, spec } from './runtime-fixtures.js';

const NODE_ID = 'node-executor-test-000001';

interface Deferred {
  resolve(): void;
  reject(e: Error): void;
}

/** A runtime whose starts and stops finish when the test says so; it records every call. */
class ScriptedRuntime extends EventEmitter implements Runtime {
  readonly name = 'simulated' as const;
  readonly calls: string[] = [];
  readonly starts = new Map<string, Deferred>();
  readonly stops = new Map<string, Deferred>();
  found: FoundTask[] = [];
  /** When set, stop() fails this many times before it works. */
  stopFailures = 0;

  capacity() {
    return { nanoCpus: 1e9, memoryBytes: 1e9 };
  }
  async discover(): Promise<FoundTask[]> {
    return this.found;
  }
  start(task: TaskLaunch): Promise<void> {
    this.calls.push(`start ${task.taskId}`);
    return new Promise((resolve, reject) => {
      this.starts.set(task.taskId, {
        resolve: () => {
          this.send({ kind: 'state', taskId: task.taskId, state: 'running', message: 'running', runtimeId: `rt-${task.taskId}` });
          resolve();
        },
        reject,
      });
    });
  }
  stop(taskId: string): Promise<void> {
    this.calls.push(`stop ${taskId}`);
    if (this.stopFailures > 0) {
      this.stopFailures--;
      return Promise.reject(new Error('the engine did not answer'));
    }
    return new Promise((resolve, reject) => {
      this.stops.set(taskId, {
        resolve: () => {
          this.send({ kind: 'state', taskId, state: 'shutdown', message: 'stopped' });
          resolve();
        },
        reject,
      });
    });
  }
  async remove(taskId: string): Promise<void> {
    this.calls.push(`remove ${taskId}`);
  }
  async *logs(): AsyncIterable<LogLine> {}
  async close(): Promise<void> {}
  send(e: RuntimeEvent): void {
    this.emit('event', e);
  }
  started(): string[] {
    return this.calls.filter((c) => c.startsWith('start ')).map((c) => c.slice(6));
  }
}

function task(id: string, over: Partial<AssignedTask> = {}): AssignedTask {
  return {
    id,
    name: `web.${id}`,
    serviceId: 'svc0000000000000000000001',
    serviceName: 'web',
    serviceVersion: 1,
    slot: 1,
    nodeId: NODE_ID,
    spec: spec({ runtime: 'process', command: ['sleep', '1000'] }),
    ports: [],
    port: 0,
    desiredState: 'running',
    state: 'assigned',
    ...over,
  };
}

function assign(tasks: AssignedTask[], o: { full?: boolean; removed?: string[] } = {}): TaskAssignments {
  return { full: o.full ?? false, removed: o.removed ?? [], assigned: tasks, unreadable: [] };
}

function setup(o: { maxStartsInFlight?: number; stopRetryMs?: number } = {}) {
  const runtime = new ScriptedRuntime();
  const reports: TaskReport[] = [];
  const executor = new Executor(runtime, (r) => reports.push(r), pino({ enabled: false }), '127.0.0.1', o);
  const last = (taskId: string): TaskReport | undefined => reports.filter((r) => r.taskId === taskId).at(-1);
  return { runtime, executor, reports, last };
}

describe('Executor: the start queue', () => {
  it('keeps at most maxStartsInFlight starts going and starts tasks in the order they came', async () => {
    const { runtime, executor, last } = setup({ maxStartsInFlight: 3 });
    const tasks = Array.from({ length: 10 }, (_, i) => task(`t${i}`));
    executor.apply(assign(tasks, { full: true }));
    await eventually('three starts', () => runtime.started().length === 3);
    // Nothing more while those three are in flight.
    await new Promise((r) => setImmediate(r));
    expect(runtime.started()).toEqual(['t0', 't1', 't2']);
    expect(executor.startBacklog).toEqual({ queued: 7, inFlight: 3 });

    runtime.starts.get('t1')?.resolve();
    await eventually('a fourth start', () => runtime.started().length === 4);
    expect(runtime.started()).toEqual(['t0', 't1', 't2', 't3']);
    for (let i = 0; i < 10; i++) {
      await eventually(`t${i} started`, () => runtime.starts.has(`t${i}`));
      runtime.starts.get(`t${i}`)?.resolve();
    }
    await eventually('all running', () => tasks.every((t) => last(t.id)?.state === 'running'));
    expect(runtime.started()).toEqual(tasks.map((t) => t.id));
    expect(executor.startBacklog).toEqual({ queued: 0, inFlight: 0 });
  });

  it('hands starts to the runtime one per event-loop turn', async () => {
    const { runtime, executor } = setup({ maxStartsInFlight: 8 });
    executor.apply(
      assign(
        Array.from({ length: 8 }, (_, i) => task(`t${i}`)),
        { full: true },
      ),
    );
    const seen: number[] = [];
    for (let turn = 0; turn < 8 && runtime.started().length < 8; turn++) {
      await new Promise((r) => setImmediate(r));
      seen.push(runtime.started().length);
    }
    // Each turn adds at most one start.
    seen.forEach((n, i) => expect(n - (seen[i - 1] ?? 0)).toBeLessThanOrEqual(1));
    await eventually('all eight started', () => runtime.started().length === 8);
  });

  it('stops a running task at once while starts are queued and in flight', async () => {
    const { runtime, executor, last } = setup({ maxStartsInFlight: 2 });
    const first = task('first');
    executor.apply(assign([first], { full: true }));
    await eventually('first started', () => runtime.starts.has('first'));
    runtime.starts.get('first')?.resolve();
    await eventually('first running', () => last('first')?.state === 'running');

    executor.apply(assign(Array.from({ length: 6 }, (_, i) => task(`q${i}`))));
    await eventually('two starts in flight', () => runtime.started().length === 3);
    executor.apply(assign([{ ...first, desiredState: 'shutdown' }]));
    expect(runtime.calls).toContain('stop first');
    runtime.stops.get('first')?.resolve();
    await eventually('first shut down', () => last('first')?.state === 'shutdown');
    expect(executor.startBacklog).toEqual({ queued: 4, inFlight: 2 });
  });

  it('never starts a queued task whose desired state became shutdown', async () => {
    const { runtime, executor, last } = setup({ maxStartsInFlight: 1 });
    const a = task('a');
    const b = task('b');
    executor.apply(assign([a, b], { full: true }));
    await eventually('a started', () => runtime.starts.has('a'));
    executor.apply(assign([{ ...b, desiredState: 'shutdown' }]));
    expect(last('b')).toMatchObject({ state: 'shutdown', message: 'shut down before it started' });
    runtime.starts.get('a')?.resolve();
    await eventually('a running', () => last('a')?.state === 'running');
    await new Promise((r) => setImmediate(r));
    expect(runtime.started()).toEqual(['a']);
  });
});

describe('Executor: host ports', () => {
  async function running(s: ReturnType<typeof setup>, t: AssignedTask, full = true): Promise<void> {
    s.executor.apply(assign([t], { full }));
    await eventually(`${t.id} started`, () => s.runtime.starts.has(t.id));
    s.runtime.starts.get(t.id)?.resolve();
    await eventually(`${t.id} running`, () => s.last(t.id)?.state === 'running');
  }

  it('a task waits while another task here still holds its port, and starts once it has stopped', async () => {
    const s = setup();
    const old = task('old', { port: 20_000, name: 'web.1.old' });
    await running(s, old);

    // The old task is being stopped (a slow grace period); its replacement gets the same port.
    const next = task('next', { port: 20_000, name: 'web.1.next' });
    s.executor.apply(assign([{ ...old, desiredState: 'shutdown' }, next], { full: true }));
    expect(s.runtime.calls).toContain('stop old');
    await eventually('next waiting', () => s.last('next')?.state === 'preparing');
    expect(s.last('next')?.message).toBe('waiting for port 20000 held by task web.1.old to stop');
    await new Promise((r) => setImmediate(r));
    expect(s.runtime.started()).toEqual(['old']);

    s.runtime.stops.get('old')?.resolve();
    await eventually('next started', () => s.runtime.started().includes('next'));
    s.runtime.starts.get('next')?.resolve();
    await eventually('next running', () => s.last('next')?.state === 'running');
  });

  it('tasks on other ports start meanwhile', async () => {
    const s = setup();
    const old = task('old', { port: 20_000 });
    await running(s, old);
    s.executor.apply(assign([{ ...old, desiredState: 'shutdown' }, task('next', { port: 20_000 }), task('other', { port: 20_001 })], { full: true }));
    await eventually('other started', () => s.runtime.started().includes('other'));
    expect(s.runtime.started()).not.toContain('next');
  });

  it('a task the leader reports orphaned still holds its port here until it has stopped', async () => {
    const s = setup();
    const old = task('old', { port: 20_000, name: 'web.1.old' });
    await running(s, old);
    // The node was marked down and came back: the leader says the old task is orphaned (final)
    // and has placed a new one on the same port.
    const orphaned: AssignedTask = { ...old, state: 'orphaned' };
    s.executor.apply(assign([orphaned, task('new', { port: 20_000 })], { full: true }));
    expect(s.runtime.calls).toContain('stop old');
    await eventually('new waiting', () => s.last('new')?.state === 'preparing');
    s.runtime.stops.get('old')?.resolve();
    await eventually('new started', () => s.runtime.started().includes('new'));
  });

  it('a task removed from the assignments holds its port until its stop is over', async () => {
    const s = setup();
    const old = task('old', { port: 20_000 });
    await running(s, old);
    s.executor.apply(assign([task('new', { port: 20_000 })], { full: true })); // `old` is no longer assigned
    expect(s.runtime.calls).toContain('stop old');
    await eventually('new waiting', () => s.last('new')?.state === 'preparing');
    s.runtime.stops.get('old')?.resolve();
    await eventually('new started', () => s.runtime.started().includes('new'));
    await eventually('old removed', () => s.runtime.calls.includes('remove old'));
  });

  it('a stop that fails does not free the port: it is reported and tried again', async () => {
    const s = setup({ stopRetryMs: 50 });
    const old = task('old', { port: 20_000 });
    await running(s, old);
    s.runtime.stopFailures = 1;
    s.executor.apply(assign([{ ...old, desiredState: 'shutdown' }, task('next', { port: 20_000 })], { full: true }));
    await eventually('the failure reported', () => s.last('old')?.message?.startsWith('could not stop it: the engine did not answer'));
    expect(s.last('old')?.state).toBe('running');
    expect(s.last('next')?.state).toBe('preparing');
    await eventually('a second stop', () => s.runtime.stops.has('old'));
    s.runtime.stops.get('old')?.resolve();
    await eventually('next started', () => s.runtime.started().includes('next'));
  });

  it('a task found running from before a restart holds its port', async () => {
    const s = setup();
    s.runtime.found = [{ taskId: 'left', runtimeId: 'rt-left', running: true, port: 20_000 }];
    await s.executor.adopt();
    s.executor.apply(assign([task('new', { port: 20_000 })], { full: true }));
    expect(s.runtime.calls).toContain('stop left');
    await eventually('new waiting', () => s.last('new')?.state === 'preparing');
    expect(s.last('new')?.message).toBe('waiting for port 20000 held by task left to stop');
    s.runtime.stops.get('left')?.resolve();
    await eventually('new started', () => s.runtime.started().includes('new'));
  });

  it('two new tasks on one port: the first starts, the second waits for it', async () => {
    const s = setup();
    s.executor.apply(assign([task('a', { port: 20_000, name: 'web.1.a' }), task('b', { port: 20_000 })], { full: true }));
    await eventually('a started', () => s.runtime.started().includes('a'));
    await eventually('b waiting', () => s.last('b')?.state === 'preparing');
    expect(s.last('b')?.message).toBe('waiting for port 20000 held by task web.1.a to stop');
    s.runtime.starts.get('a')?.resolve();
    s.runtime.send({ kind: 'state', taskId: 'a', state: 'failed', message: 'exited with code 1', exitCode: 1 });
    await eventually('b started', () => s.runtime.started().includes('b'));
  });
});

describe('Executor: the drain before a stop', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Lets pending promise callbacks and immediates run (the fake clock only moves timeouts). */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };

  const published = (id: string, drainMs = 2000): AssignedTask =>
    task(id, { ports: [{ published: 8080, target: 8080, protocol: 'tcp' }], spec: spec({ runtime: 'process', command: ['sleep', '1000'], drainMs }) });

  /** A running task with a published port, then its shutdown: returns what it needs to go on. */
  async function runningThenShutdown(t: AssignedTask) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const rig = setup();
    rig.executor.apply(assign([t], { full: true }));
    await settle();
    rig.runtime.starts.get(t.id)!.resolve();
    await settle();
    expect(rig.last(t.id)?.state).toBe('running');
    rig.executor.apply(assign([{ ...t, desiredState: 'shutdown' }]));
    await settle();
    return rig;
  }

  it('keeps a running task with published ports running for drainMs, then signals it', async () => {
    const t = published('t1');
    const { runtime, last } = await runningThenShutdown(t);
    expect(last(t.id)).toMatchObject({ state: 'running', message: 'draining for 2s before stop' });
    expect(runtime.calls).not.toContain(`stop ${t.id}`);
    vi.advanceTimersByTime(1999);
    await settle();
    expect(runtime.calls).not.toContain(`stop ${t.id}`);
    vi.advanceTimersByTime(1);
    await settle();
    expect(runtime.calls).toContain(`stop ${t.id}`);
    runtime.stops.get(t.id)!.resolve();
    await settle();
    expect(last(t.id)?.state).toBe('shutdown');
  });

  it('does not signal a task that ended by itself while it drained', async () => {
    const t = published('t1');
    const { runtime, last } = await runningThenShutdown(t);
    runtime.send({ kind: 'state', taskId: t.id, state: 'complete', message: 'exited', exitCode: 0 });
    await settle();
    expect(last(t.id)?.state).toBe('complete');
    vi.advanceTimersByTime(2000);
    await settle();
    expect(runtime.calls).not.toContain(`stop ${t.id}`);
  });

  it('stops at once a task without published ports, or with drainMs 0', async () => {
    for (const t of [task('t1'), published('t2', 0)]) {
      const { runtime, last } = await runningThenShutdown(t);
      expect(runtime.calls).toContain(`stop ${t.id}`);
      expect(last(t.id)?.message).not.toMatch(/draining/);
      vi.useRealTimers();
    }
  });

  it('cancels drains when the agent stops: its tasks keep running', async () => {
    const t = published('t1');
    const { runtime, executor } = await runningThenShutdown(t);
    executor.close();
    vi.advanceTimersByTime(2000);
    await settle();
    expect(runtime.calls).not.toContain(`stop ${t.id}`);
  });
});
