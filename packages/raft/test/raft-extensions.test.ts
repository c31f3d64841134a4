// What a production Raft adds to the paper, mostly from Ongaro's dissertation (2014): pre-vote
// (§9.6), check-quorum and the leader lease (§6.2, §4.2.3), leadership transfer (§3.10),
// ReadIndex (§6.4); and the host contract that makes it all safe: persistence ordering,
// flow control of uncommitted data, and the Ready/advance API.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfChangeType, MessageType, NONE, Role, isRaftError, message, type Entry, type Message, type NodeId } from '@shoal/raft';
import { Harness, loneNode, ofType, seededEntries } from './harness.js';

const VOTERS = ['a', 'b', 'c'];
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const isApp = ofType(MessageType.App);

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isRaftError(e)) return e.code;
    throw e;
  }
  return undefined;
}

/** Ticks the leader and delivers everything, `n` times: a healthy cluster at work. */
function run(h: Harness, leader: NodeId, n: number): void {
  for (let i = 0; i < n; i++) {
    h.tick(leader);
    h.deliverAll();
  }
}

describe('Pre-vote (diss. §9.6)', () => {
  it('a partitioned node that rejoins neither raises the term nor disrupts the leader', () => {
    const h = new Harness(VOTERS, { preVote: true });
    h.elect('a');
    expect(h.raft('a').term).toBe(2);
    h.isolate('c');
    h.propose('a', 'x'); // committed without c, so c's log is behind
    h.deliverAll();
    h.tick('c', 100); // ten election timeouts alone
    expect(h.raft('c').term).toBe(2);
    expect(h.raft('c').role).toBe(Role.PreCandidate);

    h.heal();
    h.tick('c', 10); // one more pre-vote, now reaching a and b ...
    h.deliverAll();
    // ... who refuse it (c's log is behind), without changing their own term.
    const answers = h.sent.filter((m) => m.to === 'c' && m.type === MessageType.PreVoteResp);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((m) => m.reject)).toBe(true);
    run(h, 'a', 1);
    expect(h.raft('a').role).toBe(Role.Leader);
    for (const id of VOTERS) expect(h.raft(id).term).toBe(2);
    expect(h.logOf('c')).toEqual(h.logOf('a'));
  });

  it('without pre-vote, the same rejoining node forces the leader to step down (why pre-vote exists)', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.isolate('c');
    h.propose('a', 'x');
    h.deliverAll();
    h.tick('c', 100);
    expect(h.raft('c').term).toBe(12);
    h.heal();
    h.tick('c', 10);
    h.deliverAll();
    expect(h.raft('a').term).toBeGreaterThan(12);
    expect(h.raft('a').role).not.toBe(Role.Leader);
  });

  it('a pre-candidate changes neither its own term nor its vote, and persists nothing', () => {
    const { raw } = loneNode('c', VOTERS, { term: 2, vote: 'a', preVote: true });
    for (let i = 0; i < 10; i++) raw.tick();
    expect(raw.raft.role).toBe(Role.PreCandidate);
    const rd = raw.ready();
    expect(rd.hardState).toBeUndefined();
    expect(rd.messages.map((m) => [m.type, m.to, m.term])).toEqual([
      [MessageType.PreVote, 'a', 3],
      [MessageType.PreVote, 'b', 3],
    ]);
    expect([raw.raft.term, raw.raft.vote]).toEqual([2, 'a']);
  });

  it("granting a pre-vote changes neither the voter's term nor its vote", () => {
    const { raw } = loneNode('b', VOTERS, { term: 2, vote: 'a' });
    raw.step(message({ type: MessageType.PreVote, from: 'c', to: 'b', term: 3, index: 1, logTerm: 1 }));
    const rd = raw.ready();
    expect(rd.messages.map((m) => [m.type, m.to, m.term, m.reject])).toEqual([[MessageType.PreVoteResp, 'c', 3, false]]);
    expect(rd.hardState).toBeUndefined();
    expect([raw.raft.term, raw.raft.vote]).toEqual([2, 'a']);
  });

  it('a pre-candidate that wins the pre-vote then runs the real election', () => {
    const h = new Harness(VOTERS, { preVote: true });
    h.elect('a');
    const types = h.sent.filter((m) => m.from === 'a').map((m) => m.type);
    expect(types.indexOf(MessageType.PreVote)).toBeLessThan(types.indexOf(MessageType.Vote));
    expect(h.raft('a').role).toBe(Role.Leader);
    expect(h.raft('a').term).toBe(2); // one term for the whole thing
  });
});

