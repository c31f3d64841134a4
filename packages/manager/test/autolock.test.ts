// Autolock's cipher: what a manager's Raft database and node key look like under it, and what
// a wrong key, a tampered value or a plain open get (a clear error each, never garbage).

import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyAndCsr, newUnlockKey } from '@shoal/identity';
import { EntryType, type Entry } from '@shoal/raft';
import { LevelStorage } from '@shoal/raft/level';
import { Level } from 'level';
import { afterEach, describe, expect, it } from 'vitest';
import { DataKey, decryptNodeKey, encryptNodeKey, isEncryptedKeyPem } from '../src/autolock.js';

const SECRET = 'the-ca-private-key-would-be-here-0123456789';
const utf8 = new TextEncoder();
const VIEW = { keyEncoding: 'view', valueEncoding: 'view' } as const;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-autolock-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function entry(index: number, text: string): Entry {
  return { index, term: 1, type: EntryType.Normal, data: utf8.encode(text) };
}

/** Every byte LevelDB wrote in `dir`, as one latin1 string to search. */
async function rawBytes(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const f of await readdir(dir)) parts.push((await readFile(join(dir, f))).toString('latin1'));
  return parts.join('\n');
}

/** A sealed database: entries 1..3 and a snapshot at 2, all carrying SECRET. */
async function sealedDatabase(key: string): Promise<string> {
  const dir = await tempDir();
  const s = await LevelStorage.open(dir, { cipher: DataKey.create(key) });
  await s.save({ entries: [entry(1, `one ${SECRET}`), entry(2, `two ${SECRET}`), entry(3, `three ${SECRET}`)], hardState: { term: 1, vote: '', commit: 3 } });
  await s.createSnapshot(2, { voters: ['n1'], learners: [] }, utf8.encode(`snap ${SECRET}`));
  await s.close();
  return dir;
}

describe('a Raft database sealed with a data key', () => {
  it('reads back what was written, with the right key, and holds none of it in plain bytes', async () => {
    const key = newUnlockKey();
    const dir = await sealedDatabase(key);
    expect(await rawBytes(dir)).not.toContain(SECRET);
    const s = await LevelStorage.open(dir, { cipher: DataKey.opening(key) });
    cleanups.push(() => s.close());
    expect(s.encrypted).toBe(true);
    expect(new TextDecoder().decode(s.entries(3, 4)[0]!.data)).toBe(`three ${SECRET}`);
    expect(new TextDecoder().decode(s.snapshot().data)).toBe(`snap ${SECRET}`);
  });

  it('refuses a wrong key with PERMISSION_DENIED, and opening without a key with LOCKED', async () => {
    const dir = await sealedDatabase(newUnlockKey());
    await expect(LevelStorage.open(dir, { cipher: DataKey.opening(newUnlockKey()) })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringMatching(/not this manager's unlock key/),
    });
    await expect(LevelStorage.open(dir)).rejects.toMatchObject({ code: 'LOCKED', message: expect.stringMatching(/is encrypted/) });
    // Neither attempt left the database held or changed: the right key still opens it.
  });

  it('refuses a tampered entry as CORRUPT, naming the entry', async () => {
    const key = newUnlockKey();
    const dir = await sealedDatabase(key);
    const db = new Level<Uint8Array, Uint8Array>(dir, VIEW);
    await db.open();
    const k = Buffer.concat([Buffer.from('!log!'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 3])]);
    const v = Buffer.from((await db.get(k))!);
    v[20] = v[20]! ^ 1; // a ciphertext byte; the entry's own checksum is recomputed below
    const { crc32 } = await import('node:zlib');
    v.writeUInt32BE(crc32(v.subarray(0, v.length - 4), crc32(k.subarray(5))), v.length - 4);
    await db.put(k, v);
    await db.close();
    await expect(LevelStorage.open(dir, { cipher: DataKey.opening(key) })).rejects.toMatchObject({
      code: 'CORRUPT',
      message: expect.stringMatching(/log entry 3 does not decrypt .*fails authentication/),
    });
  });

  it('refuses a value moved to another index', async () => {
    const key = newUnlockKey();
    const dir = await sealedDatabase(key);
    const db = new Level<Uint8Array, Uint8Array>(dir, VIEW);
    await db.open();
    const logKey = (i: number): Buffer => Buffer.concat([Buffer.from('!log!'), Buffer.from([0, 0, 0, 0, 0, 0, 0, i])]);
    // Entry 2's value (re-checksummed for index 3) put under index 3.
    const v = Buffer.from((await db.get(logKey(2)))!);
    const { crc32 } = await import('node:zlib');
    v.writeUInt32BE(crc32(v.subarray(0, v.length - 4), crc32(logKey(3).subarray(5))), v.length - 4);
    await db.put(logKey(3), v);
    await db.close();
    await expect(LevelStorage.open(dir, { cipher: DataKey.opening(key) })).rejects.toMatchObject({
      code: 'CORRUPT',
      message: expect.stringMatching(/log entry 3 does not decrypt/),
    });
  });

  it('opens with the new key only once the data key is re-sealed under it', async () => {
    const oldKey = newUnlockKey();
    const newKey = newUnlockKey();
    const dir = await sealedDatabase(oldKey);
    const dk = DataKey.opening(oldKey);
    const s = await LevelStorage.open(dir, { cipher: dk });
    await s.saveCipherRecord(dk.resealed(newKey, 7));
    dk.adopt(newKey, 7);
    await s.close();
    await expect(LevelStorage.open(dir, { cipher: DataKey.opening(oldKey) })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    const again = DataKey.opening(newKey);
    const s2 = await LevelStorage.open(dir, { cipher: again });
    cleanups.push(() => s2.close());
    expect(again.sealedAt).toBe(7);
    expect(new TextDecoder().decode(s2.entries(1, 2)[0]!.data)).toBe(`one ${SECRET}`);
  });

  it('will not seal an existing plain database', async () => {
    const dir = await tempDir();
    await (await LevelStorage.open(dir)).close();
    await expect(LevelStorage.open(dir, { cipher: DataKey.create(newUnlockKey()) })).rejects.toMatchObject({
      code: 'STORAGE',
      message: expect.stringMatching(/created unencrypted/),
    });
  });
});

describe('the node key', () => {
  it('is an encrypted PKCS#8 PEM that only its data key opens', async () => {
    const { keyPem } = await generateKeyAndCsr();
    const dk = DataKey.create(newUnlockKey());
    const pem = encryptNodeKey(keyPem, dk);
    expect(isEncryptedKeyPem(pem)).toBe(true);
    expect(() => createPrivateKey(pem)).toThrow();
    const plain = decryptNodeKey(pem, dk, 'tls/node-key.pem');
    expect(createPrivateKey(plain).export({ type: 'pkcs8', format: 'der' })).toEqual(createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' }));
    expect(() => decryptNodeKey(pem, DataKey.create(newUnlockKey()), 'tls/node-key.pem')).toThrow(
      /tls\/node-key.pem does not decrypt with this manager's data key/,
    );
  });
});
