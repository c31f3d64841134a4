// RaftHost, driven by hand: one host over a real LevelDB Raft database, its peers played by the
// test, which reads what the host sends and answers with the messages a peer would. Covers what
// the host itself decides: how proposals learn their fate, when it may snapshot, and whose
// messages reach the core.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EntryType, MessageType, Role, bootstrap, message, type ConfState, type Entry, type Message, type NodeId, type StorageUpdate } from '@shoal/raft';
import { LevelStorage } from '@shoal/raft/level';
import { ManagerError } from '../src/errors.js';
import { RaftHost, type PeerStanding, type RaftTimings } from '../src/raft-host.js';
import { Cluster, TextMachine, encodeText, track } from './raft-host-cluster.js';

const text = new TextEncoder();
const untext = new TextDecoder();
// Captured before any test fakes timers: the waits below run on real time.
const realSetTimeout = globalThis.setTimeout;

/** Polls `probe` until it returns a value, failing with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => realSetTimeout(r, 2));
  }
}

// Elections take 200-400 ms: long enough that a leader the test has made is not deposed by its
// own check-quorum while the test is still answering for its peers.
const TIMINGS: RaftTimings = { tickMs: 5, heartbeatTicks: 1, electionTicks: 40, snapshotEvery: 10_000, keepEntries: 100 };

interface Rig {
  readonly host: RaftHost;
  readonly storage: LevelStorage;
  readonly sm: TextMachine;
  readonly sent: Message[];
  /** Steps a message from a peer into the host. */
  from(m: Partial<Message> & Pick<Message, 'type' | 'from' | 'term'>): void;
  /** Waits for the host to send a message matching `match` (after the first `after` sent). */
  sentMatching(what: string, match: (m: Message) => boolean, after?: number): Promise<Message>;
}

const dirs: string[] = [];
const hosts: RaftHost[] = [];
const storages: LevelStorage[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const h of hosts.splice(0)) await h.stop();
  for (const s of storages.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rig(
  id: NodeId,
  voters: readonly NodeId[],
  o: { timings?: Partial<RaftTimings>; requestTimeoutMs?: number; standing?: (id: NodeId) => PeerStanding; wrap?: (s: LevelStorage) => void } = {},
): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-raft-host-'));
  dirs.push(dir);
  const storage = await LevelStorage.open(dir);
  storages.push(storage);
  await bootstrap(storage, voters, new Uint8Array());
  o.wrap?.(storage);
  const sm = new TextMachine();
  const sent: Message[] = [];
  const host = new RaftHost({
    id,
    storage,
    stateMachine: sm,
    transport: { send: (msgs) => void sent.push(...msgs), reachable: () => true },
    timings: { ...TIMINGS, ...o.timings },
    logger: pino({ level: 'silent' }),
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    addressOf: (peer) => `${peer}.example:4242`,
    ...(o.standing ? { standing: o.standing } : {}),
  });
  hosts.push(host);
  return {
    host,
    storage,
    sm,
    sent,
    from: (m) => host.step(message({ to: id, ...m })),
    sentMatching: (what, match, after = 0) => waitFor(what, () => sent.slice(after).find(match)),
  };
}

const entry = (index: number, term: number, data = ''): Entry => ({ index, term, type: EntryType.Normal, data: text.encode(data) });

/** Makes host `a` (voters a, b, c) leader of the next term with c's votes; returns that term. */
async function electWithVotesOf(r: Rig, voter: NodeId): Promise<number> {
  const mark = r.sent.length;
  const preVote = await r.sentMatching('a pre-vote request', (m) => m.type === MessageType.PreVote && m.to === voter, mark);
  r.from({ type: MessageType.PreVoteResp, from: voter, term: preVote.term });
  const vote = await r.sentMatching('a vote request', (m) => m.type === MessageType.Vote && m.to === voter, mark);
  r.from({ type: MessageType.VoteResp, from: voter, term: vote.term });
  await waitFor('leadership', () => (r.host.isLeader ? true : undefined));
  // The voter acknowledges the new leader's no-op, so the leader streams to it from then on.
  const noop = r.host.status().lastIndex;
  ack(r, voter, vote.term, noop);
  await waitFor("the new leader's no-op applied", () => (r.host.appliedIndex === noop ? true : undefined));
  return vote.term;
}

/** The peer acknowledges everything up to `index` in `term`. */
function ack(r: Rig, peer: NodeId, term: number, index: number): void {
  r.from({ type: MessageType.AppResp, from: peer, term, index });
}

