// A burst of 500 task starts through the executor and the process runtime, as a worker given a
// large service sees it: every task must reach running, every process must be stopped and
// removed afterwards, and the event loop (where heartbeats are sent) must keep turning. The
// event-loop delay is printed, not asserted: this machine's load is not the test's to judge
// (see the scale-process benchmark for figures).

import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { TaskReport } from '@shoal/wire';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Executor, type AssignedTask } from '../src/executor.js';
import { ProcessRuntime } from '../src/runtime/index.js';
import { eventually, isAlive, killProcessGroup, spec } from './runtime-fixtures.js';

const TASKS = 500;
const NODE_ID = 'node-burst-test-000000001';

let dataDir: string;
let tasksRoot: string;
let runtime: ProcessRuntime;
const ids = Array.from({ length: TASKS }, (_, i) => `burst${String(i).padStart(4, '0')}${process.pid}x`);
const pids = new Set<number>();

function assigned(desired: 'running' | 'shutdown') {
  return ids.map((id, i) => {
    const task: AssignedTask = {
      id,
      name: `burst.${i + 1}.${id.slice(0, 6)}`,
      serviceId: 'svcburst000000000000000001',
      serviceName: 'burst',
      serviceVersion: 1,
      slot: i + 1,
      nodeId: NODE_ID,
      spec: spec({ runtime: 'process', command: ['sleep', '1000'], stopGracePeriodMs: 5_000 }),
      ports: [],
      port: 0,
      desiredState: desired,
      state: 'assigned',
    };
    return task;
  });
}

/** Every live process whose environment names one of this test's tasks (one pass over /proc). */
function processesOfBurst(): number[] {
  const mine = new Set(ids);
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      const m = /(?:^|\0)SHOAL_TASK_ID=([^\0]*)/.exec(env);
      if (m && mine.has(m[1] ?? '') && isAlive(pid)) found.push(pid);
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'shoal-burst-'));
  tasksRoot = mkdtempSync(join(tmpdir(), 'shoal-burst-tasks-'));
  chmodSync(tasksRoot, 0o711); // as root, tasks run as nobody, which must pass it
  runtime = new ProcessRuntime({ nodeId: NODE_ID, dataDir, tasksRoot });
});

afterAll(async () => {
  // Whatever is left (a failed run) goes: by process group, then anything that names a task.
  for (const pid of [...pids, ...processesOfBurst()]) killProcessGroup(pid);
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(tasksRoot, { recursive: true, force: true });
});

describe('a burst of task starts', () => {
  it(`starts ${TASKS} processes, keeps the event loop turning, and stops and removes them all`, async () => {
    const latest = new Map<string, TaskReport>();
    const executor = new Executor(runtime, (r) => latest.set(r.taskId ?? '', r), pino({ enabled: false }), '127.0.0.1');
    const countIn = (state: string): number => [...latest.values()].filter((r) => r.state === state).length;

    // What the session's heartbeat timer would see: the longest gap between 100 ms ticks.
    let lastTick = performance.now();
    let worstTickGapMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstTickGapMs = Math.max(worstTickGapMs, now - lastTick - 100);
      lastTick = now;
    }, 100);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const began = performance.now();
    try {
      executor.apply({ full: true, removed: [], assigned: assigned('running'), unreadable: [] });
      await eventually(`all ${TASKS} tasks running (${countIn('running')} so far)`, () => countIn('running') === TASKS, 90_000);
    } finally {
      delay.disable();
      clearInterval(ticker);
    }
    const startMs = performance.now() - began;
    for (const r of latest.values()) pids.add(Number(r.runtimeId));
    console.log(
      `${TASKS} starts in ${(startMs / 1000).toFixed(1)} s; event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms, ` +
        `p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms; worst 100 ms timer lateness ${worstTickGapMs.toFixed(1)} ms`,
    );

    expect(countIn('failed')).toBe(0);
    expect(pids.size).toBe(TASKS);
    for (const pid of pids) expect(Number.isInteger(pid) && pid > 0 && isAlive(pid)).toBe(true);
    expect(processesOfBurst().sort()).toEqual([...pids].sort());

    executor.apply({ full: true, removed: [], assigned: assigned('shutdown'), unreadable: [] });
    await eventually(`all ${TASKS} tasks shut down (${countIn('shutdown')} so far)`, () => countIn('shutdown') === TASKS, 90_000);
    expect([...pids].filter(isAlive)).toEqual([]);
    expect(processesOfBurst()).toEqual([]);

    // The leader forgets them: their directories go.
    executor.apply({ full: true, removed: ids, assigned: [], unreadable: [] });
    await eventually('every task directory removed', () => ids.every((id) => !existsSync(runtime.taskDir(id))), 30_000);
    expect(readdirSync(join(dataDir, 'tasks'))).toEqual([]);
    expect(readdirSync(join(tasksRoot, NODE_ID))).toEqual([]);
  }, 240_000);
});
