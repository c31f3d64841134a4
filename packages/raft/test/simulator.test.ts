// The simulator itself: it must be deterministic, exercise every fault it claims to, and catch
// known mistakes. (`npm test` also runs a batch of seeds through `npm run sim`.)

import { describe, expect, it } from 'vitest';
import { InvariantChecker, drawProfile, majoritiesCanBeDisjoint, runSeed, runSeeds, Prng, TICK_MS, type SimResult } from '@shoal/raft/sim';
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
    expect(total('writeWindowCrashes')).toBeGreaterThan(0);
    // Liveness: after the faults stopped, every run committed a new proposal.
    for (const r of results) expect(r.stats.recoveryMs, `seed ${r.seed}`).toBeGreaterThanOrEqual(0);
    const styles = new Set(results.map((r) => r.profile.style));
    expect(styles).toEqual(new Set(['calm', 'chaos', 'leader-killer', 'membership']));
    // Every profile writes to a disk that takes time, so every write has a window to crash in.
    for (const r of results) expect(r.profile.diskLatencyMs[0], `seed ${r.seed}`).toBeGreaterThan(0);
  });

  it('nodes tick at their own rates, within ±50 % of TICK_MS, drawn from the seed', () => {
    const trace = runSeed({ seed: 7, nodes: 7, faultMs: 500, trace: true }).trace;
    const tickMs = (t: readonly string[]): string[] => t.filter((l) => l.includes('ticks every'));
    const lines = tickMs(trace);
    expect(lines.length).toBeGreaterThanOrEqual(7);
    const rates = lines.map((l) => Number(/ticks every (\d+)ms/.exec(l)![1]));
    for (const ms of rates) {
      expect(ms).toBeGreaterThanOrEqual(TICK_MS / 2);
      expect(ms).toBeLessThanOrEqual((TICK_MS * 3) / 2);
    }
    expect(new Set(rates).size).toBeGreaterThan(1);
    expect(tickMs(runSeed({ seed: 7, nodes: 7, faultMs: 500, trace: true }).trace)).toEqual(lines);
  });

  it('the membership profile changes the configuration back to back in every way, and the correct core keeps it safe', () => {
    const seen = new Set<string>();
    let runs = 0;
    for (let seed = 1; seen.size < 4 && runs < 12; seed++) {
      if (drawProfile(new Prng(seed, 1)).style !== 'membership') continue;
      runs++;
      const nodes = [3, 5, 7][seed % 3]!;
      const r = runSeed({ seed, nodes, trace: true, traceLimit: 1e6 });
      // A demotion turns one of the initial voters (n1..n<nodes>) into a learner.
      const kinds = {
        add: /proposes add-learner n\d+$/,
        promote: /proposes add-voter /,
        remove: /proposes remove-node /,
        demote: new RegExp(`proposes add-learner n[1-${nodes}]$`),
      };
      expect(r.violations, `seed ${seed}`).toEqual([]);
      for (const [kind, re] of Object.entries(kinds)) if (r.trace.some((l) => re.test(l))) seen.add(kind);
    }
    expect([...seen].sort()).toEqual(['add', 'demote', 'promote', 'remove']);
  });
});

describe('the invariants the simulator checks', () => {
  it('configurations one change apart always share a voter between majorities; two changes apart may not', () => {
    expect(majoritiesCanBeDisjoint(['a', 'b', 'c'], ['a', 'b', 'c', 'd'])).toBe(false); // add a voter
    expect(majoritiesCanBeDisjoint(['a', 'b', 'c'], ['a', 'b'])).toBe(false); // remove or demote one
    expect(majoritiesCanBeDisjoint(['a', 'b', 'c'], ['a', 'b', 'c', 'd', 'e'])).toBe(true); // {a,b} and {c,d,e}
    expect(majoritiesCanBeDisjoint(['a', 'b', 'c'], ['a', 'd', 'e'])).toBe(true); // two swapped
    expect(majoritiesCanBeDisjoint(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'])).toBe(false);
  });

  it('a read issued after another read was answered may not be answered at a lower index', () => {
    const checker = new InvariantChecker(() => 0);
    checker.onReadIssued('r1');
    checker.onReadState('n1', 'r1', 10);
    checker.onReadIssued('r2');
    checker.onReadState('n2', 'r2', 9);
    expect(checker.violations.map((v) => v.invariant)).toEqual(['linearizable read']);
  });

  it('reads in flight together may be answered in either order', () => {
    const checker = new InvariantChecker(() => 0);
    checker.onReadIssued('r1');
    checker.onReadIssued('r2');
    checker.onReadState('n1', 'r1', 10);
    checker.onReadState('n2', 'r2', 9);
    expect(checker.violations).toEqual([]);
  });
});

describe('the simulator catches planted bugs', () => {
  // Each bug must be reported within this many seeds of the default (mixed) fault profiles:
  // the CI count (`npm run sim -- --seeds 300`).
  const BOUND = 300;

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

  it('a vote granted before it is on disk (VoteResp among the early messages; Fig. 2)', async () => {
    const found = await firstViolation({ voteRespBeforePersist: true });
    expect(found, `no violation within ${BOUND} seeds`).toBeDefined();
    expect(found!.invariants).toContain('election safety');
  });

  it('a leader counting its own unpersisted entry toward commit (diss. §10.2.1)', async () => {
    const found = await firstViolation({ leaderCountsUnpersistedSelf: true });
    expect(found, `no violation within ${BOUND} seeds`).toBeDefined();
    expect(found!.invariants.some((i) => ['leader completeness', 'state machine safety', 'acknowledged write lost'].includes(i))).toBe(true);
  });

  it('several membership changes in flight (the one-at-a-time guard off; diss. §4.1)', async () => {
    const found = await firstViolation({ confChangesInFlight: true });
    expect(found, `no violation within ${BOUND} seeds`).toBeDefined();
    expect(found!.invariants).toContain('configuration');
  });

  it('a new leader proposing a membership change before committing an entry of its term (the 2015 fix)', async () => {
    const found = await firstViolation({ confChangeBeforeTermCommit: true });
    expect(found, `no violation within ${BOUND} seeds`).toBeDefined();
    expect(found!.invariants.some((i) => ['configuration', 'leader completeness', 'election safety'].includes(i))).toBe(true);
  });

  it('campaigning with a committed but unapplied membership change', async () => {
    const found = await firstViolation({ campaignWithUnappliedConfChange: true });
    expect(found, `no violation within ${BOUND} seeds`).toBeDefined();
    expect(found!.invariants).toContain('configuration');
  });

  it('a failing seed replays to the same violation', async () => {
    const found = await firstViolation({ forgetToPersistVote: true });
    const nodes = [3, 5, 7][found!.seed % 3]!;
    const replay = runSeed({ seed: found!.seed, nodes, bugs: { forgetToPersistVote: true }, trace: true });
    expect(replay.violations.map((v) => v.invariant)).toEqual(found!.invariants);
    expect(replay.trace.some((line) => line.includes('CRASH'))).toBe(true);
  });
});
