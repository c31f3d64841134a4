// The store against a model: random sequences of node, service and task commands applied to the
// real store and to a few plain maps written from the commands' documented rules must agree on
// what is refused (and with which code) and on the observable state after every step. A
// snapshot/restore in the middle of a sequence must change nothing, and the same commands must
// give the same snapshot bytes.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClusterStore, normalizeServiceSpec, type Command, type NewNode, type NodePatch, type ServiceSpec, type StoreErrorCode } from '@shoal/store';
import { FIRST_ID, T0, idOf, newStore, text } from './fixtures.js';

// ---- generators: small pools, so ids, names and ports collide often ----------------------

const NODE_IDS = [FIRST_ID, idOf('n1'), idOf('n2'), idOf('n3')];
const NODE_NAMES = ['mgr1', 'n1', 'N1', 'n2'];
const SERVICE_IDS = [idOf('sa'), idOf('sb'), idOf('sc')];
const TASK_IDS = ['t1', 't2', 't3', 't4', 't5', 't6'].map(idOf);
const LABEL_KEYS = ['zone', 'disk', 'rack'];

const port = (published: number) => ({ published, target: 80 });
const SPECS: ServiceSpec[] = [
  normalizeServiceSpec({ name: 'web', replicas: 2, task: { runtime: 'process', command: ['node', 'a.js'] }, ports: [port(8080)] }),
  normalizeServiceSpec({ name: 'web', replicas: 1, task: { runtime: 'process', command: ['node', 'b.js'] } }),
  normalizeServiceSpec({ name: 'Web', replicas: 3, task: { image: 'nginx' }, ports: [port(9000)] }),
  normalizeServiceSpec({ name: 'api', replicas: 2, task: { image: 'api:1' }, ports: [port(8080), port(8081)] }),
  normalizeServiceSpec({ name: 'api', replicas: 0, task: { image: 'api:2' } }),
  normalizeServiceSpec({ name: 'glob', mode: 'global', task: { runtime: 'simulated', command: ['x'] } }),
];

const atArb = fc.nat(100_000).map((s) => new Date(Date.parse(T0) + s * 1000).toISOString());
const versionArb = fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined, freq: 3 });
const withVersion = <T extends object>(c: T, expectedVersion: number | undefined): T => (expectedVersion === undefined ? c : { ...c, expectedVersion });

const newNodeArb: fc.Arbitrary<NewNode> = fc
  .record({
    id: fc.constantFrom(...NODE_IDS),
    name: fc.constantFrom(...NODE_NAMES),
    role: fc.constantFrom('manager' as const, 'worker' as const),
    availability: fc.constantFrom('active' as const, 'drain' as const),
    labels: fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.constantFrom('a', 'b'), { maxKeys: 2 }),
    voter: fc.boolean(),
  })
  .map(({ voter, ...n }) => ({
    ...n,
    hostname: 'h',
    status: { state: 'ready' as const, message: '' },
    addr: '127.0.0.1:1',
    resources: { nanoCpus: 1, memoryBytes: 1 },
    ...(voter && n.role === 'manager' ? { raftRole: 'voter' as const } : {}),
  }));

const nodePatchArb: fc.Arbitrary<NodePatch> = fc
  .record(
    {
      name: fc.constantFrom(...NODE_NAMES),
      role: fc.constantFrom('manager' as const, 'worker' as const),
      availability: fc.constantFrom('active' as const, 'pause' as const),
      addLabels: fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.constantFrom('a', 'c'), { maxKeys: 2 }),
      removeLabels: fc.uniqueArray(fc.constantFrom(...LABEL_KEYS), { maxLength: 2 }),
      raftRole: fc.constantFrom('voter' as const, 'learner' as const, null),
    },
    { requiredKeys: [] },
  )
  .map((p) => {
    const removeLabels = p.removeLabels?.filter((k) => !(p.addLabels && k in p.addLabels));
    const out: NodePatch = { ...p, ...(removeLabels ? { removeLabels } : {}) };
    return Object.keys(out).length > 0 ? out : { availability: 'drain' };
  });

