// The Raft paper's rules for terms (§5.1) and leader election (§5.2), one test per rule, in the
// manner of etcd-io/raft's raft_paper_test.go. Section numbers: Ongaro & Ousterhout, "In Search
// of an Understandable Consensus Algorithm (Extended Version)", 2014.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryType, MessageType, NONE, Role, isRaftError, message, type RaftError, type Message, type NodeId, type RawNode } from '@shoal/raft';
import { Harness, drain, loneNode, ofType } from './harness.js';

const VOTERS = ['a', 'b', 'c'];

/** Node `a` of {a, b, c} in the given role, at term 1 (follower) or 2 (candidate, leader). */
function nodeAs(role: Role.Follower | Role.Candidate | Role.Leader): { raw: RawNode; sent: Message[] } {
  const { raw, disk } = loneNode('a', VOTERS);
  if (role !== Role.Follower) raw.campaign();
  if (role === Role.Leader) raw.step(message({ type: MessageType.VoteResp, from: 'b', to: 'a', term: 2 }));
  const sent = drain(raw, disk);
  expect(raw.raft.role).toBe(role);
  return { raw, sent };
}

const app = (from: NodeId, term: number, fields: Partial<Message> = {}): Message =>
  message({ type: MessageType.App, from, to: 'a', term, index: 1, logTerm: 1, ...fields });

const voteReq = (from: NodeId, to: NodeId, term: number, index = 1, logTerm = 1): Message =>
  message({ type: MessageType.Vote, from, to, term, index, logTerm });

describe('§5.1 Raft basics: terms', () => {
  it.each([Role.Follower, Role.Candidate, Role.Leader] as const)(
    '§5.1: "if one server\'s current term is smaller than the other\'s, then it updates its current term to the larger value" (%s)',
    (role) => {
      const { raw } = nodeAs(role);
      raw.step(app('b', 5));
      expect(raw.raft.term).toBe(5);
    },
  );

  it.each([Role.Candidate, Role.Leader] as const)(
    '§5.1: "if a candidate or leader discovers that its term is out of date, it immediately reverts to follower state" (%s)',
    (role) => {
      // From an AppendEntries the node also learns who leads the new term.
      const viaApp = nodeAs(role).raw;
      viaApp.step(message({ type: MessageType.Heartbeat, from: 'b', to: 'a', term: 5 }));
      expect(viaApp.raft.role).toBe(Role.Follower);
      expect(viaApp.raft.leader).toBe('b');

      // From a vote request it learns only the term: no leader is known yet.
      const viaVote = nodeAs(role).raw;
      viaVote.step(voteReq('c', 'a', 5, 99, 9));
      expect(viaVote.raft.role).toBe(Role.Follower);
      expect(viaVote.raft.term).toBe(5);
      expect(viaVote.raft.leader).toBe(NONE);
    },
  );

  it('§5.1: a leader that sees a higher term in a response steps down', () => {
    const { raw } = nodeAs(Role.Leader);
    raw.step(message({ type: MessageType.AppResp, from: 'c', to: 'a', term: 7, reject: true }));
    expect(raw.raft.role).toBe(Role.Follower);
    expect(raw.raft.term).toBe(7);
  });

  it('§5.1: "if a server receives a request with a stale term number, it rejects the request"', () => {
    const { raw, disk } = loneNode('a', VOTERS, { term: 3 });
    const entry = { index: 2, term: 2, type: EntryType.Normal, data: new Uint8Array([1]) };

    raw.step(app('b', 2, { entries: [entry], commit: 2 }));
    raw.step(voteReq('c', 'a', 2, 5, 2));
    expect(raw.raft.log.lastIndex()).toBe(1); // nothing appended
    expect(raw.raft.log.committed).toBe(1);
    expect(raw.raft.vote).toBe(NONE); // nothing granted
    expect(raw.raft.term).toBe(3);
    // Without check-quorum or pre-vote the stale requests are dropped silently.
    expect(drain(raw, disk)).toEqual([]);
  });

  it('§5.1: a stale heartbeat does not reset the election timer', () => {
    const { raw } = loneNode('a', VOTERS, { term: 3 });
    for (let i = 0; i < 9; i++) raw.tick();
    raw.step(message({ type: MessageType.Heartbeat, from: 'b', to: 'a', term: 2 }));
    raw.tick();
    expect(raw.raft.role).toBe(Role.Candidate);
    expect(raw.raft.term).toBe(4);
  });

  it('§5.1: with check-quorum or pre-vote, a stale leader is told the current term and steps down', () => {
    // Otherwise a leader cut off during an election could keep a (pre-voting) node from rejoining.
    const { raw: follower, disk } = loneNode('c', VOTERS, { term: 3, preVote: true });
    follower.step(message({ type: MessageType.Heartbeat, from: 'a', to: 'c', term: 2 }));
    const [answer, ...rest] = drain(follower, disk);
    expect(rest).toEqual([]);
    expect(answer).toMatchObject({ type: MessageType.AppResp, to: 'a', term: 3 });

    const { raw: staleLeader } = nodeAs(Role.Leader);
    staleLeader.step(answer!);
    expect(staleLeader.raft.role).toBe(Role.Follower);
    expect(staleLeader.raft.term).toBe(3);
  });

  it('§5.1: "the leader handles all client requests (if a client contacts a follower, the follower redirects it to the leader)"', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    let err: unknown;
    try {
      h.raw('b').propose(new TextEncoder().encode('x'));
    } catch (e) {
      err = e;
    }
    expect(isRaftError(err, 'NOT_LEADER')).toBe(true);
    expect((err as RaftError).leaderHint).toBe('a');
    expect(h.raft('b').log.lastIndex()).toBe(2);
  });
});

