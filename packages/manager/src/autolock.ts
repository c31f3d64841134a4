// Autolock (Swarm's `--autolock`): a manager's secrets at rest are sealed under the cluster's
// unlock key, which the operator keeps and hands to a restarted manager.
//
//   unlock key   SHLKEY-1-<52 base32>: 256 random bits, kept in the cluster object (so only ever
//                inside encrypted Raft databases) and shown only by `shoal manager unlock-key`
//     └ HKDF-SHA256 (random salt) → key-encryption key, which seals ↓ (AES-256-GCM)
//   data key     256 random bits, one per manager, its sealed record in meta!cipher of the Raft
//                database (LevelStorage's PayloadCipher hook)
//     ├ AES-256-GCM of every log entry's and snapshot's data, a fresh IV each, bound to its
//     │ key/index as associated data
//     └ HKDF-SHA256 → the passphrase of tls/node-key.pem (encrypted PKCS#8)
//
// The node key's passphrase comes from the data key, not from the unlock key, so rotating the
// unlock key is one synced LevelDB write (the data key re-sealed): a crash leaves the manager
// under the old key or the new one, never half of each. A restarted manager serves nothing until
// it has the key: it waits on DIR/unlock.sock (`shoal manager unlock`) or reads --unlock-key-file.
// The key's format and the socket's client are the operator's side: unlock.ts in @shoal/identity.

import { createCipheriv, createDecipheriv, createPrivateKey, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { IdentityError, parseUnlockKey, unlockSocketPath, type UnlockReply } from '@shoal/identity';
import type { LevelStorage, PayloadCipher } from '@shoal/raft/level';
import type { ClusterStore } from '@shoal/store';
import type { Logger } from 'pino';
import { ManagerError } from './errors.js';

// ------------------------------------------------------------------ the data key

const RECORD_MAGIC = Buffer.from('SHLK');
const RECORD_VERSION = 1;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** magic | version | sealed-at index (u64) | salt: authenticated with the sealed key. */
const RECORD_HEADER = RECORD_MAGIC.length + 1 + 8 + SALT_BYTES;
const RECORD_BYTES = RECORD_HEADER + IV_BYTES + KEY_BYTES + TAG_BYTES;
const VALUE_VERSION = 1;

function keyEncryptionKey(unlockKey: string, salt: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(unlockKey, 'utf8'), salt, 'shoal raft data key', KEY_BYTES));
}

function gcmSeal(key: Uint8Array, plain: Uint8Array, aad: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]);
}

/** iv | ciphertext | tag back to the plaintext; throws when it does not authenticate. */
function gcmOpen(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error(`the sealed value is ${sealed.length} bytes, shorter than any (${IV_BYTES + TAG_BYTES})`);
  const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, IV_BYTES));
  d.setAAD(aad);
  d.setAuthTag(b.subarray(b.length - TAG_BYTES));
  return Buffer.concat([d.update(b.subarray(IV_BYTES, b.length - TAG_BYTES)), d.final()]);
}

/**
 * One manager's data key, the PayloadCipher of its Raft database. `create` makes a new one (a
 * new database: init, join); `opening` recovers it from the database's record with the unlock key.
 */
export class DataKey implements PayloadCipher {
  private key: Buffer | undefined;
  private current: string;
  private sealedAtIndex = 0;

  private constructor(unlockKey: string, key: Buffer | undefined) {
    this.current = unlockKey;
    this.key = key;
  }

  /** A fresh data key sealed under `unlockKey`, for a new Raft database. */
  static create(unlockKey: string): DataKey {
    return new DataKey(unlockKey, randomBytes(KEY_BYTES));
  }

  /** A data key to be unsealed from an existing database's record with `unlockKey`. */
  static opening(unlockKey: string): DataKey {
    return new DataKey(unlockKey, undefined);
  }

  /** The unlock key the data key is sealed under. */
  get unlockKey(): string {
    return this.current;
  }

  /** The Raft index of the cluster change that set that unlock key (0: the one we started with). */
  get sealedAt(): number {
    return this.sealedAtIndex;
  }

  unlock(record: Uint8Array | undefined): Uint8Array | undefined {
    if (record === undefined) {
      if (!this.key) {
        throw new ManagerError(
          'FAILED_PRECONDITION',
          'the Raft database is new but this manager was autolocked: its database was removed or replaced, and its node key cannot be decrypted without it; remove the data directory and join the manager to the cluster again',
        );
      }
      return this.record(this.current, 0);
    }
    const r = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
    if (r.length !== RECORD_BYTES || !r.subarray(0, RECORD_MAGIC.length).equals(RECORD_MAGIC) || r[RECORD_MAGIC.length] !== RECORD_VERSION) {
      throw new ManagerError(
        'FAILED_PRECONDITION',
        `the Raft database's data key record is not one this shoal version reads (${r.length} bytes); restore the data directory from a backup, or remove it and join the manager again`,
      );
    }
    const header = r.subarray(0, RECORD_HEADER);
    const salt = header.subarray(RECORD_HEADER - SALT_BYTES);
    let key: Buffer;
    try {
      key = gcmOpen(keyEncryptionKey(this.current, salt), r.subarray(RECORD_HEADER), header);
    } catch {
      throw new ManagerError(
        'PERMISSION_DENIED',
        "that is not this manager's unlock key (it does not open the data key of its Raft database): check the whole SHLKEY-1-... key was given; if the key was rotated while this manager was down, give the key from before the rotation",
      );
    }
    if (this.key && !this.key.equals(key)) throw new ManagerError('INTERNAL', 'the Raft database holds another data key than the one this manager created');
    this.key = key;
    this.sealedAtIndex = Number(header.readBigUInt64BE(RECORD_MAGIC.length + 1));
    return undefined;
  }