const taskCreateArb = fc
  .record(
    {
      id: fc.constantFrom(...TASK_IDS),
      serviceId: fc.constantFrom(...SERVICE_IDS),
      slot: fc.integer({ min: 0, max: 3 }),
      nodeId: fc.constantFrom(...NODE_IDS),
      port: fc.constantFrom(0, 30000, 30001),
    },
    { requiredKeys: ['id', 'serviceId', 'slot'] },
  )
  .map(({ port: p, ...t }) => (t.nodeId !== undefined && p !== undefined ? { ...t, port: p } : t));

const taskUpdateArb = fc.record({
  id: fc.constantFrom(...TASK_IDS),
  patch: fc.oneof(
    fc.record({ nodeId: fc.constantFrom(...NODE_IDS), port: fc.constantFrom(0, 30000, 30001) }, { requiredKeys: ['nodeId'] }),
    fc.record({ desiredState: fc.constantFrom('running' as const, 'shutdown' as const) }),
  ),
});

/** A command, or "restore": replace the store by one restored from its snapshot. */
type Step = Command | 'restore';

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('node.add' as const), at: atArb, node: newNodeArb }), weight: 3 },
  {
    arbitrary: fc
      .record({ type: fc.constant('node.update' as const), at: atArb, id: fc.constantFrom(...NODE_IDS), patch: nodePatchArb, v: versionArb })
      .map(({ v, ...c }) => withVersion(c, v)),
    weight: 3,
  },
  fc.record({ type: fc.constant('node.remove' as const), at: atArb, id: fc.constantFrom(...NODE_IDS) }),
  {
    arbitrary: fc.record({
      type: fc.constant('service.create' as const),
      at: atArb,
      service: fc.record({ id: fc.constantFrom(...SERVICE_IDS), spec: fc.constantFrom(...SPECS) }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc
      .record({
        type: fc.constant('service.update' as const),
        at: atArb,
        id: fc.constantFrom(...SERVICE_IDS),
        spec: fc.constantFrom(...SPECS),
        keepPrevious: fc.boolean(),
        v: versionArb,
      })
      .map(({ v, ...c }) => withVersion(c, v)),
    weight: 2,
  },
  fc.record({ type: fc.constant('service.remove' as const), at: atArb, id: fc.constantFrom(...SERVICE_IDS) }),
  {
    arbitrary: fc
      .record({
        type: fc.constant('tasks.apply' as const),
        at: atArb,
        creates: fc.array(taskCreateArb, { maxLength: 3 }),
        updates: fc.array(taskUpdateArb, { maxLength: 3 }),
        removes: fc.array(fc.constantFrom(...TASK_IDS), { maxLength: 2 }),
      })
      .filter((c) => c.creates.length + c.updates.length + c.removes.length > 0),
    weight: 5,
  },
  fc.record({ type: fc.constant('noop' as const), at: atArb }),
  fc.constant('restore' as const),
);

const stepsArb = fc.array(stepArb, { minLength: 1, maxLength: 50, size: 'max' });

// ---- the model ------------------------------------------------------------------------

interface ModelNode {
  name: string;
  role: 'manager' | 'worker';
  availability: string;
  labels: Record<string, string>;
  raftRole?: 'voter' | 'learner';
  version: number;
}
interface ModelService {
  spec: ServiceSpec;
  previousSpec: ServiceSpec | null;
  version: number;
}
interface ModelTask {
  serviceId: string;
  slot: number;
  nodeId: string;
  port: number;
  desiredState: 'running' | 'shutdown';
  state: 'pending' | 'assigned';
  version: number;
}

/** The outcome of one command: refused with a code, or applied (tasks.apply: the failed items' codes). */
type Outcome = { refused: StoreErrorCode } | { failed: [string, StoreErrorCode][] } | 'ok';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const nameKey = (s: string) => s.toLowerCase();

class Model {
  nodes = new Map<string, ModelNode>([[FIRST_ID, { name: 'mgr1', role: 'manager', availability: 'active', labels: {}, raftRole: 'voter', version: 1 }]]);
  services = new Map<string, ModelService>();
  tasks = new Map<string, ModelTask>();

  apply(cmd: Command, index: number): Outcome {
    switch (cmd.type) {
      case 'node.add': {
        const n = cmd.node;
        if (this.nodes.has(n.id)) return { refused: 'ALREADY_EXISTS' };
        if (this.nodeNameTaken(n.name, n.id)) return { refused: 'NAME_TAKEN' };
        this.nodes.set(n.id, { name: n.name, role: n.role, availability: n.availability, labels: { ...n.labels }, raftRole: n.raftRole, version: index });
        return 'ok';
      }
      case 'node.update': {
        const n = this.nodes.get(cmd.id);
        if (!n) return { refused: 'NOT_FOUND' };
        if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== n.version) return { refused: 'UPDATE_OUT_OF_SEQUENCE' };
        const p = cmd.patch;
        const role = p.role ?? n.role;
        // Demotion drops raftRole; null clears it; a worker may not have one.
        const raftRole = p.raftRole === undefined ? (role === 'manager' ? n.raftRole : undefined) : (p.raftRole ?? undefined);
        if (raftRole !== undefined && role !== 'manager') return { refused: 'INVALID_ARGUMENT' };
        const labels = { ...n.labels };
        for (const k of p.removeLabels ?? []) delete labels[k];
        Object.assign(labels, p.addLabels ?? {});
        const name = p.name ?? n.name;
        if (this.nodeNameTaken(name, cmd.id)) return { refused: 'NAME_TAKEN' };
        this.nodes.set(cmd.id, { name, role, availability: p.availability ?? n.availability, labels, raftRole, version: index });
        return 'ok';
      }
      case 'node.remove':
        if (!this.nodes.delete(cmd.id)) return { refused: 'NOT_FOUND' };
        return 'ok';
      case 'service.create': {
        const { id, spec } = cmd.service;
        if (this.services.has(id)) return { refused: 'ALREADY_EXISTS' };
        if ([...this.services.values()].some((s) => nameKey(s.spec.name) === nameKey(spec.name))) return { refused: 'NAME_TAKEN' };
        if (this.portClash(spec, id)) return { refused: 'PORT_IN_USE' };
        this.services.set(id, { spec, previousSpec: null, version: index });
        return 'ok';
      }
      case 'service.update': {
        const s = this.services.get(cmd.id);
        if (!s) return { refused: 'NOT_FOUND' };
        if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== s.version) return { refused: 'UPDATE_OUT_OF_SEQUENCE' };
        if (cmd.spec.name !== s.spec.name || cmd.spec.mode !== s.spec.mode) return { refused: 'INVALID_ARGUMENT' };
        if (this.portClash(cmd.spec, cmd.id)) return { refused: 'PORT_IN_USE' };
        const keep = cmd.keepPrevious === true || same(cmd.spec, s.spec);
        this.services.set(cmd.id, { spec: cmd.spec, previousSpec: keep ? s.previousSpec : s.spec, version: index });
        return 'ok';
      }
      case 'service.remove': {
        if (!this.services.delete(cmd.id)) return { refused: 'NOT_FOUND' };
        for (const t of this.tasks.values()) {
          if (t.serviceId === cmd.id && t.desiredState === 'running') Object.assign(t, { desiredState: 'shutdown', version: index });
        }
        return 'ok';
      }
      case 'tasks.apply': {
        const failed: [string, StoreErrorCode][] = [];
        const item = (id: string, code: StoreErrorCode | undefined) => code && failed.push([id, code]);
        for (const t of cmd.creates) item(t.id, this.createTask(t, index));
        for (const u of cmd.updates)
          item(u.id, this.updateTask(u.id, u.patch as { nodeId?: string; port?: number; desiredState?: 'running' | 'shutdown' }, index));
        for (const id of cmd.removes) item(id, this.removeTask(id));
        return { failed };
      }
      case 'noop':
        return 'ok';
      default:
        throw new Error(`the model does not know ${cmd.type}`);
    }
  }

  private nodeNameTaken(name: string, id: string): boolean {
    return [...this.nodes].some(([other, n]) => other !== id && nameKey(n.name) === nameKey(name));
  }

  private portClash(spec: ServiceSpec, id: string): boolean {
    const wanted = new Set(spec.ports.map((p) => p.published));
    return [...this.services].some(([other, s]) => other !== id && s.spec.ports.some((p) => wanted.has(p.published)));
  }

  private nodePortHeld(nodeId: string, port: number, taskId: string): boolean {
    return port !== 0 && [...this.tasks].some(([id, t]) => id !== taskId && t.nodeId === nodeId && t.port === port);
  }

  private createTask(t: { id: string; serviceId: string; slot: number; nodeId?: string; port?: number }, index: number): StoreErrorCode | undefined {
    const s = this.services.get(t.serviceId);
    if (!s) return 'NOT_FOUND';
    if (s.spec.mode === 'replicated' && (t.slot < 1 || t.slot > s.spec.replicas)) return 'INVALID_ARGUMENT';
    if (s.spec.mode === 'global' && (t.slot !== 0 || t.nodeId === undefined)) return 'INVALID_ARGUMENT';
    if (t.nodeId !== undefined && !this.nodes.has(t.nodeId)) return 'NOT_FOUND';
    if (this.tasks.has(t.id)) return 'ALREADY_EXISTS';
    if (t.nodeId !== undefined && this.nodePortHeld(t.nodeId, t.port ?? 0, t.id)) return 'PORT_IN_USE';
    this.tasks.set(t.id, {
      serviceId: t.serviceId,
      slot: t.slot,
      nodeId: t.nodeId ?? '',
      port: t.port ?? 0,
      desiredState: 'running',
      state: t.nodeId === undefined ? 'pending' : 'assigned',
      version: index,
    });
    return undefined;
  }

  private updateTask(id: string, patch: { nodeId?: string; port?: number; desiredState?: 'running' | 'shutdown' }, index: number): StoreErrorCode | undefined {
    const t = this.tasks.get(id);
    if (!t) return 'NOT_FOUND';
    let { desiredState } = t;
    if (patch.desiredState !== undefined && patch.desiredState !== desiredState) {
      if (patch.desiredState === 'running') return 'INVALID_ARGUMENT'; // desired state only moves to shutdown
      desiredState = patch.desiredState;
    }
    if (patch.nodeId !== undefined) {
      if (t.state !== 'pending') return 'UPDATE_OUT_OF_SEQUENCE'; // assigned already
      if (desiredState === 'shutdown') return 'UPDATE_OUT_OF_SEQUENCE';
      if (!this.nodes.has(patch.nodeId)) return 'NOT_FOUND';
      if (this.nodePortHeld(patch.nodeId, patch.port ?? 0, id)) return 'PORT_IN_USE';
      Object.assign(t, { nodeId: patch.nodeId, port: patch.port ?? 0, state: 'assigned', desiredState, version: index });
      return undefined;
    }
    if (desiredState !== t.desiredState) Object.assign(t, { desiredState, version: index }); // else a resend: nothing changes
    return undefined;
  }

  private removeTask(id: string): StoreErrorCode | undefined {
    const t = this.tasks.get(id);
    if (!t) return 'NOT_FOUND';
    if (t.state === 'assigned') return 'INVALID_ARGUMENT'; // still on its node: shut down first
    this.tasks.delete(id);
    return undefined;
  }
}

