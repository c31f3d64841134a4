// Which nodes may run a task, and why none can. The static part (node ready and active, runtime,
// constraints) depends only on the node and the spec; the scheduler evaluates it once per group
// of tasks sharing a spec, then checks what each placement changes (replicas per node,
// resources, ports) per task. Reasons read like Swarm's "no suitable node" messages.

import { matchesConstraints, type NodeObject, type TaskSpec } from '@shoal/store';

/**
 * May be given new work: ready, active, and an agent has reported what it runs (a node whose
 * runtime is '' — e.g. a manager without an agent — has nothing to run tasks with).
 */
export function takesNewWork(node: NodeObject): boolean {
  return node.status.state === 'ready' && node.availability === 'active' && (node.runtime ?? '') !== '';
}

/** The node runs what the spec asks for ('' = anything). */
export function runsRuntime(node: NodeObject, spec: TaskSpec): boolean {
  return spec.runtime === '' || node.runtime === spec.runtime;
}

/** Why a node that ran the task no longer should, if it should not (constraints or runtime changed). */
export function mismatch(node: NodeObject, spec: TaskSpec): string | undefined {
  if (!runsRuntime(node, spec)) return `node ${node.name} does not run the ${spec.runtime} runtime`;
  const m = matchesConstraints(node, spec.placement.constraints);
  return m.ok ? undefined : `node ${node.name} no longer satisfies ${m.failed ?? 'the constraints'}`;
}

export interface Candidates {
  readonly nodes: NodeObject[];
  /** Why there are none (when `nodes` is empty). */
  readonly reason: string;
}

/** Nodes that pass the static filters, in the order given. */
export function staticCandidates(nodes: readonly NodeObject[], spec: TaskSpec): Candidates {
  const working = nodes.filter(takesNewWork);
  if (working.length === 0) {
    const why = nodes.some((n) => n.status.state === 'ready' && n.availability === 'active')
      ? 'no ready and active node runs an agent yet'
      : 'no node is ready and active';
    return { nodes: [], reason: why };
  }
  const running = spec.runtime === '' ? working : working.filter((n) => n.runtime === spec.runtime);
  if (running.length === 0) return { nodes: [], reason: `no node runs the ${spec.runtime} runtime` };
  const constraints = spec.placement.constraints;
  if (constraints.length === 0) return { nodes: running, reason: '' };
  const failed = new Set<string>();
  const ok = running.filter((n) => {
    const m = matchesConstraints(n, constraints);
    if (!m.ok && m.failed !== undefined) failed.add(m.failed);
    return m.ok;
  });
  if (ok.length > 0) return { nodes: ok, reason: '' };
  const which = constraints.filter((c) => failed.has(c));
  return { nodes: [], reason: `no node satisfies ${(which.length > 0 ? which : constraints).join(' && ')}` };
}

/** How many candidate nodes refused a task, and why (each node counted once, first reason). */
export interface Refusals {
  readonly candidates: number;
  readonly maxReplicas: number;
  readonly cpu: number;
  readonly memory: number;
  readonly cpuAndMemory: number;
  readonly ports: number;
}

/** One message for all refusals: "insufficient memory on all 3 nodes", "max replicas per node (2) reached on all nodes". */
export function refusalMessage(r: Refusals, maxPerNode: number, portRange: { first: number; last: number }): string {
  const on = (n: number): string => (n === r.candidates && n > 1 ? `all ${n} nodes` : `${n} node${n === 1 ? '' : 's'}`);
  const parts: string[] = [];
  if (r.maxReplicas > 0) {
    parts.push(`max replicas per node (${maxPerNode}) reached on ${r.maxReplicas === r.candidates ? 'all nodes' : on(r.maxReplicas)}`);
  }
  const short = r.cpu + r.memory + r.cpuAndMemory;
  if (short > 0) {
    const what =
      r.cpu + r.cpuAndMemory === 0 ? 'memory' : r.memory + r.cpuAndMemory === 0 ? 'CPU' : r.cpu + r.memory === 0 ? 'CPU and memory' : 'CPU or memory';
    parts.push(`insufficient ${what} on ${on(short)}`);
  }
  if (r.ports > 0) parts.push(`no free host port (${portRange.first}-${portRange.last}) on ${on(r.ports)}`);
  return parts.join('; ');
}