describe('Check-quorum and the leader lease (diss. §6.2, §4.2.3)', () => {
  it('a leader that hears from a majority stays leader', () => {
    const h = new Harness(VOTERS, { checkQuorum: true });
    h.elect('a');
    run(h, 'a', 50);
    expect(h.raft('a').role).toBe(Role.Leader);
  });

  it('a leader cut off from the majority steps down within two election timeouts', () => {
    const h = new Harness(VOTERS, { checkQuorum: true });
    h.elect('a');
    run(h, 'a', 5);
    h.isolate('a');
    h.tick('a', 20);
    expect(h.raft('a').role).toBe(Role.Follower);
    expect(h.raft('a').leader).toBe(NONE);
    expect(h.raft('a').term).toBe(2); // stepping down needs no new term
  });

  it('followers that heard from the leader within an election timeout ignore a higher-term candidate', () => {
    const h = new Harness(VOTERS, { checkQuorum: true });
    h.elect('a');
    run(h, 'a', 3);
    h.raw('c').campaign(); // e.g. c lost a few heartbeats and timed out
    h.deliverAll((m) => m.type === MessageType.Vote || m.type === MessageType.VoteResp);
    expect(h.sent.filter((m) => m.type === MessageType.VoteResp && m.to === 'c')).toEqual([]);
    expect(h.raft('b').term).toBe(2);
    expect(h.raft('a').role).toBe(Role.Leader);
    expect(h.raft('a').term).toBe(2);
  });

  it('a leadership-transfer campaign overrides the lease', () => {
    const h = new Harness(VOTERS, { checkQuorum: true });
    h.elect('a');
    run(h, 'a', 3);
    h.raw('a').transferLeadership('c');
    h.deliverAll();
    expect(h.raft('c').role).toBe(Role.Leader);
    expect(h.raft('c').term).toBe(3);
    expect(h.raft('b').vote).toBe('c');
  });
});

describe('Leadership transfer (diss. §3.10)', () => {
  it('to an up-to-date follower: TimeoutNow, and it becomes leader at once, without an election timeout', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.raw('a').transferLeadership('b');
    h.process();
    expect(h.inbox.map((m) => [m.type, m.to])).toEqual([[MessageType.TimeoutNow, 'b']]);
    h.deliverAll(); // no tick anywhere
    expect(h.raft('b').role).toBe(Role.Leader);
    expect(h.raft('b').term).toBe(3);
    expect(h.raft('a').role).toBe(Role.Follower);
    expect(h.raft('a').leader).toBe('b');
  });

  /** a leads; b missed x; a is asked to hand over to b. */
  function transferToLaggard(): Harness {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.cut.add('a>b');
    h.propose('a', 'x');
    h.deliverAll();
    h.heal();
    h.raw('a').transferLeadership('b');
    h.process();
    return h;
  }

  it('to a lagging follower: the leader first brings it up to date, then sends TimeoutNow', () => {
    const h = transferToLaggard();
    expect(h.inbox.filter(ofType(MessageType.TimeoutNow))).toEqual([]);
    h.deliverAll((m) => m.type !== MessageType.TimeoutNow);
    expect(h.logOf('b')).toEqual(h.logOf('a'));
    expect(h.inbox.map((m) => [m.type, m.to])).toEqual([[MessageType.TimeoutNow, 'b']]);
    h.deliverAll();
    expect(h.raft('b').role).toBe(Role.Leader);
    expect(h.logOf('b').map((e) => e.text)).toContain('x');
  });

  it('proposals (and membership changes) during a transfer are refused with PROPOSAL_DROPPED', () => {
    const h = transferToLaggard();
    expect(errorCode(() => h.raw('a').propose(text('y')))).toBe('PROPOSAL_DROPPED');
    expect(errorCode(() => h.raw('a').proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: 'c' }))).toBe('PROPOSAL_DROPPED');
  });

  it('a transfer whose target never answers is abandoned after an election timeout', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.crash('b');
    h.raw('a').transferLeadership('b');
    h.tick('a', 9);
    expect(h.raw('a').status().leadTransferee).toBe('b');
    expect(errorCode(() => h.raw('a').propose(text('y')))).toBe('PROPOSAL_DROPPED');
    h.tick('a');
    expect(h.raw('a').status().leadTransferee).toBe(NONE);
    expect(h.raft('a').role).toBe(Role.Leader);
    expect(errorCode(() => h.raw('a').propose(text('y')))).toBeUndefined();
  });

  it('a follower forwards a transfer request to the leader', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.raw('b').transferLeadership('c');
    h.deliverAll();
    expect(h.raft('c').role).toBe(Role.Leader);
  });

  it('a transfer to a non-member or to the leader itself does nothing', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.raw('a').transferLeadership('z');
    h.raw('a').transferLeadership('a');
    h.process();
    expect(h.inbox).toEqual([]);
    expect(h.raw('a').status().leadTransferee).toBe(NONE);
  });
});

