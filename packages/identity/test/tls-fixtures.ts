// Certificates the cluster CA would never issue, for the tests that must refuse them: made
// directly with @peculiar/x509, outside src/ca.ts.

import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CLIENT_AND_SERVER = ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'];

/** A self-signed leaf with any subject, e.g. an attacker's "CN=admin, OU=admin, O=<cluster>". */
export async function selfSignedLeaf(subject: string, opts: { validFrom?: Date; validTo?: Date } = {}): Promise<{ certPem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0badc0de',
    name: subject,
    notBefore: opts.validFrom ?? new Date(Date.now() - 60_000),
    notAfter: opts.validTo ?? new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(false), new x509.ExtendedKeyUsageExtension(CLIENT_AND_SERVER)],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

/** A leaf signed by the given CA key with an arbitrary subject and validity. */
export async function signedLeaf(
  ca: { certPem: string; keyPem: string },
  subject: string,
  opts: { validFrom?: Date; validTo?: Date; isCa?: boolean } = {},
): Promise<{ certPem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.keyPem), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const caCert = new x509.X509Certificate(ca.certPem);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '1234abcd',
    subject,
    issuer: caCert.subject,
    notBefore: opts.validFrom ?? new Date(Date.now() - 60_000),
    notAfter: opts.validTo ?? new Date(Date.now() + 86_400_000),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(opts.isCa ?? false), new x509.ExtendedKeyUsageExtension(CLIENT_AND_SERVER)],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}
