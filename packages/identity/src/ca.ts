// The cluster CA. `init` makes one self-signed ECDSA P-256 CA per cluster; every manager,
// worker and CLI admin gets a certificate from it, and that certificate *is* the identity:
// subject `CN=<node id>, OU=<role>, O=<cluster id>`. A node sends only a CSR, so its private
// key never leaves it; the CA ignores the CSR's subject and writes the identity it decided.
//
// Generation uses @peculiar/x509 over WebCrypto; reading certificates (identity, digest) uses
// node:crypto's X509Certificate, which is synchronous and so usable inside gRPC handlers.
// @peculiar/x509 is loaded on first use: it is ~200 modules, and clients that only read
// certificates (the CLI, through tls.ts) should not pay for it on every start.

import type * as X509 from '@peculiar/x509';
import { X509Certificate, createHash, randomBytes, webcrypto } from 'node:crypto';

let x509Loaded: Promise<typeof X509> | undefined;

/** @peculiar/x509, set up over WebCrypto; loaded once, on first use. */
function loadX509(): Promise<typeof X509> {
  x509Loaded ??= (async () => {
    await import('reflect-metadata'); // @peculiar/x509 needs it loaded before it is imported
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto);
    return x509;
  })();
  return x509Loaded;
}

export const CERT_ROLES = ['manager', 'worker', 'admin'] as const;
export type CertRole = (typeof CERT_ROLES)[number];

/** Who a certificate says its holder is. */
export interface CertIdentity {
  readonly nodeId: string;
  readonly role: CertRole;
  readonly clusterId: string;
}

