// Certificate renewal, the node's side: managers and worker agents renew their own certificate
// before it expires, as Swarm nodes do.
//
// A node renews once 2/3 of its certificate's validity has passed, plus up to a tenth of the
// validity of jitter, so the nodes of a cluster (whose certificates often date from the same
// minute) do not all ask the leader at once. It makes a fresh key and CSR, calls
// CertificateAuthority.RenewCertificate with its *current* certificate (the leader certifies
// that identity, with the role the store gives the node now), checks what came back, and hands
// it to `install`, which writes the files and moves the node's TLS over to it. Connections
// already open keep the old certificate until they reconnect.
//
// A failed attempt is logged and retried with capped backoff. A certificate that expired anyway
// (the node was off for longer than the rest of its validity) cannot authenticate a renewal:
// the log says so and what to do, and the node keeps trying in case its clock was wrong.

import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  CLIENT_OPTIONS,
  controlProto,
  readErrorCode,
  readLeaderAddr,
  type CaStatusResponse__Output,
  type CertificateAuthorityClient,
  type RenewCertificateResponse__Output,
} from '@shoal/wire';
import type { Logger } from 'pino';
import { CERT_BACKDATE_MS, CertificateError, certificateSerial, generateKeyAndCsr, parseIdentity, readCertificate, readCertificates } from './ca.js';
import { IdentityError, type ShoalErrorCode } from './errors.js';
import { TLS_CHANNEL_OPTIONS, channelCredentials, type TlsMaterial } from './tls.js';

/** Renew once this share of the validity has passed... */
export const RENEW_AT = 2 / 3;
/** ...plus up to this share more, at random. */
export const RENEW_JITTER = 0.1;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 60_000;
const CALL_TIMEOUT_MS = 10_000;
/** An expired certificate is reported at most this often. */
const EXPIRED_REPORT_MS = 60_000;

/** When to renew a certificate valid from `notBefore` to `notAfter` (ms since the epoch). */
export function renewalTime(validity: { notBefore: number; notAfter: number }, random: number): number {
  // notBefore lies CERT_BACKDATE_MS before the issue (for clock skew): count from the issue, or
  // a 30 s certificate would look 90% spent the moment it arrives.
  const issued = Math.min(validity.notBefore + CERT_BACKDATE_MS, validity.notAfter);
  const lifetime = validity.notAfter - issued;
  const share = RENEW_AT + Math.min(Math.max(random, 0), 1) * RENEW_JITTER;
  return issued + lifetime * share;
}

/** The wait before retry number `attempt` (0-based) after a failed renewal. */
export function retryDelay(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(attempt, 16));
}

/** A certificate's validity in ms since the epoch. */
export function validityOf(certPem: string): { notBefore: number; notAfter: number } {
  const c = readCertificate(certPem);
  return { notBefore: Date.parse(c.validFrom), notAfter: Date.parse(c.validTo) };
}

/**
 * Asks the leader, through any of `managers` (following NOT_LEADER), to certify `csrPem` with
 * the identity of `tls`'s certificate. `method` is RenewCertificate for nodes and
 * RotateAdminCertificate for the CLI's admin credential.
 */
export async function requestCertificate(
  managers: readonly string[],
  tls: TlsMaterial,
  csrPem: string,
  method: CertificateMethod = 'RenewCertificate',
): Promise<RenewCertificateResponse__Output> {
  if (managers.length === 0) throw new IdentityError('NO_QUORUM', 'no manager address is known to ask for a certificate');
  const order = [...new Set(managers)];
  const failures: string[] = [];
  const tried = new Set<string>();
  while (order.length > 0) {
    const addr = order.shift()!;
    if (tried.has(addr)) continue;
    tried.add(addr);
    try {
      return await callOnce(addr, tls, csrPem, method);
    } catch (err) {
      const e = err as grpc.ServiceError;
      const code = readErrorCode(e);
      const leader = readLeaderAddr(e);
      if (code === 'NOT_LEADER' && leader) {
        order.unshift(leader);
        failures.push(`${addr}: not the leader (it names ${leader})`);
        continue;
      }
      if (code === 'NO_QUORUM' || code === 'STOPPED' || (!code && (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED))) {
        failures.push(`${addr}: ${e.details || e.message}`);
        continue;
      }
      // An answer from the leader (refused, bad request): asking elsewhere gets the same.
      throw new IdentityError(isRefusalCode(code) ? code : grpcCode(e.code), `${addr} refused the certificate: ${e.details || e.message}`);
    }
  }
  throw new IdentityError('NO_QUORUM', `no leader could be reached to issue a certificate: ${failures.join('; ')}`);
}

