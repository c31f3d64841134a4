// The host simulator (src/host-sim): its checks fire on the histories they must refuse, a
// crash in the write window really loses the write on LevelDB, a faulty run of real hosts
// passes, and each bug planted in the host is caught within a few seeds.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryType, bootstrap } from '@shoal/raft';
import { LevelStorage } from '@shoal/raft/level';
import type { HostPlantedBug } from '../src/raft-host.js';
import { History } from '../src/host-sim/checks.js';
import { CrashableStorage } from '../src/host-sim/crashable-storage.js';
import { Ledger, encodePayload } from '../src/host-sim/ledger.js';
import { runHostSeed, type HostSimResult } from '../src/host-sim/simulation.js';

function ledger(node: string, entries: [number, string][], history: History): Ledger {
  const l = new Ledger(node, (i, d) => history.violation(i, d));
  for (const [i, p] of entries) l.applyEntry(encodePayload(p), i);
  return l;
}

const invariants = (h: History | HostSimResult) => h.violations.map((v) => v.invariant);

describe('the host simulator checks', () => {
  it('refuse a read resolved before its read index was applied, or missing an acknowledged write', () => {
    const h = new History();
    const a = ledger('a', [[2, 'w1']], h);
    const w = h.invokeWrite('a', 'w1');
    h.writeOk(w, { payload: 'w1', index: 2 }, a);
    const read = h.invokeRead('b', 2);
    h.readOk(read, 3, 2, ledger('b', [], h));
    expect(invariants(h)).toEqual(['read-before-apply', 'stale-read']);
  });

  it('refuse a proposal resolved with another entry, and a refused one that was applied', () => {
    const h = new History();
    const a = ledger('a', [[2, 'other']], h);
    h.writeOk(h.invokeWrite('a', 'mine'), { payload: 'other', index: 2 }, a);
    const refused = h.invokeWrite('a', 'refused');
    h.writeFailed(refused, true, new Error('this manager is not the leader'));
    a.applyEntry(encodePayload('refused'), 3);
    h.checkEnd([a], []);
    expect(invariants(h)).toEqual(['wrong-result', 'applied-after-refusal']);
  });

  it('refuse diverging ledgers, a duplicate apply and a request that never settled', () => {
    const h = new History();
    const a = ledger(
      'a',
      [
        [2, 'x'],
        [3, 'y'],
      ],
      h,
    );
    const b = ledger(
      'b',
      [
        [2, 'x'],
        [3, 'z'],
      ],
      h,
    );
    b.applyEntry(encodePayload('x'), 4);
    h.invokeRead('a', 0);
    h.checkEnd([a], [b]);
    h.checkSettledOnce();
    expect(invariants(h)).toEqual(['duplicate-apply', 'state-machine-safety', 'settled-not-once']);
  });
});

describe('a crash in the write window', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loses the write that LevelDB had not started, and the directory reopens without it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shoal-host-sim-test-'));
    const inner = await LevelStorage.open(dir);
    await bootstrap(inner, ['a'], new Uint8Array());
    const crashes: string[] = [];
    const storage = new CrashableStorage(
      inner,
      () => 1,
      (what) => {
        crashes.push(what);
        storage.crashed = true;
      },
    );
    const entry = (index: number) => ({ index, term: 1, type: EntryType.Normal, data: encodePayload(`e${index}`) });
    await storage.save({ entries: [entry(2)] });
    storage.arm('entries');
    let settled = false;
    void storage.save({ entries: [entry(3)] }).finally(() => (settled = true));
    expect(crashes).toEqual(['crashed in the write window, before persisting 1 entries from index 3']);
    await storage.close();
    expect(settled).toBe(false);
    const reopened = await LevelStorage.open(dir);
    expect(reopened.lastIndex()).toBe(2);
    await reopened.close();
  });
});

/** Runs seeds from 1 until one's violations include `invariant`; the seed, or undefined. */
async function seedCatching(bug: HostPlantedBug, invariant: string[], maxSeeds: number): Promise<HostSimResult | undefined> {
  for (let seed = 1; seed <= maxSeeds; seed++) {
    const r = await runHostSeed({ seed, plantedBug: bug, faultMs: 2000 });
    if (r.violations.some((v) => invariant.includes(v.invariant))) return r;
  }
  return undefined;
}

describe('real RaftHosts on LevelDB under faults', () => {
  it('keep every check through crashes, partitions and leader kills, then converge', { timeout: 120_000 }, async () => {
    for (const seed of [1, 2]) {
      const r = await runHostSeed({ seed, faultMs: 2000 });
      expect(r.violations, `seed ${seed}: ${JSON.stringify(r.violations)}`).toEqual([]);
      expect(r.stats.writesOk).toBeGreaterThan(0);
      expect(r.stats.crashes).toBeGreaterThan(0);
    }
  });

  it('catch a host that resolves reads before their read index is applied', { timeout: 120_000 }, async () => {
    const r = await seedCatching('read-before-apply', ['read-before-apply', 'stale-read'], 12);
    expect(r, 'no seed of 12 caught read-before-apply').toBeDefined();
  });

  it('catch a host that resolves a proposal whose index committed with another term', { timeout: 120_000 }, async () => {
    const r = await seedCatching('resolve-wrong-term', ['wrong-result'], 12);
    expect(r, 'no seed of 12 caught resolve-wrong-term').toBeDefined();
  });
});
