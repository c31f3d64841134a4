// The Raft paper's safety rules (§5.4): the election restriction, committing entries from
// previous terms, and the properties they buy (leader completeness, log matching), plus the
// quorum arithmetic everything rests on. Section numbers: Ongaro & Ousterhout, 2014.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MajorityConfig, MessageType, Role, VoteResult, message, quorumSize, type Message, type NodeId } from '@shoal/raft';
import { Harness, drain, loneNode, ofType } from './harness.js';

const VOTERS = ['a', 'b', 'c'];
const isApp = ofType(MessageType.App);

describe('§5.4.1 Election restriction', () => {
  // The voter's log ends at index 3 with term 2 (2:t2 3:t2 after the snapshot at 1:t1).
  it.each([
    { last: [3, 2], granted: true, why: 'same last term, same length' },
    { last: [4, 2], granted: true, why: 'same last term, longer log' },
    { last: [2, 3], granted: true, why: 'higher last term, even though shorter' },
    { last: [2, 2], granted: false, why: 'same last term, shorter log' },
    { last: [5, 1], granted: false, why: 'lower last term, even though longer' },
    { last: [1, 1], granted: false, why: 'lower last term and shorter' },
  ])(
    '§5.4.1: "the voter denies its vote if its own log is more up-to-date than that of the candidate": candidate last (index, term) $last → granted: $granted ($why)',
    ({ last, granted }) => {
      const { raw, disk } = loneNode('b', VOTERS, { terms: [2, 2], term: 2 });
      raw.step(message({ type: MessageType.Vote, from: 'a', to: 'b', term: 3, index: last[0]!, logTerm: last[1]! }));
      const msgs = drain(raw, disk);
      expect(msgs.map((m) => ({ type: m.type, to: m.to, term: m.term, reject: m.reject }))).toEqual([
        { type: MessageType.VoteResp, to: 'a', term: 3, reject: !granted },
      ]);
      // The higher term is adopted either way (§5.1); the vote only when granted.
      expect(raw.raft.term).toBe(3);
      expect(raw.raft.vote).toBe(granted ? 'a' : '');
    },
  );

  it('§5.4.1: a candidate whose log lacks an entry a majority stores cannot win; one that has it can', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.propose('a', 'x');
    h.deliverRound((m) => isApp(m) && m.to === 'b'); // x reaches b only
    h.drop(() => true);
    h.crash('a');

    h.raw('c').campaign(); // term 3
    h.deliverAll();
    expect(h.raft('c').role).toBe(Role.Candidate); // b refused: its log is more up-to-date
    expect(h.sent.filter((m) => m.from === 'b' && m.to === 'c' && m.type === MessageType.VoteResp).map((m) => m.reject)).toEqual([true]);

    h.raw('b').campaign(); // term 4
    h.deliverAll();
    expect(h.raft('b').role).toBe(Role.Leader);
    expect(h.logOf('c').map((e) => e.text)).toEqual(['', 'x', '']);
    expect(h.checker.violations).toEqual([]);
  });
});

describe('§5.4.2 Committing entries from previous terms', () => {
  /**
   * a leads term 2 and appends x (index 3), which reaches nobody; a restarts, wins term 3 and
   * appends its no-op (index 4). One entry per message, so x reaches b alone first.
   * Returns the harness right after b acknowledged x (but not yet the no-op).
   */
  function oldEntryOnMajority(bugs?: { commitOldTermByCounting: boolean }): Harness {
    const h = new Harness(VOTERS, { maxMsgBytes: 1, ...(bugs ? { bugs } : {}) });
    h.elect('a');
    h.propose('a', 'x');
    h.drop(() => true);
    h.crash('a');
    h.start('a'); // x is on a's disk
    h.raw('a').campaign();
    h.deliverAll((m) => !isApp(m));
    expect(h.raft('a').role).toBe(Role.Leader);
    expect(h.raft('a').term).toBe(3);
    h.isolate('c');

    h.deliverRound((m) => m.to === 'b'); // probe after x: refused, b lacks x
    h.deliverRound((m) => m.from === 'b'); // → a sends x alone
    h.deliverRound((m) => m.to === 'b'); // b stores x
    h.deliverRound((m) => m.from === 'b'); // a hears b has x: x is now on a majority (a, b)
    expect(h.logOf('b').map((e) => [e.index, e.term])).toEqual([
      [2, 2],
      [3, 2],
    ]);
    return h;
  }

  it('§5.4.2: "Raft never commits log entries from previous terms by counting replicas"', () => {
    const h = oldEntryOnMajority();
    expect(h.raft('a').log.committed).toBe(2);
    expect(h.node('a').applied).not.toContain('x');
  });

  it('§5.4.2: "once an entry from the current term has been committed ..., then all prior entries are committed indirectly"', () => {
    const h = oldEntryOnMajority();
    h.deliverAll(); // the no-op of term 3 reaches b
    expect(h.raft('a').log.committed).toBe(4);
    expect(h.node('a').applied.slice(-2)).toEqual(['x', '']);
    expect(h.raft('b').log.committed).toBe(4);
    expect(h.checker.violations).toEqual([]);
  });

  it('with the rule switched off (planted bug), the old entry commits by counting replicas', () => {
    const h = oldEntryOnMajority({ commitOldTermByCounting: true });
    expect(h.raft('a').log.committed).toBe(3);
  });
});

