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
});
