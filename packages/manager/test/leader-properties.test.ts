// Properties of orchestration + scheduling together, on random clusters: once they reach a
// fixpoint (agents running what they are given), every replicated service has exactly
// `replicas` live tasks, any of them still pending is one no node has room for, global
// services run on exactly their eligible nodes, no node holds more than its resources, and no
// two live tasks on a node share a port. Then random events (nodes going down, draining,
// coming back; tasks failing; scaling) and the same again.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFinalState, matchesConstraints, type NodeObject, type ServiceSpecInput, type TaskObject } from '@shoal/store';
import { isLive } from '../src/leader/task-lifecycle.js';
import { CPU, GIB, TestCluster } from './test-cluster.js';

const zone = fc.constantFrom('a', 'b', 'c', undefined);

const nodeArb = fc.record({
  cpus: fc.integer({ min: 1, max: 8 }),
  gib: fc.integer({ min: 1, max: 8 }),
  zone,
  runtime: fc.constantFrom('process', 'process', 'docker'),
  availability: fc.constantFrom('active', 'active', 'active', 'pause', 'drain'),
  ready: fc.constantFrom(true, true, true, true, false),
});

const serviceArb = fc.record({
  global: fc.constantFrom(false, false, false, true),
  replicas: fc.integer({ min: 0, max: 12 }),
  cpuTenths: fc.constantFrom(0, 0, 5, 10, 20),
  memMib: fc.constantFrom(0, 0, 256, 1024),
  constraint: fc.option(fc.constantFrom('node.labels.zone==a', 'node.labels.zone!=b', 'node.role==worker'), { nil: undefined }),
  spread: fc.boolean(),
  maxPerNode: fc.constantFrom(0, 0, 1, 2),
  runtime: fc.constantFrom('', '', 'process', 'docker'),
});

const eventArb = fc.oneof(
  fc.record({ kind: fc.constant('down' as const), node: fc.nat() }),
  fc.record({ kind: fc.constant('ready' as const), node: fc.nat() }),
  fc.record({ kind: fc.constant('drain' as const), node: fc.nat() }),
  fc.record({ kind: fc.constant('activate' as const), node: fc.nat() }),
  fc.record({ kind: fc.constant('fail' as const), task: fc.nat() }),
  fc.record({ kind: fc.constant('scale' as const), service: fc.nat(), replicas: fc.integer({ min: 0, max: 12 }) }),
);

type Gen<A> = A extends fc.Arbitrary<infer T> ? T : never;
type NodeGen = Gen<typeof nodeArb>;
type ServiceGen = Gen<typeof serviceArb>;
type EventGen = Gen<typeof eventArb>;

function build(nodes: NodeGen[], services: ServiceGen[]): TestCluster {
  const c = new TestCluster();
  nodes.forEach((n, i) =>
    c.addNode(`w${i}`, {
      resources: { nanoCpus: n.cpus * CPU, memoryBytes: n.gib * GIB },
      labels: n.zone ? { zone: n.zone } : {},
      runtime: n.runtime as 'process' | 'docker',
      availability: n.availability as 'active' | 'pause' | 'drain',
      status: { state: n.ready ? 'ready' : 'down', message: '' },
    }),
  );
  services.forEach((s, i) => {
    const input: ServiceSpecInput = {
      mode: s.global ? 'global' : 'replicated',
      replicas: s.global ? 0 : s.replicas,
      task: {
        runtime: s.runtime as '' | 'process' | 'docker',
        ...(s.runtime === 'docker' ? { image: 'app', command: [] } : {}),
        restartPolicy: { condition: 'any', delayMs: 0, maxAttempts: 0, windowMs: 0 },
        resources: { reservations: { nanoCpus: (s.cpuTenths * CPU) / 10, memoryBytes: s.memMib << 20 } },
        placement: {
          constraints: s.constraint ? [s.constraint] : [],
          preferences: s.spread ? [{ spread: 'node.labels.zone' }] : [],
          maxReplicasPerNode: s.global ? 0 : s.maxPerNode,
        },
      },
    };
    c.createService(`s${i}`, input);
  });
  return c;
}

function fits(node: NodeObject, t: TaskObject, liveOnNode: TaskObject[]): boolean {
  const spec = t.spec;
  if (node.status.state !== 'ready' || node.availability !== 'active') return false;
  if (spec.runtime !== '' && node.runtime !== spec.runtime) return false;
  if (!matchesConstraints(node, spec.placement.constraints).ok) return false;
  const max = spec.placement.maxReplicasPerNode;
  if (max > 0 && liveOnNode.filter((x) => x.serviceId === t.serviceId).length >= max) return false;
  const cpu = liveOnNode.reduce((s, x) => s + x.spec.resources.reservations.nanoCpus, 0);
  const mem = liveOnNode.reduce((s, x) => s + x.spec.resources.reservations.memoryBytes, 0);
  if (spec.resources.reservations.nanoCpus > 0 && cpu + spec.resources.reservations.nanoCpus > node.resources.nanoCpus) return false;
  if (spec.resources.reservations.memoryBytes > 0 && mem + spec.resources.reservations.memoryBytes > node.resources.memoryBytes) return false;
  return true;
}