/** The CA's certificate and private key (PEM). Only managers hold the key. */
export interface ClusterCA {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Everything a node needs for mutual TLS: the CA to trust, its own certificate and key. */
export interface IssuedCredentials {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A certificate or CSR that cannot be used, or an identity that cannot be certified. */
export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_VALID_DAYS = 3650;
const DAY_MS = 86_400_000;
// Certificates start a few minutes in the past so a node whose clock is slightly behind the
// issuing manager's does not reject a certificate as "not yet valid".
const BACKDATE_MS = 5 * 60_000;
/** How far before its issue a certificate's notBefore lies (renewal timing counts from the issue). */
export const CERT_BACKDATE_MS = BACKDATE_MS;

const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

// Identity values go into a distinguished name; keeping them to this set means no DN escaping
// is ever needed, so what we write is exactly what parseIdentity reads back. It admits the
// store's object ids ([a-z0-9]{20,64}) and readable names like "node-1" or "admin".
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function createClusterCA(clusterId: string): Promise<ClusterCA> {
  checkName(clusterId, 'cluster id');
  const x509 = await loadX509();
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: `CN=shoal-ca, O=${clusterId}`,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_VALID_DAYS * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      // pathLen 0: the CA signs node certificates only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

/** A fresh key pair for a node and a CSR proving possession of it. The key stays with the node. */
export async function generateKeyAndCsr(): Promise<{ keyPem: string; csrPem: string }> {
  const x509 = await loadX509();
  const keys = await generateKeys();
  // The subject is a placeholder: the CA decides the identity, not the requester.
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=shoal-node', keys, signingAlgorithm: ALG });
  return { keyPem: await exportKeyPem(keys.privateKey), csrPem: csr.toString('pem') };
}

export async function signNodeCertificate(ca: ClusterCA, csrPem: string, identity: CertIdentity, validDays = 90): Promise<string> {
  checkIdentity(identity);
  if (!Number.isFinite(validDays) || validDays <= 0) throw new CertificateError(`validDays must be a positive number, got ${validDays}`);

  const x509 = await loadX509();
  let csr: X509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (e) {
    throw new CertificateError(`invalid certificate signing request: cannot parse it as a PEM or DER PKCS#10 request (${(e as Error).message})`);
  }
  let signatureOk: boolean;
  try {
    signatureOk = await csr.verify();
  } catch (e) {
    throw new CertificateError(`invalid certificate signing request: its signature cannot be checked (${(e as Error).message})`);
  }
  // A CSR signed by a different key than the one it carries proves nothing about possession.
  if (!signatureOk) throw new CertificateError('invalid certificate signing request: its signature does not match its public key');

  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importCaKey(ca.keyPem);
  const caIdentity = caClusterId(ca.certPem);
  if (caIdentity !== identity.clusterId) {
    throw new CertificateError(`cannot certify a node of cluster "${identity.clusterId}" with the CA of cluster "${caIdentity}"`);
  }

  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject: `CN=${identity.nodeId}, OU=${identity.role}, O=${identity.clusterId}`,
    issuer: caCert.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + validDays * DAY_MS),
    signingKey: caKey,
    publicKey: csr.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      // Every node is both: managers serve and dial peers, workers and the CLI dial.
      new x509.ExtendedKeyUsageExtension([OID_SERVER_AUTH, OID_CLIENT_AUTH]),
      // Clients match the role, not the host name (see tls.ts); the SAN keeps stock TLS
      // tools (curl, openssl s_client) happy on a local test cluster.
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: identity.nodeId },
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return cert.toString('pem');
}

/**
 * Key, CSR and certificate in one call, for nodes whose key is made where the CA lives: the
 * first manager at `init` and the CLI's admin credentials.
 */
export async function issueCredentials(ca: ClusterCA, identity: CertIdentity, validDays?: number): Promise<IssuedCredentials> {
  const { keyPem, csrPem } = await generateKeyAndCsr();
  const certPem = await signNodeCertificate(ca, csrPem, identity, validDays);
  return { caPem: ca.certPem, certPem, keyPem };
}

/** sha256 of the certificate's DER, lowercase hex: what a join token pins. */
export function caDigest(cert: string | Uint8Array): string {
  return createHash('sha256').update(readCertificate(cert).raw).digest('hex');
}

/**
 * A certificate's serial number as the store records it (ClusterObject.adminCerts): lowercase
 * hex without leading zeros, whichever way it was read (node:crypto prints it in upper case).
 */
export function certificateSerial(cert: string | Uint8Array | X509Certificate): string {
  const c = cert instanceof X509Certificate ? cert : readCertificate(cert);
  return normalizeSerial(c.serialNumber);
}

/** A hex serial number in the form certificateSerial() gives. */
export function normalizeSerial(serial: string): string {
  return serial
    .replace(/:/g, '')
    .toLowerCase()
    .replace(/^0+(?=.)/, '');
}

/** signNodeCertificate's validDays for a validity in seconds (the cluster's certExpirySeconds). */
export function validDaysOf(seconds: number): number {
  return seconds / (DAY_MS / 1000);
}

/** The identity a node certificate carries in its subject; throws CertificateError if it carries none. */
export function parseIdentity(cert: string | Uint8Array | X509Certificate): CertIdentity {
  const c = cert instanceof X509Certificate ? cert : readCertificate(cert);
  const dn = parseSubject(c.subject);
  const nodeId = dn.get('CN');
  const role = dn.get('OU');
  const clusterId = dn.get('O');
  if (nodeId === undefined || role === undefined || clusterId === undefined) {
    throw new CertificateError(`certificate subject "${oneLine(c.subject)}" is not a shoal identity: expected CN=<node id>, OU=<role>, O=<cluster id>`);
  }
  if (!isCertRole(role)) throw new CertificateError(`certificate role "${role}" is not one of ${CERT_ROLES.join(', ')}`);
  const identity = { nodeId, role, clusterId };
  checkIdentity(identity);
  return identity;
}

/** The cluster id a CA certificate names in its O attribute. */
export function caClusterId(caCert: string | Uint8Array | X509Certificate): string {
  const c = caCert instanceof X509Certificate ? caCert : readCertificate(caCert);
  const clusterId = parseSubject(c.subject).get('O');
  if (clusterId === undefined || !NAME_PATTERN.test(clusterId)) {
    throw new CertificateError(`"${oneLine(c.subject)}" is not a shoal cluster CA: expected CN=shoal-ca, O=<cluster id>`);
  }
  return clusterId;
}

export function isCertRole(v: string): v is CertRole {
  return (CERT_ROLES as readonly string[]).includes(v);
}

/** node:crypto's X509Certificate from PEM or DER, with a CertificateError for garbage. */
export function readCertificate(cert: string | Uint8Array): X509Certificate {
  try {
    return new X509Certificate(typeof cert === 'string' ? cert : Buffer.from(cert));
  } catch (e) {
    throw new CertificateError(`not a readable X.509 certificate (${(e as Error).message})`);
  }
}

/**
 * Every certificate in a PEM text, in order: a trust bundle (ca.pem during a CA rotation holds
 * the new CA and the old one). Throws CertificateError if there is none or one is unreadable.
 */
export function readCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new CertificateError('no PEM certificate (-----BEGIN CERTIFICATE-----) found');
  return blocks.map((b) => readCertificate(b));
}

function checkIdentity(identity: CertIdentity): void {
  checkName(identity.nodeId, 'node id');
  checkName(identity.clusterId, 'cluster id');
  if (!isCertRole(identity.role)) throw new CertificateError(`role "${String(identity.role)}" is not one of ${CERT_ROLES.join(', ')}`);
}

function checkName(value: string, what: string): void {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new CertificateError(
      `${what} "${String(value)}" is not usable in a certificate: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

// node:crypto prints a subject one attribute per line ("CN=a\nOU=b\nO=c"). Attributes that
// appear twice are refused: which one counts would be the reader's guess.
function parseSubject(subject: string): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const line of subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (seen.has(key)) out.delete(key);
    else out.set(key, line.slice(eq + 1));
    seen.add(key);
  }
  return out;
}

function oneLine(subject: string): string {
  return subject.split('\n').join(', ');
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key);
  return (await loadX509()).PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

async function importCaKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  try {
    const der = (await loadX509()).PemConverter.decodeFirst(keyPem);
    return await webcrypto.subtle.importKey('pkcs8', der, { name: ALG.name, namedCurve: ALG.namedCurve }, false, ['sign']);
  } catch (e) {
    throw new CertificateError(`the CA key is not a PKCS#8 ECDSA P-256 private key in PEM (${(e as Error).message})`);
  }
}

// RFC 5280: a positive serial of at most 20 octets, unpredictable so two certificates never
// share one. Clearing the top bit keeps the DER INTEGER positive; setting the next keeps all
// 16 bytes significant.
function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
