// The Raft paper's rules for log replication (§5.3), one test per rule, in the manner of
// etcd-io/raft's raft_paper_test.go, plus the flow control a real implementation adds on top
// (batching, in-flight windows, message size). Section numbers: Ongaro & Ousterhout, 2014.

import { describe, expect, it } from 'vitest';
import { EntryType, MessageType, Role, entriesBytes, message, type Entry, type Message, type NodeId } from '@shoal/raft';
import { Harness, drain, from, loneNode, ofType, seededEntries, to } from './harness.js';

const VOTERS = ['a', 'b', 'c'];
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const isApp = ofType(MessageType.App);
const appTo = (id: NodeId) => (m: Message) => isApp(m) && m.to === id;

/** A follower's log as [index, term] pairs (compact for table tests). */
const termsOf = (entries: readonly Entry[]): [number, number][] => entries.map((e) => [e.index, e.term]);

describe('§5.3 Log replication', () => {
  it('§5.3: "the leader appends the command to its log as a new entry, then issues AppendEntries RPCs in parallel to each of the other servers"', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    const { index, term } = h.propose('a', 'x');
    expect({ index, term }).toEqual({ index: 3, term: 2 });
    expect(h.logOf('a').at(-1)).toEqual({ index: 3, term: 2, text: 'x' });
    expect(h.node('a').disk.lastIndex()).toBe(3); // persisted by the leader's own Ready
    // prevIndex/prevTerm name the entry just before the new one; commit is the leader's.
    const apps = h.inbox.map((m) => ({ type: m.type, to: m.to, index: m.index, logTerm: m.logTerm, commit: m.commit, n: m.entries.length }));
    expect(apps).toEqual([
      { type: MessageType.App, to: 'b', index: 2, logTerm: 2, commit: 2, n: 1 },
      { type: MessageType.App, to: 'c', index: 2, logTerm: 2, commit: 2, n: 1 },
    ]);
  });

  describe('§5.3: "a log entry is committed once the leader that created the entry has replicated it on a majority of the servers"', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    it.each([
      { size: 1, acks: [], committed: true },
      { size: 2, acks: [], committed: false },
      { size: 2, acks: ['b'], committed: true },
      { size: 3, acks: [], committed: false },
      { size: 3, acks: ['b'], committed: true },
      { size: 4, acks: ['b'], committed: false },
      { size: 4, acks: ['b', 'c'], committed: true },
      { size: 5, acks: ['b'], committed: false },
      { size: 5, acks: ['b', 'c'], committed: true },
    ])('$size voters, stored by the leader and $acks → committed: $committed', ({ size, acks, committed }) => {
      const h = new Harness(ids.slice(0, size));
      h.elect('a');
      const { index } = h.propose('a', 'x');
      h.deliverRound((m) => isApp(m) && acks.includes(m.to));
      h.deliverRound((m) => m.type === MessageType.AppResp && acks.includes(m.from));
      expect(h.raft('a').log.committed).toBe(committed ? index : index - 1);
      // "... the leader applies the entry to its state machine" once it is committed.
      expect(h.node('a').applied.includes('x')).toBe(committed);
    });
  });

  it('§5.3: "the leader keeps track of the highest index it knows to be committed, and it includes that index in future AppendEntries RPCs (including heartbeats)"', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.propose('a', 'x');
    h.deliverAll();
    expect(h.raft('a').log.committed).toBe(3);
    h.propose('a', 'y');
    expect(h.inbox.filter(isApp).map((m) => m.commit)).toEqual([3, 3]);
    h.deliverAll();
    h.tick('a');
    expect(h.inbox.filter(ofType(MessageType.Heartbeat)).map((m) => m.commit)).toEqual([4, 4]);
  });

  it('§5.3: "once a follower learns that a log entry is committed, it applies the entry to its local state machine (in log order)"', () => {
    const h = new Harness(VOTERS);
    h.elect('a');
    h.propose('a', 'x');
    h.deliverRound(to('b')); // b stores x, but the leader's commit (2) does not cover it yet
    expect(h.logOf('b').at(-1)?.text).toBe('x');
    expect(h.node('b').applied).toEqual(['']);
    h.deliverRound(from('b')); // the leader commits x and tells b
    h.deliverRound(to('b'));
    expect(h.node('b').applied).toEqual(['', 'x']);

    for (const s of ['y', 'z', 'w']) h.propose('a', s);
    h.deliverAll();
    for (const id of VOTERS) expect(h.node(id).applied).toEqual(['', 'x', 'y', 'z', 'w']);
  });

  describe('§5.3: consistency check: "if the follower does not find an entry in its log with the same index and term, then it refuses the new entries"', () => {
    // The follower holds 2:t1 3:t2 after the bootstrap snapshot at 1:t1.
    it.each([
      { prev: [1, 1], accept: true, ack: 1 },
      { prev: [2, 1], accept: true, ack: 2 },
      { prev: [3, 2], accept: true, ack: 3 },
      { prev: [3, 1], accept: false, hint: [2, 1] }, // same index, other term
      { prev: [3, 3], accept: false, hint: [3, 2] },
      { prev: [4, 2], accept: false, hint: [3, 2] }, // beyond the follower's log
    ])('prev (index, term) = $prev → accepted: $accept', ({ prev, accept, ack, hint }) => {
      const { raw, disk } = loneNode('b', VOTERS, { terms: [1, 2], term: 3 });
      const entry = { index: prev[0]! + 1, term: 3, type: EntryType.Normal, data: text('new') };
      raw.step(message({ type: MessageType.App, from: 'a', to: 'b', term: 3, index: prev[0]!, logTerm: prev[1]!, entries: [entry] }));
      const [resp] = drain(raw, disk);
      expect(resp?.type).toBe(MessageType.AppResp);
      expect(resp?.reject).toBe(!accept);
      if (accept) {
        expect(resp?.index).toBe(ack! + 1);
        expect(raw.raft.log.lastIndex()).toBe(prev[0]! + 1);
      } else {
        // The rejection names the probed index and a hint where the logs might match.
        expect(resp?.index).toBe(prev[0]);
        expect([resp?.rejectHint, resp?.logTerm]).toEqual(hint);
        expect(termsOf(raw.raft.log.allEntries())).toEqual([
          [2, 1],
          [3, 2],
        ]);
      }
    });
  });

  describe('§5.3: "if an existing entry conflicts with a new one (same index but different terms), delete the existing entry and all that follow it; append any new entries not already in the log"', () => {
    // The follower holds 2:t1 3:t2 (etcd's table, shifted by the bootstrap snapshot at index 1).
    it.each([
      {
        prev: [3, 2],
        ents: [[4, 3]],
        want: [
          [2, 1],
          [3, 2],
          [4, 3],
        ],
      },
      {
        prev: [2, 1],
        ents: [
          [3, 3],
          [4, 4],
        ],
        want: [
          [2, 1],
          [3, 3],
          [4, 4],
        ],
      },
      {
        prev: [1, 1],
        ents: [[2, 1]],
        want: [
          [2, 1],
          [3, 2],
        ],
      }, // nothing conflicts: nothing deleted
      { prev: [1, 1], ents: [[2, 3]], want: [[2, 3]] }, // conflict at 2: 2 and 3 go
      {
        prev: [1, 1],
        ents: [
          [2, 1],
          [3, 2],
          [4, 4],
        ],
        want: [
          [2, 1],
          [3, 2],
          [4, 4],
        ],
      },
    ])('prev $prev, entries $ents → log $want', ({ prev, ents, want }) => {
      const { raw, disk } = loneNode('b', VOTERS, { terms: [1, 2], term: 4 });
      const entries = ents.map(([index, term]) => seededEntries([term!], index!)[0]!);
      raw.step(message({ type: MessageType.App, from: 'a', to: 'b', term: 4, index: prev[0]!, logTerm: prev[1]!, entries }));
      const [resp] = drain(raw, disk);
      expect(resp).toMatchObject({ type: MessageType.AppResp, reject: false, index: prev[0]! + ents.length });
      expect(termsOf(raw.raft.log.allEntries())).toEqual(want);
      expect(termsOf(disk.allEntries())).toEqual(want); // and the disk agrees once persisted
    });

    it('an append that repeats entries already in the log (a duplicated or delayed older message) never truncates it', () => {
      const { raw, disk } = loneNode('b', VOTERS, { terms: [2, 2, 2, 2], term: 2 });
      const old = message({
        type: MessageType.App,
        from: 'a',
        to: 'b',
        term: 2,
        index: 2,
        logTerm: 2,
        entries: seededEntries([2], 3),
      });
      raw.step(old);
      const [resp] = drain(raw, disk);
      expect(resp).toMatchObject({ type: MessageType.AppResp, reject: false, index: 3 });
      expect(raw.raft.log.lastIndex()).toBe(5);
      expect(disk.lastIndex()).toBe(5);
    });

    it("duplicated and reordered appends in a live cluster leave the follower with the leader's log", () => {
      const h = new Harness(VOTERS);
      h.elect('a');
      for (const s of ['x', 'y', 'z']) h.propose('a', s);
      const toB = h.inbox.filter(appTo('b'));
      expect(toB.map((m) => m.entries.map((e) => e.index))).toEqual([[3], [4], [5]]);
      h.drop(to('b'));

      const b = h.raw('b');
      b.step(toB[1]!); // y before x: refused (b lacks 3), nothing changes
      h.process();
      expect(h.raft('b').log.lastIndex()).toBe(2);
      for (const m of [toB[0]!, toB[1]!, toB[2]!, toB[0]!, toB[1]!]) b.step(m); // x y z, then x and y again
      h.process();
      expect(h.logOf('b').map((e) => e.text)).toEqual(['', 'x', 'y', 'z']);
      h.deliverAll();
      expect(h.logOf('b')).toEqual(h.logOf('a'));
      expect(h.raft('a').log.committed).toBe(5);
      expect(h.checker.violations).toEqual([]);
    });
  });

  describe('§5.3 fast backtracking: "the follower can include the term of the conflicting entry and the first index it stores for that term"', () => {
    // Figure 7: the leader of term 8 and six possible followers. Index 1 (term 1) is the
    // bootstrap snapshot, so the seeded logs start at index 2 and indexes match the figure.
    const leaderLog = [1, 1, 4, 4, 5, 5, 6, 6, 6];
    const figure7: { name: string; log: number[]; rejects: number }[] = [
      { name: '(a) missing entries', log: [1, 1, 4, 4, 5, 5, 6, 6], rejects: 1 },
      { name: '(b) missing entries', log: [1, 1, 4], rejects: 1 },
      { name: '(c) extra uncommitted entry', log: [1, 1, 4, 4, 5, 5, 6, 6, 6, 6], rejects: 0 },
      { name: '(d) extra uncommitted entries of term 7', log: [1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], rejects: 0 },
      { name: '(e) missing and extra entries', log: [1, 1, 4, 4, 4, 4], rejects: 1 },
      { name: '(f) entries of terms 2 and 3 the leader never had', log: [1, 1, 2, 2, 2, 3, 3, 3, 3, 3], rejects: 1 },
    ];

    it.each(figure7)('Figure 7 $name: the leader brings the follower into agreement in $rejects rejection(s)', ({ log, rejects }) => {
      // x has the leader's log and votes for it; f (the follower of the figure) may not.
      const h = new Harness(['l', 'f', 'x']);
      h.seedLog('l', leaderLog, 7);
      h.seedLog('x', leaderLog, 7);
      h.seedLog('f', log, 7);
      h.elect('l');
      expect(h.raft('l').role).toBe(Role.Leader);
      expect(h.raft('l').term).toBe(8);

      expect(h.logOf('f')).toEqual(h.logOf('l'));
      expect(h.raft('f').log.committed).toBe(11); // the leader's term-8 entry, which commits the rest
      const refusals = h.sent.filter((m) => m.from === 'f' && m.type === MessageType.AppResp && m.reject);
      expect(refusals).toHaveLength(rejects);
      // One probe, one rejection per mismatch, one append that repairs the log, one commit update.
      expect(h.sent.filter(appTo('f')).length).toBeLessThanOrEqual(2 + rejects);
      expect(h.checker.violations).toEqual([]);
    });

    it('a follower with a long run of conflicting entries from one term is repaired after one rejection', () => {
      // The follower got 100 entries from a term-3 leader that nobody else heard.
      const h = new Harness(['l', 'f', 'x']);
      const leaderLog = Array<number>(10).fill(2);
      h.seedLog('l', leaderLog, 4);
      h.seedLog('x', leaderLog, 4);
      h.seedLog('f', [2, 2, 2, 2, ...Array<number>(100).fill(3)], 4);
      h.elect('l');
      expect(h.logOf('f')).toEqual(h.logOf('l'));
      expect(h.sent.filter((m) => m.from === 'f' && m.type === MessageType.AppResp && m.reject)).toHaveLength(1);
    });

    it('a follower far behind answers with its last index, so the leader does not walk back one entry at a time', () => {
      const h = new Harness(['l', 'f', 'x']);
      const leaderLog = Array<number>(100).fill(2);
      h.seedLog('l', leaderLog, 2);
      h.seedLog('x', leaderLog, 2);
      h.seedLog('f', [2], 2);
      h.elect('l');
      const refusals = h.sent.filter((m) => m.from === 'f' && m.type === MessageType.AppResp && m.reject);
      expect(refusals.map((m) => m.rejectHint)).toEqual([2]);
      expect(h.logOf('f')).toEqual(h.logOf('l'));
    });
  });

  describe('§5.3 / Figure 2: "if leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)"', () => {
    it.each([
      { ents: 2, leaderCommit: 3, want: 3 },
      { ents: 2, leaderCommit: 2, want: 2 },
      { ents: 2, leaderCommit: 9, want: 3 }, // the leader committed more than it sent
      { ents: 0, leaderCommit: 9, want: 1 },
    ])('$ents new entries after index 1, leaderCommit $leaderCommit → commit $want', ({ ents, leaderCommit, want }) => {
      const { raw, disk } = loneNode('b', VOTERS, { term: 2 });
      const entries = seededEntries(Array<number>(ents).fill(2));
      raw.step(message({ type: MessageType.App, from: 'a', to: 'b', term: 2, index: 1, logTerm: 1, entries, commit: leaderCommit }));
      drain(raw, disk);
      expect(raw.raft.log.committed).toBe(want);
      expect(disk.hardStateNow().commit).toBe(want);
    });

    it('a follower never commits entries past the ones the leader just matched, even if it has them', () => {
      // 3 and 4 came from the old leader of term 2; the term-3 leader has only matched up to 2,
      // and its index 3 and 4 may hold other entries.
      const { raw, disk } = loneNode('b', VOTERS, { terms: [2, 2, 2], term: 3 });
      raw.step(message({ type: MessageType.App, from: 'a', to: 'b', term: 3, index: 2, logTerm: 2, commit: 4 }));
      drain(raw, disk);
      expect(raw.raft.log.committed).toBe(2);
    });
  });

  describe('batching and flow control (not in the paper; etcd-style)', () => {
    it("proposals made while a follower's probe is unanswered go out together in one append message", () => {
      const h = new Harness(VOTERS);
      h.raw('a').campaign();
      h.deliverAll((m) => !isApp(m)); // a wins; its probes (with the no-op) are still queued
      expect(h.raft('a').role).toBe(Role.Leader);
      for (let i = 1; i <= 5; i++) h.raw('a').propose(text(`x${i}`));
      h.process();
      expect(h.inbox.filter(appTo('b'))).toHaveLength(1); // only the probe
      h.deliverAll();
      const toB = h.sent.filter(appTo('b')).map((m) => m.entries.map((e) => e.index));
      expect(toB).toContainEqual([3, 4, 5, 6, 7]);
      expect(h.node('b').applied).toEqual(['', 'x1', 'x2', 'x3', 'x4', 'x5']);
    });

    it('proposals made while a Ready is outstanding go out in one append message per follower (and one leader disk write)', () => {
      const h = new Harness(VOTERS);
      h.elect('a');
      const raw = h.raw('a');
      const disk = h.node('a').disk;
      raw.propose(text('x0'));
      const first = raw.ready(); // the host is still persisting this one
      expect(first.entries.map((e) => e.index)).toEqual([3]);
      for (let i = 1; i <= 4; i++) raw.propose(text(`x${i}`));
      disk.saveSync({ entries: first.entries, hardState: first.hardState });
      raw.advance();

      const next = raw.ready();
      expect(next.entries.map((e) => e.index)).toEqual([4, 5, 6, 7]);
      const apps = [...next.earlyMessages, ...next.messages].filter(isApp);
      expect(apps.map((m) => [m.to, m.entries.map((e) => e.index)])).toEqual([
        ['b', [4, 5, 6, 7]],
        ['c', [4, 5, 6, 7]],
      ]);
      // Appends depend on nothing this Ready persists, so they may leave before the write ends.
      expect(next.earlyMessages.filter(isApp)).toHaveLength(2);
      disk.saveSync({ entries: next.entries, hardState: next.hardState });
      h.inbox.push(...first.earlyMessages, ...first.messages, ...next.earlyMessages, ...next.messages);
      raw.advance();
      h.deliverAll();
      expect(h.node('c').applied).toEqual(['', 'x0', 'x1', 'x2', 'x3', 'x4']);
    });

    it('with maxInflightMsgs = N, at most N append messages are unacknowledged per replicating follower', () => {
      const h = new Harness(VOTERS, { maxInflightMsgs: 2 });
      h.elect('a');
      for (let i = 1; i <= 6; i++) h.propose('a', `x${i}`);
      // The window holds x1 and x2; x3..x6 wait.
      expect(h.inbox.filter(appTo('b')).map((m) => m.entries.map((e) => e.index))).toEqual([[3], [4]]);

      // One ack frees one slot, and everything waiting goes out in the one message it allows.
      const [first] = h.inbox.filter(appTo('b'));
      h.drop((m) => m === first);
      h.raw('b').step(first!);
      h.deliverRound((m) => m.from === 'b' && m.type === MessageType.AppResp);
      expect(h.inbox.filter(appTo('b')).map((m) => m.entries.map((e) => e.index))).toEqual([[4], [5, 6, 7, 8]]);

      h.deliverAll();
      expect(h.logOf('b')).toEqual(h.logOf('a'));
      expect(h.raft('a').log.committed).toBe(8);
    });

    it('a full window that never hears back is opened one slot per heartbeat response, so replication cannot stall', () => {
      const h = new Harness(VOTERS, { maxInflightMsgs: 1 });
      h.elect('a');
      h.propose('a', 'x1');
      h.propose('a', 'x2');
      h.drop(appTo('b')); // x1's append to b is lost
      expect(h.inbox.filter(appTo('b'))).toEqual([]);
      h.tick('a'); // heartbeat
      h.deliverRound((m) => m.type === MessageType.Heartbeat && m.to === 'b');
      h.deliverRound((m) => m.type === MessageType.HeartbeatResp && m.from === 'b');
      expect(h.inbox.filter(appTo('b'))).toHaveLength(1);
      h.deliverAll();
      expect(h.logOf('b')).toEqual(h.logOf('a'));
    });

    it('a follower in probe state gets one append at a time until it answers', () => {
      const h = new Harness(VOTERS);
      h.elect('a');
      h.raw('a').reportUnreachable('b'); // the stream broke: b goes back to probe state
      for (const s of ['x', 'y', 'z']) h.propose('a', s);
      // c (replicating) got three messages; b one probe.
      expect(h.inbox.filter(appTo('c'))).toHaveLength(3);
      const toB = h.inbox.filter(appTo('b'));
      expect(toB.map((m) => m.entries.map((e) => e.index))).toEqual([[3]]);

      // The probe is lost; a heartbeat answer allows the next one.
      h.drop(appTo('b'));
      h.tick('a');
      expect(h.inbox.filter(appTo('b'))).toEqual([]);
      h.deliverRound((m) => m.type === MessageType.Heartbeat && m.to === 'b');
      h.deliverRound((m) => m.type === MessageType.HeartbeatResp && m.from === 'b');
      expect(h.inbox.filter(appTo('b')).map((m) => m.entries.map((e) => e.index))).toEqual([[3, 4, 5]]);
      h.deliverAll();
      expect(h.logOf('b')).toEqual(h.logOf('a'));
    });

    it('maxMsgBytes bounds the entries of one append message (but one entry always fits)', () => {
      // Each entry costs 8 payload bytes + 24 of framing = 32: three fit in 100 bytes.
      const h = new Harness(VOTERS, { maxMsgBytes: 100 });
      h.elect('a');
      h.isolate('c');
      for (let i = 0; i < 10; i++) h.propose('a', `entry-${i}_`.slice(0, 8));
      h.deliverAll();
      expect(h.raft('a').log.committed).toBe(12);
      h.heal();
      const before = h.sent.length;
      h.tick('a');
      h.deliverAll();
      const catchUp = h.sent.slice(before).filter(appTo('c'));
      expect(catchUp.every((m) => entriesBytes(m.entries) <= 100)).toBe(true);
      expect(Math.max(...catchUp.map((m) => m.entries.length))).toBe(3);
      expect(h.logOf('c')).toEqual(h.logOf('a'));

      // A single entry larger than the limit still goes out, alone.
      h.propose('a', 'x'.repeat(500));
      expect(h.inbox.filter(appTo('b')).map((m) => m.entries.length)).toEqual([1]);
    });
  });
});