type CertificateMethod = 'RenewCertificate' | 'RotateAdminCertificate' | 'StartCaRotation';

function caClient(addr: string, tls: TlsMaterial): CertificateAuthorityClient {
  const CertificateAuthority = controlProto().CertificateAuthority;
  return new CertificateAuthority(addr, channelCredentials(tls, 'manager'), {
    ...CLIENT_OPTIONS,
    ...TLS_CHANNEL_OPTIONS,
  }) as unknown as CertificateAuthorityClient;
}

function callOnce(addr: string, tls: TlsMaterial, csr: string, method: CertificateMethod): Promise<RenewCertificateResponse__Output> {
  const client = caClient(addr, tls);
  return new Promise<RenewCertificateResponse__Output>((resolve, reject) => {
    client[method]({ csr }, { deadline: Date.now() + CALL_TIMEOUT_MS }, (e, r) => (e || !r ? reject(e ?? new Error('empty answer')) : resolve(r)));
  }).finally(() => (client as unknown as grpc.Client).close());
}

/** The codes a refusal keeps; any other becomes its gRPC status's (grpcCode()). */
const CODES: readonly ShoalErrorCode[] = [
  'PERMISSION_DENIED',
  'REMOVED',
  'UNAUTHENTICATED',
  'INVALID_ARGUMENT',
  'UPDATE_OUT_OF_SEQUENCE',
  'FAILED_PRECONDITION',
  'TIMEOUT',
  'INTERNAL',
];
function isRefusalCode(code: string | undefined): code is ShoalErrorCode {
  return code !== undefined && (CODES as readonly string[]).includes(code);
}
function grpcCode(status: grpc.status): ShoalErrorCode {
  if (status === grpc.status.PERMISSION_DENIED) return 'PERMISSION_DENIED';
  if (status === grpc.status.UNAUTHENTICATED) return 'UNAUTHENTICATED';
  return 'INTERNAL';
}

/**
 * Checks an issued certificate before anything is written: it parses, belongs to `keyPem`, was
 * issued by one of the CAs in `caPem`, and names `nodeId` of `clusterId`. The role may differ
 * from the old certificate's: the leader writes the role the store gives the node now.
 */
export function checkIssued(issued: { certPem: string; caPem: string; keyPem: string }, expect: { nodeId: string; clusterId: string }): void {
  const cert = readCertificate(issued.certPem);
  if (!cert.checkPrivateKey(createPrivateKey(issued.keyPem))) throw new CertificateError('the issued certificate is not for the key this node sent');
  // During a CA rotation the CA file is a bundle (new CA, old CA): one of them must have signed it.
  if (!readCertificates(issued.caPem).some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
    throw new CertificateError('the issued certificate was not signed by the CA sent with it');
  }
  const id = parseIdentity(cert);
  if (id.nodeId !== expect.nodeId || id.clusterId !== expect.clusterId) {
    throw new CertificateError(`the issued certificate names ${id.nodeId} of cluster ${id.clusterId}, not this node (${expect.nodeId} of ${expect.clusterId})`);
  }
}

/**
 * `shoal ca rotate-admin`: a new admin key and certificate from the leader, which from then on
 * refuses `current` (and every older admin certificate). Nothing is written here.
 */
