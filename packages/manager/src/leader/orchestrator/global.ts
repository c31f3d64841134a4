// Global services: one live task on every eligible node, created with its node (and a host
// port) already assigned, so the scheduler never sees them. Eligible: ready, active, and
// accepted by the service's constraints and runtime. A paused node keeps what it runs but gets
// nothing new; a drained, down or removed node, or one that no longer matches, loses its task.
// A node without room for the task's reservations gets none until room frees up (the store
// creates global tasks assigned, so there is no pending task to carry a reason).

import type { NodeObject, ServiceObject, TaskObject } from '@shoal/store';
import type { ClusterLoad } from '../scheduler/node-load.js';
import { mismatch, takesNewWork } from '../scheduler/placement.js';
import { reconcileSlot, type SlotContext } from './slot.js';

export interface GlobalContext extends SlotContext {
  readonly nodes: ReadonlyMap<string, NodeObject>;
  readonly newId: () => string;
  load(): ClusterLoad;
}

export function reconcileGlobal(service: ServiceObject, tasks: readonly TaskObject[], ctx: GlobalContext): void {
  const spec = service.spec.task;
  const byNode = new Map<string, TaskObject[]>();
  for (const t of tasks) {
    if (t.slot !== 0 || t.nodeId === '') {
      if (t.desiredState === 'running') ctx.batch.stop(t, `service ${service.name} is global`);
      continue;
    }
    const list = byNode.get(t.nodeId);
    if (list) list.push(t);
    else byNode.set(t.nodeId, [t]);
  }
  const nodeIds = new Set([...ctx.nodes.keys(), ...byNode.keys()]);
  for (const nodeId of nodeIds) {
    const node = ctx.nodes.get(nodeId);
    const list = byNode.get(nodeId) ?? [];
    const gone = !node
      ? `node ${nodeId} was removed`
      : node.status.state === 'down'
        ? `node ${node.name} is down`
        : node.availability === 'drain'
          ? `node ${node.name} is draining`
          : mismatch(node, spec);
    if (gone !== undefined || !node) {
      for (const t of list) if (t.desiredState === 'running') ctx.batch.stop(t, gone ?? 'node was removed');
      continue;
    }
    reconcileSlot(list, service, ctx, {
      label: `node ${node.name}`,
      canStart: takesNewWork(node),
      moveReason: () => undefined,
      create: (attempt) => {
        const l = ctx.load().get(nodeId);
        // No room (reservations) or no free host port: none now; planned again when tasks stop.
        if (!l || !l.fitsCpu(spec) || !l.fitsMemory(spec)) return;
        const port = l.freePort();
        if (port === 0) return;
        l.add(service.id, spec, port);
        ctx.batch.create({ id: ctx.newId(), serviceId: service.id, slot: 0, nodeId, port, attempt, serviceVersion: service.version });
      },
    });
  }
}
