// Autolock across real manager processes: `manager init --autolock` seals the Raft database and
// the node keys; a restarted manager serves nothing until `manager unlock` gives it the key (a
// wrong one is refused); a joining manager is sealed too; `unlock-key --rotate` re-seals them.

import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { LevelStorage } from '@shoal/raft/level';
import { ClusterStore } from '@shoal/store';
import { afterEach, describe, expect, it } from 'vitest';
import { DataKey } from '@shoal/manager/autolock';
import { SHOAL_BIN, type LocalCluster, type ManagerProcess } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { waitFor } from './support/managers.js';

/** Every byte under a manager's raft/ directory, as one latin1 string to search. */
function raftBytes(m: ManagerProcess): string {
  const dir = join(m.dataDir, 'raft');
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
}

/** Whether anything accepts TCP connections on the manager's port. */
function portOpen(addr: string): Promise<boolean> {
  const [host, port] = addr.split(':');
  return new Promise((resolve) => {
    const s = createConnection({ host: host!, port: Number(port) });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The cluster object as a manager's (copied, then decrypted) Raft database holds it. */
async function clusterFromDatabase(lab: Lab, m: ManagerProcess, key: string) {
  const copy = lab.dir('raft-copy');
  cpSync(join(m.dataDir, 'raft'), copy, { recursive: true });
  const s = await LevelStorage.open(copy, { cipher: DataKey.opening(key) });
  try {
    return ClusterStore.restore(s.snapshot().data).cluster();
  } finally {
    await s.close();
  }
}

/** `shoal manager unlock --data DIR`, the key piped on stdin (never in argv). */
function unlockViaStdin(dataDir: string, key: string): Promise<{ code: number | null; out: string }> {
  const p = spawn(process.execPath, [SHOAL_BIN, 'manager', 'unlock', '--data', dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  p.stdin.end(`${key}\n`);
  const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    p.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

async function answers(cluster: LocalCluster, m: ManagerProcess): Promise<true | undefined> {
  const conn = cluster.client([m.addr]);
  try {
    const info = await conn.call('ClusterInfo', { read: { stale: true } }, { timeoutMs: 1000 });
    return info.answeredBy === m.nodeId ? true : undefined;
  } catch {
    return undefined;
  } finally {
    conn.close();
  }
}

describe.sequential('autolock', () => {
  const lab = new Lab();
  afterEach(({ task }) => lab.cleanup({ failed: task.result?.state === 'fail' }));

  it('seals the Raft database and node key; a restarted manager stays locked until given the right key', async () => {
    const cluster = await lab.cluster('autolock', 1, { initArgs: ['--autolock'] });
    const m1 = cluster.manager('m1');
    const certs = ['--host', m1.addr, '--certs', cluster.adminDir];

    // The key init printed is the one `unlock-key` shows.
    const shown = await lab.runShoal(['manager', 'unlock-key', '--quiet', ...certs]);
    expect(shown.code, shown.stderr).toBe(0);
    const key = shown.stdout.trim();
    expect(key).toMatch(/^SHLKEY-1-[A-Z2-7]{52}$/);
    expect(readFileSync(m1.logFile, 'utf8')).toContain(key);
    await expectSealed(lab, cluster, m1, key);

    // Restarted without the key: locked, nothing served.
    await cluster.kill('m1', 'SIGTERM');
    const locked = lab.spawnShoal(['manager', 'start', '--data', m1.dataDir, '--metrics', m1.metrics]);
    await waitFor('m1 to say it is locked', () =>
      locked.output().includes(`this manager is locked: run \`shoal manager unlock --data ${m1.dataDir}\``) ? true : undefined,
    );
    expect(await portOpen(m1.addr)).toBe(false);

    // A wrong key is refused, and it stays locked.
    const keys = lab.dir('keys');
    mkdirSync(keys);
    writeFileSync(join(keys, 'wrong'), 'SHLKEY-1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n');
    writeFileSync(join(keys, 'right'), `${key}\n`);
    const wrong = await lab.runShoal(['manager', 'unlock', '--data', m1.dataDir, '--key-file', join(keys, 'wrong')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/not this manager's unlock key/);
    expect(locked.proc.exitCode).toBeNull();
    expect(await portOpen(m1.addr)).toBe(false);

    // The right one, on stdin: it unlocks and serves.
    const right = await unlockViaStdin(m1.dataDir, key);
    expect(right.code, right.out).toBe(0);
    await waitFor('m1 to serve once unlocked', () => answers(cluster, m1));
    const ls = await lab.runShoal(['node', 'ls', ...certs]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/m1/);

    // --force-new-cluster on an autolocked directory takes the key the same way.
    locked.proc.kill('SIGTERM');
    await locked.exited;
    const recovered = lab.spawnShoal([
      'manager',
      'init',
      '--force-new-cluster',
      '--data',
      m1.dataDir,
      '--metrics',
      m1.metrics,
      '--unlock-key-file',
      join(keys, 'right'),
    ]);
    await waitFor('m1 to serve after --force-new-cluster', () => answers(cluster, m1));
    expect(recovered.output()).not.toContain('this manager is locked');
    await expectSealed(lab, cluster, m1, key);
  });

  it('a joined manager is sealed too, restarts locked, unlocks; a rotation re-seals every manager', async () => {
    const cluster = await lab.cluster('autolock-join', 1, { initArgs: ['--autolock'] });
    const m1 = cluster.manager('m1');
    const m2 = await cluster.addManager('m2');
    await cluster.waitForVoters(2);
    const certs = ['--host', cluster.hosts.join(','), '--certs', cluster.adminDir];
    const shown = await lab.runShoal(['manager', 'unlock-key', '--quiet', ...certs]);
    expect(shown.code, shown.stderr).toBe(0);
    const key = shown.stdout.trim();
    expect(key).toMatch(/^SHLKEY-1-/);
    await expectSealed(lab, cluster, m2, key);

    await cluster.kill('m2', 'SIGTERM');
    const locked = lab.spawnShoal(['manager', 'start', '--data', m2.dataDir, '--metrics', m2.metrics]);
    await waitFor('m2 to say it is locked', () => (locked.output().includes('this manager is locked') ? true : undefined));
    expect(await portOpen(m2.addr)).toBe(false);
    const right = await unlockViaStdin(m2.dataDir, key);
    expect(right.code, right.out).toBe(0);
    await waitFor('m2 to serve once unlocked', () => answers(cluster, m2));
    const ls = await lab.runShoal(['node', 'ls', '--host', m2.addr, '--certs', cluster.adminDir]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/m2/);

    // Rotation: every manager re-seals under the new key; the old one no longer unlocks.
    const rotated = await lab.runShoal(['manager', 'unlock-key', '--rotate', '--quiet', ...certs]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const newKey = rotated.stdout.trim();
    expect(newKey).toMatch(/^SHLKEY-1-/);
    expect(newKey).not.toBe(key);
    const resealed = 'the unlock key was rotated: this manager re-sealed its data key under the new one';
    await waitFor('m1 to re-seal', () => (readFileSync(m1.logFile, 'utf8').includes(resealed) ? true : undefined));
    await waitFor('m2 to re-seal', () => (locked.output().includes(resealed) ? true : undefined));
    locked.proc.kill('SIGTERM');
    await locked.exited;

    const keys = lab.dir('rotated');
    mkdirSync(keys);
    writeFileSync(join(keys, 'old'), key);
    writeFileSync(join(keys, 'new'), newKey);
    const withOld = await lab.runShoal(['manager', 'start', '--data', m2.dataDir, '--metrics', m2.metrics, '--unlock-key-file', join(keys, 'old')]);
    expect(withOld.code).toBe(1);
    expect(withOld.stderr).toMatch(/not this manager's unlock key/);
    const withNew = lab.spawnShoal(['manager', 'start', '--data', m2.dataDir, '--metrics', m2.metrics, '--unlock-key-file', join(keys, 'new')]);
    await waitFor('m2 to serve with the rotated key', () => answers(cluster, m2));
    expect(withNew.output()).not.toContain('this manager is locked');
  });
});

/** No secret of the cluster in plain bytes under the manager's raft/; its node key encrypted. */
async function expectSealed(lab: Lab, cluster: LocalCluster, m: ManagerProcess, key: string): Promise<void> {
  const workerToken = await cluster.joinToken('worker');
  const managerToken = await cluster.joinToken('manager');
  const c = await clusterFromDatabase(lab, m, key);
  const caKeyLines = c.ca.keyPem.split('\n').filter((l) => l.length > 0 && !l.startsWith('-----'));
  expect(caKeyLines.length).toBeGreaterThan(0);
  expect(c.unlockKey).toBe(key);
  const raw = raftBytes(m);
  // The scan does see plain bytes: the founding voter's id in the snapshot meta is plain.
  expect(raw).toContain(cluster.manager('m1').nodeId);
  const secrets = [...caKeyLines, workerToken.split('-').at(-1)!, managerToken.split('-').at(-1)!, key];
  for (const s of secrets) expect(raw.includes(s), `${m.name}'s raft/ holds a secret in plain bytes: ${s.slice(0, 12)}...`).toBe(false);
  const nodeKey = readFileSync(join(m.dataDir, 'tls', 'node-key.pem'), 'utf8');
  expect(nodeKey).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
  expect(() => createPrivateKey(nodeKey)).toThrow();
}
