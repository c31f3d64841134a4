// Autolock's unlock key in the cluster object: optional, checked, kept across snapshots, and
// replaced only by cluster.rotateUnlockKey on a cluster that has one.

import { describe, expect, it } from 'vitest';
import { ClusterStore, encodeCommand, decodeCommand } from '../src/index.js';
import { clusterObject, expectOk, firstManager, newStore } from './fixtures.js';

const KEY_A = `SHLKEY-1-${'A'.repeat(52)}`;
const KEY_B = `SHLKEY-1-${'B'.repeat(52)}`;
const AT = '2025-01-31T12:00:00.000Z';

function autolockedStore(): ClusterStore {
  return ClusterStore.restore(ClusterStore.initial(clusterObject({ unlockKey: KEY_A }), firstManager()));
}

describe('the unlock key', () => {
  it('is absent without autolock, and survives a snapshot with it', () => {
    expect(newStore().cluster().unlockKey).toBeUndefined();
    const s = autolockedStore();
    expect(ClusterStore.restore(s.snapshot()).cluster().unlockKey).toBe(KEY_A);
  });

  it('must look like an unlock key', () => {
    expect(() => ClusterStore.initial(clusterObject({ unlockKey: 'SHLKEY-1-short' }), firstManager())).toThrow(/unlockKey must be an unlock key/);
    expect(() => decodeCommand(new TextEncoder().encode(JSON.stringify({ type: 'cluster.rotateUnlockKey', at: AT, unlockKey: 'nope' })))).toThrow(/unlockKey/);
  });

  it('is rotated by cluster.rotateUnlockKey, which a cluster without autolock refuses', () => {
    const s = autolockedStore();
    expectOk(s.applyEntry(encodeCommand({ type: 'cluster.rotateUnlockKey', at: AT, unlockKey: KEY_B }), 2));
    expect(s.cluster().unlockKey).toBe(KEY_B);
    expect(s.cluster().version).toBe(2);

    const plain = newStore();
    const r = plain.applyEntry(encodeCommand({ type: 'cluster.rotateUnlockKey', at: AT, unlockKey: KEY_B }), 2);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/autolock is off/) } });
    expect(plain.cluster().unlockKey).toBeUndefined();
  });
});
