// Certificate renewal's pure parts and its TLS switch: when a node renews (2/3 of the validity
// counted from the issue, plus jitter), how it backs off, what it accepts from the leader, that
// a server moves to a renewed certificate for new connections without a restart, and that a
// replaced admin certificate no longer stands.

import * as grpc from '@grpc/grpc-js';
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CERT_BACKDATE_MS,
  certificateSerial,
  checkIssued,
  createClusterCA,
  issueCredentials,
  RENEW_AT,
  RENEW_JITTER,
  renewalTime,
  retryDelay,
  updatableServerCredentials,
  validDaysOf,
  validityOf,
} from '@shoal/identity';
import { standingOf } from '../src/caller-standing.js';
import { TestCluster, idOf } from './test-cluster.js';

describe('when a node renews', () => {
  const issued = Date.parse('2026-01-01T00:00:00Z');
  const validity = (seconds: number) => ({ notBefore: issued - CERT_BACKDATE_MS, notAfter: issued + seconds * 1000 });

  it('at 2/3 of the validity counted from the issue (not from the backdated notBefore), plus up to a tenth of jitter', () => {
    expect(renewalTime(validity(30), 0)).toBe(issued + 20_000);
    expect(renewalTime(validity(30), 1)).toBeCloseTo(issued + 30_000 * (RENEW_AT + RENEW_JITTER), 6);
    expect(renewalTime(validity(90 * 86_400), 0.5)).toBeCloseTo(issued + 90 * 86_400_000 * (2 / 3 + 0.05), 0);
    // Always before the expiry, whatever the random source says.
    for (const r of [-1, 0, 0.3, 1, 2]) expect(renewalTime(validity(30), r)).toBeLessThan(issued + 30_000);
  });

  it('retries with doubling backoff capped at a minute', () => {
    expect([0, 1, 2, 3, 6, 7, 50].map(retryDelay)).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
  });
});

describe('what a node accepts from the leader', () => {
  it('a certificate for its key, from the CA sent with it, naming the same node', async () => {
    const ca = await createClusterCA('cluster1');
    const mine = await issueCredentials(ca, { nodeId: 'node1', role: 'worker', clusterId: 'cluster1' }, validDaysOf(30));
    expect(validityOf(mine.certPem).notAfter - validityOf(mine.certPem).notBefore).toBe(30_000 + CERT_BACKDATE_MS);
    expect(() => checkIssued(mine, { nodeId: 'node1', clusterId: 'cluster1' })).not.toThrow();

    const other = await issueCredentials(ca, { nodeId: 'node2', role: 'worker', clusterId: 'cluster1' });
    expect(() => checkIssued({ ...mine, certPem: other.certPem }, { nodeId: 'node1', clusterId: 'cluster1' })).toThrow(/not for the key this node sent/);
    expect(() => checkIssued(other, { nodeId: 'node1', clusterId: 'cluster1' })).toThrow(/names node2 of cluster cluster1, not this node/);
    const foreign = await createClusterCA('cluster1');
    expect(() => checkIssued({ ...mine, caPem: foreign.certPem }, { nodeId: 'node1', clusterId: 'cluster1' })).toThrow(/not signed by the CA sent with it/);
  });
});

describe('a server with updatable credentials', () => {
  let server: grpc.Server | undefined;
  afterEach(() => server?.forceShutdown());

  function servedSerial(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
        resolve(certificateSerial(s.getPeerCertificate().raw));
        s.destroy();
      });
      s.once('error', reject);
    });
  }

  it('presents the renewed certificate on new connections, without a restart', async () => {
    const ca = await createClusterCA('cluster1');
    const first = await issueCredentials(ca, { nodeId: 'm1', role: 'manager', clusterId: 'cluster1' });
    const tls = updatableServerCredentials(first);
    server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) => server!.bindAsync('127.0.0.1:0', tls.credentials, (e, p) => (e ? reject(e) : resolve(p))));
    expect(await servedSerial(port)).toBe(certificateSerial(first.certPem));

    const renewed = await issueCredentials(ca, { nodeId: 'm1', role: 'manager', clusterId: 'cluster1' });
    tls.update(renewed);
    expect(await servedSerial(port)).toBe(certificateSerial(renewed.certPem));

    // A bundle that does not hold together is refused, and the server keeps what it had.
    expect(() => tls.update({ ...renewed, keyPem: first.keyPem })).toThrow(/does not belong to the server certificate/);
    expect(await servedSerial(port)).toBe(certificateSerial(renewed.certPem));
  });
});

describe('an admin certificate stands', () => {
  const admin = { nodeId: 'admin', role: 'admin' as const, clusterId: idOf('cluster') };

  it('in a cluster from before admin rotation, whatever its serial (nothing is recorded)', () => {
    const c = new TestCluster();
    expect(c.store.cluster().adminCerts).toBeUndefined();
    expect(standingOf(c.store, admin, '4A01')).toEqual({ ok: true });
    expect(standingOf(c.store, admin)).toEqual({ ok: true });
  });

  it('while its serial is listed; once rotated away it is refused, with what to do', () => {
    const c = new TestCluster();
    c.apply({ type: 'cluster.setAdminCerts', at: c.at, serials: ['4a01'] });
    // TLS gives the serial in upper case: it matches all the same.
    expect(standingOf(c.store, admin, '4A01')).toEqual({ ok: true });
    c.apply({ type: 'cluster.setAdminCerts', at: c.at, serials: ['4b02'], replaces: '4a01' });
    const old = standingOf(c.store, admin, '4A01');
    expect(old).toMatchObject({ ok: false, removed: false });
    expect(old.ok || old.reason).toMatch(/replaced by `shoal ca rotate-admin` and is no longer accepted: use the credentials that command wrote/);
    expect(standingOf(c.store, admin, '4B02')).toEqual({ ok: true });
    expect(standingOf(c.store, admin)).toMatchObject({ ok: false });
  });
});