// ---- comparing ------------------------------------------------------------------------

function outcomeOf(r: ReturnType<ClusterStore['apply']>, cmd: Command): Outcome {
  if (!r.ok) return { refused: r.error.code };
  if (cmd.type === 'tasks.apply') return { failed: (r.value as { failed: { id: string; code: StoreErrorCode }[] }).failed.map((f) => [f.id, f.code]) };
  return 'ok';
}

function observed(s: ClusterStore) {
  return {
    nodes: Object.fromEntries(
      s.nodes().map((n) => [n.id, { name: n.name, role: n.role, availability: n.availability, labels: n.labels, raftRole: n.raftRole, version: n.version }]),
    ),
    services: Object.fromEntries(s.services().map((x) => [x.id, { spec: x.spec, previousSpec: x.previousSpec, version: x.version }])),
    tasks: Object.fromEntries(
      s
        .tasks()
        .map((t) => [
          t.id,
          { serviceId: t.serviceId, slot: t.slot, nodeId: t.nodeId, port: t.port, desiredState: t.desiredState, state: t.status.state, version: t.version },
        ]),
    ),
  };
}

function modelView(m: Model) {
  const sorted = <T>(map: Map<string, T>, f: (v: T) => unknown) => Object.fromEntries([...map].map(([k, v]) => [k, f(v)]));
  return {
    nodes: sorted(m.nodes, (n) => ({ ...n, labels: n.labels })),
    services: sorted(m.services, (s) => s),
    tasks: sorted(m.tasks, (t) => t),
  };
}

