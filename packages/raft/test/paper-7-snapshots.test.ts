// Log compaction (§7 of the paper): the host snapshots its state machine and discards the log
// before it; a follower that needs discarded entries gets the snapshot instead (InstallSnapshot),
// possibly in chunks, and a lost transfer is retried.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfChangeType, MessageType, SnapshotAssembler, message, splitSnapshot, type Message, type Snapshot } from '@shoal/raft';
import { Harness, drain, loneNode, ofType } from './harness.js';

const VOTERS = ['a', 'b', 'c'];
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const isSnap = ofType(MessageType.Snap);

/**
 * a leads; c is cut off while x1..x5 (indexes 3..7) commit on a and b; then a's host snapshots
 * at index 5 and compacts its log through 5, so c's next entry (3) is gone. The links are
 * healed, but nothing is sent yet.
 */
function laggingFollower(options: ConstructorParameters<typeof Harness>[1] = {}): Harness {
  const h = new Harness(VOTERS, options);
  h.elect('a');
  h.isolate('c');
  for (let i = 1; i <= 5; i++) h.propose('a', `x${i}`);
  h.deliverAll();
  expect(h.raft('a').log.committed).toBe(7);
  const disk = h.node('a').disk;
  disk.createSnapshotSync(5, h.raw('a').confState(), text('state@5'));
  disk.compactSync(5);
  expect(disk.firstIndex()).toBe(6);
  h.heal();
  return h;
}

/** Snapshots carried by a node's Readys, recorded as they are handed out. */
function recordSnapshots(h: Harness, id: string): Snapshot[] {
  const seen: Snapshot[] = [];
  h.onReady = (who, rd) => {
    if (who === id && rd.snapshot) seen.push(rd.snapshot);
  };
  return seen;
}

