// What a worker's routing mesh could not publish, recorded on its node in the store so that
// every manager shows it on the service (`service inspect`, `service ps`), like task states.
// Agents send their whole set of failures when it changes and when a session opens; the leader
// proposes a node update only when the set differs from what the store holds, one at a time
// per node with the latest set winning, so reports cannot be applied out of order.

import type { NodeId } from '@shoal/raft';
import { MAX_PUBLISH_ERRORS, type PublishError } from '@shoal/store';
import type { PublishStatus__Output } from '@shoal/wire';
import { nowIso, proposeCommand, type ManagerContext } from './context.js';
import { asManagerError } from './errors.js';

interface NodeReports {
  inFlight: boolean;
  /** The newest set received while a proposal was in flight. */
  next: PublishError[] | undefined;
}

/** What the store accepts as a publish error's text. */
const MAX_ERROR_CHARS = 1024;

const reporting = new WeakMap<ManagerContext, Map<NodeId, NodeReports>>();

/** The failures as the store keeps them: bounded, sorted, one per port. */
export function publishErrorsOf(status: PublishStatus__Output): PublishError[] {
  const byPort = new Map<number, PublishError>();
  for (const f of status.failures) {
    if (!Number.isInteger(f.published) || f.published < 1 || f.published > 65_535) continue;
    byPort.set(f.published, { published: f.published, error: (f.error || 'unknown error').slice(0, MAX_ERROR_CHARS) });
  }
  return [...byPort.values()].sort((a, b) => a.published - b.published).slice(0, MAX_PUBLISH_ERRORS);
}

/** Records a worker's publish status (called by the dispatcher for each PublishStatus). */
export function recordPublishStatus(ctx: ManagerContext, nodeId: NodeId, status: PublishStatus__Output): void {
  let nodes = reporting.get(ctx);
  if (!nodes) reporting.set(ctx, (nodes = new Map()));
  let r = nodes.get(nodeId);
  if (!r) nodes.set(nodeId, (r = { inFlight: false, next: undefined }));
  r.next = publishErrorsOf(status);
  if (!r.inFlight) void propose(ctx, nodeId, r);
}

async function propose(ctx: ManagerContext, nodeId: NodeId, r: NodeReports): Promise<void> {
  r.inFlight = true;
  try {
    while (r.next) {
      const errors = r.next;
      r.next = undefined;
      const node = ctx.store.getNode(nodeId);
      if (!node || JSON.stringify(node.publishErrors ?? []) === JSON.stringify(errors)) continue;
      try {
        await proposeCommand(ctx, { type: 'node.update', at: nowIso(), id: nodeId, patch: { publishErrors: errors } });
        if (errors.length > 0) ctx.logger.warn({ nodeId, publishErrors: errors }, 'a worker could not publish some ports');
      } catch (e) {
        const err = asManagerError(e);
        // Not the leader any more: the agent tells the next one when its session opens there.
        if (!['NOT_LEADER', 'NO_QUORUM', 'STOPPED', 'NOT_FOUND'].includes(err.code))
          ctx.logger.warn({ nodeId, err: err.message }, 'could not record publish errors');
      }
    }
  } finally {
    r.inFlight = false;
  }
}
