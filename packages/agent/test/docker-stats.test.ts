// DockerCpuSampler against a fake engine: how often it asks, and how many requests at once.

import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DockerCpuSampler } from '../src/runtime/docker-stats.js';

/** An engine whose stats answer when the test says so, counting what was asked. */
function fakeEngine(usageNs: (id: string) => number | Error) {
  const asked: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: (() => void)[] = [];
  const docker = {
    getContainer: (id: string) => ({
      stats: () =>
        new Promise((resolve, reject) => {
          asked.push(id);
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          pending.push(() => {
            inFlight--;
            const u = usageNs(id);
            if (u instanceof Error) reject(u);
            else resolve({ cpu_stats: { cpu_usage: { total_usage: u } } });
          });
        }),
    }),
  } as unknown as Docker;
  /** Answers every request waiting now, and those they lead to, until none is left. */
  const answerAll = async (): Promise<void> => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { docker, asked, answerAll, maxInFlight: () => maxInFlight };
}

describe('DockerCpuSampler', () => {
  it('asks for every container with at most `concurrency` requests in flight, in microseconds; a failed one is left out', async () => {
    const engine = fakeEngine((id) => (id === 'c3' ? new Error('no such container') : Number(id.slice(1)) * 1_000_000));
    const sampler = new DockerCpuSampler(engine.docker, { concurrency: 2, minIntervalMs: 60_000 });
    const containers = new Map([1, 2, 3, 4, 5].map((n) => [`t${n}`, `c${n}`]));
    const sampled = sampler.sample(containers);
    await engine.answerAll();
    expect(await sampled).toEqual(
      new Map([
        ['t1', 1_000],
        ['t2', 2_000],
        ['t4', 4_000],
        ['t5', 5_000],
      ]),
    );
    expect(engine.asked.sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(engine.maxInFlight()).toBe(2);

    // Within minIntervalMs the engine is not asked again; only the containers asked about come back.
    expect(await sampler.sample(new Map([['t2', 'c2']]))).toEqual(new Map([['t2', 2_000]]));
    expect(engine.asked).toHaveLength(5);
  });

  it('asks again once the sample is older than minIntervalMs; calls meanwhile share one round', async () => {
    let usage = 1_000_000;
    const engine = fakeEngine(() => usage);
    const sampler = new DockerCpuSampler(engine.docker, { minIntervalMs: 0 });
    const containers = new Map([['t1', 'c1']]);
    const [a, b] = [sampler.sample(containers), sampler.sample(containers)];
    await engine.answerAll();
    expect([await a, await b]).toEqual([new Map([['t1', 1_000]]), new Map([['t1', 1_000]])]);
    expect(engine.asked).toEqual(['c1']);

    usage = 3_000_000;
    const c = sampler.sample(containers);
    await engine.answerAll();
    expect(await c).toEqual(new Map([['t1', 3_000]]));
    expect(engine.asked).toEqual(['c1', 'c1']);
  });
});
