// Cluster membership changes (§6 of the paper; chapter 4 of Ongaro's dissertation): one server
// at a time, learners, and the safety rules around them. A change is an entry in the log and
// takes effect on each node when that node applies it (RawNode.advance).

import { describe, expect, it } from 'vitest';
import { ConfChangeType, EntryType, MessageType, Role, isRaftError, type ConfChange, type Message } from '@shoal/raft';
import { Harness, ofType } from './harness.js';

const isApp = ofType(MessageType.App);
const addLearner = (nodeId: string): ConfChange => ({ type: ConfChangeType.AddLearner, nodeId });
const addVoter = (nodeId: string): ConfChange => ({ type: ConfChangeType.AddVoter, nodeId });
const remove = (nodeId: string): ConfChange => ({ type: ConfChangeType.RemoveNode, nodeId });
const carriesConfChange = (m: Message): boolean => m.entries.some((e) => e.type === EntryType.ConfChange);

/** The RaftError code `fn` throws, or undefined. */
function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isRaftError(e)) return e.code;
    throw e;
  }
  return undefined;
}

/** a, b, c voters and a leader a; d is running with an empty disk, not yet a member. */
function clusterWithSpare(): Harness {
  const h = new Harness(['a', 'b', 'c', 'd'], {}, ['a', 'b', 'c']);
  h.elect('a');
  return h;
}

/** A few heartbeat rounds from the leader, everything delivered. */
function run(h: Harness, leader: string, rounds = 3): void {
  for (let i = 0; i < rounds; i++) {
    h.tick(leader);
    h.deliverAll();
  }
}

/** Proposes `cc` on the leader and runs the cluster until it is applied everywhere reachable. */
function change(h: Harness, leader: string, cc: ConfChange): void {
  h.raw(leader).proposeConfChange(cc);
  h.deliverAll();
}

