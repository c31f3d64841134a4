// Pinning the cluster CA, the joining node's first step. It has no CA yet to verify a manager
// with, so fetchCaCertificate() reads the CA from the manager's TLS handshake (servers send
// their certificate followed by the CA's: serverCredentials() in tls.ts) without trusting it,
// and verifyCaDigest() accepts it only if its digest is the one the join token carries.

import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { caDigest } from './ca.js';

export type CaPinErrorCode = 'BAD_ADDRESS' | 'REFUSED' | 'UNREACHABLE' | 'TIMEOUT' | 'NOT_TLS' | 'NO_CA' | 'DIGEST_MISMATCH';

/** Why a joining node could not learn, or trust, the cluster CA. */
export class CaPinError extends Error {
  readonly code: CaPinErrorCode;
  constructor(code: CaPinErrorCode, message: string) {
    super(message);
    this.name = 'CaPinError';
    this.code = code;
  }
}

/**
 * Connects to a manager without trusting it and returns, as PEM, the CA certificate that
 * issued the manager's certificate (taken from the chain the manager sends). Trust nothing
 * about the result until verifyCaDigest() has compared it with the join token.
 */
export function fetchCaCertificate(addr: string, timeoutMs = 5000): Promise<string> {
  let host: string;
  let port: number;
  try {
    ({ host, port } = parseManagerAddress(addr));
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    let tcpConnected = false;
    const socket = tls.connect({
      host,
      port,
      // We have nothing to verify against yet; the digest check afterwards is the trust step.
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      ALPNProtocols: ['h2'],
      // Node refuses an IP address as SNI server name (RFC 6066).
      ...(isIP(host) ? {} : { servername: host }),
    });
    const finish = (err: CaPinError | undefined, pem?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(pem ?? '');
    };
    const timer = setTimeout(() => {
      finish(
        new CaPinError(
          'TIMEOUT',
          tcpConnected
            ? `${addr} accepted the connection but did not complete a TLS handshake within ${timeoutMs} ms: is it a shoal manager?`
            : `no answer from ${addr} within ${timeoutMs} ms: check the address, and that no firewall drops the traffic`,
        ),
      );
    }, timeoutMs);

    socket.once('connect', () => {
      tcpConnected = true;
    });
    socket.once('secureConnect', () => {
      try {
        finish(undefined, caFromChain(addr, socket.getPeerCertificate(true)));
      } catch (e) {
        finish(e as CaPinError);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') {
        finish(new CaPinError('REFUSED', `no manager answers at ${addr}: connection refused; check the address and that the manager is running`));
      } else if (tcpConnected) {
        finish(new CaPinError('NOT_TLS', `${addr} does not speak TLS: is it a shoal manager? (${err.message})`));
      } else {
        finish(new CaPinError('UNREACHABLE', `cannot reach ${addr}: ${err.message}`));
      }
    });
    socket.once('close', () => {
      finish(new CaPinError('NOT_TLS', `${addr} closed the connection during the TLS handshake: is it a shoal manager?`));
    });
  });
}

/** Throws CaPinError unless `caPem` is the CA whose digest the join token carries. */
export function verifyCaDigest(caPem: string, expectedDigest: string, addr?: string): void {
  const actual = caDigest(caPem);
  const expected = expectedDigest.trim().toLowerCase();
  if (actual !== expected) {
    const who = addr ? `the manager at ${addr}` : 'the manager';
    throw new CaPinError(
      'DIGEST_MISMATCH',
      `${who} presents a CA with digest ${actual}, but the token expects ${expected}: the token belongs to another cluster, ` +
        'or the cluster CA was rotated (`shoal ca rotate`) after it was issued: get a new token with `shoal join-token worker|manager` ' +
        '(if neither, someone may be intercepting)',
    );
  }
}

function caFromChain(addr: string, leaf: tls.DetailedPeerCertificate): string {
  if (!leaf.raw || leaf.raw.length === 0) throw new CaPinError('NO_CA', `${addr} presented no certificate: is it a shoal manager?`);
  const leafCert = new X509Certificate(leaf.raw);
  // Node links each certificate to its issuer; a self-signed root links to itself.
  const seen = new Set<string>([leafCert.fingerprint256]);
  for (let c = leaf.issuerCertificate; c?.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    const candidate = new X509Certificate(c.raw);
    if (candidate.ca && leafCert.checkIssued(candidate) && leafCert.verify(candidate.publicKey)) return candidate.toString();
  }
  throw new CaPinError(
    'NO_CA',
    `${addr} did not send the CA that issued its certificate (${oneLine(leafCert.subject)}) in the TLS handshake: is it a shoal manager?`,
  );
}

/** Like splitHostPort() (address.ts), with the words and the error a joining node reports. */
function parseManagerAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(addr.trim());
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || host === undefined || !(port > 0 && port < 65536)) {
    throw new CaPinError('BAD_ADDRESS', `"${addr}" is not a manager address: expected host:port, e.g. 127.0.0.1:4242`);
  }
  return { host, port };
}

function oneLine(subject: string): string {
  return subject.split('\n').join(', ');
}