describe('ReadIndex: linearizable reads without writing to the log (diss. §6.4)', () => {
  it('a read on the leader is answered with the commit index only once a quorum confirmed its leadership', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const h = new Harness(ids);
    h.elect('a');
    h.propose('a', 'x');
    h.deliverAll();
    h.raw('a').readIndex('r1');
    h.process();
    expect(h.node('a').reads).toEqual([]);
    const beats = h.inbox.filter(ofType(MessageType.Heartbeat));
    expect(beats.map((m) => [m.to, m.context])).toEqual(ids.slice(1).map((id) => [id, 'r1']));
    h.deliverRound((m) => m.to === 'b' || m.to === 'c');
    expect(h.node('a').reads).toEqual([]); // b and c answered, but their answers are not in yet
    h.deliverRound((m) => m.from === 'b');
    expect(h.node('a').reads).toEqual([]); // a and b: 2 of 5
    h.deliverRound((m) => m.from === 'c');
    expect(h.node('a').reads).toEqual([{ index: 3, context: 'r1' }]); // a, b and c: a majority
    h.deliverAll();
    expect(h.node('a').reads).toHaveLength(1); // late answers change nothing
  });

  it('a read on a follower is forwarded to the leader and answered to the follower', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.propose('a', 'x');
    h.deliverAll();
    h.raw('b').readIndex('r2');
    h.deliverAll();
    expect(h.node('b').reads).toEqual([{ index: 3, context: 'r2' }]);
    expect(h.node('a').reads).toEqual([]);
  });

  it('a read forwarded twice (follower → old leader → leader) is answered to the follower that asked', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.propose('a', 'x');
    h.deliverAll();
    // b takes over with a while c is cut off: c still believes a leads.
    h.isolate('c');
    h.raw('b').campaign();
    h.deliverAll();
    expect(h.raft('b').role).toBe(Role.Leader);
    expect(h.raft('a').leader).toBe('b');
    expect(h.raft('c').leader).toBe('a');
    const commit = h.raft('b').log.committed;
    h.heal();

    // c asks a, a (now a follower) asks b; b answers a, which must pass the answer on to c.
    h.raw('c').readIndex('r');
    h.deliverAll();
    const forwards = h.sent.filter(ofType(MessageType.ReadIndex)).map((m) => [m.from, m.to]);
    expect(forwards).toEqual([
      ['c', 'a'],
      ['a', 'b'],
    ]);
    expect(h.node('c').reads).toEqual([{ index: commit, context: 'r' }]);
    expect(h.node('a').reads).toEqual([]); // a asked for c, not for itself
    expect(h.node('b').reads).toEqual([]);
  });

  it('an isolated stale leader never answers a read', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.isolate('a');
    h.raw('b').campaign();
    h.deliverAll();
    h.propose('b', 'y'); // committed by b and c in term 3; a knows nothing of it
    h.deliverAll();
    expect(h.raft('a').role).toBe(Role.Leader); // still believes it leads term 2

    h.raw('a').readIndex('stale');
    for (let i = 0; i < 10; i++) {
      h.tick('a');
      h.deliverAll();
    }
    expect(h.node('a').reads).toEqual([]);
    h.heal();
    run(h, 'b', 1); // b's heartbeat deposes a
    h.tick('a', 3);
    h.deliverAll();
    expect(h.raft('a').role).toBe(Role.Follower);
    expect(h.node('a').reads).toEqual([]);
  });

  it('a new leader defers reads until it has committed an entry of its own term', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.propose('a', 'x');
    h.deliverAll();
    h.drop(() => true);
    // b takes over; until its no-op commits it cannot know whether index 3 is the latest commit.
    h.raw('b').campaign();
    h.deliverAll((m) => !isApp(m));
    expect(h.raft('b').role).toBe(Role.Leader);
    h.raw('b').readIndex('r');
    h.process();
    expect(h.inbox.filter((m) => m.context === 'r')).toEqual([]); // no confirmation round yet
    h.deliverAll();
    expect(h.raft('b').log.committed).toBe(4);
    expect(h.node('b').reads).toEqual([{ index: 4, context: 'r' }]);
  });

  // KNOWN CORE BUG (reported; see the report of the paper-rule tests): with the commit index now
  // persisted lazily (only alongside entries), a restarted single-voter leader starts with a
  // commit index that can lag writes it acknowledged before the crash, and handleReadIndex
  // answers single-voter reads with it at once, skipping the "commit an entry of this term
  // first" rule that multi-voter reads obey. Remove `.fails` once the core defers these reads.
  it('a restarted single-node leader never answers a read below a write acknowledged before the crash', () => {
    const h = new Harness(['a']);
    h.elect('a');
    let acked = 0;
    for (let i = 1; i <= 5; i++) acked = h.propose('a', `x${i}`).index;
    h.process();
    expect(h.node('a').applied.at(-1)).toBe('x5'); // applied, so a client was told "done"
    h.crash('a');
    h.start('a');
    h.raw('a').campaign(); // a single voter wins at once; its no-op is not persisted yet
    h.raw('a').readIndex('r');
    h.process();
    const [read] = h.node('a').reads;
    expect(read?.index).toBeGreaterThanOrEqual(acked);
  });

  it('a single-node cluster answers a read at once', () => {
    const h = new Harness(['a']);
    h.elect('a');
    h.raw('a').readIndex('r');
    h.process();
    expect(h.node('a').reads).toEqual([{ index: 2, context: 'r' }]);
  });
});

