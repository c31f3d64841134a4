// Autolock, the operator's side (the manager's side is autolock.ts in @shoal/manager): the
// unlock key's format, and handing a key to a locked manager on this host through its
// DIR/unlock.sock, as `shoal manager unlock` does. The socket speaks one JSON line each way:
// {"unlockKey": "SHLKEY-1-..."} in, {"ok": true} or {"ok": false, "error": "..."} out.
//
// The CLI loads this module alone (`@shoal/identity/unlock`), not the manager.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { UNLOCK_KEY_RULE } from '@shoal/store';
import { IdentityError } from './errors.js';

const PREFIX = 'SHLKEY-1-';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const UNLOCK_KEY_PATTERN = UNLOCK_KEY_RULE.pattern ?? /^SHLKEY-1-[A-Z2-7]{52}$/;

/** A new unlock key: 256 random bits in base32 (printable, no characters a shell or a PDF mangles). */
export function newUnlockKey(): string {
  const bytes = randomBytes(32);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return PREFIX + out;
}

/** Checks a key typed, piped or read from a file (surrounding whitespace is ignored). */
export function parseUnlockKey(text: string, from: string): string {
  const key = text.trim();
  if (key === '')
    throw new IdentityError(
      'INVALID_ARGUMENT',
      `${from} holds no unlock key; give the SHLKEY-1-... key \`shoal manager init --autolock\` printed (\`shoal manager unlock-key\` prints it again)`,
    );
  if (!UNLOCK_KEY_PATTERN.test(key)) {
    const hint = key.startsWith(PREFIX) ? 'it looks cut short or mistyped' : 'it does not start with SHLKEY-1-';
    throw new IdentityError(
      'INVALID_ARGUMENT',
      `${from} does not hold an unlock key (${hint}): an unlock key is SHLKEY-1- followed by 52 characters A-Z and 2-7`,
    );
  }
  return key;
}

/** Reads --unlock-key-file / --key-file: the key alone, surrounding whitespace allowed. */
export function readUnlockKeyFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new IdentityError('INVALID_ARGUMENT', `cannot read the unlock key file ${file}: ${(e as Error).message}`);
  }
  return parseUnlockKey(text, `the unlock key file ${file}`);
}

export function unlockSocketPath(dataDir: string): string {
  return join(dataDir, 'unlock.sock');
}

/** What a locked manager answers on DIR/unlock.sock. */
export interface UnlockReply {
  readonly ok: boolean;
  readonly error?: string;
}

/** `shoal manager unlock`: sends the key to the locked manager on `dataDir`, resolves once it is unlocked. */
export function sendUnlockKey(dataDir: string, key: string, timeoutMs = 60_000): Promise<void> {
  const path = unlockSocketPath(dataDir);
  if (!existsSync(path)) {
    return Promise.reject(
      new IdentityError(
        'FAILED_PRECONDITION',
        `no locked manager is waiting on ${dataDir} (no ${path}): start it first (\`shoal manager start --data ${dataDir}\`); an unlocked manager needs no key`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    let buf = '';
    const sock = createConnection(path);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new IdentityError('TIMEOUT', `the manager on ${dataDir} did not answer within ${timeoutMs / 1000} s; check its log`));
    }, timeoutMs);
    const settle = (f: () => void): void => {
      clearTimeout(timer);
      f();
    };
    sock.setEncoding('utf8');
    sock.once('connect', () => sock.write(`${JSON.stringify({ unlockKey: key })}\n`));
    sock.on('data', (d: string) => (buf += d));
    sock.once('error', (e: NodeJS.ErrnoException) =>
      settle(() =>
        reject(
          new IdentityError(
            'FAILED_PRECONDITION',
            e.code === 'ECONNREFUSED'
              ? `no locked manager is waiting on ${dataDir} (${path} is left from a stopped one): start it first`
              : `cannot reach the locked manager on ${path}: ${e.message}`,
          ),
        ),
      ),
    );
    sock.once('end', () =>
      settle(() => {
        let r: UnlockReply | undefined;
        try {
          const v: unknown = JSON.parse(buf.trim());
          if (typeof v === 'object' && v !== null && 'ok' in v && typeof v.ok === 'boolean') {
            r = { ok: v.ok, ...('error' in v && typeof v.error === 'string' ? { error: v.error } : {}) };
          }
        } catch {
          /* described below */
        }
        if (!r)
          reject(
            new IdentityError(
              'INTERNAL',
              `the manager on ${dataDir} answered something unexpected (${JSON.stringify(buf.slice(0, 200))}); is it the same shoal version?`,
            ),
          );
        else if (r.ok) resolve();
        else reject(new IdentityError('PERMISSION_DENIED', r.error ?? 'the manager refused the key'));
      }),
    );
  });
}
