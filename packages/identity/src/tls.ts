// Mutual TLS for gRPC, and who is on the other end of a call.
//
// Servers *request* a client certificate but do not require one, because Join is called by
// nodes that have no certificate yet (the join token authenticates them instead). So a
// handler cannot assume TLS vetted its caller: it asks peerIdentity()/requireRole(), which
// re-verify the certificate against the cluster CA themselves.
//
// Clients trust only the cluster CA and do not match host names: managers are addressed by
// whatever IP they listen on (any 127.0.0.x in tests), and what matters is that the server
// holds a certificate of our CA naming the expected role.
//
// A joining node has no CA yet: ca-pinning.ts learns it from a manager's handshake.

import * as grpc from '@grpc/grpc-js';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import * as tls from 'node:tls';
import { CertificateError, caClusterId, caDigest, parseIdentity, readCertificate, readCertificates, type CertIdentity, type CertRole } from './ca.js';
import { IdentityError } from './errors.js';

/** What a node holds for mutual TLS. */
export interface TlsMaterial {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A client needs the CA; its own certificate is optional (a joining node has none yet). */
export interface ClientTlsMaterial {
  readonly caPem: string;
  readonly certPem?: string | undefined;
  readonly keyPem?: string | undefined;
}

/** The part of a grpc-js server call that carries the TLS peer. */
export interface AuthenticatedCall {
  getAuthContext(): { sslPeerCertificate?: tls.PeerCertificate | undefined } | null;
}

export type AuthErrorCode = 'UNAUTHENTICATED' | 'PERMISSION_DENIED';

/**
 * UNAUTHENTICATED: no usable certificate (none, another CA's, forged, expired).
 * PERMISSION_DENIED: a good certificate whose role may not make this call.
 * It is an IdentityError, so `toServiceError()` gives the gRPC status and error metadata.
 */
export class AuthError extends IdentityError {
  declare readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string) {
    super(code, message);
    this.name = 'AuthError';
  }

  get status(): grpc.status {
    return this.code === 'UNAUTHENTICATED' ? grpc.status.UNAUTHENTICATED : grpc.status.PERMISSION_DENIED;
  }
}

const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

// --- server side -------------------------------------------------------------------------

// The CAs this process serves with, by digest. peerIdentity(call) without an explicit CA
// checks against these, so handlers (e.g. the Raft transport) need not carry the CA around.
// Each server's credentials hold a reference to the CAs they trust; a CA no server trusts any
// more (the old one, once a CA rotation is over) is dropped, with the verdicts it gave.
const servingCas = new Map<string, { cert: X509Certificate; refs: number }>();

function retainCas(cas: readonly X509Certificate[]): string[] {
  const digests = [...new Set(cas.map((ca) => caDigest(ca.raw)))];
  for (const [i, d] of digests.entries()) {
    const entry = servingCas.get(d);
    if (entry) entry.refs++;
    else servingCas.set(d, { cert: cas.find((ca) => caDigest(ca.raw) === d) ?? cas[i]!, refs: 1 });
  }
  return digests;
}

function releaseCas(digests: readonly string[]): void {
  for (const d of digests) {
    const entry = servingCas.get(d);
    if (!entry) continue;
    if (--entry.refs <= 0) {
      servingCas.delete(d);
      verified.clear(); // a remembered verdict may rest on the CA just dropped
    }
  }
}

/**
 * A certificate provider whose value changes when the node's certificate is renewed: the server
 * then presents the new one on new connections (open ones keep theirs). grpc-js (1.14)
 * registers its own watcher only after subscribing to the provider, so a value delivered
 * synchronously at subscription is lost and the server drops every connection; delivering it
 * on the next microtask (still before the server can accept a connection) gets it through.
 */
class UpdatableCertificateProvider implements grpc.experimental.CertificateProvider {
  private readonly caListeners = new Set<grpc.experimental.CaCertificateUpdateListener>();
  private readonly identityListeners = new Set<grpc.experimental.IdentityCertificateUpdateListener>();
  /** The CAs (digests) this provider holds in servingCas. */
  heldCas: string[] = [];

  constructor(
    private ca: grpc.experimental.CaCertificateUpdate,
    private identity: grpc.experimental.IdentityCertificateUpdate,
  ) {}

  update(ca: grpc.experimental.CaCertificateUpdate, identity: grpc.experimental.IdentityCertificateUpdate): void {
    this.ca = ca;
    this.identity = identity;
    for (const listener of this.caListeners) listener(ca);
    for (const listener of this.identityListeners) listener(identity);
  }

  addCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.caListeners.add(listener);
    queueMicrotask(() => {
      if (this.caListeners.has(listener)) listener(this.ca);
    });
  }
  removeCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.caListeners.delete(listener);
  }
  addIdentityCertificateListener(listener: grpc.experimental.IdentityCertificateUpdateListener): void {
    this.identityListeners.add(listener);
    queueMicrotask(() => {
      if (this.identityListeners.has(listener)) listener(this.identity);
    });
  }
  removeIdentityCertificateListener(listener: grpc.experimental.IdentityCertificateUpdateListener): void {
    this.identityListeners.delete(listener);
  }
}

