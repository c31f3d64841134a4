// Replicated services: slots 1..replicas, one live task each (slot.ts). Slots above the replica
// count are scaled away; a task on a drained node, or on a node that no longer meets its
// constraints, moves (stopped, and a pending replacement the scheduler places elsewhere).
// New tasks are created pending with no node: placing them is the scheduler's job.

import type { NodeObject, ServiceObject, TaskObject } from '@shoal/store';
import { mismatch } from '../scheduler/placement.js';
import { reconcileSlot, type SlotContext } from './slot.js';

export interface ReplicatedContext extends SlotContext {
  readonly nodes: ReadonlyMap<string, NodeObject>;
  readonly newId: () => string;
}

export function reconcileReplicated(service: ServiceObject, tasks: readonly TaskObject[], ctx: ReplicatedContext): void {
  const { replicas } = service.spec;
  const bySlot = new Map<number, TaskObject[]>();
  for (const t of tasks) {
    if (t.slot > replicas || t.slot < 1) {
      if (t.desiredState === 'running') ctx.batch.stop(t, `service ${service.name} was scaled to ${replicas}`);
      continue;
    }
    const list = bySlot.get(t.slot);
    if (list) list.push(t);
    else bySlot.set(t.slot, [t]);
  }
  const moveReason = (t: TaskObject): string | undefined => {
    const node = t.nodeId === '' ? undefined : ctx.nodes.get(t.nodeId);
    if (!node) return undefined;
    if (node.availability === 'drain') return `node ${node.name} is draining`;
    return mismatch(node, t.spec);
  };
  for (let slot = 1; slot <= replicas; slot++) {
    reconcileSlot(bySlot.get(slot) ?? [], service, ctx, {
      label: `slot ${slot}`,
      canStart: true,
      moveReason,
      create: (attempt, fromPreviousSpec) =>
        ctx.batch.create({
          id: ctx.newId(),
          serviceId: service.id,
          slot,
          attempt,
          serviceVersion: service.version,
          ...(fromPreviousSpec ? { fromPreviousSpec } : {}),
        }),
    });
  }
}
