// Join tokens: SWMTKN-1-<ca digest>-<secret>. A token is pasted by a person, so every way it
// can be wrong must be named in the error.

import { describe, expect, it } from 'vitest';
import { JoinTokenError, SECRET_LENGTH, formatJoinToken, newTokenSecret, parseJoinToken, tokenMatches } from '../src/index.js';

const DIGEST = 'ab'.repeat(32);
const SECRET = 'abcdefghijklmnopqrstuvwx9';

function refusal(token: string): string {
  try {
    parseJoinToken(token);
  } catch (e) {
    expect(e).toBeInstanceOf(JoinTokenError);
    return (e as Error).message;
  }
  throw new Error(`"${token}" was accepted`);
}

describe('newTokenSecret', () => {
  it('is 25 lowercase letters and digits, and never repeats', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = newTokenSecret();
      expect(s).toMatch(/^[a-z0-9]{25}$/);
      seen.add(s);
    }
    expect(seen.size).toBe(200);
    expect(SECRET_LENGTH).toBe(25);
  });

  it('uses the whole alphabet', () => {
    const chars = new Set([...Array.from({ length: 100 }, newTokenSecret).join('')]);
    expect(chars.size).toBe(36);
  });
});

describe('formatJoinToken / parseJoinToken', () => {
  it('round-trips', () => {
    const secret = newTokenSecret();
    const token = formatJoinToken(DIGEST, secret);
    expect(token).toBe(`SWMTKN-1-${DIGEST}-${secret}`);
    expect(parseJoinToken(token)).toEqual({ caDigest: DIGEST, secret });
  });

  it('ignores whitespace pasted around the token', () => {
    expect(parseJoinToken(`  SWMTKN-1-${DIGEST}-${SECRET}\n`)).toEqual({ caDigest: DIGEST, secret: SECRET });
  });

  it('refuses to format a token it could not parse', () => {
    expect(() => formatJoinToken('abc', SECRET)).toThrow(JoinTokenError);
    expect(() => formatJoinToken(DIGEST, 'UPPER')).toThrow(JoinTokenError);
  });

  it('names exactly what is wrong with a malformed token', () => {
    expect(refusal('')).toBe('the join token is empty: expected SWMTKN-1-<64 hex>-<25 chars>');
    expect(refusal('hello')).toBe('not a shoal join token: expected SWMTKN-1-<64 hex>-<25 chars>');
    expect(refusal(`SWMTKN`)).toBe('not a shoal join token: expected SWMTKN-1-<64 hex>-<25 chars>');
    expect(refusal(`swmtkn-1-${DIGEST}-${SECRET}`)).toBe('not a shoal join token: expected SWMTKN-1-<64 hex>-<25 chars>');
    expect(refusal(`SWMTKN-2-${DIGEST}-${SECRET}`)).toMatch(/^unsupported join token version "2": this shoal reads version 1 \(SWMTKN-1-<64 hex>-<25 chars>\)/);
    expect(refusal(`SWMTKN-1-${DIGEST}`)).toBe("malformed join token: expected 4 parts separated by '-' (SWMTKN-1-<64 hex>-<25 chars>), got 3");
    expect(refusal(`SWMTKN-1-${DIGEST}-${SECRET}-extra`)).toMatch(/expected 4 parts .* got 5$/);
    expect(refusal(`SWMTKN-1-${DIGEST.slice(0, 40)}-${SECRET}`)).toBe(
      'bad join token: the CA digest must be 64 hex characters, got 40 (was the token cut off when copied?)',
    );
    expect(refusal(`SWMTKN-1-${DIGEST.slice(0, 63)}g-${SECRET}`)).toBe('bad join token: the CA digest must be lowercase hex (0-9, a-f), found "g"');
    expect(refusal(`SWMTKN-1-${DIGEST.toUpperCase()}-${SECRET}`)).toMatch(/must be lowercase hex .* found "A"$/);
    expect(refusal(`SWMTKN-1-${DIGEST}-${SECRET.slice(0, 20)}`)).toBe(
      'bad join token: the secret must be 25 characters, got 20 (was the token cut off when copied?)',
    );
    expect(refusal(`SWMTKN-1-${DIGEST}-${SECRET.slice(0, 24)}_`)).toBe('bad join token: the secret must be lowercase letters and digits, found "_"');
    expect(refusal(`SWMTKN-1-${DIGEST}-`)).toMatch(/the secret must be 25 characters, got 0/);
  });

  it('carries a code for callers to branch on', () => {
    try {
      parseJoinToken('x');
      expect.unreachable();
    } catch (e) {
      expect((e as JoinTokenError).code).toBe('INVALID_JOIN_TOKEN');
    }
  });
});

describe('tokenMatches', () => {
  it('accepts the same secret and refuses any other, of any length', () => {
    const s = newTokenSecret();
    expect(tokenMatches(s, s)).toBe(true);
    expect(tokenMatches(s, `${s.slice(0, 24)}${s.endsWith('a') ? 'b' : 'a'}`)).toBe(false);
    expect(tokenMatches(s, s.slice(0, 10))).toBe(false);
    expect(tokenMatches(s, '')).toBe(false);
    expect(tokenMatches(s, `${s}x`)).toBe(false);
  });
});