/** Server credentials whose certificate can be replaced while serving (certificate renewal). */
export interface ServerTls {
  readonly credentials: grpc.ServerCredentials;
  /** Presents `material` on connections accepted from now on; throws CertificateError for a bad bundle. */
  update(material: TlsMaterial): void;
}

/**
 * Server credentials that request, but do not require, a client certificate. The server
 * presents its certificate followed by the CA certificate, so a joining node can read the CA
 * from the handshake.
 */
export function serverCredentials(material: TlsMaterial): grpc.ServerCredentials {
  return updatableServerCredentials(material).credentials;
}

/**
 * How long a client may take to complete its TLS handshake with a manager before the
 * connection is dropped (Node's default: 120 s). Generous for a slow link; short enough that
 * connections stalled mid-handshake (a slowloris) do not accumulate.
 */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** serverCredentials() that can move to a renewed certificate without a restart. */
export function updatableServerCredentials(material: TlsMaterial): ServerTls {
  const first = providerValues(material);
  const provider = new UpdatableCertificateProvider(first.ca, first.identity);
  provider.heldCas = retainCas(first.cas);
  const creds = grpc.experimental.createCertificateProviderServerCredentials(provider, provider, false);
  // grpc-js leaves Nagle's algorithm on for server sockets, so small responses (Raft acks
  // excepted: those travel on the sender's client stream) wait for the peer's delayed ACK —
  // tens of milliseconds per call. The credentials' constructor options reach the server's
  // socket options, and turning Nagle off there is the only hook grpc-js offers.
  // The same hook bounds the TLS handshake: Node's default lets a client that sends half a
  // ClientHello hold its connection (and socket) for two minutes.
  const options = creds._getConstructorOptions();
  if (options) Object.assign(options, { noDelay: true, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS });
  return {
    credentials: creds,
    update: (next) => {
      const v = providerValues(next);
      const held = provider.heldCas;
      provider.heldCas = retainCas(v.cas);
      releaseCas(held);
      provider.update(v.ca, v.identity);
    },
  };
}

/**
 * What the provider serves for `material`, once the bundle is checked to hold together. The
 * CA file may hold several CAs (during a CA rotation): client certificates of any of them are
 * accepted, and the chain sent carries the one that issued the server's certificate.
 */
function providerValues(material: TlsMaterial): {
  ca: grpc.experimental.CaCertificateUpdate;
  identity: grpc.experimental.IdentityCertificateUpdate;
  cas: X509Certificate[];
} {
  const cas = readCertificates(material.caPem);
  const leaf = readCertificate(material.certPem);
  // Catch a mismatched bundle here, with words, rather than as a failed handshake later.
  const ca = cas.find((c) => leaf.checkIssued(c) && leaf.verify(c.publicKey));
  if (!ca) {
    throw new CertificateError(
      `the server certificate (${oneLine(leaf.subject)}) was not issued by the CA given with it (${cas.map((c) => oneLine(c.subject)).join('; ')})`,
    );
  }
  let keyMatches: boolean;
  try {
    keyMatches = leaf.checkPrivateKey(createPrivateKey(material.keyPem));
  } catch (e) {
    throw new CertificateError(`the server key is not a readable PEM private key (${(e as Error).message})`);
  }
  if (!keyMatches) throw new CertificateError(`the server key does not belong to the server certificate (${oneLine(leaf.subject)})`);

  const chain = `${leaf.toString().trimEnd()}\n${ca.toString().trimEnd()}\n`;
  return {
    ca: { caCertificate: Buffer.from(cas.map((c) => c.toString().trimEnd()).join('\n') + '\n') },
    identity: { certificate: Buffer.from(chain), privateKey: Buffer.from(material.keyPem) },
    cas,
  };
}

/**
 * Who called: the identity in the caller's certificate once it is verified against the cluster
 * CA (`caPem`, or else the CAs this process serves with), or undefined when the caller
 * presented no certificate we could see. Throws AuthError for a certificate that fails.
 *
 * grpc-js (1.14) only reports a peer certificate that TLS verified against the server's CA;
 * one from another CA or self-signed reads as "none". Verifying again here keeps that a
 * guarantee of this function rather than of a library detail.
 */
export function peerIdentity(call: AuthenticatedCall, caPem?: string): CertIdentity | undefined {
  const peer = call.getAuthContext()?.sslPeerCertificate;
  if (!peer?.raw || peer.raw.length === 0) return undefined;
  if (caPem) return verifyPeerCertificate(peer.raw, caPem);
  // Parsing and verifying a certificate costs more than a small RPC; every call on a
  // connection presents the same one, so remember recent verdicts (until the cert expires).
  const key = peer.raw.toString('base64');
  const hit = verified.get(key);
  if (hit && hit.until > Date.now()) return hit.identity;
  const identity = verifyPeerCertificate(
    peer.raw,
    [...servingCas.values()].map((e) => e.cert),
  );
  if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
  verified.set(key, { identity, until: Math.min(Date.parse(peer.valid_to), Date.now() + 60_000) });
  return identity;
}

