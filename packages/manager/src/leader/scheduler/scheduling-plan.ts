// The scheduler's plan: a node (and a host port) for every pending task, in one pass.
//
// Filters, per task: the node is ready and active; it runs the task's runtime; it satisfies
// the constraints; it holds fewer than maxReplicasPerNode of the service's tasks; the CPU and
// memory it has left (its resources minus the reservations of the live tasks on it) cover the
// task's reservations; it has a free host port. The first three depend only on the spec, so
// they are evaluated once per group of tasks sharing one (tasks made from one service spec
// share the object). Among the nodes that pass, the choice is lexicographic:
//
//   1. for each spread preference in turn, the label value holding the fewest of the
//      service's tasks (nodes without the label form one group, as in Swarm);
//   2. the node with the fewest of the service's tasks;
//   3. the node with the fewest tasks in all — so a node that joins or comes back takes new
//      work first;
//   4. the node id, so the plan is deterministic.
//
// Counts are updated as tasks are placed, so 2,000 tasks spread evenly in one pass. A task no
// node can take stays pending with the reason in its status message (written only when it
// changes, so an unplaceable backlog costs no Raft writes).

import type { NodeObject, StoreView, TaskObject, TaskSpec, TasksApplyCommand } from '@shoal/store';
import { TaskBatch } from '../task-batch.js';
import { ClusterLoad, DEFAULT_PORT_RANGE, type NodeLoad, type PortRange } from './node-load.js';
import { acceptsNewWork } from '../node-health/node-health-plan.js';
import { refusalMessage, staticCandidates } from './placement.js';

export interface SchedulerSettings {
  /** Host ports given to tasks as PORT, per node; default 20000–29999. */
  readonly portRange?: PortRange;
}

export interface Placement {
  readonly taskId: string;
  readonly nodeId: string;
  readonly port: number;
}

export interface Unplaceable {
  readonly taskId: string;
  readonly reason: string;
}

export interface SchedulingPlan {
  readonly commands: TasksApplyCommand[];
  readonly placed: Placement[];
  readonly unplaceable: Unplaceable[];
  /** When to plan again though nothing changes (a flap back-off ends), if ever. */
  readonly nextWakeMs?: number | undefined;
}

/** Waiting for a node: meant to run, pending, no node. */
export function isPending(t: TaskObject): boolean {
  return t.desiredState === 'running' && t.nodeId === '' && t.status.state === 'pending';
}

interface Group {
  readonly serviceId: string;
  readonly spec: TaskSpec;
  readonly tasks: TaskObject[];
}

