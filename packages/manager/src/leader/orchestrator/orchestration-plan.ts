// The orchestrator's plan: from the store's services, nodes and tasks, the task changes that
// make every service have the tasks it asks for (SwarmKit's replicated and global
// orchestrators, with the restart supervisor and the part of the task reaper that orphans tasks
// of dead nodes). Pure: a view and a clock in, tasks.apply commands out.
//
//   1. Tasks still meant to run on a node that is down or was removed are reported "orphaned":
//      their node will not report for them.
//   2. Every service is reconciled: replicated.ts (slots) or global.ts (nodes).
//   3. Tasks of removed services are stopped (the store already does it when it removes the
//      service; this only guards against recreating anything).

import { isFinalState, newId, type NodeObject, type StoreView, type TaskObject, type TasksApplyCommand } from '@shoal/store';
import { TaskBatch } from '../task-batch.js';
import { reconcileGlobal } from './global.js';
import { ClusterLoad, DEFAULT_PORT_RANGE, type PortRange } from '../scheduler/node-load.js';
import { reconcileReplicated } from './replicated.js';

export interface OrchestratorSettings {
  /** Task ids (tests pass a deterministic source); default newId(). */
  readonly newId?: () => string;
  /** Host ports for global tasks; default 20000–29999. */
  readonly portRange?: PortRange;
}

export interface OrchestrationPlan {
  /** tasks.apply commands to propose, in order; empty when everything is as it should be. */
  readonly commands: TasksApplyCommand[];
  /** When a delayed restart falls due (ms), if one is waiting. */
  readonly nextWakeMs: number | undefined;
}

export function planOrchestration(view: StoreView, nowMs: number, settings: OrchestratorSettings = {}): OrchestrationPlan {
  const at = new Date(nowMs).toISOString();
  const batch = new TaskBatch();
  const nodes = new Map<string, NodeObject>();
  for (const n of view.nodes()) nodes.set(n.id, n);

  const byService = new Map<string, TaskObject[]>();
  for (const stored of view.tasks()) {
    const t = orphanIfLost(stored, nodes, batch, at);
    const list = byService.get(t.serviceId);
    if (list) list.push(t);
    else byService.set(t.serviceId, [t]);
  }

  let nextWakeMs: number | undefined;
  let load: ClusterLoad | undefined;
  const ctx = {
    nowMs,
    batch,
    nodes,
    newId: settings.newId ?? newId,
    wake(atMs: number) {
      if (nextWakeMs === undefined || atMs < nextWakeMs) nextWakeMs = atMs;
    },
    load: () => (load ??= ClusterLoad.of(view, settings.portRange ?? DEFAULT_PORT_RANGE)),
  };

  for (const [serviceId, tasks] of byService) {
    if (view.getService(serviceId)) continue;
    for (const t of tasks) if (t.desiredState === 'running') batch.stop(t, `service ${t.serviceName} was removed`);
  }
  for (const service of view.services()) {
    const tasks = byService.get(service.id) ?? [];
    if (service.spec.mode === 'replicated') reconcileReplicated(service, tasks, ctx);
    else reconcileGlobal(service, tasks, ctx);
  }
  return { commands: batch.toCommands(at), nextWakeMs };
}

/** The task as the rest of the plan should see it: orphaned if its node is down or gone. */
function orphanIfLost(t: TaskObject, nodes: ReadonlyMap<string, NodeObject>, batch: TaskBatch, at: string): TaskObject {
  if (t.desiredState !== 'running' || t.nodeId === '' || isFinalState(t.status.state)) return t;
  const node = nodes.get(t.nodeId);
  const lost = !node ? `node ${t.nodeId} was removed` : node.status.state === 'down' ? `node ${node.name} is down` : undefined;
  if (lost === undefined) return t;
  batch.update(t, { status: { state: 'orphaned', message: lost } });
  return { ...t, status: { ...t.status, state: 'orphaned', message: lost, error: '', exitCode: null, at } };
}
