// CA rotation on real processes (`shoal ca rotate`, as `docker swarm ca --rotate`): 3 managers
// and 2 workers running a service move to a new CA without a task ending (one worker is down
// when it starts: the rotation waits for it, and it rejoins the rotation when it comes back);
// afterwards every node's certificate and ca.pem are the new CA's, every manager refuses the
// old admin credential and a node certificate of the old CA, a new worker joins with the
// current token, and a token from before the rotation is refused with what to do. Then a
// detached rotation waits for a node that is gone until `node rm` removes it.

import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate, createHash } from 'node:crypto';
import { connect } from 'node:tls';
import { generateKeyAndCsr, requestCertificate } from '@shoal/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlConnection, loadCredentials } from '../packages/cli/src/client.js';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { createService, isFinal, nodeOf, scriptSpec, shoalEnv, tasksOf, waitConverged, waitFor } from './support/services.js';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function certsIn(file: string): X509Certificate[] {
  return (readFileSync(file, 'utf8').match(CERT_BLOCK) ?? []).map((pem) => new X509Certificate(pem));
}

/** The certificate a manager presents on a new connection. */
function servedCert(addr: string): Promise<X509Certificate> {
  const [host, port] = addr.split(':');
  return new Promise((resolve, reject) => {
    const s = connect({ host: host!, port: Number(port), rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
      resolve(new X509Certificate(s.getPeerCertificate().raw));
      s.destroy();
    });
    s.once('error', reject);
  });
}

function digest(c: X509Certificate): string {
  return createHash('sha256').update(c.raw).digest('hex');
}

