// The simulated runtime must carry a load test's thousands of tasks cheaply.

import { describe, expect, it } from 'vitest';
import { SimulatedRuntime, createRuntime, type RuntimeEvent } from '../src/runtime/index.js';
import { collect, launch } from './runtime-fixtures.js';

describe('SimulatedRuntime', () => {
  it('starts and stops 2,000 tasks quickly', async () => {
    const rt = new SimulatedRuntime();
    const counts = new Map<string, number>();
    const order = new Map<string, string[]>();
    rt.on('event', (e: RuntimeEvent) => {
      if (e.kind !== 'state') return;
      counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
      const seen = order.get(e.taskId) ?? [];
      seen.push(e.state);
      order.set(e.taskId, seen);
    });
    const tasks = Array.from({ length: 2000 }, () => launch('sim-node', { runtime: 'simulated' }));

    await Promise.all(tasks.map((t) => rt.start(t)));
    const allRunning = new Promise<void>((resolve) => {
      const check = (): void => {
        if ((counts.get('running') ?? 0) === tasks.length) resolve();
      };
      rt.on('event', check);
      check();
    });
    await allRunning;
    // An hour's grace: a simulated task stops at once, or this test times out.
    await Promise.all(tasks.map((t) => rt.stop(t.taskId, 3_600_000)));

    expect(counts.get('shutdown')).toBe(2000);
    for (const t of tasks) expect(order.get(t.taskId)).toEqual(['starting', 'running', 'shutdown']);
    await rt.close();
  });

  it('claims the capacity it is given, finds nothing, prints nothing', async () => {
    const rt = await createRuntime('simulated', { nodeId: 'n', dataDir: '/nonexistent', simulatedCapacity: { nanoCpus: 8e9, memoryBytes: 2 ** 33 } });
    expect(rt.capacity()).toEqual({ nanoCpus: 8e9, memoryBytes: 2 ** 33 });
    expect(new SimulatedRuntime().capacity()).toEqual({ nanoCpus: 64e9, memoryBytes: 256 * 2 ** 30 });
    expect(await rt.discover()).toEqual([]);
    const t = launch('n', {});
    await rt.start(t);
    expect(await collect(rt.logs(t.taskId, { follow: true }))).toEqual([]);
    await rt.close();
  });

  it('a task stopped before it ran ends as shutdown and never reports running', async () => {
    const rt = new SimulatedRuntime();
    const states: string[] = [];
    rt.on('event', (e: RuntimeEvent) => e.kind === 'state' && states.push(e.state));
    const t = launch('n', {});
    await rt.start(t);
    await rt.stop(t.taskId, 0);
    await new Promise((r) => setImmediate(r));
    expect(states).toEqual(['starting', 'shutdown']);
  });

  it('cpuTimes follows the CPU load a test sets per task, for running tasks only', async () => {
    const rt = new SimulatedRuntime();
    const [a, b] = [launch('sim-node', { runtime: 'simulated' }), launch('sim-node', { runtime: 'simulated' })];
    const running = new Promise<void>((resolve) => {
      let n = 0;
      rt.on('event', (e: RuntimeEvent) => e.kind === 'state' && e.state === 'running' && ++n === 2 && resolve());
    });
    await rt.start(a);
    await rt.start(b);
    await running;
    rt.setCpuPercent(a.taskId, 150);
    const t0 = performance.now();
    const first = await rt.cpuTimes();
    // Let some wall time pass (a busy wait on the clock: no timers to depend on).
    while (performance.now() - t0 < 20) {
      /* spin */
    }
    const second = await rt.cpuTimes();
    const wallMicros = (performance.now() - t0) * 1000;
    const usedA = second.get(a.taskId)! - first.get(a.taskId)!;
    expect(usedA).toBeGreaterThan(0);
    expect(usedA).toBeLessThanOrEqual(1.5 * wallMicros);
    expect(second.get(b.taskId)).toBe(0);
    expect(() => rt.setCpuPercent(a.taskId, -1)).toThrow(/a CPU load is a percentage of one core, 0 or more \(got -1\)/);

    await rt.stop(a.taskId, 0);
    expect((await rt.cpuTimes()).has(a.taskId)).toBe(false);
    await rt.close();
  });
});