describe('Persistence ordering (Figure 2: "updated on stable storage before responding to RPCs")', () => {
  it('the Ready that grants a vote carries the vote in its hard state, must be synced, and sends the grant only after the write', () => {
    const { raw } = loneNode('b', VOTERS);
    raw.step(message({ type: MessageType.Vote, from: 'a', to: 'b', term: 2, index: 1, logTerm: 1 }));
    const rd = raw.ready();
    expect(rd.hardState).toEqual({ term: 2, vote: 'a', commit: 1 });
    expect(rd.mustSync).toBe(true);
    expect(rd.earlyMessages).toEqual([]);
    expect(rd.messages.map((m) => [m.type, m.to, m.reject])).toEqual([[MessageType.VoteResp, 'a', false]]);
  });

  it('a Ready acknowledges only entries it carries or earlier Readys carried; later appends wait for the next Ready', () => {
    const { raw, disk } = loneNode('b', VOTERS, { term: 2 });
    const [e2, e3, e4] = seededEntries([2, 2, 2]);
    raw.step(message({ type: MessageType.App, from: 'a', to: 'b', term: 2, index: 1, logTerm: 1, entries: [e2!, e3!] }));
    const first = raw.ready();
    raw.step(message({ type: MessageType.App, from: 'a', to: 'b', term: 2, index: 3, logTerm: 2, entries: [e4!] }));
    expect(first.entries.map((e) => e.index)).toEqual([2, 3]);
    expect(first.messages.map((m) => [m.type, m.index])).toEqual([[MessageType.AppResp, 3]]);
    expect(first.earlyMessages).toEqual([]);
    disk.saveSync({ entries: first.entries, hardState: first.hardState });
    raw.advance();
    const second = raw.ready();
    expect(second.entries.map((e) => e.index)).toEqual([4]);
    expect(second.messages.map((m) => [m.type, m.index])).toEqual([[MessageType.AppResp, 4]]);
  });

  it('a leader counts its own entry toward the quorum only once the host has persisted it', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    const a = h.raw('a');
    a.propose(text('x'));
    const rd = a.ready(); // a's disk write is "in progress"
    const toB = rd.earlyMessages.find((m) => isApp(m) && m.to === 'b')!;
    h.raw('b').step(toB);
    h.process(); // b persists and acks (a is busy with its Ready)
    const ack = h.inbox.find((m) => m.from === 'b' && m.type === MessageType.AppResp)!;
    a.step(ack);
    expect(a.raft.log.committed).toBe(2); // x is durable on b only: 1 of 3
    h.node('a').disk.saveSync({ entries: rd.entries, hardState: rd.hardState });
    a.advance();
    expect(a.raft.log.committed).toBe(3); // now on a and b
  });

  it('after a crash and restart a node keeps its term, vote and log, and refuses a second candidate in that term', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.propose('a', 'x');
    h.deliverAll();
    h.crash('a');
    h.raw('c').campaign(); // term 3
    h.deliverRound((m) => m.type === MessageType.Vote && m.to === 'b'); // b votes for c ...
    h.drop(() => true); // ... but c never hears it
    const logBefore = h.logOf('b');
    h.crash('b');
    h.start('b');
    expect([h.raft('b').term, h.raft('b').vote]).toEqual([3, 'c']);
    expect(h.logOf('b')).toEqual(logBefore);

    h.start('a');
    h.raw('a').campaign(); // a also asks for term 3
    h.deliverRound((m) => m.type === MessageType.Vote && m.to === 'b');
    const answer = h.inbox.find((m) => m.from === 'b' && m.to === 'a')!;
    expect(answer).toMatchObject({ type: MessageType.VoteResp, term: 3, reject: true });
    expect(h.checker.violations).toEqual([]);
  });

  it('in random runs, every acknowledgement and vote a node sends is already on its disk (property)', () => {
    type Act = { kind: 'campaign' | 'propose' | 'deliver' | 'crash'; node: number; mask: number };
    const act: fc.Arbitrary<Act> = fc.record({
      kind: fc.constantFrom('campaign', 'propose', 'deliver', 'deliver', 'deliver', 'crash'),
      node: fc.nat({ max: 2 }),
      mask: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(act, { maxLength: 40 }), (acts) => {
        const h = new Harness(VOTERS, { maxMsgBytes: 60 });
        const problems: string[] = [];
        h.onReady = (id, rd) => {
          const disk = h.node(id).disk;
          for (const m of [...rd.earlyMessages, ...rd.messages]) {
            if (m.type === MessageType.AppResp && !m.reject && m.index > disk.lastIndex()) {
              problems.push(`${id} acked ${m.index} with ${disk.lastIndex()} on disk`);
            }
            if (m.type === MessageType.VoteResp && !m.reject) {
              const hs = disk.hardStateNow();
              // A later term on disk also rules out voting again in m.term.
              if (hs.term < m.term || (hs.term === m.term && hs.vote !== m.to))
                problems.push(`${id} granted ${m.to} in ${m.term} with ${JSON.stringify(hs)} on disk`);
            }
          }
        };
        let n = 0;
        for (const a of acts) {
          const id = VOTERS[a.node]!;
          const up = h.node(id).raw !== undefined;
          if (a.kind === 'campaign' && up) h.raw(id).campaign();
          if (a.kind === 'propose' && up && h.raft(id).role === Role.Leader) h.raw(id).propose(text(`p${n++}`));
          if (a.kind === 'deliver') {
            // Remembered per message: the harness asks the filter twice for each one.
            let i = 0;
            const chosen = new Map<Message, boolean>();
            h.deliverRound((m) => {
              let c = chosen.get(m);
              if (c === undefined) chosen.set(m, (c = ((a.mask >>> (i++ % 31)) & 1) === 1));
              return c;
            });
          }
          if (a.kind === 'crash') {
            if (up) h.crash(id);
            else h.start(id);
          }
          h.process();
        }
        expect(problems).toEqual([]);
        expect(h.checker.violations).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('Uncommitted-bytes limit (etcd MaxUncommittedEntriesSize)', () => {
  it('a leader without a quorum refuses proposals past maxUncommittedBytes, and accepts them again once they commit', () => {
    // Each entry counts its payload plus 24 bytes of overhead, so tiny entries count too.
    const h = new Harness(VOTERS, { maxUncommittedBytes: 150 });
    h.elect('a');
    h.cut.add('a>b').add('a>c');
    const sixty = 'x'.repeat(60);
    expect(errorCode(() => h.propose('a', sixty))).toBeUndefined(); // 84
    expect(errorCode(() => h.propose('a', sixty))).toBe('PROPOSAL_DROPPED'); // 168 > 150
    expect(errorCode(() => h.propose('a', 'y'.repeat(30)))).toBeUndefined(); // 138 still fits
    h.heal();
    run(h, 'a', 1);
    expect(h.node('a').applied.slice(-2)).toEqual([sixty, 'y'.repeat(30)]);
    expect(errorCode(() => h.propose('a', sixty))).toBeUndefined();
  });

  it('a single proposal larger than the limit is accepted when nothing else is uncommitted (no livelock)', () => {
    const h = new Harness(VOTERS, { maxUncommittedBytes: 100 });
    h.elect('a');
    expect(errorCode(() => h.propose('a', 'z'.repeat(500)))).toBeUndefined();
  });
});

describe('The Ready / advance contract (raw-node.ts)', () => {
  it('ready() twice without advance() throws READY_NOT_ADVANCED', () => {
    const { raw } = loneNode('a', VOTERS);
    raw.campaign();
    raw.ready();
    expect(errorCode(() => raw.ready())).toBe('READY_NOT_ADVANCED');
    expect(raw.hasReady()).toBe(false); // nothing new is offered until advance()
    raw.advance();
    expect(errorCode(() => raw.ready())).toBeUndefined();
  });

  it('messages stepped in between ready() and advance() land in the next Ready', () => {
    const { raw, disk } = loneNode('a', VOTERS);
    raw.campaign();
    const rd = raw.ready();
    raw.step(message({ type: MessageType.VoteResp, from: 'b', to: 'a', term: 2 })); // a wins meanwhile
    expect(rd.softState?.role).toBe(Role.Candidate);
    expect(rd.entries).toEqual([]);
    disk.saveSync({ hardState: rd.hardState });
    raw.advance();
    const next = raw.ready();
    expect(next.softState?.role).toBe(Role.Leader);
    expect(next.entries.map((e) => e.index)).toEqual([2]); // the new leader's no-op
  });

  it('propose() returns {index, term}, and the entry applied at that index has that term', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    const applied = new Map<number, Entry>();
    h.onReady = (_id, rd) => {
      for (const e of rd.committedEntries) applied.set(e.index, e);
    };
    const p = h.propose('a', 'x');
    h.deliverAll();
    expect(applied.get(p.index)).toMatchObject({ index: p.index, term: p.term });
    expect(new TextDecoder().decode(applied.get(p.index)!.data)).toBe('x');
  });

  it('a proposal lost in a leader change shows as a different term at its index', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.isolate('a');
    const lost = h.propose('a', 'lost'); // never leaves a
    h.raw('b').campaign();
    h.deliverAll();
    h.heal();
    const applied = new Map<NodeId, Entry[]>();
    h.onReady = (id, rd) => applied.set(id, [...(applied.get(id) ?? []), ...rd.committedEntries]);
    run(h, 'b', 2);
    const atIndex = applied.get('a')?.find((e) => e.index === lost.index);
    expect(atIndex).toBeDefined();
    expect(atIndex!.term).not.toBe(lost.term); // the host tells its client the proposal failed
    expect(h.logOf('a').map((e) => e.text)).not.toContain('lost');
  });
});
