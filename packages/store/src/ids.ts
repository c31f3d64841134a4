// Object ids: random, printable, case-free so they survive shells and file names. 25 base-36
// characters carry ~129 bits, plenty to never collide. Proposers call newId(); apply never
// does, because every manager must reach the same state from the same entry.

import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const ID_LENGTH = 25;

// 252 = 7 × 36: bytes at or above it are dropped so every character is equally likely.
const UNBIASED_LIMIT = 252;

export function newId(): string {
  return randomId(ID_LENGTH);
}

/**
 * `length` random base-36 characters: every random name in shoal (object ids, join-token
 * secrets, session and request ids) comes from here. Each character carries ~5.2 bits.
 */
export function randomId(length: number): string {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      id += ALPHABET[byte % ALPHABET.length];
      if (id.length === length) break;
    }
  }
  return id;
}

// Accepts 20–64 characters, not just newId's 25: the architecture promises "random,
// printable, at least 20 characters", and a future id scheme should not need a migration.
export const ID_PATTERN = /^[a-z0-9]{20,64}$/;

export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}