describe('§5.4.3 Safety argument: leader completeness and log matching under random faults', () => {
  type Action =
    | { kind: 'campaign'; node: number }
    | { kind: 'propose'; node: number }
    | { kind: 'deliver'; mask: number }
    | { kind: 'drop'; mask: number }
    | { kind: 'crash'; node: number }
    | { kind: 'restart'; node: number }
    | { kind: 'tick'; node: number; n: number };

  const node = fc.nat({ max: 4 });
  const action: fc.Arbitrary<Action> = fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('campaign' as const), node }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('propose' as const), node }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('deliver' as const), mask: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), mask: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), node }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), node }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), node, n: fc.integer({ min: 1, max: 12 }) }) },
  );

  /**
   * Picks messages by the bits of `mask`, so fast-check can shrink which ones move. The choice
   * is remembered per message: the harness asks the filter twice for each queued message.
   */
  const bits = (mask: number) => {
    let i = 0;
    const chosen = new Map<Message, boolean>();
    return (m: Message) => {
      let c = chosen.get(m);
      if (c === undefined) chosen.set(m, (c = ((mask >>> (i++ % 31)) & 1) === 1));
      return c;
    };
  };

  it('no two leaders in a term, every new leader holds every committed entry, logs that share an entry share the prefix', () => {
    fc.assert(
      fc.property(fc.constantFrom(3, 5), fc.array(action, { maxLength: 60 }), (size, actions) => {
        const ids: NodeId[] = ['a', 'b', 'c', 'd', 'e'].slice(0, size);
        const h = new Harness(ids, { maxMsgBytes: 100 });
        let n = 0;
        for (const act of actions) {
          const id = 'node' in act ? ids[act.node % size]! : '';
          const up = id !== '' && h.node(id).raw !== undefined;
          switch (act.kind) {
            case 'campaign':
              if (up) h.raw(id).campaign();
              break;
            case 'propose':
              if (up && h.raft(id).role === Role.Leader) h.raw(id).propose(new TextEncoder().encode(`p${n++}`));
              break;
            case 'deliver':
              h.deliverRound(bits(act.mask));
              break;
            case 'drop':
              h.drop(bits(act.mask));
              break;
            case 'crash':
              if (up) h.crash(id);
              break;
            case 'restart':
              if (!up) h.start(id);
              break;
            case 'tick':
              if (up) h.tick(id, act.n);
              break;
          }
          h.process();
          if (h.checker.violations.length > 0) return false;
        }
        // Heal: every node up, the network drained, then one more election to finish.
        for (const id of ids) if (!h.node(id).raw) h.start(id);
        h.deliverAll();
        const next = ids.find((id) => h.raft(id).role !== Role.Leader) ?? ids[0]!;
        h.raw(next).campaign();
        h.deliverAll();
        const leader = h.leaderOf();
        if (leader) {
          h.tick(leader);
          h.deliverAll();
          // Once the leader's term entry commits, every follower's log is the leader's.
          for (const id of ids) {
            if (h.raft(id).term === h.raft(leader).term) expect(h.logOf(id)).toEqual(h.logOf(leader));
          }
        }
        expect(h.checker.violations).toEqual([]);
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('Quorums (§5.2 "a majority of the servers in the full cluster"; quorum.ts)', () => {
  it('quorumSize(n) is a strict majority, floor(n/2)+1, for n = 1..9', () => {
    const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(sizes.map(quorumSize)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5]);
    for (const n of sizes) expect(quorumSize(n)).toBe(Math.floor(n / 2) + 1);
  });

  it('for odd n it equals floor((n+1)/2), the formula often quoted for Swarm', () => {
    for (const n of [1, 3, 5, 7, 9]) expect(quorumSize(n)).toBe(Math.floor((n + 1) / 2));
  });

  it('for even n, floor((n+1)/2) is n/2: two disjoint halves would both reach it, so it is not a majority', () => {
    for (const n of [2, 4, 6, 8]) {
      const loose = Math.floor((n + 1) / 2);
      expect(loose).toBe(n / 2);
      expect(loose).toBeLessThan(quorumSize(n));
      // The two halves of the cluster: each would "win" under the loose rule, and they share no node.
      const ids = Array.from({ length: n }, (_, i) => `n${i}`);
      const left = ids.slice(0, n / 2);
      const right = ids.slice(n / 2);
      expect(left.filter((id) => right.includes(id))).toEqual([]);
      const config = new MajorityConfig(ids);
      const votes = (yes: string[]) => new Map(ids.map((id) => [id, yes.includes(id)] as const));
      expect(config.voteResult(votes(left))).toBe(VoteResult.Lost);
      expect(config.voteResult(votes(right))).toBe(VoteResult.Lost);
    }
  });

  it('any two majorities of the same voter set intersect (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }).chain((n) => fc.tuple(fc.constant(n), fc.subarray([...Array(n).keys()]), fc.subarray([...Array(n).keys()]))),
        ([n, x, y]) => {
          fc.pre(x.length >= quorumSize(n) && y.length >= quorumSize(n));
          return x.some((i) => y.includes(i));
        },
      ),
    );
  });

  it('no vote can be Won by two disjoint groups: a split of the voters wins for at most one side (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.nat(), (n, mask) => {
        const ids = Array.from({ length: n }, (_, i) => `n${i}`);
        const side = (i: number) => ((mask >>> i) & 1) === 1;
        const config = new MajorityConfig(ids);
        const a = config.voteResult(new Map(ids.map((id, i) => [id, side(i)])));
        const b = config.voteResult(new Map(ids.map((id, i) => [id, !side(i)])));
        return !(a === VoteResult.Won && b === VoteResult.Won) && (a === VoteResult.Won || b === VoteResult.Won || n % 2 === 0);
      }),
    );
  });

  // Tables of committedIndex, voteResult and isActive: quorum.test.ts.
});
