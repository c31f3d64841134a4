// Certificates on real processes: with --cert-expiry 30s every manager and worker renews its
// own certificate (new files on disk, the managers present the new one) while a service keeps
// its tasks and the CLI keeps working; `shoal cluster update --cert-expiry` changes the period;
// `shoal ca rotate-admin` writes a new admin credential and every manager refuses the old one.

import { cpSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlConnection, loadCredentials } from '../packages/cli/src/client.js';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { createService, isFinal, scriptSpec, shoalEnv, tasksOf, waitConverged, waitFor } from './support/services.js';

function serialOnDisk(dataDir: string, file = join('tls', 'node.pem')): string {
  return new X509Certificate(readFileSync(join(dataDir, file))).serialNumber.toLowerCase();
}

/** The serial of the certificate a manager presents on a new connection. */
function servedSerial(addr: string): Promise<string> {
  const [host, port] = addr.split(':');
  return new Promise((resolve, reject) => {
    const s = connect({ host: host!, port: Number(port), rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
      resolve(s.getPeerCertificate().serialNumber.toLowerCase());
      s.destroy();
    });
    s.once('error', reject);
  });
}

describe.sequential('certificates on 3 managers and 2 workers', () => {
  const lab = new Lab();
  let cluster: LocalCluster;
  let failed = false;

  beforeAll(async () => {
    cluster = await lab.cluster('certs', 3, { initArgs: ['--cert-expiry', '30s'] });
    await cluster.addWorker('w1');
    await cluster.addWorker('w2');
  }, 120_000);
  afterAll(() => lab.cleanup({ failed }));

  it('every node renews its certificate before it expires, without a task ending or the CLI noticing', async () => {
    try {
      await createService(cluster, scriptSpec('steady', 'setInterval(() => {}, 1000)', { replicas: 2 }));
      const before = await waitConverged(cluster, 'steady', 2);
      const nodes = [...cluster.managers, ...cluster.workers];
      const first = new Map(nodes.map((n) => [n.name, serialOnDisk(n.dataDir)]));
      // Issued for 30 s (+ the 5 min backdating), so renewed after about 20 s.
      const cert = new X509Certificate(readFileSync(join(cluster.managers[0]!.dataDir, 'tls', 'node.pem')));
      expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(30_000 + 5 * 60_000);

      await waitFor('every node to renew its certificate', () => nodes.every((n) => serialOnDisk(n.dataDir) !== first.get(n.name)) || undefined, 60_000, 250);
      for (const n of nodes) expect((statSync(join(n.dataDir, 'tls', 'node-key.pem')).mode & 0o077).toString(8)).toBe('0');
      // Managers present their renewed certificate on new connections (the one on disk now, or
      // a later one if it renewed again meanwhile: never the first).
      for (const m of cluster.managers) expect(await servedSerial(m.addr)).not.toBe(first.get(m.name));

      // And once more: the renewed certificates are themselves renewed (they are what the nodes
      // authenticate with by then; the first ones have expired).
      const second = new Map(nodes.map((n) => [n.name, serialOnDisk(n.dataDir)]));
      await waitFor('every node to renew again', () => nodes.every((n) => serialOnDisk(n.dataDir) !== second.get(n.name)) || undefined, 60_000, 250);

      const after = await tasksOf(cluster, 'steady');
      expect(after.filter(isFinal)).toEqual([]);
      expect(after.map((t) => t.id).sort()).toEqual(before.map((t) => t.id).sort());
      const ls = await lab.runShoal(['node', 'ls', '--json'], shoalEnv(cluster));
      expect(ls.code, ls.stderr).toBe(0);
      const listed = JSON.parse(ls.stdout) as { name: string; status: string }[];
      expect(listed.map((n) => `${n.name}:${n.status}`).sort()).toEqual(['m1:ready', 'm2:ready', 'm3:ready', 'w1:ready', 'w2:ready']);
    } catch (e) {
      failed = true;
      throw e;
    }
  }, 180_000);

  it('`cluster update --cert-expiry` changes the period; out-of-range values are refused', async () => {
    try {
      const bad = await lab.runShoal(['cluster', 'update', '--cert-expiry', '5s'], shoalEnv(cluster));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--cert-expiry must be from 30s to 1825d \(got 5s\)/);
      const ok = await lab.runShoal(['cluster', 'update', '--cert-expiry', '2h'], shoalEnv(cluster));
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/issued for 2h; each node takes the new period at its next renewal/);
      // The next renewal of w1 (due within ~25 s) gets a 2-hour certificate.
      const w1 = cluster.worker('w1');
      await waitFor(
        'w1 to get a 2-hour certificate',
        () => {
          const c = new X509Certificate(readFileSync(join(w1.dataDir, 'tls', 'node.pem')));
          return Date.parse(c.validTo) - Date.parse(c.validFrom) === 2 * 3_600_000 + 5 * 60_000 || undefined;
        },
        40_000,
        250,
      );
    } catch (e) {
      failed = true;
      throw e;
    }
  }, 60_000);

  it('`ca rotate-admin` writes a new admin credential and every manager refuses the old one', async () => {
    try {
      const oldDir = lab.dir('old-admin');
      const newDir = lab.dir('new-admin');
      cpSync(cluster.adminDir, oldDir, { recursive: true });
      cpSync(cluster.adminDir, newDir, { recursive: true });
      const oldSerial = serialOnDisk(oldDir, 'cert.pem');

      const r = await lab.runShoal(['ca', 'rotate-admin'], { SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: newDir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/New admin credentials written to/);
      expect(serialOnDisk(newDir, 'cert.pem')).not.toBe(oldSerial);
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) expect((statSync(join(newDir, f)).mode & 0o777).toString(8)).toBe('600');

      for (const m of cluster.managers) {
        // Each manager refuses the old certificate once it has applied the rotation.
        const old = new ControlConnection([m.addr], loadCredentials(oldDir));
        try {
          const err = await waitFor(
            `${m.name} to refuse the old admin certificate`,
            async () => {
              try {
                await old.call('ListNodes', { read: { stale: true } });
                return undefined;
              } catch (e) {
                return e as Error & { code: string };
              }
            },
            10_000,
            50,
          );
          expect(err.code).toBe('PERMISSION_DENIED');
          expect(err.message).toMatch(/this admin certificate was replaced by `shoal ca rotate-admin` and is no longer accepted/);
        } finally {
          old.close();
        }
        const now = await lab.runShoal(['node', 'ls', '--stale'], { SHOAL_HOST: m.addr, SHOAL_CERTS: newDir });
        expect(now.code, now.stderr).toBe(0);
      }
      // The old credential cannot rotate itself back in either.
      const again = await lab.runShoal(['ca', 'rotate-admin'], { SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: oldDir });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/no longer accepted/);
    } catch (e) {
      failed = true;
      throw e;
    }
  }, 60_000);
});