describe('§5.2 Leader election', () => {
  it('§5.2: "when servers start up, they begin as followers"', () => {
    const h = new Harness(VOTERS);
    for (const id of VOTERS) {
      expect(h.raft(id).role).toBe(Role.Follower);
      expect(h.raft(id).leader).toBe(NONE);
      expect(h.raft(id).term).toBe(1);
    }
    expect(h.inbox).toEqual([]);
  });

  it('§5.2: "a server remains in follower state as long as it receives valid RPCs from a leader"', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    for (let i = 0; i < 50; i++) {
      h.tick('a'); // heartbeat every tick
      h.deliverAll();
      h.tick('b');
      h.tick('c');
    }
    expect(h.raft('a').role).toBe(Role.Leader);
    expect(h.raft('b').role).toBe(Role.Follower);
    expect(h.raft('c').role).toBe(Role.Follower);
    expect(h.raft('a').term).toBe(2);
  });

  it('§5.2: "if a follower receives no communication over a period of time called the election timeout, then it ... begins an election"', () => {
    const { raw, disk } = loneNode('a', VOTERS);
    for (let i = 0; i < 9; i++) raw.tick();
    expect(raw.raft.role).toBe(Role.Follower);
    expect(drain(raw, disk)).toEqual([]);
    raw.tick(); // the 10th tick: electionTicks with random() = 0
    expect(raw.raft.role).toBe(Role.Candidate);
  });

  it('§5.2: "to begin an election, a follower increments its current term ... votes for itself and issues RequestVote RPCs in parallel to each of the other servers"', () => {
    const { raw } = loneNode('a', VOTERS, { terms: [1, 2], term: 2 });
    for (let i = 0; i < 10; i++) raw.tick();
    expect(raw.raft.term).toBe(3);
    expect(raw.raft.vote).toBe('a');
    expect(raw.raft.role).toBe(Role.Candidate);

    const rd = raw.ready();
    // The vote for itself is persisted before the requests go out.
    expect(rd.hardState).toEqual({ term: 3, vote: 'a', commit: 1 });
    expect(rd.mustSync).toBe(true);
    // The requests carry the candidate's last log index and term (for §5.4.1).
    const reqs = rd.messages.map((m) => ({ type: m.type, to: m.to, term: m.term, index: m.index, logTerm: m.logTerm }));
    expect(reqs).toEqual([
      { type: MessageType.Vote, to: 'b', term: 3, index: 3, logTerm: 2 },
      { type: MessageType.Vote, to: 'c', term: 3, index: 3, logTerm: 2 },
    ]);
  });

  describe('§5.2: "a candidate wins an election if it receives votes from a majority of the servers in the full cluster for the same term"', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const cases: { size: number; votes: Record<string, boolean>; want: Role }[] = [
      { size: 1, votes: {}, want: Role.Leader },
      { size: 3, votes: { b: true, c: true }, want: Role.Leader },
      { size: 3, votes: { b: true }, want: Role.Leader },
      { size: 5, votes: { b: true, c: true, d: true, e: true }, want: Role.Leader },
      { size: 5, votes: { b: true, c: true, d: true }, want: Role.Leader },
      { size: 5, votes: { b: true, c: true }, want: Role.Leader },
      // Not yet a majority either way: keep waiting.
      { size: 3, votes: {}, want: Role.Candidate },
      { size: 3, votes: { b: false }, want: Role.Candidate },
      { size: 5, votes: { b: true }, want: Role.Candidate },
      { size: 5, votes: { b: false, c: false }, want: Role.Candidate },
      { size: 5, votes: { b: true, c: false, d: false }, want: Role.Candidate },
      // A majority said no: the election is lost.
      { size: 3, votes: { b: false, c: false }, want: Role.Follower },
      { size: 5, votes: { b: false, c: false, d: false }, want: Role.Follower },
      { size: 5, votes: { b: true, c: false, d: false, e: false }, want: Role.Follower },
    ];
    it.each(cases)('$size voters, votes $votes → $want', ({ size, votes, want }) => {
      const { raw } = loneNode('a', ids.slice(0, size));
      raw.campaign();
      for (const [from, granted] of Object.entries(votes)) {
        raw.step(message({ type: MessageType.VoteResp, from, to: 'a', term: 2, reject: !granted }));
      }
      expect(raw.raft.role).toBe(want);
      expect(raw.raft.term).toBe(2);
    });

    it('votes from an earlier term, duplicates and non-members do not count', () => {
      const { raw } = loneNode('a', ids);
      raw.campaign(); // term 2
      raw.campaign(); // still no answers: term 3
      expect(raw.raft.term).toBe(3);
      raw.step(message({ type: MessageType.VoteResp, from: 'b', to: 'a', term: 2 })); // stale term
      raw.step(message({ type: MessageType.VoteResp, from: 'c', to: 'a', term: 3 }));
      raw.step(message({ type: MessageType.VoteResp, from: 'c', to: 'a', term: 3 })); // duplicate
      raw.step(message({ type: MessageType.VoteResp, from: 'x', to: 'a', term: 3 })); // not a member
      expect(raw.raft.role).toBe(Role.Candidate); // only a and c: 2 of 5
      raw.step(message({ type: MessageType.VoteResp, from: 'd', to: 'a', term: 3 }));
      expect(raw.raft.role).toBe(Role.Leader);
    });
  });

  describe('§5.2: "each server will vote for at most one candidate in a given term, on a first-come-first-served basis"', () => {
    const cases: { vote: NodeId; from: NodeId; granted: boolean }[] = [
      { vote: NONE, from: 'b', granted: true },
      { vote: NONE, from: 'c', granted: true },
      { vote: 'b', from: 'b', granted: true }, // a retransmitted request gets the same answer
      { vote: 'c', from: 'c', granted: true },
      { vote: 'b', from: 'c', granted: false },
      { vote: 'c', from: 'b', granted: false },
    ];
    it.each(cases)('already voted for "$vote" in this term, request from $from → granted: $granted', ({ vote, from, granted }) => {
      const { raw, disk } = loneNode('a', VOTERS, { term: 2, vote });
      raw.step(voteReq(from, 'a', 2));
      const msgs = drain(raw, disk);
      expect(msgs.map((m) => ({ type: m.type, to: m.to, term: m.term, reject: m.reject }))).toEqual([
        { type: MessageType.VoteResp, to: from, term: 2, reject: !granted },
      ]);
      expect(raw.raft.vote).toBe(granted ? from : vote);
      expect(disk.hardStateNow().vote).toBe(granted ? from : vote);
    });

    it('the first of two candidates in a term gets the vote, the second is refused', () => {
      const { raw, disk } = loneNode('a', VOTERS);
      raw.step(voteReq('b', 'a', 2));
      raw.step(voteReq('c', 'a', 2));
      const answers = drain(raw, disk).map((m) => [m.to, m.reject]);
      expect(answers).toEqual([
        ['b', false],
        ['c', true],
      ]);
    });
  });

  describe('§5.2: "if the leader\'s term ... is at least as large as the candidate\'s current term, then the candidate recognizes the leader as legitimate and returns to follower state"', () => {
    it.each([
      { what: 'AppendEntries of the same term', m: app('b', 2), term: 2 },
      { what: 'AppendEntries of a later term', m: app('b', 3), term: 3 },
      { what: 'a heartbeat of the same term', m: message({ type: MessageType.Heartbeat, from: 'b', to: 'a', term: 2 }), term: 2 },
    ])('$what', ({ m, term }) => {
      const { raw, disk } = loneNode('a', VOTERS);
      raw.campaign();
      drain(raw, disk);
      raw.step(m);
      expect(raw.raft.role).toBe(Role.Follower);
      expect(raw.raft.leader).toBe('b');
      expect(raw.raft.term).toBe(term);
      // ... and answers the leader like any follower.
      const answer = drain(raw, disk).find((x) => x.to === 'b');
      expect(answer?.type).toBe(m.type === MessageType.App ? MessageType.AppResp : MessageType.HeartbeatResp);
      expect(answer?.reject).toBe(false);
    });

    it('"if the term in the RPC is smaller than the candidate\'s current term, then the candidate rejects the RPC and continues in candidate state"', () => {
      const { raw } = loneNode('a', VOTERS, { term: 4 });
      raw.campaign(); // term 5
      raw.step(app('b', 4));
      expect(raw.raft.role).toBe(Role.Candidate);
      expect(raw.raft.term).toBe(5);
    });
  });

  it('§5.2: "if many followers become candidates at the same time, votes could be split ... each candidate will time out and start a new election by incrementing its term"', () => {
    // Five nodes; a and b campaign at once; c answers a first, d answers b first; e is unreachable.
    const h = new Harness(['a', 'b', 'c', 'd', 'e']);
    h.isolate('e');
    h.raw('a').campaign();
    h.raw('b').campaign();
    const isVote = ofType(MessageType.Vote);
    h.deliverRound((m) => isVote(m) && ((m.from === 'a' && m.to === 'c') || (m.from === 'b' && m.to === 'd')));
    h.deliverAll();
    // a has {a, c}, b has {b, d}: 2 of 5 each, and 2 refusals each — neither won nor lost.
    expect(h.raft('a').role).toBe(Role.Candidate);
    expect(h.raft('b').role).toBe(Role.Candidate);
    expect(h.raft('a').term).toBe(2);

    // The first candidate to time out starts a new election in a new term and wins it.
    h.tick('a', 10);
    expect(h.raft('a').term).toBe(3);
    h.deliverAll();
    expect(h.raft('a').role).toBe(Role.Leader);
    expect(h.raft('a').term).toBe(3);
    expect(h.raft('b').role).toBe(Role.Follower);
    expect(h.checker.violations).toEqual([]);
  });

  describe('§5.2: "Raft uses randomized election timeouts ... chosen randomly from a fixed interval"', () => {
    /** Ticks a lone follower needs to start an election when random() returns `r`. */
    function ticksToCampaign(r: number, electionTicks = 10): number {
      const { raw } = loneNode('a', VOTERS, { random: () => r, electionTicks });
      for (let t = 1; t <= 10 * electionTicks; t++) {
        raw.tick();
        if (raw.raft.role === Role.Candidate) return t;
      }
      throw new Error('never campaigned');
    }

    it.each([
      [0, 10],
      [0.1, 11],
      [0.5, 15],
      [0.95, 19],
      [0.9999, 19],
    ])('random() = %s → the election starts after %i ticks (electionTicks 10)', (r, ticks) => {
      expect(ticksToCampaign(r)).toBe(ticks);
    });

    it('every timeout lies in [electionTicks, 2 * electionTicks)', () => {
      fc.assert(
        fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 2, max: 40 }), (r, electionTicks) => {
          const t = ticksToCampaign(r, electionTicks);
          return t >= electionTicks && t < 2 * electionTicks;
        }),
      );
    });

    it('a candidate draws a fresh timeout for each new election', () => {
      const draws = [0.0, 0.7, 0.3];
      let i = 0;
      // The constructor draws once (follower), each campaign draws again.
      const { raw } = loneNode('a', VOTERS, { random: () => draws[i++ % draws.length]! });
      const campaignedAt: number[] = [];
      for (let t = 1; t <= 40 && campaignedAt.length < 3; t++) {
        raw.tick();
        if (raw.raft.term !== 1 + campaignedAt.length) campaignedAt.push(t);
      }
      // 10 ticks (draw 0.0), then 17 more (0.7), then 13 more (0.3).
      expect(campaignedAt).toEqual([10, 27, 40]);
    });
  });

  it('§5.2: "leaders send periodic heartbeats (AppendEntries RPCs that carry no log entries) to all followers" every heartbeatTicks', () => {
    const h = new Harness(VOTERS, { heartbeatTicks: 3 });
    h.elect('a');
    expect(h.inbox).toEqual([]);
    h.tick('a', 2);
    expect(h.inbox).toEqual([]);
    h.tick('a');
    const beats = h.inbox.map((m) => ({ type: m.type, to: m.to, term: m.term, commit: m.commit, n: m.entries.length }));
    expect(beats).toEqual([
      { type: MessageType.Heartbeat, to: 'b', term: 2, commit: 2, n: 0 },
      { type: MessageType.Heartbeat, to: 'c', term: 2, commit: 2, n: 0 },
    ]);
    h.deliverAll();
    h.tick('a', 3);
    expect(h.inbox.filter(ofType(MessageType.Heartbeat))).toHaveLength(2);
  });
});