  /** The record of this data key sealed under `unlockKey` (written by the caller, then adopt()). */
  resealed(unlockKey: string, index: number): Uint8Array {
    return this.record(unlockKey, index);
  }

  /** The record under `unlockKey` is on disk: that is the key from now on. */
  adopt(unlockKey: string, index: number): void {
    this.current = unlockKey;
    this.sealedAtIndex = index;
  }

  seal(plain: Uint8Array, aad: Uint8Array): Uint8Array {
    return Buffer.concat([Buffer.of(VALUE_VERSION), gcmSeal(this.dataKey(), plain, aad)]);
  }

  open(sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    if (sealed[0] !== VALUE_VERSION) throw new Error(`the value is not sealed by this shoal version (format byte ${sealed[0] ?? 'missing'})`);
    try {
      return gcmOpen(this.dataKey(), sealed.subarray(1), aad);
    } catch (e) {
      throw new Error(`it fails authentication: it was altered, moved from another index, or sealed with another data key (${(e as Error).message})`);
    }
  }

  /** The passphrase tls/node-key.pem is encrypted with. */
  nodeKeyPassphrase(): string {
    return Buffer.from(hkdfSync('sha256', this.dataKey(), Buffer.alloc(0), 'shoal tls/node-key.pem', KEY_BYTES)).toString('base64');
  }

  private dataKey(): Buffer {
    if (!this.key) throw new ManagerError('INTERNAL', 'the data key is used before the Raft database was unlocked');
    return this.key;
  }

  private record(unlockKey: string, index: number): Uint8Array {
    const header = Buffer.alloc(RECORD_HEADER);
    RECORD_MAGIC.copy(header);
    header[RECORD_MAGIC.length] = RECORD_VERSION;
    header.writeBigUInt64BE(BigInt(index), RECORD_MAGIC.length + 1);
    randomBytes(SALT_BYTES).copy(header, RECORD_HEADER - SALT_BYTES);
    const salt = header.subarray(RECORD_HEADER - SALT_BYTES);
    return Buffer.concat([header, gcmSeal(keyEncryptionKey(unlockKey, salt), this.dataKey(), header)]);
  }
}

// ------------------------------------------------------------------ tls/node-key.pem

/** Whether a PEM key is an encrypted PKCS#8 key (what an autolocked manager writes). */
export function isEncryptedKeyPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');
}

export function encryptNodeKey(keyPem: string, dataKey: DataKey): string {
  return createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: dataKey.nodeKeyPassphrase() }).toString();
}