export async function rotateAdminCredentials(
  managers: readonly string[],
  current: TlsMaterial,
  method: 'RotateAdminCertificate' | 'StartCaRotation' = 'RotateAdminCertificate',
): Promise<TlsMaterial> {
  const oldId = parseIdentity(current.certPem);
  const { keyPem, csrPem } = await generateKeyAndCsr();
  const res = await requestCertificate(managers, current, csrPem, method);
  const next: TlsMaterial = { caPem: res.caCertificate || current.caPem, certPem: res.certificate, keyPem };
  checkIssued(next, oldId);
  return next;
}

/**
 * `shoal ca rotate`: starts a CA rotation (ca-rotation.ts in @shoal/manager) and returns the admin credential the
 * leader issued under the new CA, with the trust bundle (new CA, old CA) as its CA. The old
 * admin certificate is refused from then on. Nothing is written here.
 */
export function startCaRotation(managers: readonly string[], current: TlsMaterial): Promise<TlsMaterial> {
  return rotateAdminCredentials(managers, current, 'StartCaRotation');
}

/** `shoal ca status`: the CA and the rotation in progress, from the first manager that answers. */
export async function fetchCaStatus(managers: readonly string[], tls: TlsMaterial): Promise<CaStatusResponse__Output> {
  if (managers.length === 0) throw new IdentityError('NO_QUORUM', 'no manager address is known to ask');
  const failures: string[] = [];
  for (const addr of new Set(managers)) {
    const client = caClient(addr, tls);
    try {
      return await new Promise<CaStatusResponse__Output>((resolve, reject) => {
        client.CaStatus({}, { deadline: Date.now() + CALL_TIMEOUT_MS }, (e, r) => (e || !r ? reject(e ?? new Error('empty answer')) : resolve(r)));
      });
    } catch (err) {
      const e = err as grpc.ServiceError;
      const code = readErrorCode(e);
      if (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED) {
        failures.push(`${addr}: ${e.details || e.message}`);
        continue;
      }
      throw new IdentityError(isRefusalCode(code) ? code : grpcCode(e.code), `${addr}: ${e.details || e.message}`);
    } finally {
      (client as unknown as grpc.Client).close();
    }
  }
  throw new IdentityError('NO_QUORUM', `no manager answered: ${failures.join('; ')}`);
}

export interface CertRenewerOptions {
  /** What this node is called in the log and in what-to-do messages. */
  readonly kind: 'manager' | 'worker';
  /** The certificate, key and CA the node uses now. */
  readonly initial: TlsMaterial;
  /** Managers to ask (the leader first when known). */
  managers(): readonly string[];
  /** Writes the new files (atomically) and moves the node's TLS to them. */
  install(tls: TlsMaterial): void | Promise<void>;
  readonly logger: Logger;
  /** For tests: the jitter source (default Math.random) and the clock. */
  readonly random?: () => number;
  readonly now?: () => number;
}

/** Keeps one node's certificate renewed: start() once, stop() at shutdown. */
export class CertRenewer {
  private tls: TlsMaterial;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private failures = 0;
  private expiredReportedAt = 0;
  private readonly now: () => number;
  private readonly random: () => number;
  /** The CAs trust() was last told, and how many times it was told (see attempt()). */
  private toldCa: string | undefined;
  private told = 0;

  constructor(private readonly o: CertRenewerOptions) {
    this.tls = o.initial;
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
  }

  /** The material in use now (the latest installed). */
  get current(): TlsMaterial {
    return this.tls;
  }

  start(): void {
    this.schedule(this.delayUntilDue());
  }

  /**
   * Trusts `caPem` from now on (a CA rotation: the bundle of both CAs while it runs, the new CA
   * once it is over), keeping the certificate: writes and switches through `install`.
   */
  async trust(caPem: string): Promise<void> {
    if (this.stopped) return;
    this.toldCa = caPem;
    this.told++;
    if (caPem === this.tls.caPem) return;
    // Told to drop the CA of our certificate (the rotation ended while our renewal was under
    // way): the renewal in flight brings a certificate of the new CA and takes `caPem` then.
    const cert = readCertificate(this.tls.certPem);
    if (!readCertificates(caPem).some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) return;
    const next: TlsMaterial = { ...this.tls, caPem };
    await this.o.install(next);
    this.tls = next;
  }

