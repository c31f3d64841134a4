// Specs and tasks through their wire messages and back, encoded and decoded as gRPC does: a
// complete spec comes back equal, a partial one comes back with exactly the fields that were
// set, and the leader's validation says what it said when specs travelled as JSON.

import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { normalizeServiceSpec, seal, type TaskObject } from '@shoal/store';
import { describe, expect, it } from 'vitest';
import {
  assignedTaskFromWire,
  assignedTaskToWire,
  controlProto,
  dispatcherProto,
  serviceSpecFromWire,
  serviceSpecInputFromWire,
  serviceSpecToWire,
  updateStatusToWire,
  type WireAssignedTask,
  type WireServiceSpec,
} from '../src/index.js';

/** `value` encoded as the named message and decoded again, with the wire's loader options. */
function through<T>(type: unknown, value: object): T {
  const t = type as MessageTypeDefinition<object, T>;
  return t.deserialize(t.serialize(value));
}

function specThroughWire(spec: WireServiceSpec) {
  return through<{ spec: Parameters<typeof serviceSpecFromWire>[0] }>(controlProto().CreateServiceRequest, { spec }).spec;
}

const FULL = normalizeServiceSpec({
  name: 'web',
  replicas: 3,
  task: {
    runtime: 'process',
    command: ['node', 'server.js'],
    env: { A: '1', B: '' },
    workdir: '/srv',
    resources: { reservations: { nanoCpus: 500_000_000, memoryBytes: 64 << 20 }, limits: { nanoCpus: 0, memoryBytes: 2 ** 40 } },
    placement: { constraints: ['node.labels.zone==a'], preferences: [{ spread: 'node.labels.zone' }], maxReplicasPerNode: 2 },
    restartPolicy: { condition: 'on-failure', delayMs: 1_000 },
    healthCheck: { test: { kind: 'http', path: '/health', port: 0 }, retries: 5 },
    forceUpdate: 3,
    drainMs: 1500,
  },
  ports: [{ published: 8080, target: 80 }],
  update: { maxFailureRatio: 0.25, order: 'start-first' },
  labels: { team: 'a' },
});

describe('service specs on the wire', () => {
  it('a complete spec comes back as the store holds it', () => {
    expect(serviceSpecFromWire(specThroughWire(serviceSpecToWire(FULL)))).toEqual(seal(FULL));
    const none = normalizeServiceSpec({ name: 'plain', task: { image: 'nginx' } });
    expect(none.task.healthCheck).toBeNull();
    expect(serviceSpecFromWire(specThroughWire(serviceSpecToWire(none)))).toEqual(seal(none));
  });

  it('a partial spec comes back with exactly the fields that were set', () => {
    const partial = { name: 'x', replicas: -1, ports: [], task: { healthCheck: null, env: {}, command: [] }, update: { parallelism: 0 } } as const;
    expect(serviceSpecInputFromWire(specThroughWire(serviceSpecToWire(partial)))).toEqual(partial);
    expect(serviceSpecInputFromWire(specThroughWire(serviceSpecToWire({ labels: { round: '6' } })))).toEqual({ labels: { round: '6' } });
    expect(serviceSpecInputFromWire(specThroughWire(serviceSpecToWire({ task: { drainMs: 0 } })))).toEqual({ task: { drainMs: 0 } });
  });

  it("the leader's refusals name the field as they did", () => {
    const leader = (spec: Record<string, unknown>) => () => normalizeServiceSpec(serviceSpecInputFromWire(specThroughWire(serviceSpecToWire(spec))));
    const task = { runtime: 'process', command: ['x'] };
    expect(leader({ name: 'neg', replicas: -1, task })).toThrow('invalid service spec: spec.replicas must be an integer from 0 to 10000 (got -1)');
    expect(leader({ name: 'p', task, ports: [{ published: 70_000 }] })).toThrow('spec.ports[0].published 70000 is not a port (1..65535)');
    expect(leader({ name: 'p', task, ports: [{ published: 80, target: 0 }] })).toThrow('spec.ports[0].target 0 is not a port (1..65535)');
    expect(leader({ name: 'h', task: { ...task, healthCheck: { test: { kind: 'cmd' } } } })).toThrow('spec.task.healthCheck.test.cmd is required');
    expect(leader({ name: 'nocmd', task: { runtime: 'process' } })).toThrow(/spec\.task\.command.*a process task needs a command/);
    expect(leader({ name: 'd', task: { ...task, drainMs: 400_000 } })).toThrow('spec.task.drainMs must be an integer from 0 to 300000 (got 400000)');
  });

  it('a field the wire has no place for is refused before sending, in the same words', () => {
    expect(() => serviceSpecToWire({ name: 'typo', task: { comand: ['y'] } } as never)).toThrow(
      /^invalid service spec: spec\.task\.comand is not a known field/,
    );
  });
});

