// CA rotation (`shoal ca rotate`), as `docker swarm ca --rotate`: the cluster moves to a new CA
// while it keeps running.
//
//   1. An admin starts it: the leader makes a new CA (same cluster id) and commits it as
//      cluster.caRotation, together with the caller's new admin certificate (signed by it).
//   2. While it runs, the trust bundle is new CA + old CA: managers accept client certificates
//      of either, every node trusts both, and every certificate is signed by the new CA. Every
//      node renews at once: managers see the rotation in the store, workers in the SessionConfig
//      the dispatcher pushes (it carries the bundle). Managers keep *presenting* their old-CA
//      server certificate until the end, so a node that still trusts only the old CA (one that
//      was down or reconnecting, or joins meanwhile with a current token) can still connect,
//      learn the bundle and renew.
//   3. Each renewal under the new CA is recorded (caRotation.renewed). Once every node in the
//      store has renewed, the leader commits the finish: the new CA becomes the only one. Down
//      nodes are waited for (bring them back, or `node rm` them): one left behind would be
//      locked out, its certificate signed by a CA nobody trusts any more.
//   4. After the finish every node trusts the new CA only, and managers present their new
//      certificate. Join tokens carry the new CA's digest; old ones are refused.

import { caDigest } from '@shoal/identity';
import type { ClusterObject, NodeObject } from '@shoal/store';
import { nowIso, proposeCommand, type ManagerContext } from './context.js';

type CaPair = ClusterObject['ca'];

/** The CA that signs certificates now: the rotation's new CA while one runs. */
export function signingCa(cluster: ClusterObject): CaPair {
  return cluster.caRotation?.ca ?? cluster.ca;
}

/** What every node trusts now (PEM): new CA then old CA during a rotation, else the CA. */
export function trustBundle(cluster: ClusterObject): string {
  const current = cluster.ca.certPem.trimEnd() + '\n';
  const rotation = cluster.caRotation;
  return rotation ? rotation.ca.certPem.trimEnd() + '\n' + current : current;
}

/**
 * The nodes a rotation still waits for: those in the store (removed nodes are gone from it)
 * whose certificate the new CA has not signed yet. Empty when no rotation runs.
 */
export function rotationWaitingFor(cluster: ClusterObject, nodes: readonly NodeObject[]): NodeObject[] {
  const rotation = cluster.caRotation;
  if (!rotation) return [];
  const renewed = new Set(rotation.renewed);
  return nodes.filter((n) => !renewed.has(n.id));
}

/**
 * On the leader: records that `nodeId` holds a certificate of the rotation's new CA, then ends
 * the rotation if no node is left. A no-op without a rotation.
 */
export async function recordRenewal(ctx: ManagerContext, nodeId: string, signedWith: CaPair): Promise<void> {
  const rotation = ctx.store.cluster().caRotation;
  if (!rotation || rotation.ca.certPem !== signedWith.certPem || rotation.renewed.includes(nodeId)) return;
  await proposeCommand(ctx, { type: 'cluster.caNodeRenewed', at: nowIso(), id: nodeId, caCertPem: rotation.ca.certPem });
  await finishIfDone(ctx);
}

/** On the leader: commits the end of the rotation once it waits for no node. */
export async function finishIfDone(ctx: ManagerContext): Promise<boolean> {
  if (!ctx.host.isLeader) return false;
  const cluster = ctx.store.cluster();
  const rotation = cluster.caRotation;
  if (!rotation || rotationWaitingFor(cluster, ctx.store.nodes()).length > 0) return false;
  try {
    await proposeCommand(ctx, { type: 'cluster.finishCaRotation', at: nowIso(), caCertPem: rotation.ca.certPem });
  } catch (e) {
    // Two triggers racing: the second finds the rotation over already.
    if (!ctx.store.cluster().caRotation) return true;
    throw e;
  }
  ctx.logger.info(
    { ca: caDigest(rotation.ca.certPem) },
    'CA rotation finished: every node holds a certificate of the new CA, which is now the only one trusted',
  );
  return true;
}
