// Evening out a replicated service (Swarm leaves this to `docker service update --force`; we
// make it a plan of its own). After a node comes back or joins, new tasks go to it first, but
// the tasks already running elsewhere stay where they are. planRebalance moves as few tasks as
// possible so that the service's task counts on its eligible nodes differ by at most one:
// repeatedly one task from a most loaded node to a least loaded one that has room (replicas
// per node, CPU, memory, a port), until no move narrows the gap. A moved task is stopped and a
// pending replacement for its slot is made in the same batch; the scheduler places it, and
// since the scheduler prefers the nodes with the fewest of the service's tasks, it lands on
// the least loaded ones.
//
// Not done (nothing is moved): while some of the service's tasks are still pending (the
// scheduler has not finished), and for services with spread preferences (balanced over label
// values, not nodes, by the scheduler).

import { newId, type StoreView, type TaskObject, type TasksApplyCommand } from '@shoal/store';
import { TaskBatch } from '../task-batch.js';
import { isLive, stateRank } from '../task-lifecycle.js';
import { ClusterLoad, DEFAULT_PORT_RANGE, type NodeLoad, type PortRange } from '../scheduler/node-load.js';
import { staticCandidates } from '../scheduler/placement.js';

export interface RebalanceSettings {
  readonly newId?: () => string;
  readonly portRange?: PortRange;
}

export interface RebalancePlan {
  /** At most one tasks.apply (a service has at most 10,000 tasks). */
  readonly commands: TasksApplyCommand[];
  /** The tasks stopped, and the node each leaves. */
  readonly moves: { readonly taskId: string; readonly fromNodeId: string }[];
  /** Why nothing is moved, when nothing is. */
  readonly reason: string;
}

/**
 * The command that rebalances the service, or undefined when nothing needs to move. `now` is the
 * clock, in ms or as an ISO timestamp (the command's `at`).
 */
export function planRebalance(view: StoreView, serviceId: string, now: number | string, settings: RebalanceSettings = {}): TasksApplyCommand | undefined {
  return planRebalanceMoves(view, serviceId, typeof now === 'number' ? now : Date.parse(now), settings).commands[0];
}

/** The same plan with what it moves, and why nothing moves when nothing does. */
export function planRebalanceMoves(view: StoreView, serviceId: string, nowMs: number, settings: RebalanceSettings = {}): RebalancePlan {
  const none = (reason: string): RebalancePlan => ({ commands: [], moves: [], reason });
  const service = view.getService(serviceId);
  if (!service) return none(`no service has id "${serviceId}"`);
  if (service.spec.mode !== 'replicated') return none(`service ${service.name} is global: it runs one task per node already`);
  const spec = service.spec.task;
  if (spec.placement.preferences.length > 0)
    return none(`service ${service.name} spreads over ${spec.placement.preferences.map((p) => p.spread).join(', ')}; the scheduler balances it`);
  const live = view.tasksOfService(serviceId).filter(isLive);
  if (live.some((t) => t.nodeId === '')) return none(`service ${service.name} has tasks waiting for a node; rebalance once they are placed`);

  const load = ClusterLoad.of(view, settings.portRange ?? DEFAULT_PORT_RANGE);
  const eligible = staticCandidates(view.nodes(), spec)
    .nodes.map((n) => load.get(n.id))
    .filter((l): l is NodeLoad => l !== undefined);
  if (eligible.length < 2) return none('fewer than two eligible nodes');
  const onNode = new Map<NodeLoad, TaskObject[]>();
  for (const l of eligible) onNode.set(l, []);
  const byId = new Map(eligible.map((l) => [l.node.id, l]));
  for (const t of live) {
    const l = byId.get(t.nodeId);
    if (l) onNode.get(l)?.push(t);
  }

  const max = spec.placement.maxReplicasPerNode;
  const hasRoom = (l: NodeLoad): boolean => (max === 0 || l.serviceTasks(serviceId) < max) && l.fitsCpu(spec) && l.fitsMemory(spec) && l.freePort() !== 0;
  const count = (l: NodeLoad): number => l.serviceTasks(serviceId);
  const leaving = new Map<NodeLoad, number>();
  for (;;) {
    let from: NodeLoad | undefined;
    let to: NodeLoad | undefined;
    for (const l of eligible) {
      if (!from || count(l) > count(from) || (count(l) === count(from) && l.node.id < from.node.id)) from = l;
      if (hasRoom(l) && (!to || count(l) < count(to) || (count(l) === count(to) && l.node.id < to.node.id))) to = l;
    }
    if (!from || !to || count(from) - count(to) <= 1) break;
    from.drop(serviceId, spec);
    // Counted as placed for the next round; the port itself is the scheduler's to choose.
    to.add(serviceId, spec, 0);
    leaving.set(from, (leaving.get(from) ?? 0) + 1);
  }
  if (leaving.size === 0) return none(`service ${service.name} is balanced`);

  const batch = new TaskBatch();
  const moves: { taskId: string; fromNodeId: string }[] = [];
  const ids = settings.newId ?? newId;
  for (const [l, n] of leaving) {
    // Move what has started the least (and then the highest slots): the least work lost.
    const order = [...(onNode.get(l) ?? [])].sort((a, b) => stateRank(a.status.state) - stateRank(b.status.state) || b.slot - a.slot || (a.id < b.id ? -1 : 1));
    for (const t of order.slice(0, n)) {
      batch.stop(t, `moved off node ${l.node.name} to rebalance service ${service.name}`);
      batch.create({ id: ids(), serviceId, slot: t.slot, attempt: t.attempt, serviceVersion: service.version });
      moves.push({ taskId: t.id, fromNodeId: l.node.id });
    }
  }
  return { commands: batch.toCommands(new Date(nowMs).toISOString()), moves, reason: '' };
}
