// The simulator itself: it must be deterministic, exercise every fault it claims to, and catch
// known mistakes. (`npm test` also runs a batch of seeds through `npm run sim`.)

import { describe, expect, it } from 'vitest';
import { runSeed, runSeeds, type SimResult } from '@shoal/raft/sim';
import type { PlantedBugs } from '@shoal/raft';

describe('simulator', () => {
  it('replays a seed exactly: same events, same trace, same outcome', () => {
    const a = runSeed({ seed: 4242, nodes: 5, trace: true, traceMessages: true });
    const b = runSeed({ seed: 4242, nodes: 5, trace: true, traceMessages: true });
    expect(a.stats).toEqual(b.stats);
    expect(a.trace).toEqual(b.trace);
    expect(a.trace.length).toBeGreaterThan(100);
  });

  it('different seeds explore different runs', () => {
    const a = runSeed({ seed: 1, nodes: 3 });
    const b = runSeed({ seed: 2, nodes: 3 });
    expect(a.stats).not.toEqual(b.stats);
  });

  it('a mixed batch of 3, 5 and 7 node clusters exercises every fault and finds no violation', async () => {
    const results: SimResult[] = [];
    for (let seed = 1; seed <= 60; seed++) results.push(runSeed({ seed, nodes: [3, 5, 7][seed % 3]! }));
    const total = (k: keyof SimResult['stats']): number => results.reduce((n, r) => n + r.stats[k], 0);
    expect(results.flatMap((r) => r.violations)).toEqual([]);
    // Every kind of fault actually happened somewhere in the batch.
    expect(total('crashes')).toBeGreaterThan(0);
    expect(total('messagesDropped')).toBeGreaterThan(0);
    expect(total('snapshotsInstalled')).toBeGreaterThan(0);
    expect(total('membershipChanges')).toBeGreaterThan(0);
    expect(total('transfers')).toBeGreaterThan(0);
    expect(total('readsServed')).toBeGreaterThan(0);
    expect(total('proposalsAcked')).toBeGreaterThan(0);
    // Liveness: after the faults stopped, every run committed a new proposal.
    for (const r of results) expect(r.stats.recoveryMs, `seed ${r.seed}`).toBeGreaterThanOrEqual(0);
    const styles = new Set(results.map((r) => r.profile.style));
    expect(styles).toEqual(new Set(['calm', 'chaos', 'leader-killer']));
  });
});

describe('the simulator catches planted bugs', () => {
  // Each bug must be reported within this many seeds of the default (mixed) fault profiles.
  const BOUND = 400;

  async function firstViolation(bugs: PlantedBugs): Promise<{ seed: number; invariants: string[] } | undefined> {
    const summary = await runSeeds({ seeds: BOUND, bugs, workers: 0, stopOnViolation: true });
    const f = summary.failures[0];
    return f && { seed: f.seed, invariants: f.violations.map((v) => v.invariant) };
  }

  it('counting replicas of an old-term entry toward commit (§5.4.2, Fig. 8)', async () => {
    const found = await firstViolation({ commitOldTermByCounting: true });
    expect(found, `no violation within ${BOUND} seeds`).toBeDefined();
    expect(found!.invariants.some((i) => ['leader completeness', 'state machine safety', 'acknowledged write lost'].includes(i))).toBe(true);
  });

  it('granting a vote without the log up-to-date check (§5.4.1)', async () => {
    const found = await firstViolation({ voteIgnoringLogUpToDate: true });
    expect(found, `no violation within ${BOUND} seeds`).toBeDefined();
    expect(found!.invariants).toContain('leader completeness');
  });

  it('not persisting the vote before answering (§5.2, Fig. 2 "persistent state")', async () => {
    const found = await firstViolation({ forgetToPersistVote: true });
    expect(found, `no violation within ${BOUND} seeds`).toBeDefined();
    expect(found!.invariants).toContain('election safety');
  });

  it('a failing seed replays to the same violation', async () => {
    const found = await firstViolation({ forgetToPersistVote: true });
    const nodes = [3, 5, 7][found!.seed % 3]!;
    const replay = runSeed({ seed: found!.seed, nodes, bugs: { forgetToPersistVote: true }, trace: true });
    expect(replay.violations.map((v) => v.invariant)).toEqual(found!.invariants);
    expect(replay.trace.some((line) => line.includes('CRASH'))).toBe(true);
  });
});
