// The cluster CA: what it issues is the identity every connection is authenticated by.

import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateError,
  caClusterId,
  caDigest,
  createClusterCA,
  generateKeyAndCsr,
  issueCredentials,
  parseIdentity,
  signNodeCertificate,
  type ClusterCA,
} from '../src/index.js';
import { selfSignedLeaf, signedLeaf } from './tls-fixtures.js';

const DAY = 86_400_000;
let ca: ClusterCA;

beforeAll(async () => {
  ca = await createClusterCA('cluster1');
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('createClusterCA', () => {
  it('makes a self-signed P-256 CA named for the cluster, valid for ten years', () => {
    const c = new X509Certificate(ca.certPem);
    expect(c.subject).toBe('CN=shoal-ca\nO=cluster1');
    expect(c.issuer).toBe(c.subject);
    expect(c.ca).toBe(true);
    expect(c.verify(c.publicKey)).toBe(true);
    expect(c.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const years = (new Date(c.validTo).getTime() - Date.now()) / (365 * DAY);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    expect(c.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    expect(caClusterId(ca.certPem)).toBe('cluster1');
  });

  it('uses a random 16-byte serial', async () => {
    const other = await createClusterCA('cluster1');
    const a = new X509Certificate(ca.certPem).serialNumber;
    const b = new X509Certificate(other.certPem).serialNumber;
    expect(a).toMatch(/^[0-9A-F]{32}$/);
    expect(b).not.toBe(a);
  });

  it('refuses a cluster id that cannot sit in a certificate subject', async () => {
    expect(await rejection(createClusterCA('a,b=c'))).toBeInstanceOf(CertificateError);
    expect(await rejection(createClusterCA(''))).toBeInstanceOf(CertificateError);
  });
});

describe('caDigest', () => {
  it('is the sha256 of the DER, 64 lowercase hex', () => {
    const d = caDigest(ca.certPem);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(d).toBe(new X509Certificate(ca.certPem).fingerprint256.replaceAll(':', '').toLowerCase());
    expect(caDigest(new X509Certificate(ca.certPem).raw)).toBe(d);
  });
});

describe('signNodeCertificate', () => {
  it('certifies the CSR key with the identity the CA decides', async () => {
    const { keyPem, csrPem } = await generateKeyAndCsr();
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);

    const certPem = await signNodeCertificate(ca, csrPem, { nodeId: 'node1', role: 'manager', clusterId: 'cluster1' });
    const c = new X509Certificate(certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(c.subject).toBe('CN=node1\nOU=manager\nO=cluster1');
    expect(c.checkIssued(caCert)).toBe(true);
    expect(c.verify(caCert.publicKey)).toBe(true);
    expect(c.ca).toBe(false);
    expect(c.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(c.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(c.subjectAltName).toBe('DNS:node1, DNS:localhost, IP Address:127.0.0.1');
    const days = (new Date(c.validTo).getTime() - Date.now()) / DAY;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);
    expect(parseIdentity(certPem)).toEqual({ nodeId: 'node1', role: 'manager', clusterId: 'cluster1' });
    expect(parseIdentity(c.raw)).toEqual({ nodeId: 'node1', role: 'manager', clusterId: 'cluster1' });
  });

  it('honours validDays', async () => {
    const { csrPem } = await generateKeyAndCsr();
    const c = new X509Certificate(await signNodeCertificate(ca, csrPem, { nodeId: 'w1', role: 'worker', clusterId: 'cluster1' }, 7));
    expect((new Date(c.validTo).getTime() - Date.now()) / DAY).toBeCloseTo(7, 1);
  });

  it('refuses a CSR that is not one', async () => {
    const e = await rejection(signNodeCertificate(ca, 'hello', { nodeId: 'n', role: 'worker', clusterId: 'cluster1' }));
    expect(e).toBeInstanceOf(CertificateError);
    expect(e.message).toMatch(/^invalid certificate signing request: cannot parse it/);
  });

  it('refuses a CSR whose signature does not match its key', async () => {
    const { csrPem } = await generateKeyAndCsr();
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01; // last byte of the ECDSA signature's s
    const forged = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const e = await rejection(signNodeCertificate(ca, forged, { nodeId: 'n', role: 'worker', clusterId: 'cluster1' }));
    expect(e).toBeInstanceOf(CertificateError);
    expect(e.message).toBe('invalid certificate signing request: its signature does not match its public key');
  });

  it('refuses identities it cannot certify', async () => {
    const { csrPem } = await generateKeyAndCsr();
    const sign = (identity: { nodeId: string; role: string; clusterId: string }) => rejection(signNodeCertificate(ca, csrPem, identity as never));
    expect((await sign({ nodeId: 'n', role: 'root', clusterId: 'cluster1' })).message).toBe('role "root" is not one of manager, worker, admin');
    expect((await sign({ nodeId: 'a, OU=admin', role: 'worker', clusterId: 'cluster1' })).message).toMatch(
      /^node id "a, OU=admin" is not usable in a certificate/,
    );
    expect((await sign({ nodeId: 'n', role: 'worker', clusterId: 'cluster2' })).message).toBe(
      'cannot certify a node of cluster "cluster2" with the CA of cluster "cluster1"',
    );
    expect(await rejection(signNodeCertificate(ca, csrPem, { nodeId: 'n', role: 'worker', clusterId: 'cluster1' }, 0))).toBeInstanceOf(CertificateError);
  });
});

describe('issueCredentials', () => {
  it('returns a matching key and certificate, with the CA to trust', async () => {
    const creds = await issueCredentials(ca, { nodeId: 'admin-cli', role: 'admin', clusterId: 'cluster1' });
    expect(creds.caPem).toBe(ca.certPem);
    const c = new X509Certificate(creds.certPem);
    expect(c.checkPrivateKey(createPrivateKey(creds.keyPem))).toBe(true);
    expect(createPublicKey(creds.keyPem).export({ format: 'der', type: 'spki' })).toEqual(c.publicKey.export({ format: 'der', type: 'spki' }));
    expect(parseIdentity(creds.certPem)).toEqual({ nodeId: 'admin-cli', role: 'admin', clusterId: 'cluster1' });
  });
});

describe('parseIdentity', () => {
  it('refuses certificates that carry no shoal identity', async () => {
    expect(() => parseIdentity(ca.certPem)).toThrow(/"CN=shoal-ca, O=cluster1" is not a shoal identity: expected CN=<node id>, OU=<role>, O=<cluster id>/);
    const root = await signedLeaf(ca, 'CN=n1, OU=root, O=cluster1');
    expect(() => parseIdentity(root.certPem)).toThrow('certificate role "root" is not one of manager, worker, admin');
    const twoRoles = await selfSignedLeaf('CN=n1, OU=worker, OU=admin, O=cluster1');
    expect(() => parseIdentity(twoRoles.certPem)).toThrow(/is not a shoal identity/);
    expect(() => parseIdentity('not a certificate')).toThrow(CertificateError);
  });
});
