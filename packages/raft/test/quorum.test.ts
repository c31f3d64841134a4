// Unit tests of quorum.ts, after etcd-io/raft's quorum/ tests (majority_commit.txt,
// majority_vote.txt, quorum_test.go). The paper's rules about quorum size and why a strict
// majority is needed for even sizes are in paper-5.4-safety.test.ts.
//
// shoal changes membership one voter at a time (conf-change.ts), so there is no joint
// configuration to test; the property that makes joint consensus unnecessary for such changes
// — every majority of the old voters meets every majority of the new — is tested here instead.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MajorityConfig, VoteResult, quorumSize } from '../src/quorum.js';

const P = VoteResult.Pending;
const W = VoteResult.Won;
const L = VoteResult.Lost;

/** Voter ids n0, n1, ... */
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i}`);

/** Up to 9 voters with an acknowledged index each (undefined: nothing acknowledged yet). */
const ackedVoters = fc.integer({ min: 0, max: 9 }).chain((n) => fc.array(fc.option(fc.nat({ max: 20 }), { nil: undefined }), { minLength: n, maxLength: n }));

/** Up to 9 voters with a vote each (undefined: not voted yet). */
const votingVoters = fc.integer({ min: 0, max: 9 }).chain((n) => fc.array(fc.option(fc.boolean(), { nil: undefined }), { minLength: n, maxLength: n }));

function configOf<T>(values: readonly (T | undefined)[]): { config: MajorityConfig; of: (id: string) => T | undefined } {
  const byId = new Map(ids(values.length).map((id, i) => [id, values[i]]));
  return { config: new MajorityConfig(byId.keys()), of: (id) => byId.get(id) };
}

function votesOf(values: readonly (boolean | undefined)[]): Map<string, boolean> {
  const m = new Map<string, boolean>();
  values.forEach((v, i) => v !== undefined && m.set(`n${i}`, v));
  return m;
}

describe('MajorityConfig.committedIndex', () => {
  it.each([
    { voters: ['a'], acked: { a: 7 }, want: 7 },
    { voters: ['a'], acked: {}, want: 0 },
    { voters: ['a', 'b'], acked: { a: 10, b: 5 }, want: 5 }, // 2 of 2 needed
    { voters: ['a', 'b'], acked: { a: 10 }, want: 0 },
    { voters: ['a', 'b', 'c'], acked: { a: 5, b: 3, c: 1 }, want: 3 },
    { voters: ['a', 'b', 'c'], acked: { a: 5, b: 5, c: 1 }, want: 5 },
    { voters: ['a', 'b', 'c'], acked: { a: 5 }, want: 0 }, // no ack counts as 0
    { voters: ['a', 'b', 'c', 'd'], acked: { a: 4, b: 3, c: 2, d: 1 }, want: 2 }, // 3 of 4 needed
    { voters: ['a', 'b', 'c', 'd'], acked: { a: 9, b: 9, c: 2 }, want: 2 },
    { voters: ['a', 'b', 'c', 'd', 'e'], acked: { a: 5, b: 4, c: 3, d: 2, e: 1 }, want: 3 },
    { voters: ['a', 'b', 'c', 'd', 'e', 'f'], acked: { a: 6, b: 5, c: 4, d: 3, e: 2, f: 1 }, want: 3 }, // 4 of 6
    { voters: ['a', 'b', 'c'], acked: { a: 9, x: 9, y: 9 }, want: 0 }, // non-voters do not count
    { voters: [], acked: {}, want: 0 }, // nothing can be committed by nobody
  ])('voters $voters, acked $acked → $want', ({ voters, acked, want }) => {
    const ack = acked as Record<string, number>;
    expect(new MajorityConfig(voters).committedIndex((id) => ack[id])).toBe(want);
  });

  it('is the quorumSize(n)-th largest acknowledged index, missing acks counting as 0 (property)', () => {
    fc.assert(
      fc.property(ackedVoters, (acked) => {
        fc.pre(acked.length > 0);
        const { config, of } = configOf(acked);
        const sorted = acked.map((a) => a ?? 0).sort((a, b) => b - a);
        expect(config.committedIndex(of)).toBe(sorted[quorumSize(acked.length) - 1]);
      }),
    );
  });

  it('a quorum acknowledged it, and no quorum acknowledged anything higher (property)', () => {
    fc.assert(
      fc.property(ackedVoters, (acked) => {
        const { config, of } = configOf(acked);
        const committed = config.committedIndex(of);
        const atLeast = (i: number) => acked.filter((a) => (a ?? 0) >= i).length;
        const q = quorumSize(acked.length);
        if (acked.length > 0) expect(atLeast(committed)).toBeGreaterThanOrEqual(q);
        expect(atLeast(committed + 1)).toBeLessThan(q);
      }),
    );
  });

  it('never goes down when a voter acknowledges more (property)', () => {
    fc.assert(
      fc.property(ackedVoters, fc.nat(), fc.nat({ max: 20 }), (acked, pick, more) => {
        fc.pre(acked.length > 0);
        const { config, of } = configOf(acked);
        const before = config.committedIndex(of);
        const raised = [...acked];
        const i = pick % acked.length;
        raised[i] = (raised[i] ?? 0) + more;
        expect(configOf(raised).config.committedIndex(configOf(raised).of)).toBeGreaterThanOrEqual(before);
      }),
    );
  });
});

describe('MajorityConfig.voteResult', () => {
  it.each([
    { voters: ['a'], votes: {}, want: P },
    { voters: ['a'], votes: { a: true }, want: W },
    { voters: ['a'], votes: { a: false }, want: L },
    { voters: ['a', 'b'], votes: { a: true }, want: P },
    { voters: ['a', 'b'], votes: { a: true, b: true }, want: W },
    { voters: ['a', 'b'], votes: { a: true, b: false }, want: L }, // 2 of 2 needed
    { voters: ['a', 'b'], votes: { a: false }, want: L },
    { voters: ['a', 'b', 'c'], votes: {}, want: P },
    { voters: ['a', 'b', 'c'], votes: { a: true }, want: P },
    { voters: ['a', 'b', 'c'], votes: { a: true, b: true }, want: W },
    { voters: ['a', 'b', 'c'], votes: { a: true, b: false }, want: P },
    { voters: ['a', 'b', 'c'], votes: { a: false, b: false }, want: L },
    { voters: ['a', 'b', 'c'], votes: { a: true, b: false, c: false }, want: L },
    { voters: ['a', 'b', 'c', 'd'], votes: { a: true, b: true }, want: P },
    { voters: ['a', 'b', 'c', 'd'], votes: { a: true, b: true, c: false }, want: P },
    { voters: ['a', 'b', 'c', 'd'], votes: { a: true, b: true, c: true }, want: W },
    { voters: ['a', 'b', 'c', 'd'], votes: { a: false, b: false }, want: L }, // 2 left cannot make 3
    { voters: ['a', 'b', 'c', 'd', 'e'], votes: { a: true, b: true, c: false, d: false }, want: P },
    { voters: ['a', 'b', 'c', 'd', 'e'], votes: { a: true, b: true, c: true }, want: W },
    { voters: ['a', 'b', 'c', 'd', 'e'], votes: { a: false, b: false, c: false }, want: L },
    { voters: ['a', 'b', 'c'], votes: { a: true, x: true, y: true }, want: P }, // outsiders ignored
    { voters: [], votes: {}, want: W }, // etcd's convention: an empty configuration wins every vote
  ])('voters $voters, votes $votes → $want', ({ voters, votes, want }) => {
    const m = new Map(Object.entries(votes as Record<string, boolean>));
    expect(new MajorityConfig(voters).voteResult(m)).toBe(want);
  });

  it('won with a quorum of yes, lost when the voters not saying no are fewer than a quorum, pending otherwise (property)', () => {
    fc.assert(
      fc.property(votingVoters, (votes) => {
        fc.pre(votes.length > 0);
        const q = quorumSize(votes.length);
        const yes = votes.filter((v) => v === true).length;
        const no = votes.filter((v) => v === false).length;
        const want = yes >= q ? W : votes.length - no < q ? L : P;
        expect(new MajorityConfig(ids(votes.length)).voteResult(votesOf(votes))).toBe(want);
      }),
    );
  });

  it('a decided vote stays decided whatever the remaining voters answer (property)', () => {
    fc.assert(
      fc.property(votingVoters, fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }), (votes, rest) => {
        const config = new MajorityConfig(ids(votes.length));
        const before = config.voteResult(votesOf(votes));
        fc.pre(before !== P);
        const all = votes.map((v, i) => v ?? rest[i]!);
        expect(config.voteResult(votesOf(all))).toBe(before);
      }),
    );
  });
});

describe('MajorityConfig.isActive', () => {
  it.each([
    { voters: ['a', 'b', 'c'], active: ['a', 'b'], want: true },
    { voters: ['a', 'b', 'c'], active: ['a'], want: false },
    { voters: ['a', 'b', 'c', 'd'], active: ['a', 'b'], want: false }, // half is not a quorum
    { voters: ['a', 'b', 'c', 'd'], active: ['a', 'b', 'c'], want: true },
    { voters: ['a', 'b', 'c'], active: ['a', 'x', 'y'], want: false }, // outsiders ignored
    { voters: [], active: [], want: false }, // quorumSize(0) is 1: nobody active is no quorum
  ])('voters $voters, active $active → $want', ({ voters, active, want }) => {
    expect(new MajorityConfig(voters).isActive((id) => active.includes(id))).toBe(want);
  });
});

describe('single-voter membership changes (why shoal needs no joint configuration)', () => {
  /** Whether some group is a quorum of `before` while everyone else is a quorum of `after`. */
  function disjointQuorums(before: MajorityConfig, after: MajorityConfig, everyone: readonly string[], group: (id: string) => boolean): boolean {
    return before.isActive(group) && after.isActive((id) => everyone.includes(id) && !group(id));
  }

  it('adding or removing one voter: no quorum of the old voters is disjoint from a quorum of the new (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.boolean(), fc.nat(), (n, add, mask) => {
        const old = ids(n);
        const next = add ? ids(n + 1) : old.slice(1);
        const everyone = ids(n + 1);
        const group = (id: string) => ((mask >>> everyone.indexOf(id)) & 1) === 1;
        expect(disjointQuorums(new MajorityConfig(old), new MajorityConfig(next), everyone, group)).toBe(false);
      }),
    );
  });

  it('adding two voters at once can give two disjoint quorums: {a, b} of {a, b, c} and {c, d, e} of {a, b, c, d, e}', () => {
    const everyone = ['a', 'b', 'c', 'd', 'e'];
    const group = (id: string) => id === 'a' || id === 'b';
    expect(disjointQuorums(new MajorityConfig(['a', 'b', 'c']), new MajorityConfig(everyone), everyone, group)).toBe(true);
  });
});