function checkInvariants(c: TestCluster): void {
  const nodes = c.store.nodes();
  const live = c.store.tasks().filter(isLive);
  const liveOn = new Map<string, TaskObject[]>();
  for (const t of live) if (t.nodeId !== '') liveOn.set(t.nodeId, [...(liveOn.get(t.nodeId) ?? []), t]);

  for (const s of c.store.services()) {
    const mine = live.filter((t) => t.serviceId === s.id);
    if (s.spec.mode === 'replicated') {
      const max = s.spec.task.placement.maxReplicasPerNode;
      if (max > 0) for (const on of liveOn.values()) expect(on.filter((t) => t.serviceId === s.id).length).toBeLessThanOrEqual(max);
      // Exactly one live task per slot 1..replicas.
      expect(mine.map((t) => t.slot).sort((a, b) => a - b)).toEqual(Array.from({ length: s.spec.replicas }, (_, i) => i + 1));
      // Anything left pending is something no node has room for, and says why.
      for (const t of mine.filter((x) => x.nodeId === '')) {
        expect(t.status.message).not.toBe('');
        for (const n of nodes) expect(fits(n, t, liveOn.get(n.id) ?? []), `${t.name} fits on ${n.name}: ${t.status.message}\n${c.describe()}`).toBe(false);
      }
    } else {
      const eligible = nodes
        .filter((n) => n.status.state === 'ready' && n.availability === 'active')
        .filter((n) => s.spec.task.runtime === '' || n.runtime === s.spec.task.runtime)
        .filter((n) => matchesConstraints(n, s.spec.task.placement.constraints).ok)
        .map((n) => n.id)
        .sort();
      const on = mine.map((t) => t.nodeId);
      expect(new Set(on).size).toBe(on.length);
      // Eligible nodes all have one unless it does not fit; a paused node may keep the one it had.
      for (const id of eligible) {
        const node = c.store.getNode(id) as NodeObject;
        if (!on.includes(id)) expect(fits(node, { spec: s.spec.task, serviceId: s.id } as TaskObject, liveOn.get(id) ?? [])).toBe(false);
      }
      for (const id of on) {
        const n = c.store.getNode(id);
        expect(n && n.status.state !== 'down' && n.availability !== 'drain').toBe(true);
      }
    }
  }

  for (const n of nodes) {
    const on = liveOn.get(n.id) ?? [];
    const cpu = on.reduce((s, t) => s + t.spec.resources.reservations.nanoCpus, 0);
    const mem = on.reduce((s, t) => s + t.spec.resources.reservations.memoryBytes, 0);
    expect(cpu).toBeLessThanOrEqual(n.resources.nanoCpus);
    expect(mem).toBeLessThanOrEqual(n.resources.memoryBytes);
    const ports = c.store
      .tasks()
      .filter((t) => t.nodeId === n.id && t.port !== 0 && !isFinalState(t.status.state))
      .map((t) => t.port);
    expect(new Set(ports).size).toBe(ports.length);
    // On a down node nothing is live.
    if (n.status.state === 'down') expect(on).toEqual([]);
  }
}

function applyEvent(c: TestCluster, e: EventGen): void {
  const workers = c.store.nodes().filter((n) => n.role === 'worker');
  const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
  switch (e.kind) {
    case 'down':
    case 'ready':
    case 'drain':
    case 'activate': {
      const n = pick(workers, e.node);
      if (!n) return;
      if (e.kind === 'down') c.nodeDown(n.name);
      if (e.kind === 'ready') c.nodeReady(n.name);
      if (e.kind === 'drain') c.updateNode(n.name, { availability: 'drain' });
      if (e.kind === 'activate') c.updateNode(n.name, { availability: 'active' });
      return;
    }
    case 'fail': {
      const t = pick(
        c.store.tasks().filter((x) => isLive(x) && x.nodeId !== ''),
        e.task,
      );
      if (t) c.report(t, { state: 'failed', exitCode: 1 });
      return;
    }
    case 'scale': {
      const s = pick(
        c.store.services().filter((x) => x.spec.mode === 'replicated'),
        e.service,
      );
      if (s) c.updateService(s.name, { replicas: e.replicas });
      return;
    }
  }
}

describe('orchestration + scheduling reach a correct fixpoint', () => {
  it('on random clusters, and again after random events', () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 1, maxLength: 7 }),
        fc.array(serviceArb, { minLength: 1, maxLength: 5 }),
        fc.array(eventArb, { maxLength: 8 }),
        (nodes, services, events) => {
          const c = build(nodes, services);
          c.converge();
          checkInvariants(c);
          for (const e of events) {
            applyEvent(c, e);
            c.advance(1_000);
            c.converge();
            checkInvariants(c);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