describe('RaftHost proposals: known by (index, term)', () => {
  it("proposals superseded by another term's entries fail at once with NOT_LEADER; a later proposal at a reused index succeeds", async () => {
    const r = await rig('a', ['a', 'b', 'c']);
    r.host.start({ campaign: true });
    const t1 = await electWithVotesOf(r, 'b');
    const noop = r.host.appliedIndex;

    // Three proposals nobody acknowledges: indexes noop+1..noop+3 in term t1.
    const p1 = [0, 1, 2].map((i) => track(r.host.propose(text.encode(`p1-${i}`))));
    await r.sentMatching('the proposals sent', (m) => m.type === MessageType.App && m.entries.some((e) => e.index === noop + 3));

    // b leads a newer term; its log has one entry of its own term after the no-op, committed.
    const t2 = t1 + 1;
    r.from({ type: MessageType.App, from: 'b', term: t2, index: noop, logTerm: t1, entries: [entry(noop + 1, t2, 'b-1')], commit: noop + 1 });
    await waitFor('the first proposal to fail', () => (p1[0]!.settled ? true : undefined));
    expect(p1[0]!.error).toBeInstanceOf(ManagerError);
    expect((p1[0]!.error as ManagerError).code).toBe('NOT_LEADER');
    expect(p1[0]!.error!.message).toMatch(
      /^superseded: leadership changed before the change committed .* so it was not applied; retry on the leader b at b\.example:4242$/,
    );
    expect((p1[0]!.error as ManagerError).leaderAddr).toBe('b.example:4242');
    expect(r.sm.applied).toEqual(['b-1']);

    // b goes quiet; a wins the next term with c. Its no-op lands at noop+2 and the next proposal
    // at noop+3: the indexes of the two proposals still waiting from term t1.
    const t3 = await electWithVotesOf(r, 'c');
    expect(t3).toBeGreaterThan(t2);
    const p2 = track(r.host.propose(text.encode('p2')));
    await r.sentMatching('p2 sent', (m) => m.type === MessageType.App && m.entries.some((e) => e.index === noop + 3 && e.term === t3));
    ack(r, 'c', t3, noop + 3);

    await waitFor('p2 to succeed', () => (p2.settled ? true : undefined));
    expect(p2.error).toBeUndefined();
    expect(p2.value).toBe('applied p2');
    await waitFor('the superseded proposals to fail', () => (p1[1]!.settled && p1[2]!.settled ? true : undefined));
    for (const p of p1.slice(1)) {
      expect((p.error as ManagerError).code).toBe('NOT_LEADER');
      expect(p.error!.message).toMatch(/^superseded: .* retry on the leader a at a\.example:4242$/);
    }
    expect(r.sm.applied).toEqual(['b-1', 'p2']);
  });

  it('a lost proposal timing out does not take the waiter of a later proposal at the same index', async () => {
    const TIMEOUT = 1000;
    const r = await rig('a', ['a', 'b', 'c'], { requestTimeoutMs: TIMEOUT });
    // Only the request timers are fake: the Raft ticker and LevelDB run on real time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    r.host.start({ campaign: true });
    const t1 = await electWithVotesOf(r, 'b');
    const noop = r.host.appliedIndex;

    // Three proposals nobody acknowledges: indexes noop+1..noop+3 in term t1.
    const lost = [0, 1, 2].map((i) => track(r.host.propose(text.encode(`lost-${i}`))));
    await r.sentMatching('the proposals sent', (m) => m.type === MessageType.App && m.entries.some((e) => e.index === noop + 3));
    // b's newer term cuts a's log back to noop+1 (not committed yet: nothing is decided there).
    r.from({ type: MessageType.App, from: 'b', term: t1 + 1, index: noop, logTerm: t1, entries: [entry(noop + 1, t1 + 1, 'b-1')], commit: noop });
    await waitFor('a to follow b', () => (r.host.leaderId === 'b' ? true : undefined));
    vi.advanceTimersByTime(TIMEOUT / 2);

    // a leads again: its no-op lands at noop+2 and the next proposal at noop+3, the index where
    // the third lost proposal still waits.
    const t3 = await electWithVotesOf(r, 'c');
    const mark = r.sent.length;
    const later = track(r.host.propose(text.encode('later')));
    const app = await r.sentMatching(
      'the later proposal sent',
      (m) => m.type === MessageType.App && m.entries.some((e) => untext.decode(e.data) === 'later'),
      mark,
    );
    const laterIndex = app.entries.find((e) => untext.decode(e.data) === 'later')!.index;
    expect(laterIndex).toBe(noop + 3);

    // The lost proposals' timers fire (the later one's is half as old and does not).
    vi.advanceTimersByTime(TIMEOUT / 2);
    await waitFor('the lost proposals to time out', () => (lost.every((p) => p.settled) ? true : undefined));
    expect(later.settled).toBe(false);

    ack(r, 'c', t3, laterIndex);
    await waitFor('the later proposal to be answered', () => (later.settled ? true : undefined));
    expect(later.error).toBeUndefined();
    expect(later.value).toBe('applied later');
  });
});

