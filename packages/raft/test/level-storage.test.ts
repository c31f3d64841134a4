// LevelDB-specific behaviour of the Raft database: what reopening gives back, the bytes on disk,
// refusing corrupt or locked directories, finishing interrupted compactions, and surviving SIGKILL.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Level } from 'level';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEntry, encodeHardState, encodeMarker } from '../src/level-codec.js';
import { LevelStorage } from '../src/level-storage.js';
import { EntryType, type ConfState, type Entry } from '../src/types.js';

const utf8 = new TextEncoder();
const VIEW = { keyEncoding: 'view', valueEncoding: 'view' } as const;
const CONF: ConfState = { voters: ['n1', 'n2', 'n3'], learners: ['n4'] };
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const LEVEL_STORAGE_SRC = fileURLToPath(new URL('../src/level-storage.ts', import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-level-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function open(dir: string): Promise<LevelStorage> {
  const s = await LevelStorage.open(dir);
  cleanups.push(() => s.close());
  return s;
}

function ent(index: number, term: number, type = EntryType.Normal): Entry {
  return { index, term, type, data: utf8.encode(`e${index}@t${term}`) };
}

function ents(from: number, terms: number[]): Entry[] {
  return terms.map((t, i) => ent(from + i, t));
}

function plain(es: readonly Entry[]) {
  return es.map((e) => ({ ...e, data: Buffer.from(e.data).toString('hex') }));
}

/** The full root-level key of a record, as LevelDB stores it: `!sublevel!` + key. */
function rawKey(sublevel: string, key: Uint8Array | string): Buffer {
  return Buffer.concat([Buffer.from(`!${sublevel}!`), typeof key === 'string' ? Buffer.from(key) : key]);
}

function logKey(index: number): Buffer {
  const k = Buffer.alloc(8);
  k.writeBigUInt64BE(BigInt(index));
  return rawKey('log', k);
}

/** Runs `fn` against the directory through a plain Level instance, bypassing LevelStorage. */
async function withRaw<T>(dir: string, fn: (db: Level<Uint8Array, Uint8Array>) => Promise<T>): Promise<T> {
  const db = new Level<Uint8Array, Uint8Array>(dir, VIEW);
  await db.open();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function allRaw(dir: string): Promise<Map<string, string>> {
  return withRaw(dir, async (db) => {
    const m = new Map<string, string>();
    for await (const [k, v] of db.iterator()) m.set(Buffer.from(k).toString('hex'), Buffer.from(v).toString('hex'));
    return m;
  });
}

/** A closed database holding entries 1..5 (terms 1,1,2,2,2) and a hard state committing 3. */
async function seeded(): Promise<string> {
  const dir = await tempDir();
  const s = await LevelStorage.open(dir);
  await s.save({ entries: ents(1, [1, 1, 2, 2, 2]), hardState: { term: 2, vote: 'n1', commit: 3 } });
  await s.close();
  return dir;
}

describe('LevelStorage', () => {
  it('creates a new directory and gives back exactly what was saved after reopening', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    let s = await LevelStorage.open(dir);
    const log = [...ents(1, [1, 1, 1, 2, 2, 2, 2, 3, 3, 3]), ent(11, 3, EntryType.ConfChange), ...ents(12, [3, 3])];
    await s.save({ entries: log.slice(0, 7), hardState: { term: 2, vote: 'n2', commit: 5 } });
    await s.save({ entries: ents(6, [9, 9]) }); // replaced below
    await s.save({ entries: log.slice(5), hardState: { term: 3, vote: 'nœud', commit: 9 } });
    const snap = await s.createSnapshot(9, CONF, utf8.encode('state@9'));
    await s.compact(7);
    const before = {
      first: s.firstIndex(),
      last: s.lastIndex(),
      term7: s.term(7),
      entries: plain(s.entries(s.firstIndex(), s.lastIndex() + 1)),
      state: s.initialState(),
      snap: { meta: s.snapshot().meta, data: Buffer.from(s.snapshot().data).toString() },
    };
    expect(before).toMatchObject({ first: 8, last: 13, term7: 2, entries: plain(log.slice(7)) });
    expect(before.snap).toEqual({ meta: snap.meta, data: 'state@9' });
    await s.close();

    s = await open(dir);
    expect({
      first: s.firstIndex(),
      last: s.lastIndex(),
      term7: s.term(7),
      entries: plain(s.entries(s.firstIndex(), s.lastIndex() + 1)),
      state: s.initialState(),
      snap: { meta: s.snapshot().meta, data: Buffer.from(s.snapshot().data).toString() },
    }).toEqual(before);
    expect(s.initialState()).toEqual({ hardState: { term: 3, vote: 'nœud', commit: 9 }, confState: CONF });
  });

  it('stores log keys as 8-byte big-endian indexes and entries as term|type|data|crc', async () => {
    const dir = await tempDir();
    const s = await LevelStorage.open(dir);
    const log = Array.from({ length: 300 }, (_, i) => ent(i + 1, 7, i === 0 ? EntryType.ConfChange : EntryType.Normal));
    await s.save({ entries: log });
    await s.close();

    const raw = await withRaw(dir, async (db) => {
      const out: [Buffer, Buffer][] = [];
      for await (const [k, v] of db.iterator({ gte: rawKey('log', ''), lt: rawKey('log', '\xff') })) {
        out.push([Buffer.from(k), Buffer.from(v)]);
      }
      return { log: out, version: await db.get(rawKey('meta', 'version')) };
    });
    expect(Buffer.from(raw.version!).toString('hex')).toBe('00000001');
    // LevelDB iterates in byte order; that must be index order, across the 255/256 boundary too.
    expect(raw.log.map(([k]) => k.length)).toEqual(log.map(() => 5 + 8));
    expect(raw.log.map(([k]) => Number(k.readBigUInt64BE(5)))).toEqual(log.map((e) => e.index));
    const [, v1] = raw.log[0]!;
    expect(v1.readBigUInt64BE(0)).toBe(7n);
    expect(v1[8]).toBe(EntryType.ConfChange);
    expect(v1.subarray(9, v1.length - 4).toString()).toBe('e1@t7');
    expect(v1.length).toBe(8 + 1 + 'e1@t7'.length + 4);
  });

  // Each case tampers with a seeded database (entries 1..5, commit 3) through raw LevelDB.
  type Tamper = (db: Level<Uint8Array, Uint8Array>) => Promise<unknown>;
  const corruptions: { name: string; expect: string; tamper: Tamper }[] = [
    {
      name: 'garbage in a log value',
      expect: 'key 0000000000000003',
      tamper: (db) => db.put(logKey(3), new Uint8Array([1, 2, 3])),
    },
    {
      name: 'plausible but wrong bytes in a log value',
      expect: 'checksum',
      tamper: (db) => db.put(logKey(3), utf8.encode('this is not an entry at all')),
    },
    {
      name: 'an entry stored under the wrong index',
      expect: 'does not belong to this index',
      tamper: async (db) => db.put(logKey(3), (await db.get(logKey(2)))!),
    },
    { name: 'a gap in the log', expect: 'entries 3..3 are missing', tamper: (db) => db.del(logKey(3)) },
    {
      name: 'a log that does not start after the compaction point',
      expect: 'should start at 1',
      tamper: (db) =>
        db.batch([
          { type: 'del', key: logKey(1) },
          { type: 'del', key: logKey(2) },
        ]),
    },
    {
      name: 'terms decreasing along the log',
      expect: 'terms decrease',
      tamper: (db) => db.put(logKey(4), encodeEntry(ent(4, 1))),
    },
    {
      name: 'an unknown format version',
      expect: 'format version 99',
      tamper: (db) => db.put(rawKey('meta', 'version'), new Uint8Array([0, 0, 0, 99])),
    },
    { name: 'a missing format version', expect: 'no format version', tamper: (db) => db.del(rawKey('meta', 'version')) },
    {
      name: 'an undecodable hard state',
      expect: 'hard state cannot be decoded',
      tamper: (db) => db.put(rawKey('hard', 'state'), new Uint8Array([9])),
    },
    {
      name: 'a hard state committing past the log',
      expect: 'commits up to 9',
      tamper: (db) => db.put(rawKey('hard', 'state'), encodeHardState({ term: 2, vote: 'n1', commit: 9 })),
    },
    {
      name: 'undecodable snapshot meta',
      expect: 'snapshot meta cannot be decoded',
      tamper: (db) =>
        db.batch([
          { type: 'put', key: rawKey('snap', 'meta'), value: new Uint8Array([0, 0, 1]) },
          { type: 'put', key: rawKey('snap', 'data'), value: new Uint8Array([]) },
        ]),
    },
    {
      name: 'a compaction marker past the snapshot',
      expect: 'compacted through 2, but the snapshot only covers 0',
      tamper: (db) => db.put(rawKey('meta', 'compacted'), encodeMarker({ index: 2, term: 1 })),
    },
  ];

  it.each(corruptions)('refuses to open with $name, leaving the data untouched', async (c) => {
    const dir = await seeded();
    await withRaw(dir, c.tamper);
    const tampered = await allRaw(dir);

    const err = await LevelStorage.open(dir).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'RaftError', code: 'CORRUPT' });
    const message = (err as Error).message;
    expect(message).toContain(dir);
    expect(message).toContain(c.expect);
    // Refusing twice gives the same answer: nothing was "repaired" or reset in between.
    expect(await allRaw(dir)).toEqual(tampered);
    await expect(LevelStorage.open(dir)).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('finishes a compaction interrupted after its marker was written', async () => {
    const dir = await tempDir();
    let s = await LevelStorage.open(dir);
    await s.save({ entries: ents(1, [1, 1, 2, 2, 3, 3, 3, 3]) });
    await s.createSnapshot(6, CONF, utf8.encode('state@6'));
    await s.close();
    // What a crash between writing the marker and deleting the keys leaves behind.
    await withRaw(dir, (db) => db.put(rawKey('meta', 'compacted'), encodeMarker({ index: 4, term: 2 })));

    s = await LevelStorage.open(dir);
    expect([s.firstIndex(), s.lastIndex(), s.term(4)]).toEqual([5, 8, 2]);
    expect(plain(s.entries(5, 9))).toEqual(plain(ents(5, [3, 3, 3, 3])));
    expect(s.snapshot().meta).toEqual({ index: 6, term: 3, conf: CONF });
    await s.close();

    const keys = [...(await allRaw(dir)).keys()].filter((k) => k.startsWith(rawKey('log', '').toString('hex')));
    expect(keys).toEqual([5, 6, 7, 8].map((i) => logKey(i).toString('hex')));
  });

  it('refuses a database that is already open, naming the directory', async () => {
    const dir = await tempDir();
    const first = await LevelStorage.open(dir);
    const err = await LevelStorage.open(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORAGE' });
    expect((err as Error).message).toContain('in use');
    expect((err as Error).message).toContain(dir);
    expect((err as Error).cause).toBeDefined();
    await first.close();
    await (await LevelStorage.open(dir)).close(); // free again once the holder is gone
  });

  it('reports a failed write as STORAGE and leaves memory as it was', async () => {
    const dir = await seeded();
    const s = await LevelStorage.open(dir);
    await s.close(); // every write now fails inside LevelDB
    const err = await s.save({ entries: ents(6, [2]) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORAGE' });
    expect((err as Error).message).toContain(dir);
    expect((err as Error).cause).toMatchObject({ code: expect.stringMatching(/^LEVEL_/) });
    expect(s.lastIndex()).toBe(5);
  });

  it('keeps every acknowledged entry when the process is killed mid-write, round after round', async () => {
    const dir = await tempDir();
    const script = join(dir, 'writer.mjs');
    const db = join(dir, 'db');
    // Appends batches forever, acknowledging each on stdout only once save() resolved, and
    // snapshots + compacts every tenth batch so kills also land inside those writes.
    await writeFile(
      script,
      `import { LevelStorage } from ${JSON.stringify(LEVEL_STORAGE_SRC)};
const s = await LevelStorage.open(process.argv[2]);
const enc = new TextEncoder();
let next = s.lastIndex() + 1;
for (let batch = 1; ; batch++) {
  const entries = [];
  for (let i = 0; i < 7; i++, next++) {
    entries.push({ index: next, term: 1, type: 0, data: enc.encode('entry-' + next) });
  }
  await s.save({ entries, hardState: { term: 1, vote: 'n1', commit: next - 1 } });
  process.stdout.write((next - 1) + '\\n');
  if (batch % 10 === 0) {
    await s.createSnapshot(next - 1, { voters: ['n1'], learners: [] }, enc.encode('state-' + (next - 1)));
    await s.compact(next - 21);
  }
}
`,
    );

    for (let round = 0; round < 3; round++) {
      const w = startWriter(script, db);
      cleanups.push(w.stop);
      await w.waitForAcks(1, 30_000);
      // While the writer runs, the directory is locked against everyone else.
      await expect(LevelStorage.open(db)).rejects.toMatchObject({
        code: 'STORAGE',
        message: expect.stringContaining('in use'),
      });
      await w.waitForAcks(w.acked() + 300, 30_000);
      await w.stop();
      const acked = w.acked();

      const s = await LevelStorage.open(db);
      try {
        const [first, last] = [s.firstIndex(), s.lastIndex()];
        expect(last).toBeGreaterThanOrEqual(acked);
        const all = s.entries(first, last + 1);
        expect(all.map((e) => e.index)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
        expect(all.filter((e) => Buffer.from(e.data).toString() !== `entry-${e.index}`)).toEqual([]);
        expect(s.initialState().hardState.commit).toBeGreaterThanOrEqual(acked);
        if (round > 0) {
          // Every round acknowledges 300+ entries, so the writer has snapshotted and compacted.
          const snap = s.snapshot();
          expect(first).toBeGreaterThan(1);
          expect(snap.meta.index).toBeGreaterThanOrEqual(first - 1);
          expect(Buffer.from(snap.data).toString()).toBe(`state-${snap.meta.index}`);
          expect(s.term(first - 1)).toBe(1);
        }
      } finally {
        await s.close();
      }
    }
  });
});

/** Runs the writer script as a separate process, tracking the highest index it acknowledged. */
function startWriter(script: string, db: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, db], {
    cwd: REPO, // where --import finds tsx
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let acked = 0;
  let stderr = '';
  let buffered = '';
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const l of lines) acked = Math.max(acked, Number(l));
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.once('exit', wake);
  const running = () => child.exitCode === null && child.signalCode === null;

  return {
    acked: () => acked,
    /** Resolves once `n` is acknowledged; fails at the deadline or if the writer dies first. */
    waitForAcks: (n: number, deadlineMs: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`only ${acked} of ${n} entries acknowledged in ${deadlineMs} ms; stderr: ${stderr}`)), deadlineMs);
        const check = () => {
          if (acked >= n) done();
          else if (!running()) done(new Error(`writer exited (${child.exitCode ?? child.signalCode}); stderr: ${stderr}`));
        };
        const done = (err?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve();
        };
        waiters.add(check);
        check();
      }),
    /** SIGKILLs the writer (no chance to flush or close anything) and waits until it is gone. */
    stop: async () => {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('LevelStorage: the cluster incarnation', () => {
  it('is the original ("") until set, survives a reopen, and can be set back', async () => {
    const dir = await tempDir();
    let s = await open(dir);
    expect(s.incarnation).toBe('');
    await s.setIncarnation('k3j9x0recovered');
    expect(s.incarnation).toBe('k3j9x0recovered');
    await s.close();
    s = await open(dir);
    expect(s.incarnation).toBe('k3j9x0recovered');
    await s.setIncarnation('');
    await s.close();
    s = await open(dir);
    expect(s.incarnation).toBe('');
  });

  it('refuses an id that is not short printable ASCII, and keeps the one it had', async () => {
    const s = await open(await tempDir());
    await s.setIncarnation('first');
    await expect(s.setIncarnation('has space')).rejects.toThrow(
      /cannot record the cluster incarnation: incarnation id "has space" is not printable ASCII of at most 64 characters/,
    );
    await expect(s.setIncarnation('x'.repeat(65))).rejects.toThrow(/at most 64 characters/);
    expect(s.incarnation).toBe('first');
  });
});