/** The plain PEM gRPC needs, kept in memory only. */
export function decryptNodeKey(pem: string, dataKey: DataKey, file: string): string {
  try {
    return createPrivateKey({ key: pem, passphrase: dataKey.nodeKeyPassphrase() }).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (e) {
    throw new ManagerError(
      'FAILED_PRECONDITION',
      `${file} does not decrypt with this manager's data key (${(e as Error).message}): it was replaced or damaged; restore the data directory from a backup, or remove it and join the manager again`,
    );
  }
}

// ------------------------------------------------------------------ rotation

/**
 * Keeps the data key sealed under the cluster's current unlock key: when a committed change
 * replaces it, this manager re-seals its data key (one synced write) and forgets the old key.
 * Changes at or before the index the record was sealed at are history being replayed: skipped.
 */
export function followUnlockKey(o: { store: ClusterStore; storage: LevelStorage; dataKey: DataKey; logger: Logger }): () => void {
  let scheduled = { key: o.dataKey.unlockKey, index: o.dataKey.sealedAt };
  const check = (index: number): void => {
    let key: string | undefined;
    try {
      key = o.store.cluster().unlockKey;
    } catch {
      return; // a joining manager's empty store
    }
    if (!key || key === scheduled.key || index <= scheduled.index) return;
    const next = { key, index };
    scheduled = next;
    // Queued at once, so a close() right after this apply still waits for it.
    o.storage.saveCipherRecord(o.dataKey.resealed(key, index)).then(
      () => {
        o.dataKey.adopt(next.key, next.index);
        o.logger.info({ index }, 'the unlock key was rotated: this manager re-sealed its data key under the new one');
      },
      (e: unknown) =>
        o.logger.error(
          { err: (e as Error).message, index },
          'could not re-seal the data key under the rotated unlock key; this manager still unlocks with the previous key',
        ),
    );
  };
  return o.store.watch((e) => {
    if (e.kind === 'cluster' || e.kind === 'restore') check(e.index);
  });
}

// ------------------------------------------------------------------ DIR/unlock.sock

/** Longest unix socket path Linux takes (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;
/** The only message a client sends: one JSON line, small. */
const MAX_REQUEST_BYTES = 4096;

/** Whether something answers on the socket (another manager process waiting on this directory). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * A locked manager: listens on DIR/unlock.sock (0600) and tries each key it is sent with
 * `attempt`. A wrong key (PERMISSION_DENIED) is refused and the manager stays locked; any other
 * failure is told to the sender and ends the wait with that error. Resolves with the first
 * attempt that succeeds.
 */
export async function waitForUnlock<T>(o: { dataDir: string; logger: Logger; attempt: (key: string) => Promise<T> }): Promise<T> {
  const path = unlockSocketPath(o.dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new ManagerError(
      'FAILED_PRECONDITION',
      `this manager is locked, and its unlock socket path ${path} is longer than unix sockets allow (${MAX_SOCKET_PATH} bytes): start it with --unlock-key-file FILE instead`,
    );
  }
  if (existsSync(path)) {
    if (await answers(path)) {
      throw new ManagerError(
        'FAILED_PRECONDITION',
        `another manager process is already waiting to be unlocked on ${o.dataDir} (${path} answers): unlock that one (\`shoal manager unlock --data ${o.dataDir}\`) or stop it`,
      );
    }
    if (!statSync(path).isSocket())
      throw new ManagerError('FAILED_PRECONDITION', `${path} exists and is not a socket: move it away, then start the manager again`);
    unlinkSync(path); // left by a locked manager that was killed
  }
  const removeSocket = (): void => {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  return new Promise<T>((resolve, reject) => {
    let queue: Promise<void> = Promise.resolve();
    let done = false;
    const server = createServer((sock) => onClient(sock));
    const finish = (outcome: () => void): void => {
      done = true;
      server.close();
      removeSocket();
      process.off('exit', removeSocket);
      outcome();
    };
    const reply = (sock: Socket, r: UnlockReply): void => {
      sock.end(`${JSON.stringify(r)}\n`);
    };
    const onClient = (sock: Socket): void => {
      let buf = '';
      sock.setEncoding('utf8');
      sock.on('error', () => sock.destroy());
      sock.on('data', (chunk: string) => {
        buf += chunk;
        if (buf.length > MAX_REQUEST_BYTES) return reply(sock, { ok: false, error: 'the request is too large: send one line {"unlockKey": "SHLKEY-1-..."}' });
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        sock.pause();
        let key: string;
        try {
          const msg: unknown = JSON.parse(buf.slice(0, nl));
          const raw = typeof msg === 'object' && msg !== null && 'unlockKey' in msg ? msg.unlockKey : undefined;
          if (typeof raw !== 'string')
            throw new ManagerError('INVALID_ARGUMENT', 'the request carries no unlockKey string: send one line {"unlockKey": "SHLKEY-1-..."}');
          key = parseUnlockKey(raw, 'the key sent');
        } catch (e) {
          // parseUnlockKey() throws IdentityError; anything else here is JSON.parse's.
          const refused = e instanceof ManagerError || e instanceof IdentityError;
          return reply(sock, { ok: false, error: refused ? e.message : 'the request is not JSON: send one line {"unlockKey": "SHLKEY-1-..."}' });
        }
        // One attempt at a time: each opens the Raft database.
        queue = queue.then(async () => {
          if (done) return reply(sock, { ok: false, error: 'this manager is already unlocked' });
          try {
            const value = await o.attempt(key);
            reply(sock, { ok: true });
            o.logger.info('unlocked: this manager now starts serving');
            finish(() => resolve(value));
          } catch (e) {
            const err = e instanceof Error ? e : new Error(String(e));
            reply(sock, { ok: false, error: err.message });
            if (e instanceof ManagerError && e.code === 'PERMISSION_DENIED') {
              o.logger.warn('unlock refused: wrong unlock key; this manager stays locked');
            } else {
              finish(() => reject(err));
            }
          }
        });
      });
    };
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (done) return;
      finish(() =>
        reject(
          new ManagerError(
            'FAILED_PRECONDITION',
            `cannot listen on ${path} for the unlock key: ${e.message}; start the manager with --unlock-key-file FILE instead`,
          ),
        ),
      );
    });
    server.listen(path, () => {
      chmodSync(path, 0o600);
      process.once('exit', removeSocket);
      o.logger.warn(
        { data: o.dataDir, socket: path },
        `this manager is locked: run \`shoal manager unlock --data ${o.dataDir}\`, or start it with --unlock-key-file FILE`,
      );
    });
  });
}