describe('RaftHost snapshots', () => {
  it('does not snapshot its own state while a snapshot received from the leader waits to be saved', async () => {
    let gate: Promise<void> | undefined;
    let openGate = (): void => {};
    const saves: StorageUpdate[] = [];
    const taken: { index: number; conf: ConfState }[] = [];
    const r = await rig('b', ['a', 'b', 'c'], {
      timings: { snapshotEvery: 2, keepEntries: 1, electionTicks: 1000 },
      wrap: (s) => {
        const save = s.save.bind(s);
        s.save = async (u) => {
          saves.push(u);
          if (gate) await gate;
          return save(u);
        };
        const createSnapshot = s.createSnapshot.bind(s);
        s.createSnapshot = (index, conf, data) => {
          taken.push({ index, conf });
          return createSnapshot(index, conf, data);
        };
      },
    });
    r.host.start();
    // a leads term 2; b applies index 2 (one entry past the bootstrap snapshot: no snapshot yet).
    r.from({ type: MessageType.App, from: 'a', term: 2, index: 1, logTerm: 1, entries: [entry(2, 2, 'x2')], commit: 2 });
    await waitFor('index 2 applied', () => (r.host.appliedIndex === 2 ? true : undefined));

    // The next append's write hangs; meanwhile a's snapshot (a newer membership) arrives.
    gate = new Promise((resolve) => (openGate = resolve));
    r.from({ type: MessageType.App, from: 'a', term: 2, index: 2, logTerm: 2, entries: [entry(3, 2, 'x3')], commit: 3 });
    await waitFor('the append being written', () => saves.find((u) => u.entries?.some((e) => e.index === 3)));
    const newConf: ConfState = { voters: ['a', 'b', 'c', 'd'], learners: [] };
    const data = text.encode(JSON.stringify(['x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10']));
    r.from({ type: MessageType.Snap, from: 'a', term: 2, snapshot: { meta: { index: 10, term: 2, conf: newConf }, data } });
    gate = undefined;
    openGate();

    await waitFor('the received snapshot installed', () => (r.host.appliedIndex === 10 ? true : undefined));
    // Index 3 was applied with the old membership in force: a snapshot of it must not claim the new one.
    for (const s of taken) if (s.index < 10) expect(s.conf.voters, `the snapshot taken at ${s.index}`).not.toContain('d');
    expect(r.storage.snapshot().meta).toEqual({ index: 10, term: 2, conf: newConf });
    expect(r.sm.applied).toEqual(['x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10']);
  });
});

