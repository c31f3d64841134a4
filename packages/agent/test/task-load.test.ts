// TaskLoadMeter on its own: a runtime and a mesh played by maps, the clock injected.

import { describe, expect, it } from 'vitest';
import type { TaskCounters } from '@shoal/ingress';
import { TaskLoadMeter, type LocalTask } from '../src/task-load.js';
import { workerMetricsAddr } from '../src/metrics-address.js';

function rig(local: LocalTask[]) {
  const clock = { ms: 1_000 };
  const cpu = new Map<string, number>();
  const counters = new Map<string, TaskCounters>();
  const meter = new TaskLoadMeter({
    runtime: { cpuTimes: async () => new Map(cpu) },
    mesh: { taskCounters: () => counters },
    localTasks: () => local,
    reportMs: 2_000,
    now: () => clock.ms,
  });
  return { clock, cpu, counters, meter };
}

const counters = (open: number, total: number): TaskCounters => ({ open, total, bytesIn: total * 10, bytesOut: total * 100, connectErrors: 0 });

describe('TaskLoadMeter', () => {
  it('turns two CPU samples into percent of one core; a task seen once is unknown (-1)', async () => {
    const r = rig([{ taskId: 'a', name: 'web.1.a', serviceName: 'web' }]);
    r.cpu.set('a', 5_000_000);
    await r.meter.sample();
    expect(r.meter.cpuPercent('a')).toBeUndefined();
    expect(r.meter.forHeartbeat()).toEqual([
      { taskId: 'a', cpuPercent: -1, openConnections: 0, totalConnections: '0', bytesIn: '0', bytesOut: '0', connectErrors: '0' },
    ]);

    // 2 s later it used 1.5 s more: 75 % of one core.
    r.clock.ms += 2_000;
    r.cpu.set('a', 6_500_000);
    await r.meter.sample();
    expect(r.meter.cpuPercent('a')).toBeCloseTo(75);
    expect(r.meter.forHeartbeat()[0]).toMatchObject({ taskId: 'a', cpuPercent: 75 });
  });

  it('carries load at most every reportMs; other tasks of the mesh only when they moved or hold connections, and all of them now and then', async () => {
    const r = rig([{ taskId: 'mine', name: 'web.1.mine', serviceName: 'web' }]);
    r.counters.set('mine', counters(1, 4));
    r.counters.set('elsewhere', counters(0, 7));
    r.counters.set('busy', counters(2, 9));
    r.counters.set('never', counters(0, 0)); // routed, never connected to: nothing to say

    const ids = (): string[] => r.meter.forHeartbeat().map((l) => l.taskId ?? '');
    expect(ids()).toEqual(['mine', 'elsewhere', 'busy']);
    r.clock.ms += 500;
    expect(ids()).toEqual([]); // between reports

    r.clock.ms += 1_500;
    // Nothing moved: its own task always, and the one with open connections.
    expect(ids()).toEqual(['mine', 'busy']);
    r.clock.ms += 2_000;
    r.counters.set('elsewhere', counters(0, 8));
    expect(ids()).toEqual(['mine', 'elsewhere', 'busy']);
    r.clock.ms += 2_000;
    expect(ids()).toEqual(['mine', 'busy']);
    r.clock.ms += 2_000;
    expect(ids()).toEqual(['mine', 'busy']);
    // The fifth report after the first refreshes everything.
    r.clock.ms += 2_000;
    expect(ids()).toEqual(['mine', 'elsewhere', 'busy']);
  });
});

describe('workerMetricsAddr (--metrics)', () => {
  it('takes HOST:PORT, a bare PORT on loopback, or "" for none; anything else is a clear error', () => {
    expect(workerMetricsAddr('', '127.0.0.12:0')).toBe('');
    expect(workerMetricsAddr('9100', '127.0.0.12:0')).toBe('127.0.0.12:9100');
    expect(workerMetricsAddr('9100', '0.0.0.0:0')).toBe('127.0.0.1:9100');
    expect(workerMetricsAddr('127.0.0.5:9100', '127.0.0.12:0')).toBe('127.0.0.5:9100');
    expect(() => workerMetricsAddr('99999', '127.0.0.1:0')).toThrow('--metrics 99999: 99999 is not a port (0-65535)');
    expect(() => workerMetricsAddr('localhost', '127.0.0.1:0')).toThrow('--metrics wants HOST:PORT or a PORT (on loopback), or "" for none (got "localhost")');
  });
});
