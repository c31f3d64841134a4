// The planted bugs are off unless named, and a misspelt one stops the manager with a clear error.

import { afterEach, describe, expect, it, vi } from 'vitest';

async function fresh(value: string | undefined): Promise<typeof import('../src/planted-bugs.js')> {
  vi.resetModules();
  if (value === undefined) vi.stubEnv('SHOAL_UNSAFE_PLANTED_BUG', undefined as unknown as string);
  else vi.stubEnv('SHOAL_UNSAFE_PLANTED_BUG', value);
  return import('../src/planted-bugs.js');
}

describe('planted bugs (chaos self-test only)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('none unless the variable names one', async () => {
    expect((await fresh(undefined)).plantedBug()).toBeUndefined();
    expect((await fresh('')).plantedBug()).toBeUndefined();
  });

  it('reads a known one', async () => {
    expect((await fresh('follower-local-reads')).plantedBug()).toBe('follower-local-reads');
    expect((await fresh('ack-before-commit')).plantedBug()).toBe('ack-before-commit');
  });

  it('refuses an unknown one, listing the known', async () => {
    const m = await fresh('ack-before-comit');
    expect(() => m.plantedBug()).toThrow(/"ack-before-comit" names no planted bug; it must be one of follower-local-reads, ack-before-commit/);
  });
});
