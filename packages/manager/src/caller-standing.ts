// Whether a certificate's holder may still act on the cluster.
//
// A certificate names a role for its whole validity, but a manager can be demoted or removed,
// and a worker removed, long before its certificate expires. So every call that trusts a role
// also asks the store whether the holder still has it (as SwarmKit checks a node's current
// role rather than only its certificate's OU). The store is this manager's applied view: a
// removal applies here within a heartbeat or two of its commit.

import { AuthError, normalizeSerial, requireRole, type AuthenticatedCall, type CertIdentity, type CertRole } from '@shoal/identity';
import type { ClusterStore } from '@shoal/store';
import { ManagerError } from './errors.js';

/** How the store sees a certificate's holder. */
export type Standing = { readonly ok: true } | { readonly ok: false; readonly removed: boolean; readonly reason: string };

const OK: Standing = Object.freeze({ ok: true });

/**
 * Whether `identity` still holds the role its certificate names. `removed` is true only when
 * the store *knows* the node was demoted or removed (not merely unheard of), so the holder can
 * be told to stop rather than to retry.
 */
export function standingOf(store: ClusterStore, identity: CertIdentity, certSerial?: string): Standing {
  if (identity.role === 'admin') return adminStanding(store, certSerial);
  let removedNodes: readonly string[];
  try {
    removedNodes = store.cluster().removedNodes ?? [];
  } catch {
    // A joining manager's store is empty until the leader's snapshot arrives: it cannot judge
    // anyone, and must take the leader's messages (Raft membership is still checked, RaftHost.admits).
    return OK;
  }
  const node = store.getNode(identity.nodeId);
  if (!node) {
    return removedNodes.includes(identity.nodeId)
      ? {
          ok: false,
          removed: true,
          reason: `${identity.role} ${identity.nodeId} was removed from this cluster (\`node rm\`); its certificate grants nothing any more`,
        }
      : { ok: false, removed: false, reason: `${identity.role} ${identity.nodeId} is not a node of this cluster (yet); if it joined just now, retry shortly` };
  }
  if (identity.role === 'manager') {
    if (node.role !== 'manager') {
      return { ok: false, removed: true, reason: `node ${node.name} (${node.id}) was demoted to a worker; its manager certificate grants nothing any more` };
    }
    // Dropped from the Raft group (--force-new-cluster, or the learner promoter finding it
    // outside the membership): a manager by name, no longer one of the group. (A joining
    // manager has no Raft role yet either, but it is not marked down.)
    if (node.raftRole === undefined && node.status.state === 'down') {
      return { ok: false, removed: true, reason: `manager ${node.name} (${node.id}) ${node.status.message}` };
    }
  }
  return OK;
}

/**
 * An admin certificate stands while its serial is one the cluster lists (`ca rotate-admin`
 * replaces the list). A cluster made before admin rotation existed lists none: then every
 * admin certificate of the cluster CA stands, as it did when it was made.
 */
function adminStanding(store: ClusterStore, certSerial: string | undefined): Standing {
  let valid: readonly string[] | undefined;
  try {
    valid = store.cluster().adminCerts;
  } catch {
    return OK; // a joining manager's empty store: nothing to check against yet
  }
  if (valid === undefined) return OK;
  if (certSerial !== undefined && valid.includes(normalizeSerial(certSerial))) return OK;
  // Not `removed` (that is for nodes, and the error code REMOVED says so): PERMISSION_DENIED.
  return {
    ok: false,
    removed: false,
    reason:
      'this admin certificate was replaced by `shoal ca rotate-admin` and is no longer accepted: use the credentials that command wrote ' +
      '(its --certs directory), or ask whoever ran it for them',
  };
}

/**
 * requireRole(), and then the store's word that the holder still has that role: what every
 * call that acts on the cluster must pass. Throws AuthError (PERMISSION_DENIED), or
 * ManagerError REMOVED for a holder the store knows was demoted or removed.
 */
export function requireStanding(store: ClusterStore, call: AuthenticatedCall, roles: readonly CertRole[]): CertIdentity {
  const identity = requireRole(call, roles);
  const standing = standingOf(store, identity, call.getAuthContext()?.sslPeerCertificate?.serialNumber);
  if (!standing.ok) throw standingError(standing);
  return identity;
}

/** The error a refused holder gets: REMOVED when the store knows it was demoted or removed. */
export function standingError(standing: Extract<Standing, { ok: false }>): ManagerError | AuthError {
  return standing.removed ? new ManagerError('REMOVED', standing.reason) : new AuthError('PERMISSION_DENIED', standing.reason);
}