describe('§7 Log compaction', () => {
  it('§7: "the leader uses a new RPC called InstallSnapshot to send snapshots to followers that are too far behind"; the follower then catches up with appends', () => {
    const h = laggingFollower();
    const installed = recordSnapshots(h, 'c');
    h.tick('a'); // a heartbeat: c answers, and a finds c needs index 3
    h.deliverAll();

    const snaps = h.sent.filter(isSnap);
    expect(snaps.map((m) => [m.from, m.to, m.snapshot?.meta.index, m.snapshot?.meta.term])).toEqual([['a', 'c', 5, 2]]);
    expect(installed.map((s) => [s.meta.index, new TextDecoder().decode(s.data)])).toEqual([[5, 'state@5']]);
    // After the snapshot, the rest of the log (6 and 7) came as ordinary appends.
    expect(h.sent.filter((m) => m.type === MessageType.App && m.to === 'c' && m.entries.some((e) => e.index === 7))).not.toEqual([]);
    expect(h.logOf('c')).toEqual(h.logOf('a'));
    expect(h.node('c').disk.snapshot().meta.index).toBe(5);
    expect(h.raft('c').log.committed).toBe(7);
    expect(h.node('c').applied).toEqual(['', 'x4', 'x5']); // the no-op before the partition, then past the snapshot
    expect(h.checker.violations).toEqual([]);
  });

  it('§7: the snapshot carries "the latest configuration as of the last included index", which the follower installs', () => {
    // d joins as a learner while cut off; the change is compacted away before d hears anything.
    const h = new Harness(['a', 'b', 'c', 'd'], {}, VOTERS);
    h.elect('a');
    h.isolate('d');
    h.raw('a').proposeConfChange({ type: ConfChangeType.AddLearner, nodeId: 'd' });
    h.deliverAll();
    h.propose('a', 'x');
    h.deliverAll();
    const conf = h.raw('a').confState();
    expect(conf).toEqual({ voters: VOTERS, learners: ['d'] });
    const last = h.raft('a').log.applied;
    h.node('a').disk.createSnapshotSync(last, conf, text(`state@${last}`));
    h.node('a').disk.compactSync(last);

    h.heal();
    h.tick('a');
    h.deliverAll();
    expect(h.node('d').disk.snapshot().meta).toEqual({ index: last, term: 2, conf });
    expect(h.raw('d').confState()).toEqual(conf);
    expect(h.node('d').applied).toEqual([]); // everything came in the snapshot, the change too
    h.propose('a', 'y');
    h.deliverAll();
    expect(h.node('d').applied).toEqual(['y']);
  });

  describe('a follower receiving a snapshot it does not need', () => {
    // The follower holds 2..5 (term 2) and has committed through 4.
    function follower() {
      const n = loneNode('b', VOTERS, { terms: [2, 2, 2, 2], term: 2, commit: 4 });
      drain(n.raw, n.disk);
      return n;
    }
    const snap = (index: number, term: number): Message =>
      message({
        type: MessageType.Snap,
        from: 'a',
        to: 'b',
        term: 2,
        snapshot: { meta: { index, term, conf: { voters: VOTERS, learners: [] } }, data: text('s') },
      });

    it('ignores a snapshot older than its commit index and answers with that commit index', () => {
      const { raw } = follower();
      raw.step(snap(3, 2));
      const rd = raw.ready();
      expect(rd.snapshot).toBeUndefined();
      expect(rd.messages.map((m) => [m.type, m.index, m.reject])).toEqual([[MessageType.AppResp, 4, false]]);
      expect(raw.raft.log.lastIndex()).toBe(5);
    });

    it('does not replace its log with a snapshot whose last entry it already has; it only commits it', () => {
      const { raw } = follower();
      raw.step(snap(5, 2));
      const rd = raw.ready();
      expect(rd.snapshot).toBeUndefined();
      expect(rd.messages.map((m) => [m.type, m.index])).toEqual([[MessageType.AppResp, 5]]);
      expect(raw.raft.log.committed).toBe(5);
      expect(raw.raft.log.lastIndex()).toBe(5);
    });

    it('replaces a log that conflicts with the snapshot ("the follower discards its entire log")', () => {
      const { raw } = follower();
      raw.step(snap(7, 3));
      const rd = raw.ready();
      expect(rd.snapshot?.meta.index).toBe(7);
      expect(rd.messages.map((m) => [m.type, m.index])).toEqual([[MessageType.AppResp, 7]]);
      expect(raw.raft.log.lastIndex()).toBe(7);
      expect(raw.raft.log.firstIndex()).toBe(8);
    });
  });

  describe('§7 chunks: "the snapshot is split into chunks for transmission" (offset, data, done)', () => {
    const snapMsg = (data: Uint8Array): Message =>
      message({
        type: MessageType.Snap,
        from: 'a',
        to: 'c',
        term: 3,
        snapshot: { meta: { index: 9, term: 3, conf: { voters: VOTERS, learners: ['d'] } }, data },
      });

    /** Snapshot data, chunk size, and an order of chunk indexes: every chunk at least once, duplicates, shuffled. */
    const transfer = fc.record({ data: fc.uint8Array({ maxLength: 300 }), chunkBytes: fc.integer({ min: 1, max: 64 }) }).chain(({ data, chunkBytes }) => {
      const n = Math.max(1, Math.ceil(data.byteLength / chunkBytes));
      const all = [...Array(n).keys()];
      return fc.record({
        data: fc.constant(data),
        chunkBytes: fc.constant(chunkBytes),
        n: fc.constant(n),
        order: fc.array(fc.nat({ max: n - 1 }), { maxLength: 2 * n }).chain((dups) => fc.shuffledSubarray([...all, ...dups], { minLength: n + dups.length })),
      });
    });

    it('chunks delivered in any order, with duplicates, reassemble the snapshot exactly once all have arrived (property)', () => {
      fc.assert(
        fc.property(transfer, ({ data, chunkBytes, n, order }) => {
          const m = snapMsg(data);
          const chunks = splitSnapshot(m, chunkBytes);
          expect(chunks).toHaveLength(n);
          const asm = new SnapshotAssembler();
          const seen = new Set<number>();
          for (const i of order) {
            seen.add(i);
            const done = asm.add(chunks[i]!);
            if (seen.size < n) {
              expect(done).toBeUndefined();
              continue;
            }
            expect(done).toBeDefined();
            expect(done).toMatchObject({ type: MessageType.Snap, from: 'a', to: 'c', term: 3 });
            expect(done!.snapshot!.meta).toEqual(m.snapshot!.meta);
            expect(Buffer.from(done!.snapshot!.data).equals(Buffer.from(data))).toBe(true);
            return; // later duplicates belong to a finished transfer
          }
          throw new Error('never completed');
        }),
      );
    });

    it('a transfer missing a chunk never completes, whatever else arrives (property)', () => {
      fc.assert(
        fc.property(transfer, fc.nat(), ({ data, chunkBytes, n, order }, pick) => {
          fc.pre(n >= 2);
          const missing = pick % n;
          const chunks = splitSnapshot(snapMsg(data), chunkBytes);
          const asm = new SnapshotAssembler();
          for (const i of order) if (i !== missing) expect(asm.add(chunks[i]!)).toBeUndefined();
        }),
      );
    });

    it('a chunk of a newer snapshot from the same leader replaces the unfinished transfer', () => {
      const asm = new SnapshotAssembler();
      const old = splitSnapshot(snapMsg(text('old-old-old')), 4);
      const newer = splitSnapshot({ ...snapMsg(text('new-new-new')), term: 4 }, 4);
      expect(asm.add(old[0]!)).toBeUndefined();
      expect(asm.add(newer[0]!)).toBeUndefined();
      expect(asm.add(old[1]!)).toBeUndefined(); // a late chunk of the old one starts over (newer[0] is forgotten)
      expect(asm.add(newer[1]!)).toBeUndefined(); // and the newer one starts over again
      expect(asm.add(newer[2]!)).toBeUndefined(); // still missing newer[0]
      const done = asm.add(newer[0]!);
      expect(new TextDecoder().decode(done?.snapshot?.data)).toBe('new-new-new');
      expect(done?.term).toBe(4);
    });

    it('a snapshot that travels in reversed, duplicated chunks installs like one sent whole', () => {
      const h = laggingFollower();
      h.tick('a');
      h.deliverAll((m) => !isSnap(m));
      const [whole] = h.inbox.filter(isSnap);
      h.drop(isSnap);
      const chunks = splitSnapshot(whole!, 3);
      const asm = new SnapshotAssembler();
      const arrived = [...chunks]
        .reverse()
        .concat(chunks)
        .map((c) => asm.add(c))
        .filter((m) => m !== undefined);
      expect(arrived.length).toBeGreaterThanOrEqual(1);
      h.inbox.push(arrived[0]!);
      h.deliverAll();
      expect(h.logOf('c')).toEqual(h.logOf('a'));
      expect(new TextDecoder().decode(h.node('c').disk.snapshot().data)).toBe('state@5');
    });
  });

  describe('retrying a lost snapshot', () => {
    /** Runs until a's Snap to c is queued, then loses it. */
    function loseFirstSnapshot(h: Harness): void {
      h.tick('a');
      h.deliverAll((m) => !isSnap(m));
      expect(h.inbox.filter(isSnap)).toHaveLength(1);
      h.drop(isSnap);
    }
    const snapsToC = (h: Harness) => h.sent.filter((m) => isSnap(m) && m.to === 'c').length;

    it('while a snapshot is in flight, heartbeats do not resend it', () => {
      const h = laggingFollower();
      loseFirstSnapshot(h);
      for (let i = 0; i < 5; i++) {
        h.tick('a');
        h.deliverAll();
      }
      expect(snapsToC(h)).toBe(1);
      expect(h.raft('c').log.committed).toBe(2);
    });

    it('a leader told the transfer failed (reportSnapshot(id, false)) sends it again after the follower next answers', () => {
      const h = laggingFollower();
      loseFirstSnapshot(h);
      h.raw('a').reportSnapshot('c', false);
      h.process();
      expect(h.inbox.filter(isSnap)).toEqual([]); // not at once: wait for a sign of life
      h.tick('a');
      h.deliverAll();
      expect(snapsToC(h)).toBe(2);
      expect(h.logOf('c')).toEqual(h.logOf('a'));
    });

    it("a leader never told the transfer's fate retries after snapshotRetryTicks", () => {
      const h = laggingFollower({ snapshotRetryTicks: 5 });
      loseFirstSnapshot(h);
      for (let i = 0; i < 5; i++) {
        h.tick('a');
        h.deliverAll();
      }
      expect(snapsToC(h)).toBe(1);
      h.tick('a'); // the 6th tick in snapshot state: give up on the first transfer
      h.deliverAll();
      expect(snapsToC(h)).toBe(2);
      expect(h.logOf('c')).toEqual(h.logOf('a'));
    });

    it('a transfer reported as successful lets the leader continue with appends from the snapshot on', () => {
      const h = laggingFollower();
      h.tick('a');
      h.deliverAll((m) => !isSnap(m));
      h.deliverRound(isSnap); // c installs it; its answer is lost
      h.drop((m) => m.from === 'c');
      h.raw('a').reportSnapshot('c', true);
      h.tick('a');
      h.deliverAll();
      expect(snapsToC(h)).toBe(1);
      expect(h.logOf('c')).toEqual(h.logOf('a'));
      expect(h.raft('c').log.committed).toBe(7);
    });
  });
});