describe('§6 Cluster membership changes', () => {
  describe('learners (diss. §4.2.1: new servers join without a vote until they catch up)', () => {
    it('an added learner receives the whole log and applies the change that added it', () => {
      const h = clusterWithSpare();
      h.propose('a', 'x');
      change(h, 'a', addLearner('d'));
      for (const id of ['a', 'b', 'c', 'd']) {
        expect(h.raw(id).confState()).toEqual({ voters: ['a', 'b', 'c'], learners: ['d'] });
      }
      expect(h.logOf('d')).toEqual(h.logOf('a'));
      expect(h.node('d').applied).toContain('x');
      expect(h.checker.violations).toEqual([]);
    });

    it('a learner never campaigns and is never asked for its vote', () => {
      const h = clusterWithSpare();
      change(h, 'a', addLearner('d'));
      h.crash('a');
      h.tick('d', 100);
      expect(h.raft('d').role).toBe(Role.Follower);
      expect(h.sent.filter((m) => m.from === 'd' && m.type === MessageType.Vote)).toEqual([]);

      h.raw('b').campaign();
      h.process();
      expect(h.inbox.filter(ofType(MessageType.Vote)).map((m) => m.to)).toEqual(['a', 'c']); // a is down
      h.deliverAll();
      expect(h.raft('b').role).toBe(Role.Leader);
    });

    it("a learner's copy does not count toward commitment", () => {
      const h = clusterWithSpare();
      change(h, 'a', addLearner('d'));
      h.cut.add('a>b').add('a>c');
      const { index } = h.propose('a', 'x');
      h.deliverAll();
      expect(h.logOf('d').at(-1)).toMatchObject({ index, text: 'x' }); // stored on a and d ...
      expect(h.raft('a').log.committed).toBe(index - 1); // ... which is not a majority of a, b, c
      h.heal();
      h.tick('a');
      h.deliverAll();
      expect(h.raft('a').log.committed).toBe(index);
    });

    it('a learner promoted to voter votes and counts toward the (now larger) quorum', () => {
      const h = clusterWithSpare();
      change(h, 'a', addLearner('d'));
      change(h, 'a', addVoter('d'));
      for (const id of ['a', 'b', 'c', 'd']) expect(h.raw(id).confState()).toEqual({ voters: ['a', 'b', 'c', 'd'], learners: [] });

      // Four voters: a and d alone (2) are no longer a majority; with b (3) they are.
      h.cut.add('a>b').add('a>c');
      const { index } = h.propose('a', 'x');
      h.deliverAll();
      expect(h.raft('a').log.committed).toBe(index - 1);
      h.cut.delete('a>b');
      h.tick('a');
      h.deliverAll();
      expect(h.raft('a').log.committed).toBe(index);

      // And d may now lead.
      h.heal();
      h.raw('d').campaign();
      h.deliverAll();
      expect(h.raft('d').role).toBe(Role.Leader);
    });
  });

  describe('removing servers', () => {
    it('a removed voter gets no more entries, and the remaining majority commits without it', () => {
      const h = new Harness(['a', 'b', 'c']);
      h.elect('a');
      change(h, 'a', remove('c'));
      expect(h.raw('a').confState()).toEqual({ voters: ['a', 'b'], learners: [] });
      expect(h.raw('c').confState()).toEqual({ voters: ['a', 'b'], learners: [] }); // c applied it too

      const { index } = h.propose('a', 'x');
      expect(h.inbox.filter(isApp).map((m) => m.to)).toEqual(['b']);
      h.deliverAll();
      expect(h.raft('a').log.committed).toBe(index);
      // The removed node does not disturb the cluster: it is no longer promotable.
      h.tick('c', 100);
      expect(h.raft('c').role).toBe(Role.Follower);
      expect(h.raft('a').term).toBe(2);
    });

    it('when the quorum shrinks, entries waiting for the removed node commit at once', () => {
      // Two voters: every entry needs both. a removes b, then appends x, which b never gets.
      const h = new Harness(['a', 'b']);
      h.elect('a');
      const cc = h.raw('a').proposeConfChange(remove('b'));
      h.process();
      const x = h.propose('a', 'x');
      h.deliverRound((m) => isApp(m) && carriesConfChange(m));
      h.drop((m) => isApp(m) && m.to === 'b'); // x's append to b is lost
      h.deliverRound((m) => m.from === 'b'); // b acks the change alone
      expect(h.raft('a').log.committed).toBeGreaterThanOrEqual(cc.index);
      // Once a applied the change, a alone is the majority of {a}, so x is committed.
      expect(h.raw('a').confState()).toEqual({ voters: ['a'], learners: [] });
      expect(h.raft('a').log.committed).toBe(x.index);
      expect(h.node('a').applied.at(-1)).toBe('x');
      expect(h.logOf('b').map((e) => e.index)).not.toContain(x.index);
    });

    it('a leader that removes itself steps down once the change is applied, and the others elect a leader', () => {
      const h = new Harness(['a', 'b', 'c']);
      h.elect('a');
      change(h, 'a', remove('a'));
      expect(h.raft('a').role).toBe(Role.Follower);
      expect(h.raw('b').confState()).toEqual({ voters: ['b', 'c'], learners: [] });
      expect(() => h.raw('a').propose(new TextEncoder().encode('x'))).toThrow();

      h.tick('a', 100); // no longer a voter: never campaigns
      expect(h.raft('a').term).toBe(2);
      h.tick('b', 10);
      h.deliverAll();
      expect(h.raft('b').role).toBe(Role.Leader);
      expect(h.raft('b').term).toBe(3);
      expect(h.checker.violations).toEqual([]);
    });
  });

  describe('a leader removed by its own change, whose last messages are lost (diss. §4.2.2)', () => {
    /**
     * a leads; it proposes its own removal, then (if `more`) one more entry x. The change
     * reaches the others, a commits and applies it, and the messages a sends right then are
     * lost: the others do not yet know the change committed. a keeps leading (it takes no
     * proposals) until every remaining voter confirms it knows, then steps down.
     */
    function removedLeaderGoesQuiet(ids: string[], more: boolean): Harness {
      // Varied election timeouts, so the survivors do not split the vote forever.
      let seed = 7;
      const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
      const h = new Harness(ids, { random });
      h.elect('a');
      h.raw('a').proposeConfChange(remove('a'));
      h.process();
      if (more) h.propose('a', 'x');
      h.deliverRound((m) => isApp(m) && carriesConfChange(m));
      h.drop((m) => m.from === 'a'); // x never arrives
      h.deliverRound((m) => m.to === 'a'); // the acks: a commits and applies its removal
      h.drop(() => true); // ... and its news of the commit is lost
      expect(h.raft('a').role).toBe(Role.Leader); // still leading, to tell the others
      expect(h.raw('a').confState().voters).not.toContain('a');
      expect(h.raw('b').confState().voters).toContain('a'); // b still counts a
      return h;
    }

    /** Ticks every live node and delivers everything until someone other than a leads (or `rounds` pass). */
    function untilLeader(h: Harness, rounds = 300): void {
      const newLeader = (): string | undefined => {
        const l = h.leaderOf();
        return l === 'a' ? undefined : l;
      };
      for (let i = 0; i < rounds && !newLeader(); i++) {
        for (const id of h.nodes.keys()) if (h.node(id).raw) h.raw(id).tick();
        h.deliverAll();
      }
    }

    it('with three voters, the two others elect a leader, which then commits and applies the removal', () => {
      const h = removedLeaderGoesQuiet(['a', 'b', 'c'], true);
      untilLeader(h);
      const leader = h.leaderOf();
      expect(['b', 'c']).toContain(leader);
      run(h, leader!);
      expect(h.raw('b').confState()).toEqual({ voters: ['b', 'c'], learners: [] });
      expect(h.checker.violations).toEqual([]);
    });

    it('with two voters and equal logs, the removed node still votes, so the other is elected and applies the removal', () => {
      const h = removedLeaderGoesQuiet(['a', 'b'], false);
      untilLeader(h);
      expect(h.leaderOf()).toBe('b');
      run(h, 'b');
      expect(h.raw('b').confState()).toEqual({ voters: ['b'], learners: [] });
    });

    // Changes take effect when applied (etcd style). Had a stepped down the moment it applied
    // its removal, b would still count a as a voter and need its vote, which a (with the longer
    // log) would refuse forever. So a keeps leading until b confirms it knows of the commit.
    it('with two voters, a removed leader with a longer log still lets the other node be elected', () => {
      const h = removedLeaderGoesQuiet(['a', 'b'], true);
      untilLeader(h);
      expect(h.leaderOf()).toBe('b');
    });
  });

  describe('safety rules for changes', () => {
    it('one change at a time: a second change while one is unapplied is refused with CONF_CHANGE_PENDING', () => {
      const h = clusterWithSpare();
      h.raw('a').proposeConfChange(addLearner('d'));
      expect(errorCode(() => h.raw('a').proposeConfChange(remove('c')))).toBe('CONF_CHANGE_PENDING');
      // Ordinary proposals are not held up.
      expect(errorCode(() => h.raw('a').propose(new TextEncoder().encode('x')))).toBeUndefined();
      h.deliverAll();
      expect(errorCode(() => h.raw('a').proposeConfChange(remove('c')))).toBeUndefined();
    });

    it('a new leader refuses changes until it has committed an entry of its own term (the 2015 fix, diss. §4.1)', () => {
      const h = clusterWithSpare();
      h.drop(() => true);
      h.crash('a');
      h.raw('b').campaign();
      h.deliverAll((m) => !isApp(m)); // b wins; its no-op is not replicated yet
      expect(h.raft('b').role).toBe(Role.Leader);
      expect(errorCode(() => h.raw('b').proposeConfChange(addLearner('d')))).toBe('CONF_CHANGE_PENDING');
      h.deliverAll();
      expect(h.raft('b').log.committed).toBe(3);
      expect(errorCode(() => h.raw('b').proposeConfChange(addLearner('d')))).toBeUndefined();
    });

    it.each([
      { what: 'removing a non-member', voters: ['a', 'b', 'c'], cc: remove('z') },
      { what: 'adding an existing voter', voters: ['a', 'b', 'c'], cc: addVoter('b') },
      { what: 'removing the last voter', voters: ['a'], cc: remove('a') },
      { what: 'demoting the last voter to learner', voters: ['a'], cc: addLearner('a') },
    ])('an invalid change is refused with CONF_CHANGE_INVALID: $what', ({ voters, cc }) => {
      const h = new Harness(voters);
      h.elect('a');
      const last = h.raft('a').log.lastIndex();
      expect(errorCode(() => h.raw('a').proposeConfChange(cc))).toBe('CONF_CHANGE_INVALID');
      expect(h.raft('a').log.lastIndex()).toBe(last); // nothing was appended
    });

    it('an invalid change for a learner that already is one is refused too', () => {
      const h = clusterWithSpare();
      change(h, 'a', addLearner('d'));
      expect(errorCode(() => h.raw('a').proposeConfChange(addLearner('d')))).toBe('CONF_CHANGE_INVALID');
    });

    it('a node with a committed but unapplied change does not campaign; the change takes effect when advance() applies it', () => {
      const h = clusterWithSpare();
      h.raw('a').proposeConfChange(addLearner('d'));
      h.deliverRound((m) => m.to === 'b');
      h.deliverRound((m) => m.from === 'b'); // a commits the change and tells b
      const commitUpdate = h.inbox.find((m) => isApp(m) && m.to === 'b')!;
      h.drop(() => true);

      const b = h.raw('b');
      b.step(commitUpdate);
      expect(b.raft.log.committed).toBe(3);
      expect(b.raft.log.applied).toBe(2);
      b.campaign(); // the change might alter the quorum (or remove b): wait for it
      for (let i = 0; i < 20; i++) b.tick();
      expect(b.raft.role).toBe(Role.Follower);
      expect(b.raft.term).toBe(2);

      const rd = b.ready();
      expect(rd.committedEntries.map((e) => e.type)).toEqual([EntryType.ConfChange]);
      expect(b.confState()).toEqual({ voters: ['a', 'b', 'c'], learners: [] }); // not before advance
      h.node('b').disk.saveSync({ entries: rd.entries, hardState: rd.hardState });
      b.advance();
      expect(b.confState()).toEqual({ voters: ['a', 'b', 'c'], learners: ['d'] });

      b.campaign();
      expect(b.raft.role).toBe(Role.Candidate);
      expect(b.raft.term).toBe(3);
    });
  });
});
