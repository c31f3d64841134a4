// The workload's and the convergence check's pure parts: which answers prove a write was not
// applied, the unavailability windows, the flags, and what counts as converged.

import type { ClusterInfoResponse__Output, WireService__Output, WireTask__Output } from '@shoal/wire';
import { describe, expect, it } from 'vitest';
import { convergenceProblems, type ManagerView } from '../src/convergence/converged.js';
import { parseOptions } from '../src/workload/main.js';
import { provesNotApplied } from '../src/workload/manager-caller.js';
import { seededRandom, unavailableWindows } from '../src/workload/summary.js';

describe('provesNotApplied', () => {
  it('takes refusals before proposing and store refusals as certain, everything else as unknown', () => {
    expect(provesNotApplied('NOT_LEADER', 'this manager is not the leader')).toBe(true);
    expect(provesNotApplied('UPDATE_OUT_OF_SEQUENCE', 'update out of sequence')).toBe(true);
    expect(provesNotApplied('NO_QUORUM', 'cannot commit: 1 of 3 managers reachable; 2 needed for a quorum')).toBe(true);
    expect(provesNotApplied('NO_QUORUM', 'the change was not committed within 5000 ms (...); it may still be applied: re-read before retrying')).toBe(false);
    for (const code of ['TIMEOUT', 'STOPPED', 'INTERNAL', 'UNAVAILABLE', 'DEADLINE_EXCEEDED']) expect(provesNotApplied(code, '')).toBe(false);
  });
});

describe('unavailableWindows', () => {
  it('reports gaps of a second or more between successes, at the edges too', () => {
    expect(unavailableWindows([100, 300, 2500, 2600], 0, 4000)).toEqual([
      { fromMs: 300, toMs: 2500, ms: 2200 },
      { fromMs: 2600, toMs: 4000, ms: 1400 },
    ]);
    expect(unavailableWindows([], 0, 500)).toEqual([]);
  });

  it('seededRandom replays', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('workload flags', () => {
  const base = ['--managers', '127.0.0.1:1,127.0.0.1:2', '--certs', '/c', '--history', '/h.jsonl', '--duration-ms', '1000', '--clients', '3'];
  it('parses them, with defaults', () => {
    expect(parseOptions(base)).toMatchObject({ managers: ['127.0.0.1:1', '127.0.0.1:2'], durationMs: 1000, clients: 3, keys: 4, setup: false });
    expect(parseOptions([...base, '--keys', '2', '--setup', '--start-ns', '12345'])).toMatchObject({ keys: 2, setup: true, startNs: 12345n });
  });
  it('refuses bad ones, saying which', () => {
    expect(() => parseOptions(base.slice(0, -2))).toThrow(/--clients is required/);
    expect(() => parseOptions([...base, '--keys', '0'])).toThrow(/--keys must be a positive integer/);
    expect(() => parseOptions([...base, '--bogus'])).toThrow(/bogus/);
    expect(() => parseOptions(['--managers', 'nohost', ...base.slice(2)])).toThrow(/HOST:PORT/);
  });
});

describe('convergenceProblems', () => {
  const info = (id: string, leader: string, applied: string, digest: string): ManagerView => ({
    addr: `${id}:1`,
    info: { answeredBy: id, leader, appliedIndex: applied, storeDigest: digest } as ClusterInfoResponse__Output,
  });
  const service = { id: 's1', name: 'web', desired: 2 } as WireService__Output;
  const task = (slot: number, state = 'running'): WireTask__Output =>
    ({ serviceId: 's1', serviceName: 'web', slot, nodeId: 'n', desiredState: 'running', state }) as WireTask__Output;
  const live = [info('a', 'a', '10', 'd'), info('b', 'a', '10', 'd'), info('c', 'a', '10', 'd')];

  it('is empty when everything agrees', () => {
    expect(convergenceProblems({ live, silent: [], expectManagers: 3, services: [service], tasks: [task(1), task(2)] })).toEqual([]);
  });

  it('names each thing that did not converge', () => {
    const problems = convergenceProblems({
      live: [info('a', 'a', '10', 'd'), info('b', 'b', '10', 'e')],
      silent: [{ addr: 'c:1', error: 'UNAVAILABLE' }],
      expectManagers: 3,
      services: [service],
      tasks: [task(1), task(1)],
    });
    expect(problems.join('\n')).toMatch(/managers: 2 of the expected 3/);
    expect(problems.join('\n')).toMatch(/leader: the managers disagree/);
    expect(problems.join('\n')).toMatch(/store digest: different stores at the same applied index 10/);
    expect(problems.join('\n')).toMatch(/slots with more than one running task: web.1 ×2/);
  });

  it('wants the same applied index, and services at their replica count', () => {
    const problems = convergenceProblems({ live: [info('a', 'a', '10', 'd'), info('b', 'a', '11', 'd')], silent: [], services: [service], tasks: [task(1)] });
    expect(problems.join('\n')).toMatch(/applied index: the managers differ/);
    expect(problems.join('\n')).toMatch(/not at their replica count \(running\/desired\): web 1\/2/);
  });
});