describe.sequential('CA rotation on 3 managers and 2 workers', () => {
  const lab = new Lab();
  let cluster: LocalCluster;
  let failed = false;

  beforeAll(async () => {
    // Autolocked: the keys written during the rotation must be sealed like every other.
    cluster = await lab.cluster('ca-rotation', 3, { initArgs: ['--autolock'] });
    await cluster.addWorker('w1');
    await cluster.addWorker('w2');
  }, 120_000);
  afterAll(() => lab.cleanup({ failed }));

  it('moves every node to a new CA without a task ending, and the old credentials stop working', async () => {
    try {
      // w2 is down when the rotation starts: the rotation waits for it, and it can still come
      // back (it trusts only the old CA, which the managers keep presenting until the end).
      await cluster.killWorker('w2');
      await waitFor('w2 to be down', async () => ((await nodeOf(cluster, 'w2')).status === 'down' ? true : undefined), 30_000, 200);
      await createService(cluster, scriptSpec('steady', 'setInterval(() => {}, 1000)', { replicas: 2 }));
      const before = await waitConverged(cluster, 'steady', 2);
      const oldCa = certsIn(join(cluster.adminDir, 'ca.pem'))[0]!;
      const oldAdmin = lab.dir('old-admin');
      cpSync(cluster.adminDir, oldAdmin, { recursive: true });
      const w1 = cluster.worker('w1');
      const oldWorkerTls = {
        certPem: readFileSync(join(w1.dataDir, 'tls', 'node.pem'), 'utf8'),
        keyPem: readFileSync(join(w1.dataDir, 'tls', 'node-key.pem'), 'utf8'),
      };
      const oldToken = await cluster.joinToken('worker');

      const rotating = lab.runShoal(['ca', 'rotate'], shoalEnv(cluster), 90_000);
      type Status = { caDigest: string; rotating: boolean; newCaDigest: string; renewed: number; waiting: { name: string; role: string; state: string }[] };
      const waiting = await waitFor(
        'the rotation to wait for w2 only',
        async () => {
          const st = await lab.runShoal(['ca', 'status', '--json'], shoalEnv(cluster));
          if (st.code !== 0) return undefined; // the admin credential is being replaced
          const v = JSON.parse(st.stdout) as Status;
          return v.rotating && v.waiting.length === 1 && v.waiting[0]!.name === 'w2' ? v : undefined;
        },
        30_000,
        200,
      );
      expect(waiting.waiting[0]).toMatchObject({ role: 'worker', state: 'down' });
      expect(waiting.renewed).toBe(4);
      expect(waiting.caDigest).toBe(digest(oldCa));
      const human = await lab.runShoal(['ca', 'status'], shoalEnv(cluster));
      expect(human.stdout).toMatch(/waiting for w2 \(worker, down\): bring it back, or remove it with `shoal node rm w2`/);
      // Meanwhile the managers still present their old-CA certificate.
      for (const m of cluster.managers) expect((await servedCert(m.addr)).checkIssued(oldCa), `${m.name} presents its old-CA certificate`).toBe(true);

      Object.assign(cluster, { creds: undefined, connKey: '' }); // the harness re-reads the new admin credential
      await cluster.startWorker('w2');
      const r = await rotating;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/CA rotation started: the new CA is [0-9a-f]{64}/);
      expect(r.stdout).toMatch(/waiting for 1: w2 \(worker, down\)/);
      expect(r.stdout).toMatch(/CA rotation finished: every node holds a certificate of the new CA/);
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) expect((statSync(join(cluster.adminDir, f)).mode & 0o777).toString(8)).toBe('600');
      const adminCas = certsIn(join(cluster.adminDir, 'ca.pem'));
      expect(adminCas).toHaveLength(1);
      const newCa = adminCas[0]!;
      expect(digest(newCa)).not.toBe(digest(oldCa));
      expect(digest(newCa)).toBe(waiting.newCaDigest);
      expect(new X509Certificate(readFileSync(join(cluster.adminDir, 'cert.pem'))).checkIssued(newCa)).toBe(true);
      Object.assign(cluster, { creds: undefined, connKey: '' });

      const status = await lab.runShoal(['ca', 'status', '--json'], shoalEnv(cluster));
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ caDigest: digest(newCa), rotating: false, waiting: [] });
      // Each manager presents its new certificate once it has applied the end of the rotation.
      for (const m of cluster.managers)
        await waitFor(`${m.name} to present its new-CA certificate`, async () => (await servedCert(m.addr)).checkIssued(newCa) || undefined, 10_000, 100);

      // Every node's certificate is the new CA's, and it trusts the new CA only (workers and
      // followers rewrite ca.pem once they learn that the rotation ended).
      const nodes = [...cluster.managers, ...cluster.workers];
      await waitFor(
        'every node to trust the new CA only',
        () =>
          nodes.every((n) => {
            const cas = certsIn(join(n.dataDir, 'tls', 'ca.pem'));
            return cas.length === 1 && digest(cas[0]!) === digest(newCa);
          }) || undefined,
        15_000,
        100,
      );
      for (const n of nodes) {
        const cert = new X509Certificate(readFileSync(join(n.dataDir, 'tls', 'node.pem')));
        expect(cert.checkIssued(newCa) && cert.verify(newCa.publicKey), `${n.name}'s certificate is the new CA's`).toBe(true);
      }
      for (const m of cluster.managers) {
        expect(readFileSync(join(m.dataDir, 'tls', 'node-key.pem'), 'utf8'), `${m.name}'s new key is sealed`).toContain(
          '-----BEGIN ENCRYPTED PRIVATE KEY-----',
        );
      }

      const after = await tasksOf(cluster, 'steady');
      expect(after.filter(isFinal)).toEqual([]);
      expect(after.map((t) => t.id).sort()).toEqual(before.map((t) => t.id).sort());

      const newCaPem = newCa.toString();
      const oldAdminCreds = loadCredentials(oldAdmin);
      const { csrPem } = await generateKeyAndCsr();
      for (const m of cluster.managers) {
        // The old admin certificate, trusting the new CA so that TLS gets as far as the manager.
        const old = new ControlConnection([m.addr], { ...oldAdminCreds, caPem: newCaPem });
        try {
          const err = await old.call('ListNodes', { read: { stale: true } }).then(
            () => undefined,
            (e: unknown) => e as Error & { code: string },
          );
          expect(err?.code, `${m.name} refuses the old admin certificate`).toBe('UNAUTHENTICATED');
        } finally {
          old.close();
        }
        const renewal = await requestCertificate([m.addr], { caPem: newCaPem, ...oldWorkerTls }, csrPem).then(
          () => undefined,
          (e: unknown) => e as Error & { code: string },
        );
        expect(renewal?.code, `${m.name} refuses w1's old certificate`).toBe('UNAUTHENTICATED');
        const ls = await lab.runShoal(['node', 'ls', '--stale'], { SHOAL_HOST: m.addr, SHOAL_CERTS: cluster.adminDir });
        expect(ls.code, ls.stderr).toBe(0);
      }

      // A token from before the rotation pins the old CA: refused, saying what to do.
      const tokenDir = lab.dir('old-token');
      mkdirSync(tokenDir, { recursive: true, mode: 0o700 });
      const tokenFile = join(tokenDir, 'token');
      writeFileSync(tokenFile, `${oldToken}\n`, { mode: 0o600 });
      const join1 = await lab.runShoal(
        ['worker', 'join', cluster.managers[0]!.addr, '--token-file', tokenFile, '--data', lab.dir('w-old'), '--name', 'w-old', '--listen', '127.0.0.40:0'],
        {},
        30_000,
      );
      expect(join1.code).not.toBe(0);
      expect(join1.stderr).toMatch(/the cluster CA was rotated .* get a new token with `shoal join-token worker\|manager`/);
      expect(await cluster.joinToken('worker')).not.toBe(oldToken);

      // A new worker joins with the current token, and gets a certificate of the new CA.
      const w3 = await cluster.addWorker('w3');
      const w3cert = new X509Certificate(readFileSync(join(w3.dataDir, 'tls', 'node.pem')));
      expect(w3cert.checkIssued(newCa)).toBe(true);
    } catch (e) {
      failed = true;
      throw e;
    }
  }, 120_000);

  it('`ca rotate --detach` returns at once; a second rotation is refused meanwhile; `node rm` of the last straggler ends it', async () => {
    try {
      // w3 will never renew: it is gone (its agent killed) when the rotation starts.
      await cluster.killWorker('w3');
      cluster.killWorkerTasks('w3');
      const r = await lab.runShoal(['ca', 'rotate', '--detach'], shoalEnv(cluster));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Follow it with `shoal ca status`/);
      const newCa = certsIn(join(cluster.adminDir, 'ca.pem'))[0]!;
      expect(certsIn(join(cluster.adminDir, 'ca.pem'))).toHaveLength(2); // new CA, then the old one
      Object.assign(cluster, { creds: undefined, connKey: '' });

      const again = await lab.runShoal(['ca', 'rotate'], shoalEnv(cluster));
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/a CA rotation is already in progress .*`shoal ca status`/);
      await waitFor(
        'the rotation to wait for w3 only',
        async () => {
          const st = await lab.runShoal(['ca', 'status', '--json'], shoalEnv(cluster));
          const v = JSON.parse(st.stdout) as { waiting: { name: string }[] };
          return v.waiting.length === 1 && v.waiting[0]!.name === 'w3' ? true : undefined;
        },
        30_000,
        200,
      );

      const rm = await lab.runShoal(['node', 'rm', '--force', 'w3'], shoalEnv(cluster));
      expect(rm.code, rm.stderr).toBe(0);
      const status = await waitFor(
        'the rotation to end',
        async () => {
          const st = await lab.runShoal(['ca', 'status'], shoalEnv(cluster));
          return /Rotation: {2}none/.test(st.stdout) ? st.stdout : undefined;
        },
        15_000,
        200,
      );
      expect(status).toContain(`CA:        ${digest(newCa)}`);
      // The first status after the end drops the retired CA from the CLI's ca.pem.
      expect(status).toMatch(/now trusts the current CA only/);
      const cas = certsIn(join(cluster.adminDir, 'ca.pem'));
      expect(cas.map(digest)).toEqual([digest(newCa)]);
      const ls = await lab.runShoal(['node', 'ls', '--json'], shoalEnv(cluster));
      expect(ls.code, ls.stderr).toBe(0);
    } catch (e) {
      failed = true;
      throw e;
    }
  }, 60_000);
});