const VERIFIED_CACHE_SIZE = 256;
const verified = new Map<string, { identity: CertIdentity; until: number }>();

/** peerIdentity() that must find one of `roles`; throws AuthError otherwise. */
export function requireRole(call: AuthenticatedCall, roles: readonly CertRole[], caPem?: string): CertIdentity {
  const identity = peerIdentity(call, caPem);
  if (!identity) {
    throw new AuthError(
      'UNAUTHENTICATED',
      `this call needs a ${roles.join(' or ')} certificate from the cluster CA; none was presented, or it was not issued by this cluster's CA`,
    );
  }
  if (!roles.includes(identity.role)) {
    throw new AuthError('PERMISSION_DENIED', `${identity.role} "${identity.nodeId}" may not make this call: it is for ${roles.join(' or ')} certificates only`);
  }
  return identity;
}

/**
 * The checks TLS would have made on a client certificate, plus ours: issued and signed by one
 * of the trusted CAs, within its validity, a leaf meant for client use, naming an identity of
 * that CA's cluster.
 */
export function verifyPeerCertificate(cert: string | Uint8Array, trusted: string | readonly X509Certificate[], now: Date = new Date()): CertIdentity {
  const cas = typeof trusted === 'string' ? readCertificates(trusted) : trusted;
  if (cas.length === 0) throw new Error('no cluster CA to check client certificates against: create the server with serverCredentials() or pass the CA');
  let c: X509Certificate;
  try {
    c = readCertificate(cert);
  } catch {
    throw new AuthError('UNAUTHENTICATED', 'the client certificate cannot be read');
  }
  const subject = oneLine(c.subject);
  const issuer = cas.find((ca) => c.checkIssued(ca) && c.verify(ca.publicKey));
  if (!issuer) throw new AuthError('UNAUTHENTICATED', `the client certificate (${subject}) was not issued by this cluster's CA`);
  if (c.ca) throw new AuthError('UNAUTHENTICATED', `the client certificate (${subject}) is a CA certificate, not a node identity`);
  const from = new Date(c.validFrom);
  const to = new Date(c.validTo);
  if (now < from)
    throw new AuthError('UNAUTHENTICATED', `the client certificate (${subject}) is not valid until ${from.toISOString()}: check this machine's clock`);
  if (now > to) throw new AuthError('UNAUTHENTICATED', `the client certificate (${subject}) expired on ${to.toISOString()}: renew it`);
  if (c.keyUsage && !c.keyUsage.includes(OID_CLIENT_AUTH)) {
    throw new AuthError('UNAUTHENTICATED', `the client certificate (${subject}) is not for client authentication`);
  }
  let identity: CertIdentity;
  try {
    identity = parseIdentity(c);
  } catch (e) {
    throw new AuthError('UNAUTHENTICATED', (e as Error).message);
  }
  const clusterId = caClusterId(issuer);
  if (identity.clusterId !== clusterId) {
    throw new AuthError('UNAUTHENTICATED', `the client certificate names cluster "${identity.clusterId}" but was issued by the CA of cluster "${clusterId}"`);
  }
  return identity;
}

// --- client side -------------------------------------------------------------------------

/**
 * Client credentials trusting only the cluster CA. With `expectRole`, the server must hold a
 * certificate of that role (TLS has already checked that our CA issued it); host names are
 * not compared.
 */
export function channelCredentials(material: ClientTlsMaterial, expectRole?: CertRole): grpc.ChannelCredentials {
  if (Boolean(material.certPem) !== Boolean(material.keyPem)) {
    throw new CertificateError('a client certificate needs its key and a key needs its certificate: pass both or neither');
  }
  const clusterId = caClusterId(material.caPem);
  const checkServerIdentity = (_host: string, cert: tls.PeerCertificate): Error | undefined => {
    try {
      const server = parseIdentity(cert.raw);
      if (server.clusterId !== clusterId) return new Error(`the server belongs to cluster "${server.clusterId}", not "${clusterId}"`);
      if (expectRole && server.role !== expectRole) return new Error(`the server is ${server.role} "${server.nodeId}", not a ${expectRole}`);
      return undefined;
    } catch (e) {
      return e as Error;
    }
  };
  return grpc.credentials.createSsl(
    Buffer.from(material.caPem),
    material.keyPem ? Buffer.from(material.keyPem) : null,
    material.certPem ? Buffer.from(material.certPem) : null,
    { checkServerIdentity },
  );
}

/**
 * Options for clients built with channelCredentials(). grpc-js sends the target host as the
 * TLS server name, and Node warns (DEP0123) when that is an IP address, which is how managers
 * are addressed. Since host names are not checked, a fixed name is as good and stays quiet.
 */
export const TLS_CHANNEL_OPTIONS: grpc.ChannelOptions = { 'grpc.ssl_target_name_override': 'shoal' };

function oneLine(subject: string): string {
  return subject.split('\n').join(', ');
}
