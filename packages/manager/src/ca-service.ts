// The CertificateAuthority service (proto/control.proto): certificates for holders of one.
//
// RenewCertificate: a manager or worker sends a CSR for a fresh key, authenticated by its
// current certificate. The leader certifies the identity that certificate names, but with the
// role the store gives the node *now* (caller-standing.ts must pass: a demoted or removed node
// gets nothing), valid for the cluster's certExpirySeconds.
//
// RotateAdminCertificate (`shoal ca rotate-admin`): an admin sends a CSR; the leader certifies
// it as the admin and commits its serial as the only valid admin certificate, so the old one
// is refused on every manager from then on.
//
// StartCaRotation (`shoal ca rotate`) and CaStatus: see ca-rotation.ts. During a rotation every
// certificate is signed by the new CA, answers carry the trust bundle (new CA, old CA), and
// each renewal is recorded so the leader can end the rotation once no node is left.

import * as grpc from '@grpc/grpc-js';
import {
  caDigest,
  CertificateError,
  certificateSerial,
  createClusterCA,
  normalizeSerial,
  peerIdentity,
  signNodeCertificate,
  validDaysOf,
  type AuthenticatedCall,
  type CertIdentity,
  type CertRole,
  type ClusterCA,
} from '@shoal/identity';
import { CERT_EXPIRY_RANGE } from '@shoal/store';
import type { CaStatusResponse, CertificateAuthorityHandlers, RenewCertificateRequest__Output, RenewCertificateResponse } from '@shoal/wire';
import { recordRenewal, rotationWaitingFor, signingCa, trustBundle } from './ca-rotation.js';
import { requireStanding, standingError, standingOf } from './caller-standing.js';
import { nowIso, prepareWrite, proposeCommand, type ManagerContext } from './context.js';
import { ManagerError, asManagerError } from './errors.js';
import type { Logger } from 'pino';

/**
 * Admin certificates are not renewed automatically (the CLI is no daemon): they last at least
 * this long, and `ca rotate-admin` replaces them (and revokes the old one).
 */
export const ADMIN_CERT_MIN_SECONDS = 365 * 86_400;

/** How long an admin certificate issued now is valid, in seconds. */
export function adminCertSeconds(certExpirySeconds: number): number {
  return Math.max(certExpirySeconds, ADMIN_CERT_MIN_SECONDS);
}

/** Refuses a certificate period outside what the store accepts, in the operator's units. */
export function checkCertExpiry(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < CERT_EXPIRY_RANGE.min || seconds > CERT_EXPIRY_RANGE.max) {
    throw new ManagerError(
      'INVALID_ARGUMENT',
      `the certificate expiry must be a whole number of seconds from ${CERT_EXPIRY_RANGE.min} s to ${CERT_EXPIRY_RANGE.max / 86_400} days (got ${seconds} s)`,
    );
  }
}

/** Certificates that short mean a renewal every few minutes per node: fine for tests, not for production. */
export function warnIfShortCertExpiry(logger: Logger, seconds: number): void {
  if (seconds < 3600) {
    logger.warn(
      { certExpirySeconds: seconds },
      `node certificates are valid for only ${seconds} s: every node renews every ${Math.round(seconds * 0.7)} s or so; use at least an hour outside tests`,
    );
  }
}

function serialOf(call: AuthenticatedCall): string | undefined {
  return call.getAuthContext()?.sslPeerCertificate?.serialNumber;
}

/** The standing check again, on the view the barrier brought up to date. */
function recheck(ctx: ManagerContext, identity: CertIdentity, serial: string | undefined): void {
  const standing = standingOf(ctx.store, identity, serial);
  if (!standing.ok) throw standingError(standing);
}

async function sign(ca: ClusterCA, csr: string, identity: CertIdentity, seconds: number): Promise<string> {
  if (!csr) throw new ManagerError('INVALID_ARGUMENT', 'the request carries no certificate signing request (csr)');
  try {
    return await signNodeCertificate(ca, csr, identity, validDaysOf(seconds));
  } catch (e) {
    if (e instanceof CertificateError) throw new ManagerError('INVALID_ARGUMENT', e.message);
    throw e;
  }
}