describe('update status on the wire', () => {
  it('carries the store status with the counts the leader made; absent before any update', () => {
    const status = {
      state: 'paused',
      message: 'canary: …',
      startedAt: '2026-01-01T00:00:00.000Z',
      completedAt: '',
      canary: 2,
      countFrom: '2026-01-01T00:00:00.000Z',
    } as const;
    const wire = updateStatusToWire(status, { updated: 2, total: 6, failed: 0 });
    expect(through(controlProto().UpdateStatus, wire!)).toEqual({
      state: 'paused',
      message: 'canary: …',
      startedAt: '2026-01-01T00:00:00.000Z',
      completedAt: '',
      canary: 2,
      updated: 2,
      total: 6,
      failed: 0,
    });
    expect(updateStatusToWire(null, { updated: 0, total: 0, failed: 0 })).toBeUndefined();
  });

  it('a spec stored before forceUpdate existed reads as forceUpdate 0', () => {
    const { forceUpdate: _, ...old } = FULL.task;
    expect(serviceSpecFromWire(specThroughWire(serviceSpecToWire({ ...FULL, task: old } as never))).task.forceUpdate).toBe(0);
  });
});

describe('tasks on the wire', () => {
  const task: TaskObject = {
    id: 'abcdefabcdefabcdefabcdef1',
    name: 'web.1.abcdef',
    version: 7,
    serviceId: 'svcsvcsvcsvcsvcsvcsvcsvc1',
    serviceName: 'web',
    serviceVersion: 5,
    specVersion: 5,
    slot: 1,
    nodeId: 'nodenodenodenodenodenode1',
    spec: FULL.task,
    ports: FULL.ports,
    desiredState: 'running',
    status: { state: 'assigned', message: '', error: '', exitCode: null, at: '2026-01-01T00:00:00.000Z', runtimeId: '', healthy: null },
    port: 20_001,
    attempt: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const send = (t: WireAssignedTask) => through<Parameters<typeof assignedTaskFromWire>[0]>(dispatcherProto().Task, t);

  it('an assigned task comes back with what the agent needs', () => {
    expect(assignedTaskFromWire(send(assignedTaskToWire(task)))).toEqual({
      id: task.id,
      name: task.name,
      serviceId: task.serviceId,
      serviceName: 'web',
      serviceVersion: 5,
      slot: 1,
      nodeId: task.nodeId,
      spec: seal(FULL.task),
      ports: seal(FULL.ports),
      desiredState: 'running',
      state: 'assigned',
      port: 20_001,
    });
  });

  it('a malformed task is refused naming the field, by the rules the leader checks specs with', () => {
    const wire = assignedTaskToWire(task);
    expect(() => assignedTaskFromWire(send({ ...wire, spec: { ...wire.spec, command: { items: [] } } }))).toThrow(
      /^invalid task from the leader: task\.spec\.command: a process task needs a command/,
    );
    expect(() => assignedTaskFromWire(send({ ...wire, spec: null }))).toThrow('invalid task from the leader: task.spec is required');
    expect(() => assignedTaskFromWire(null)).toThrow('invalid task from the leader: task is missing from the assignment');
  });
});

describe('what a wire spec cannot carry', () => {
  it('is refused before sending, naming the field', () => {
    expect(() => serviceSpecToWire({ name: 'f', replicas: 1.5 })).toThrow('invalid service spec: spec.replicas must be an integer (got 1.5)');
    expect(() => serviceSpecToWire({ name: 5 } as never)).toThrow('invalid service spec: spec.name must be a string (got 5)');
    expect(() => serviceSpecToWire({ name: 'f', task: { env: { A: 1 } } } as never)).toThrow('invalid service spec: spec.task.env.A must be a string (got 1)');
  });
});