/** Applies the steps to a store (restoring where a step says so); the outcomes and the final store. */
function run(steps: readonly Step[], check?: (store: ClusterStore, cmd: Command, outcome: Outcome, index: number) => void): ClusterStore {
  let store = newStore();
  let index = 1;
  for (const step of steps) {
    if (step === 'restore') {
      store = ClusterStore.restore(store.snapshot());
      continue;
    }
    index += 1;
    const r = store.apply(step, index);
    check?.(store, step, outcomeOf(r, step), index);
  }
  return store;
}

describe('property: the store agrees with a model of its commands', () => {
  it('same refusals (and codes), same observable state after every command, across mid-sequence restores', () => {
    fc.assert(
      fc.property(stepsArb, (steps) => {
        const model = new Model();
        run(steps, (store, cmd, outcome, index) => {
          const expected = model.apply(cmd, index);
          expect(outcome, `${cmd.type} at index ${index}\n${store.describe()}`).toEqual(expected);
          expect(JSON.parse(JSON.stringify(observed(store)))).toEqual(JSON.parse(JSON.stringify(modelView(model))));
        });
      }),
      { numRuns: 250 },
    );
  });

  it('deterministic: the same commands give byte-identical snapshots, with or without restores in between', () => {
    fc.assert(
      fc.property(stepsArb, (steps) => {
        const direct = run(steps.filter((s) => s !== 'restore'));
        const restored = run(steps);
        expect(text(restored.snapshot())).toBe(text(direct.snapshot()));
        expect(text(run(steps).snapshot())).toBe(text(restored.snapshot()));
      }),
      { numRuns: 150 },
    );
  });

  it('the sequences reach interesting states (guards the generators)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(stepsArb, (steps) => {
        const model = new Model();
        run(steps, (_store, cmd, outcome, index) => {
          model.apply(cmd, index);
          if (typeof outcome === 'object' && 'refused' in outcome) seen.add(`${cmd.type}:${outcome.refused}`);
          else seen.add(`${cmd.type}:ok`);
          for (const t of model.tasks.values()) seen.add(`task:${t.state}:${t.desiredState}`);
        });
      }),
      { numRuns: 100, seed: 12 },
    );
    for (const k of [
      'node.update:NAME_TAKEN',
      'node.update:UPDATE_OUT_OF_SEQUENCE',
      'service.create:PORT_IN_USE',
      'service.create:NAME_TAKEN',
      'service.update:INVALID_ARGUMENT',
      'service.update:ok',
      'task:assigned:shutdown',
      'task:pending:running',
    ]) {
      expect(seen, k).toContain(k);
    }
  });
});