export function certificateAuthorityHandlers(ctx: ManagerContext): CertificateAuthorityHandlers {
  const renew = async (call: AuthenticatedCall, req: RenewCertificateRequest__Output): Promise<RenewCertificateResponse> => {
    const claimed = peerIdentity(call);
    if (claimed?.role === 'admin') {
      throw new ManagerError('PERMISSION_DENIED', 'admin credentials are not renewed with RenewCertificate: replace them with `shoal ca rotate-admin`');
    }
    const identity = requireStanding(ctx.store, call, ['manager', 'worker']);
    await prepareWrite(ctx); // NOT_LEADER (with the leader's address) unless we lead
    recheck(ctx, identity, serialOf(call));
    const node = ctx.store.getNode(identity.nodeId);
    if (!node) throw new ManagerError('PERMISSION_DENIED', `${identity.role} ${identity.nodeId} is not a node of this cluster`);
    const cluster = ctx.store.cluster();
    const role: CertRole = node.role;
    const ca = signingCa(cluster);
    const certificate = await sign(ca, req.csr, { nodeId: node.id, role, clusterId: cluster.id }, cluster.settings.certExpirySeconds);
    // Recorded before the answer: a node whose new-CA certificate went unrecorded would not
    // renew again for months, and the rotation would wait for it all that time.
    await recordRenewal(ctx, node.id, ca);
    ctx.logger.info({ nodeId: node.id, name: node.name, role, serial: certificateSerial(certificate) }, 'certificate renewed for a node');
    return { certificate, caCertificate: trustBundle(ctx.store.cluster()) };
  };

  const rotateAdmin = async (call: AuthenticatedCall, req: RenewCertificateRequest__Output): Promise<RenewCertificateResponse> => {
    const identity = requireStanding(ctx.store, call, ['admin']);
    await prepareWrite(ctx); // NOT_LEADER (with the leader's address) unless we lead
    const serial = serialOf(call);
    recheck(ctx, identity, serial);
    const cluster = ctx.store.cluster();
    const certificate = await sign(
      signingCa(cluster),
      req.csr,
      { nodeId: identity.nodeId, role: 'admin', clusterId: cluster.id },
      adminCertSeconds(cluster.settings.certExpirySeconds),
    );
    const newSerial = certificateSerial(certificate);
    await proposeCommand(ctx, {
      type: 'cluster.setAdminCerts',
      at: nowIso(),
      serials: [newSerial],
      ...(serial ? { replaces: normalizeSerial(serial) } : {}),
    });
    ctx.logger.info({ serial: newSerial }, 'admin certificate rotated; older admin certificates are refused from now on');
    return { certificate, caCertificate: trustBundle(ctx.store.cluster()) };
  };

  const startRotation = async (call: AuthenticatedCall, req: RenewCertificateRequest__Output): Promise<RenewCertificateResponse> => {
    const identity = requireStanding(ctx.store, call, ['admin']);
    await prepareWrite(ctx); // NOT_LEADER (with the leader's address) unless we lead
    const serial = serialOf(call);
    recheck(ctx, identity, serial);
    const cluster = ctx.store.cluster();
    if (cluster.caRotation) {
      throw new ManagerError(
        'FAILED_PRECONDITION',
        `a CA rotation is already in progress (started ${cluster.caRotation.startedAt}): follow it with \`shoal ca status\``,
      );
    }
    const ca = await createClusterCA(cluster.id);
    const certificate = await sign(
      ca,
      req.csr,
      { nodeId: identity.nodeId, role: 'admin', clusterId: cluster.id },
      adminCertSeconds(cluster.settings.certExpirySeconds),
    );
    const newSerial = certificateSerial(certificate);
    try {
      await proposeCommand(ctx, {
        type: 'cluster.startCaRotation',
        at: nowIso(),
        ca,
        serials: [newSerial],
        ...(serial ? { replaces: normalizeSerial(serial) } : {}),
      });
    } catch (e) {
      const err = asManagerError(e);
      // Another rotation won the race: same answer as if it had been there first.
      if (ctx.store.cluster().caRotation && err.code === 'INVALID_ARGUMENT') throw new ManagerError('FAILED_PRECONDITION', err.message);
      throw err;
    }
    ctx.logger.info({ newCa: caDigest(ca.certPem), adminSerial: newSerial }, 'CA rotation started: every node now renews its certificate under the new CA');
    return { certificate, caCertificate: trustBundle(ctx.store.cluster()) };
  };

  const status = (call: AuthenticatedCall): CaStatusResponse => {
    requireStanding(ctx.store, call, ['admin']);
    const cluster = ctx.store.cluster();
    const rotation = cluster.caRotation;
    const waiting = rotationWaitingFor(cluster, ctx.store.nodes());
    return {
      caDigest: caDigest(cluster.ca.certPem),
      rotating: rotation !== undefined,
      newCaDigest: rotation ? caDigest(rotation.ca.certPem) : '',
      startedAt: rotation?.startedAt ?? '',
      renewed: rotation?.renewed.length ?? 0,
      waiting: waiting.map((n) => ({ id: n.id, name: n.name, role: n.role, state: n.status.state })),
      caCertificate: trustBundle(cluster),
    };
  };

  const unary =
    (
      fn: (call: AuthenticatedCall, req: RenewCertificateRequest__Output) => Promise<RenewCertificateResponse>,
    ): grpc.handleUnaryCall<RenewCertificateRequest__Output, RenewCertificateResponse> =>
    (call, callback) => {
      fn(call, call.request).then(
        (res) => callback(null, res),
        (e: unknown) => {
          const err = asManagerError(e);
          if (err.code === 'INTERNAL') ctx.logger.error({ err: err.message }, 'certificate request failed');
          else if (err.code !== 'NOT_LEADER') ctx.logger.warn({ err: err.message, code: err.code }, 'certificate request refused');
          callback(err.toServiceError());
        },
      );
    };

  const statusCall: grpc.handleUnaryCall<unknown, CaStatusResponse> = (call, callback) => {
    try {
      callback(null, status(call));
    } catch (e) {
      callback(asManagerError(e).toServiceError());
    }
  };

  return { RenewCertificate: unary(renew), RotateAdminCertificate: unary(rotateAdmin), StartCaRotation: unary(startRotation), CaStatus: statusCall };
}
