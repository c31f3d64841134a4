// Small builders shared by the store tests: valid objects with readable overrides, and a
// store initialized the way a new cluster's Raft group is (from ClusterStore.initial).

import {
  ClusterStore,
  DEFAULT_CLUSTER_SETTINGS,
  normalizeServiceSpec,
  type ApplyResult,
  type ClusterObject,
  type NewNode,
  type NodeObject,
  type ServiceSpec,
  type TasksApplyCommand,
  type TasksApplyResult,
} from '@shoal/store';

/** Deterministic, valid ids that read well in failures: "node1aaaaaaaaaaaaaaaaaaaa". */
export const idOf = (label: string): string =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .padEnd(25, 'a')
    .slice(0, 25);

export const CLUSTER_ID = idOf('cluster');
export const FIRST_ID = idOf('mgr1');
export const T0 = '2025-01-01T00:00:00.000Z';

/** The n-th second after T0, as a command's `at`. */
export const at = (n: number): string => new Date(Date.parse(T0) + n * 1000).toISOString();

export function newNode(name: string, overrides: Partial<NewNode> = {}): NewNode {
  return {
    id: idOf(name),
    name,
    hostname: `${name}.local`,
    role: 'worker',
    availability: 'active',
    status: { state: 'ready', message: '' },
    addr: '127.0.0.1:0',
    labels: {},
    resources: { nanoCpus: 2_000_000_000, memoryBytes: 1 << 30 },
    runtime: '',
    ...overrides,
  };
}

export function clusterObject(overrides: Partial<ClusterObject> = {}): ClusterObject {
  return {
    id: CLUSTER_ID,
    name: 'default',
    createdAt: T0,
    version: 1,
    tokens: { worker: 'workersecret0000000000', manager: 'managersecret000000000' },
    ca: {
      certPem: '-----BEGIN CERTIFICATE-----\nMII...\n-----END CERTIFICATE-----\n',
      keyPem: '-----BEGIN PRIVATE KEY-----\nMII...\n-----END PRIVATE KEY-----\n',
    },
    settings: DEFAULT_CLUSTER_SETTINGS,
    ...overrides,
  };
}

export function firstManager(): NodeObject {
  return {
    ...newNode('mgr1', { id: FIRST_ID, role: 'manager', raftRole: 'voter', addr: '127.0.0.1:4242' }),
    version: 1,
    createdAt: T0,
    updatedAt: T0,
  };
}

/** A store as a brand-new cluster has it: cluster + first manager at index 1. */
export function newStore(): ClusterStore {
  return ClusterStore.restore(ClusterStore.initial(clusterObject(), firstManager()));
}

export function expectOk(r: ApplyResult): unknown {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A complete, valid replicated spec (process runtime) with readable overrides. */
export function serviceSpec(name: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return normalizeServiceSpec({ name, replicas: 2, task: { runtime: 'process', command: ['node', 'server.js'] }, ...overrides });
}

/** A store with the first manager, workers w1 and w2, and the given services created (index 2, 3, ...). */
export function storeWithServices(...specs: ServiceSpec[]): ClusterStore {
  const s = newStore();
  let index = 1;
  for (const name of ['w1', 'w2']) expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode(name) }, ++index));
  for (const spec of specs) expectOk(s.apply({ type: 'service.create', at: at(2), service: { id: idOf(`svc${spec.name}`), spec } }, ++index));
  return s;
}

/** The service id storeWithServices gives a spec named `name`. */
export const serviceId = (name: string): string => idOf(`svc${name}`);

/** Applies a tasks.apply and returns its `failed` list (the command itself must apply). */
export function applyTasks(s: ClusterStore, index: number, batch: Partial<Omit<TasksApplyCommand, 'type'>>): TasksApplyResult['failed'] {
  const value = expectOk(
    s.apply(
      { type: 'tasks.apply', at: batch.at ?? at(index), creates: batch.creates ?? [], updates: batch.updates ?? [], removes: batch.removes ?? [] },
      index,
    ),
  );
  return (value as TasksApplyResult).failed;
}