describe('RaftHost: whose messages reach the core', () => {
  const standings: Record<NodeId, PeerStanding> = { demoted: 'not-a-manager', joining: 'manager' };
  const standing = (id: NodeId): PeerStanding => standings[id] ?? 'unknown';

  it("drops a removed or demoted manager's messages, however high their term", async () => {
    const r = await rig('b', ['a', 'b', 'c'], { standing, timings: { electionTicks: 1000 } });
    r.host.start();
    const term = r.host.status().term;
    r.from({ type: MessageType.App, from: 'demoted', term: term + 5, index: 1, logTerm: 1, commit: 1 });
    r.from({ type: MessageType.Vote, from: 'demoted', term: term + 5, index: 10, logTerm: term + 4 });
    r.from({ type: MessageType.Heartbeat, from: 'demoted', term: term + 5, commit: 1 });
    // A member's message right after: once it is handled, the others were (or were not) too.
    r.from({ type: MessageType.Heartbeat, from: 'a', term: term + 1, commit: 1 });
    await waitFor('the member heard', () => (r.host.leaderId === 'a' ? true : undefined));
    expect(r.host.status().term).toBe(term + 1);
    expect(r.sent.filter((m) => m.to === 'demoted')).toEqual([]);
  });

  it('admits a joining manager, and leader traffic (but no votes) from a node it does not know', async () => {
    const r = await rig('b', ['a', 'b', 'c'], { standing, timings: { electionTicks: 1000 } });
    r.host.start();
    const term = r.host.status().term;
    // An unknown node asking for votes is not answered...
    r.from({ type: MessageType.PreVote, from: 'stranger', term: term + 1, index: 10, logTerm: term });
    // ...but a leader we lag too far behind to know of is followed (it joined after our log ends).
    r.from({ type: MessageType.Heartbeat, from: 'newleader', term: term + 2, commit: 1 });
    await waitFor('the unknown leader followed', () => (r.host.leaderId === 'newleader' ? true : undefined));
    expect(r.host.status().term).toBe(term + 2);
    expect(r.sent.filter((m) => m.to === 'stranger')).toEqual([]);
    await r.sentMatching('an answer to the unknown leader', (m) => m.to === 'newleader' && m.type === MessageType.HeartbeatResp);

    r.from({ type: MessageType.Heartbeat, from: 'joining', term: term + 3, commit: 1 });
    await waitFor('the joining manager followed', () => (r.host.leaderId === 'joining' ? true : undefined));
    expect(r.host.status().role).toBe(Role.Follower);
  });
});

// ---------------------------------------------------------------------------------------------
// Whole groups of hosts in one process (raft-host-cluster.ts): in-memory storage, a manual
// clock, an in-process network. Every wait is counted in ticks of that clock.

