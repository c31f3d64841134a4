// What each node already carries, counted once per plan from the store's tasks: reserved CPU
// and memory, how many tasks (in all and per service), and which host ports are taken. The
// scheduler, the global orchestrator and the rebalancer all read it; placing a task updates it,
// so one pass can place thousands of tasks and each placement sees the ones before it.

import { holdsPort, type NodeObject, type StoreView, type TaskObject, type TaskSpec } from '@shoal/store';
import { occupiesNode } from '../task-lifecycle.js';

/** The host ports given to tasks as PORT, per node. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

export const DEFAULT_PORT_RANGE: PortRange = Object.freeze({ first: 20_000, last: 29_999 });

export class NodeLoad {
  nanoCpus = 0;
  memoryBytes = 0;
  /** Live tasks on the node. */
  tasks = 0;
  readonly byService = new Map<string, number>();
  readonly ports = new Set<number>();
  /** Every port below this one is taken (allocation only ever adds ports within a plan). */
  private nextPort: number;

  constructor(
    readonly node: NodeObject,
    /** Position in the cluster's node list: lets planners keep per-node counts in arrays. */
    readonly index: number,
    private readonly range: PortRange,
  ) {
    this.nextPort = range.first;
  }

  serviceTasks(serviceId: string): number {
    return this.byService.get(serviceId) ?? 0;
  }

  /** Whether the node has room for `spec`'s reservations. */
  fitsCpu(spec: TaskSpec): boolean {
    const want = spec.resources.reservations.nanoCpus;
    return want === 0 || this.nanoCpus + want <= this.node.resources.nanoCpus;
  }

  fitsMemory(spec: TaskSpec): boolean {
    const want = spec.resources.reservations.memoryBytes;
    return want === 0 || this.memoryBytes + want <= this.node.resources.memoryBytes;
  }

  /** The lowest free port, or 0 when the range is used up (does not take it). */
  freePort(): number {
    while (this.nextPort <= this.range.last && this.ports.has(this.nextPort)) this.nextPort++;
    return this.nextPort <= this.range.last ? this.nextPort : 0;
  }

  /** Counts a task placed here by this plan. */
  add(serviceId: string, spec: TaskSpec, port: number): void {
    this.nanoCpus += spec.resources.reservations.nanoCpus;
    this.memoryBytes += spec.resources.reservations.memoryBytes;
    this.tasks++;
    this.byService.set(serviceId, this.serviceTasks(serviceId) + 1);
    if (port !== 0) this.ports.add(port);
  }

  /** Forgets a task this plan stops (rebalancing). Ports stay taken until the task has stopped. */
  drop(serviceId: string, spec: TaskSpec): void {
    this.nanoCpus -= spec.resources.reservations.nanoCpus;
    this.memoryBytes -= spec.resources.reservations.memoryBytes;
    this.tasks--;
    this.byService.set(serviceId, this.serviceTasks(serviceId) - 1);
  }
}

export class ClusterLoad {
  private readonly loads = new Map<string, NodeLoad>();

  private constructor(readonly range: PortRange) {}

  /**
   * Resources and counts come from live tasks (meant to run, not stopped); ports from every
   * task the store says still holds one (assigned, not yet in a final state — the store's own
   * `holdsPort`, which its port index enforces too), whatever its desired state: a task being
   * shut down keeps its port until its runtime has reported it ended, however long its stop
   * grace period. (A task reported orphaned with its node may in fact still run there; the
   * node's agent holds such a port back itself until the task has stopped.)
   */
  static of(view: StoreView, range: PortRange = DEFAULT_PORT_RANGE, tasks: readonly TaskObject[] = view.tasks()): ClusterLoad {
    const load = new ClusterLoad(range);
    for (const node of view.nodes()) load.loads.set(node.id, new NodeLoad(node, load.loads.size, range));
    for (const t of tasks) {
      if (t.nodeId === '') continue;
      const l = load.loads.get(t.nodeId);
      if (!l) continue;
      if (holdsPort(t)) l.ports.add(t.port);
      if (occupiesNode(t)) {
        l.nanoCpus += t.spec.resources.reservations.nanoCpus;
        l.memoryBytes += t.spec.resources.reservations.memoryBytes;
        l.tasks++;
        l.byService.set(t.serviceId, l.serviceTasks(t.serviceId) + 1);
      }
    }
    return load;
  }

  get(nodeId: string): NodeLoad | undefined {
    return this.loads.get(nodeId);
  }

  all(): IterableIterator<NodeLoad> {
    return this.loads.values();
  }

  get size(): number {
    return this.loads.size;
  }
}