export function planScheduling(view: StoreView, nowMs: number, settings: SchedulerSettings = {}): SchedulingPlan {
  const all = view.tasks();
  const pending = all.filter(isPending);
  if (pending.length === 0) return { commands: [], placed: [], unplaceable: [] };

  // Oldest first, then by name (service, slot): fair across services and deterministic.
  const created = new Map<TaskObject, number>(pending.map((t) => [t, Date.parse(t.createdAt) || 0]));
  pending.sort((a, b) => (created.get(a) ?? 0) - (created.get(b) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const groups = new Map<string, Map<TaskSpec, Group>>();
  const ordered: Group[] = [];
  for (const t of pending) {
    let bySpec = groups.get(t.serviceId);
    if (!bySpec) groups.set(t.serviceId, (bySpec = new Map()));
    let g = bySpec.get(t.spec);
    if (!g) {
      bySpec.set(t.spec, (g = { serviceId: t.serviceId, spec: t.spec, tasks: [] }));
      ordered.push(g);
    }
    g.tasks.push(t);
  }

  const range = settings.portRange ?? DEFAULT_PORT_RANGE;
  const load = ClusterLoad.of(view, range, all);
  // A node back after flapping takes no new tasks until its back-off ends (../node-health/).
  const resting = view.nodes().filter((n) => !acceptsNewWork(n, nowMs));
  const nodes = resting.length === 0 ? view.nodes() : view.nodes().filter((n) => acceptsNewWork(n, nowMs));
  const restingNote =
    resting.length === 0 ? '' : `; ${resting.map((n) => n.name).join(', ')} flapped and take${resting.length === 1 ? 's' : ''} no new tasks for now`;
  const batch = new TaskBatch();
  const placed: Placement[] = [];
  const unplaceable: Unplaceable[] = [];
  const refuse = (t: TaskObject, why: string): void => {
    const reason = why + restingNote;
    unplaceable.push({ taskId: t.id, reason });
    if (t.status.message !== reason) batch.update(t, { status: { state: 'pending', message: reason } });
  };

  // Groups take turns task by task, so one big service does not starve the others.
  const counts = new Map<string, Int32Array>();
  const placers = ordered.map((g) => new GroupPlacer(g, nodes, load, counts, range));
  for (let i = 0, left = true; left; i++) {
    left = false;
    for (const p of placers) {
      const t = p.group.tasks[i];
      if (!t) continue;
      left = true;
      const choice = p.place();
      if (typeof choice === 'string') {
        refuse(t, choice);
      } else {
        placed.push({ taskId: t.id, nodeId: choice.node.id, port: choice.port });
        batch.update(t, { nodeId: choice.node.id, port: choice.port });
      }
    }
  }
  // Tasks left pending may fit once a back-off ends: plan again then.
  const backoffEnds = resting.map((n) => Date.parse(n.status.noWorkUntil ?? '')).filter((ms) => ms > nowMs);
  const nextWakeMs = unplaceable.length > 0 && backoffEnds.length > 0 ? Math.min(...backoffEnds) : undefined;
  return { commands: batch.toCommands(new Date(nowMs).toISOString()), placed, unplaceable, nextWakeMs };
}

/**
 * Places the tasks of one group, one at a time, on the best node left. The hot loop runs over
 * plain arrays: per candidate its load, the service's task count (shared by the service's
 * groups) and, per spread preference, which label-value group it is in.
 */
class GroupPlacer {
  private readonly candidates: NodeLoad[];
  private readonly staticReason: string;
  /** The service's task count per node (by NodeLoad.index), shared with its other groups. */
  private readonly serviceCounts: Int32Array;
  /** Per spread depth: per candidate, the id of its label-value path... */
  private readonly pathIds: Int32Array[];
  /** ...and per path id, the service's task count there. */
  private readonly pathCounts: Int32Array[];
  /** Once a task of the group found no node, none of the rest (same needs, less room) will. */
  private failed: string | undefined;

  constructor(
    readonly group: Group,
    nodes: readonly NodeObject[],
    load: ClusterLoad,
    counts: Map<string, Int32Array>,
    private readonly range: PortRange,
  ) {
    const c = staticCandidates(nodes, group.spec);
    this.staticReason = c.reason;
    this.candidates = c.nodes.map((n) => load.get(n.id)).filter((l): l is NodeLoad => l !== undefined);
    let sc = counts.get(group.serviceId);
    if (!sc) {
      sc = new Int32Array(load.size);
      for (const l of load.all()) sc[l.index] = l.serviceTasks(group.serviceId);
      counts.set(group.serviceId, sc);
    }
    this.serviceCounts = sc;
    const prefs = group.spec.placement.preferences;
    this.pathIds = prefs.map(() => new Int32Array(this.candidates.length));
    this.pathCounts = [];
    const paths = this.candidates.map(() => '');
    prefs.forEach((p, depth) => {
      const ids = new Map<string, number>();
      const pathIds = this.pathIds[depth] as Int32Array;
      this.candidates.forEach((l, i) => {
        const path = (paths[i] += `\u0000${attribute(l.node, p.spread)}`);
        let id = ids.get(path);
        if (id === undefined) ids.set(path, (id = ids.size));
        pathIds[i] = id;
      });
      const pc = new Int32Array(ids.size);
      this.candidates.forEach((l, i) => {
        const id = pathIds[i] as number;
        pc[id] = (pc[id] ?? 0) + (sc[l.index] ?? 0);
      });
      this.pathCounts.push(pc);
    });
  }

  /** The chosen node and port, or why none. */
  place(): { node: NodeObject; port: number } | string {
    if (this.candidates.length === 0) return this.staticReason;
    if (this.failed !== undefined) return this.failed;
    const { spec, serviceId } = this.group;
    const max = spec.placement.maxReplicasPerNode;
    const sc = this.serviceCounts;
    let atMax = 0;
    let noCpu = 0;
    let noMemory = 0;
    let noEither = 0;
    let noPort = 0;
    let best = -1;
    let bestPort = 0;
    for (let i = 0; i < this.candidates.length; i++) {
      const l = this.candidates[i] as NodeLoad;
      if (max > 0 && (sc[l.index] ?? 0) >= max) {
        atMax++;
        continue;
      }
      const cpu = l.fitsCpu(spec);
      const mem = l.fitsMemory(spec);
      if (!cpu || !mem) {
        if (!cpu && !mem) noEither++;
        else if (!cpu) noCpu++;
        else noMemory++;
        continue;
      }
      if (best >= 0 && !this.better(i, best)) continue;
      const port = l.freePort();
      if (port === 0) {
        noPort++;
        continue;
      }
      best = i;
      bestPort = port;
    }
    const chosen = this.candidates[best];
    if (!chosen) {
      const refusals = { candidates: this.candidates.length, maxReplicas: atMax, cpu: noCpu, memory: noMemory, cpuAndMemory: noEither, ports: noPort };
      return (this.failed = refusalMessage(refusals, max, this.range));
    }
    chosen.add(serviceId, spec, bestPort);
    sc[chosen.index] = (sc[chosen.index] ?? 0) + 1;
    for (let d = 0; d < this.pathIds.length; d++) {
      const pc = this.pathCounts[d] as Int32Array;
      const id = (this.pathIds[d] as Int32Array)[best] as number;
      pc[id] = (pc[id] ?? 0) + 1;
    }
    return { node: chosen.node, port: bestPort };
  }

  /** Whether candidate `a` is a better home than candidate `b` for the next task. */
  private better(a: number, b: number): boolean {
    for (let d = 0; d < this.pathIds.length; d++) {
      const ids = this.pathIds[d] as Int32Array;
      const pa = ids[a] as number;
      const pb = ids[b] as number;
      if (pa === pb) continue;
      const pc = this.pathCounts[d] as Int32Array;
      const ca = pc[pa] as number;
      const cb = pc[pb] as number;
      if (ca !== cb) return ca < cb;
    }
    const la = this.candidates[a] as NodeLoad;
    const lb = this.candidates[b] as NodeLoad;
    const sa = this.serviceCounts[la.index] as number;
    const sb = this.serviceCounts[lb.index] as number;
    if (sa !== sb) return sa < sb;
    if (la.tasks !== lb.tasks) return la.tasks < lb.tasks;
    return la.node.id < lb.node.id;
  }
}

/** A node attribute a spread preference names (node.labels.zone, node.hostname, ...); '' if absent. */
function attribute(node: NodeObject, key: string): string {
  if (key === 'node.id') return node.id;
  if (key === 'node.hostname') return node.hostname;
  if (key === 'node.role') return node.role;
  const label = key.startsWith('node.labels.') ? key.slice('node.labels.'.length) : key;
  return Object.hasOwn(node.labels, label) ? (node.labels[label] ?? '') : '';
}
