// A tiny cluster for the leader's planner tests: a real ClusterStore, commands applied
// directly with increasing indexes, a clock the test moves, deterministic ids, and "agents"
// that report what a worker would (assigned tasks start running, tasks to shut down stop).

import {
  ClusterStore,
  DEFAULT_CLUSTER_SETTINGS,
  isFinalState,
  normalizeServiceSpec,
  type ApplyResult,
  type ClusterObject,
  type Command,
  type NewNode,
  type NodeObject,
  type NodePatch,
  type ServiceObject,
  type ServiceSpecInput,
  type TaskObject,
  type TaskStatusReport,
} from '@shoal/store';
import { isLive } from '../src/leader/task-lifecycle.js';
import { planOrchestration } from '../src/leader/orchestrator/orchestration-plan.js';
import { planScheduling, type SchedulingPlan } from '../src/leader/scheduler/scheduling-plan.js';
import type { OrchestrationPlan } from '../src/leader/orchestrator/orchestration-plan.js';

export const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** Valid, readable, distinct-in-the-first-6-characters ids: "w1aaaa..." for names, counters for tasks. */
export const idOf = (label: string): string =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .padEnd(25, 'a')
    .slice(0, 25);

export const GIB = 1 << 30;
export const CPU = 1_000_000_000;

export function expectOk(r: ApplyResult): unknown {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

export class TestCluster {
  readonly store: ClusterStore;
  index = 1;
  now = T0;
  private nextId = 0;
  readonly newId = (): string => `${(++this.nextId).toString(36).padStart(6, '0')}${'t'.repeat(19)}`;

  constructor() {
    const cluster: ClusterObject = {
      id: idOf('cluster'),
      name: 'default',
      createdAt: iso(T0),
      version: 1,
      tokens: { worker: 'workersecret0000000000', manager: 'managersecret000000000' },
      ca: { certPem: 'cert', keyPem: 'key' },
      settings: DEFAULT_CLUSTER_SETTINGS,
    };
    // The first manager runs no agent and is drained, so tests decide alone which nodes run tasks.
    const mgr: NodeObject = {
      ...newNode('mgr1', { role: 'manager', raftRole: 'voter', availability: 'drain', runtime: '' }),
      version: 1,
      createdAt: iso(T0),
      updatedAt: iso(T0),
    };
    this.store = ClusterStore.restore(ClusterStore.initial(cluster, mgr));
  }

  get at(): string {
    return iso(this.now);
  }

  advance(ms: number): void {
    this.now += ms;
  }

  apply(cmd: Command): unknown {
    return expectOk(this.store.apply(cmd, ++this.index));
  }

  addNode(name: string, o: Partial<NewNode> = {}): NodeObject {
    this.apply({ type: 'node.add', at: this.at, node: newNode(name, o) });
    return this.node(name);
  }

  node(name: string): NodeObject {
    return this.store.findNode(name);
  }

  updateNode(name: string, patch: NodePatch): void {
    this.apply({ type: 'node.update', at: this.at, id: this.node(name).id, patch });
  }

  nodeDown(name: string): void {
    this.updateNode(name, { status: { state: 'down', message: 'test' } });
  }

  nodeReady(name: string): void {
    this.updateNode(name, { status: { state: 'ready', message: '' } });
  }

  createService(name: string, input: ServiceSpecInput = {}): ServiceObject {
    const spec = normalizeServiceSpec({ name, ...input, task: { command: ['run'], ...input.task } });
    this.apply({ type: 'service.create', at: this.at, service: { id: idOf(`svc${name}`), spec } });
    return this.service(name);
  }

  service(name: string): ServiceObject {
    return this.store.findService(name);
  }

  updateService(name: string, input: ServiceSpecInput): void {
    const s = this.service(name);
    this.apply({ type: 'service.update', at: this.at, id: s.id, spec: normalizeServiceSpec(input, s.spec) });
  }

  removeService(name: string): void {
    this.apply({ type: 'service.remove', at: this.at, id: this.service(name).id });
  }

  tasks(service?: string): readonly TaskObject[] {
    return service === undefined ? this.store.tasks() : this.store.tasksOfService(this.service(service).id);
  }

  live(service?: string): TaskObject[] {
    return this.tasks(service).filter(isLive);
  }

  /** Live tasks per node name (unassigned under ''). */
  spread(service?: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.live(service)) {
      const key = t.nodeId === '' ? '' : (this.store.getNode(t.nodeId)?.name ?? t.nodeId);
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  report(task: TaskObject | string, report: TaskStatusReport): void {
    const id = typeof task === 'string' ? task : task.id;
    this.apply({ type: 'tasks.apply', at: this.at, creates: [], updates: [{ id, patch: { status: report } }], removes: [] });
  }

  orchestrate(): OrchestrationPlan {
    const plan = planOrchestration(this.store, this.now, { newId: this.newId });
    for (const cmd of plan.commands) this.apply(cmd);
    return plan;
  }

  schedule(): SchedulingPlan {
    const plan = planScheduling(this.store, this.now);
    for (const cmd of plan.commands) this.apply(cmd);
    return plan;
  }

  /**
   * What the workers would do: tasks assigned to a ready node start running; tasks to shut
   * down on a ready node stop. Nodes that are down report nothing.
   */
  runAgents(): void {
    const updates = [];
    for (const t of this.store.tasks()) {
      if (t.nodeId === '' || isFinalState(t.status.state)) continue;
      if (this.store.getNode(t.nodeId)?.status.state !== 'ready') continue;
      if (t.desiredState === 'shutdown') updates.push({ id: t.id, patch: { status: { state: 'shutdown' as const } } });
      else if (t.status.state !== 'running') updates.push({ id: t.id, patch: { status: { state: 'running' as const } } });
    }
    if (updates.length > 0) this.apply({ type: 'tasks.apply', at: this.at, creates: [], updates, removes: [] });
  }

  /** Orchestrates, schedules and runs agents until nothing changes. */
  converge(o: { agents?: boolean; rounds?: number } = {}): number {
    const agents = o.agents ?? true;
    for (let round = 1; round <= (o.rounds ?? 50); round++) {
      const before = this.index;
      this.orchestrate();
      this.schedule();
      if (agents) this.runAgents();
      if (this.index === before) return round;
    }
    throw new Error(`no fixpoint after ${o.rounds ?? 50} rounds:\n${this.describe()}`);
  }

  describe(): string {
    return this.store
      .tasks()
      .map(
        (t) =>
          `${t.name} ${t.desiredState}/${t.status.state} node=${this.store.getNode(t.nodeId)?.name ?? '-'} port=${t.port} attempt=${t.attempt} "${t.status.message}"`,
      )
      .join('\n');
  }
}

export function newNode(name: string, o: Partial<NewNode> = {}): NewNode {
  return {
    id: idOf(name),
    name,
    hostname: `${name}.local`,
    role: 'worker',
    availability: 'active',
    status: { state: 'ready', message: '' },
    addr: '',
    labels: {},
    resources: { nanoCpus: 4 * CPU, memoryBytes: 8 * GIB },
    runtime: 'process',
    ...o,
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
