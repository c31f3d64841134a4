// The unlock key's format (unlock.ts): what `shoal manager init --autolock` prints and what
// `shoal manager unlock` and --unlock-key-file accept.

import { describe, expect, it } from 'vitest';
import { newUnlockKey, parseUnlockKey } from '../src/unlock.js';

describe('unlock keys', () => {
  it('are SHLKEY-1- and 52 base32 characters, different each time, and parse back', () => {
    const a = newUnlockKey();
    expect(a).toMatch(/^SHLKEY-1-[A-Z2-7]{52}$/);
    expect(newUnlockKey()).not.toBe(a);
    expect(parseUnlockKey(`  ${a}\n`, 'stdin')).toBe(a);
  });

  it('refuses what is not a key, saying what one looks like', () => {
    expect(() => parseUnlockKey('', 'stdin')).toThrow(/stdin holds no unlock key/);
    expect(() => parseUnlockKey('SHLKEY-1-ABC', 'stdin')).toThrow(/cut short or mistyped.*52 characters/);
    expect(() => parseUnlockKey('SWMKEY-1-whatever', 'the file k')).toThrow(/the file k does not hold an unlock key.*does not start with SHLKEY-1-/);
  });
});