describe('RaftHost groups on a manual clock', () => {
  const clusters: Cluster[] = [];
  afterEach(async () => {
    for (const c of clusters.splice(0)) await c.stop();
  });
  const group = async (ids: readonly NodeId[], o: { campaign?: NodeId } = {}): Promise<Cluster> => {
    const c = await Cluster.start(ids, o);
    clusters.push(c);
    return c;
  };
  /** A group of three whose leader is a (the first to time out). */
  const ledByA = async (): Promise<Cluster> => {
    const c = await group(['a', 'b', 'c']);
    await c.until('a leads and everyone knows', () => c.ids.every((id) => c.host(id).leaderId === 'a'));
    // The new leader's no-op is applied everywhere before the test begins.
    await c.until('the no-op applied everywhere', () => c.ids.every((id) => c.host(id).appliedIndex === c.host('a').appliedIndex));
    return c;
  };

  it('a lone founding member that campaigns leads at once, with no tick', async () => {
    const c = await group(['a'], { campaign: 'a' });
    await c.settle();
    expect(c.host('a').isLeader).toBe(true);
    expect(c.leaderEvents.get('a')).toEqual([['a', 2]]);
  });

  it('three hosts elect the first to time out, and every host announces it once', async () => {
    const c = await group(['a', 'b', 'c']);
    await c.tick(5);
    expect(c.leaders()).toEqual([]); // nobody times out before the election timeout
    await c.until('a leader', () => c.leaders().length > 0);
    expect(c.leaders()).toEqual(['a']);
    await c.until('everyone knows', () => c.ids.every((id) => c.host(id).leaderId === 'a'));
    const term = c.host('a').status().term;
    for (const id of c.ids) expect(c.leaderEvents.get(id), id).toEqual([['a', term]]);
    // It stays leader while its heartbeats flow.
    await c.tick(50);
    expect(c.leaders()).toEqual(['a']);
    expect(c.host('a').status().term).toBe(term);
  });

  it("a proposal resolves once its entry is applied, with the state machine's result, and applies once everywhere", async () => {
    const c = await ledByA();
    // The followers' appends wait: the entry cannot commit yet.
    c.net.hold({ from: 'a', type: MessageType.App });
    let appliedWhenSettled: string[] = [];
    const p = track(c.host('a').propose(encodeText('x')), () => (appliedWhenSettled = [...c.applied('a')]));
    await c.tick(5);
    expect(p.settled).toBe(false);
    expect(c.applied('a')).toEqual([]);

    c.net.release();
    await c.until('the proposal answered', () => p.settled);
    expect(p.error).toBeUndefined();
    expect(p.value).toBe('applied x');
    expect(appliedWhenSettled).toEqual(['x']);
    await c.until('applied everywhere', () => c.ids.every((id) => c.applied(id).length === 1));
    await c.tick(10);
    for (const id of c.ids) expect(c.applied(id), id).toEqual(['x']);
  });

  it("a proposal on a follower is refused with NOT_LEADER and the leader's address; with no leader, NO_QUORUM", async () => {
    const c = await group(['a', 'b', 'c']);
    const early = track(c.host('b').propose(encodeText('too soon')));
    await c.settle();
    expect((early.error as ManagerError).code).toBe('NO_QUORUM');
    expect(early.error!.message).toMatch(/^no leader is elected: .*Wait for an election, or start the missing managers$/);

    await c.until('a leads and b knows', () => c.host('b').leaderId === 'a');
    const p = track(c.host('b').propose(encodeText('y')));
    await c.settle();
    expect(p.error).toBeInstanceOf(ManagerError);
    expect((p.error as ManagerError).code).toBe('NOT_LEADER');
    expect((p.error as ManagerError).leaderAddr).toBe('a.example:4242');
    expect(p.error!.message).toBe('this manager is not the leader; the leader is a at a.example:4242');
    await c.tick(5);
    for (const id of c.ids) expect(c.applied(id), id).toEqual([]);
  });

  it('a read on a follower resolves only once the follower has applied its read index', async () => {
    const c = await ledByA();
    // b gets no appends from here on: a commits "x" with c alone.
    c.net.hold({ from: 'a', to: 'b', type: MessageType.App });
    const x = track(c.host('a').propose(encodeText('x')));
    await c.until('x committed', () => x.settled);
    const xIndex = c.host('a').appliedIndex;
    expect(c.host('b').appliedIndex).toBeLessThan(xIndex);

    let appliedWhenRead: string[] = [];
    const mark = c.net.delivered.length;
    const read = track(c.host('b').readBarrier(), () => (appliedWhenRead = [...c.applied('b')]));
    await c.until('the leader confirmed the read index to b', () =>
      c.net.delivered.slice(mark).some((m) => m.type === MessageType.ReadIndexResp && m.to === 'b'),
    );
    const confirmed = c.net.delivered.slice(mark).find((m) => m.type === MessageType.ReadIndexResp && m.to === 'b')!;
    expect(confirmed.index).toBe(xIndex);
    await c.tick(10);
    expect(read.settled).toBe(false);

    c.net.release();
    await c.until('the read answered', () => read.settled);
    expect(read.error).toBeUndefined();
    expect(appliedWhenRead).toEqual(['x']);
  });

  it("a leader cut off steps down: its pending read fails at once, its pending proposal once another term's entry takes its index", async () => {
    const c = await ledByA();
    const term = c.host('a').status().term;
    // The transport still believes in its links (reachable), so a accepts both requests.
    c.net.isolate('a');
    const lost = track(c.host('a').propose(encodeText('lost')));
    const read = track(c.host('a').readBarrier());
    const lostIndex = c.host('a').status().lastIndex;

    // b, the next to time out, wins with c; a, hearing from no quorum, steps down.
    await c.until('b leads b and c', () => c.host('b').isLeader && c.host('c').leaderId === 'b');
    await c.until('a stepped down', () => !c.host('a').isLeader);
    await c.until('the read failed', () => read.settled);
    expect((read.error as ManagerError).code).toBe('TIMEOUT');
    expect(read.error!.message).toBe('the leader changed while confirming a read; retry');
    expect(lost.settled).toBe(false); // it may still commit, as far as a can tell

    // b's no-op (its term's first entry) takes the lost proposal's index, and b commits more;
    // a learns of it once healed.
    const taken = track(c.host('b').propose(encodeText('b-1')));
    await c.until('b-1 committed', () => taken.settled);
    expect(c.host('b').status().term).toBeGreaterThan(term);
    expect(c.host('b').appliedIndex).toBe(lostIndex + 1);
    c.net.heal();
    await c.until('the lost proposal failed', () => lost.settled);
    expect((lost.error as ManagerError).code).toBe('NOT_LEADER');
    expect(lost.error!.message).toMatch(
      new RegExp(
        `^superseded: leadership changed before the change committed \\(proposed at index ${lostIndex} in term ${term}, .* retry on the leader b at b\\.example:4242$`,
      ),
    );
    await c.until('a applied b-1', () => c.applied('a').includes('b-1'));
    expect(c.applied('a')).toEqual(['b-1']);
  });
});