  /**
   * The cluster's CAs changed (a CA rotation began or ended): trusts `caPem`, and renews at once
   * unless its first CA (the one that signs now) signed this node's certificate.
   */
  async follow(caPem: string): Promise<void> {
    await this.trust(caPem);
    const signer = readCertificates(caPem)[0];
    const cert = readCertificate(this.tls.certPem);
    if (!signer || !cert.checkIssued(signer) || !cert.verify(signer.publicKey)) this.renewSoon();
  }

  /** Renews as soon as possible (e.g. when told the cluster's CA or settings changed). */
  renewSoon(): void {
    if (this.stopped || this.running) return;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private delayUntilDue(): number {
    const validity = validityOf(this.tls.certPem);
    return Math.max(0, renewalTime(validity, this.random()) - this.now());
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    // setTimeout holds at most 2^31-1 ms (~24.8 days): longer waits are taken in steps.
    const step = Math.min(ms, 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      if (step < ms) this.schedule(ms - step);
      else this.running = this.attempt().finally(() => (this.running = undefined));
    }, step);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const old = this.tls;
    const toldBefore = this.told;
    try {
      const oldId = parseIdentity(old.certPem);
      const { keyPem, csrPem } = await generateKeyAndCsr();
      const res = await requestCertificate(this.o.managers(), old, csrPem);
      let next: TlsMaterial = { caPem: res.caCertificate || old.caPem, certPem: res.certificate, keyPem };
      checkIssued(next, oldId);
      // The CAs changed while we asked (a rotation ended): what we were told last is newer than
      // the answer, if it covers the new certificate.
      if (this.told !== toldBefore && this.toldCa && this.toldCa !== next.caPem) {
        const told: TlsMaterial = { ...next, caPem: this.toldCa };
        try {
          checkIssued(told, oldId);
          next = told;
        } catch {
          // it does not: keep the answer's CAs
        }
      }
      if (this.stopped) return;
      await this.o.install(next);
      this.tls = next;
      this.failures = 0;
      const { notAfter } = validityOf(next.certPem);
      this.o.logger.info(
        { serial: certificateSerial(next.certPem), role: parseIdentity(next.certPem).role, validUntil: new Date(notAfter).toISOString() },
        'certificate renewed',
      );
      this.schedule(this.delayUntilDue());
    } catch (e) {
      if (this.stopped) return;
      const delay = retryDelay(this.failures++);
      this.report(e as Error, delay);
      this.schedule(delay);
    }
  }

  private report(err: Error, retryInMs: number): void {
    const { notAfter } = validityOf(this.tls.certPem);
    const code = (err as { code?: unknown }).code;
    if (this.now() < notAfter) {
      this.o.logger.warn(
        { err: err.message, code, retryInMs, validUntil: new Date(notAfter).toISOString() },
        'certificate renewal failed; retrying (the current certificate stays in use until it expires)',
      );
      return;
    }
    if (this.now() - this.expiredReportedAt < EXPIRED_REPORT_MS) return;
    this.expiredReportedAt = this.now();
    const what =
      this.o.kind === 'worker'
        ? 'remove it from the cluster (`shoal node rm`), clear its data directory and join it again (`shoal worker join` with a current worker token)'
        : "if the other managers still have a quorum, remove it (`shoal node demote`, then `shoal node rm`), clear its data directory and join it again (`shoal manager join` with a current manager token); if it is the last manager, check this machine's clock";
    this.o.logger.error(
      { err: err.message, code, expiredAt: new Date(notAfter).toISOString() },
      `this ${this.o.kind}'s certificate expired at ${new Date(notAfter).toISOString()} before it could be renewed, so the cluster no longer accepts it (nor a renewal signed with it). ` +
        `Check this machine's clock; if it is right, ${what}. It keeps trying meanwhile.`,
    );
  }
}
