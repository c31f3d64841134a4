// Services: the spec a user asks for (completed with defaults and checked strictly, with
// messages naming the field), and the commands that create, update and remove one.

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESTART_POLICY,
  DEFAULT_TASK_SPEC,
  DEFAULT_UPDATE_CONFIG,
  ClusterStore,
  StoreError,
  decodeCommand,
  encodeCommand,
  normalizeServiceSpec,
  type ServiceObject,
  type ServiceSpec,
  type StoreEvent,
} from '@shoal/store';
import { applyTasks, at, expectOk, idOf, newStore, serviceId, serviceSpec, storeWithServices } from './fixtures.js';

/** The message normalizeServiceSpec throws for this input. */
function invalid(input: unknown, base?: ServiceSpec): string {
  try {
    normalizeServiceSpec(input, base);
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('INVALID_ARGUMENT');
    return (e as StoreError).message;
  }
  throw new Error(`normalizeServiceSpec accepted ${JSON.stringify(input)}`);
}

describe('defaults', () => {
  it('restart, update and task defaults are the documented ones', () => {
    expect(DEFAULT_RESTART_POLICY).toEqual({ condition: 'any', delayMs: 200, maxAttempts: 0, windowMs: 0 });
    expect(DEFAULT_UPDATE_CONFIG).toEqual({ parallelism: 1, delayMs: 0, monitorMs: 5000, failureAction: 'pause', maxFailureRatio: 0, order: 'stop-first' });
    expect(DEFAULT_TASK_SPEC.stopGracePeriodMs).toBe(10_000);
    expect(DEFAULT_TASK_SPEC.drainMs).toBe(2000);
    expect(Object.isFrozen(DEFAULT_TASK_SPEC.placement)).toBe(true);
  });
});

describe('normalizeServiceSpec', () => {
  it('takes a drain period from 0 to 5 minutes, and refuses others naming the field', () => {
    const task = { runtime: 'process', command: ['node', 'server.js'] };
    expect(normalizeServiceSpec({ name: 'web', task: { ...task, drainMs: 0 } }).task.drainMs).toBe(0);
    expect(normalizeServiceSpec({ name: 'web', task: { ...task, drainMs: 300_000 } }).task.drainMs).toBe(300_000);
    expect(invalid({ name: 'web', task: { ...task, drainMs: 300_001 } })).toMatch(/spec\.task\.drainMs must be an integer from 0 to 300000 \(got 300001\)/);
    expect(invalid({ name: 'web', task: { ...task, drainMs: -1 } })).toMatch(/drainMs must be an integer from 0 to 300000/);
    expect(invalid({ name: 'web', task: { ...task, drainMs: 1.5 } })).toMatch(/drainMs must be an integer/);
  });

  it('fills every default from a minimal process spec', () => {
    expect(normalizeServiceSpec({ name: 'web', task: { runtime: 'process', command: ['node', 'server.js'] } })).toEqual({
      name: 'web',
      mode: 'replicated',
      replicas: 1,
      task: { ...DEFAULT_TASK_SPEC, runtime: 'process', command: ['node', 'server.js'] },
      ports: [],
      update: DEFAULT_UPDATE_CONFIG,
      rollback: DEFAULT_UPDATE_CONFIG,
      labels: {},
    });
  });

  it('merges nested objects field by field and completes ports and health checks', () => {
    const spec = normalizeServiceSpec({
      name: 'api',
      mode: 'global',
      task: {
        image: 'nginx:alpine',
        resources: { limits: { memoryBytes: 1 << 20 } },
        restartPolicy: { condition: 'on-failure' },
        healthCheck: { test: { kind: 'http', path: '/health', port: 0 } },
        placement: { constraints: ['node.labels.zone==b'] },
      },
      ports: [{ published: 8080 }],
      update: { parallelism: 2, order: 'start-first' },
    });
    expect(spec.replicas).toBe(0); // global
    expect(spec.task.resources).toEqual({ reservations: { nanoCpus: 0, memoryBytes: 0 }, limits: { nanoCpus: 0, memoryBytes: 1 << 20 } });
    expect(spec.task.restartPolicy).toEqual({ ...DEFAULT_RESTART_POLICY, condition: 'on-failure' });
    expect(spec.task.healthCheck).toEqual({
      test: { kind: 'http', path: '/health', port: 0 },
      intervalMs: 5000,
      timeoutMs: 3000,
      retries: 3,
      startPeriodMs: 0,
    });
    expect(spec.task.placement).toEqual({ constraints: ['node.labels.zone==b'], preferences: [], maxReplicasPerNode: 0 });
    expect(spec.ports).toEqual([{ published: 8080, target: 8080, protocol: 'tcp' }]); // the target defaults to the published port
    expect(spec.update).toEqual({ ...DEFAULT_UPDATE_CONFIG, parallelism: 2, order: 'start-first' });
  });

  it('with a base (an update), missing fields keep the current spec; arrays, labels and env are replaced', () => {
    const base = serviceSpec('web', { replicas: 3, labels: { a: '1' }, ports: [{ published: 80, target: 80, protocol: 'tcp' }] });
    const withEnv = normalizeServiceSpec({ task: { env: { A: '1', B: '2' } } }, base);
    expect(normalizeServiceSpec({ replicas: 5 }, base)).toEqual({ ...base, replicas: 5 });
    expect(normalizeServiceSpec({ labels: { b: '2' } }, base).labels).toEqual({ b: '2' });
    expect(normalizeServiceSpec({ task: { env: { C: '3' } } }, withEnv).task.env).toEqual({ C: '3' });
    expect(normalizeServiceSpec({ task: { command: ['node', 'v2.js'] } }, base).task).toEqual({ ...base.task, command: ['node', 'v2.js'] });
    const checked = normalizeServiceSpec({ task: { healthCheck: { test: { kind: 'cmd', cmd: ['true'] }, retries: 5 } } }, base);
    expect(normalizeServiceSpec({ task: { healthCheck: { timeoutMs: 100 } } }, checked).task.healthCheck).toMatchObject({
      test: { kind: 'cmd', cmd: ['true'] },
      retries: 5,
      timeoutMs: 100,
    });
    expect(normalizeServiceSpec({ task: { healthCheck: null } }, checked).task.healthCheck).toBeNull();
  });

  it('the result is frozen-safe input for a command: it round-trips through encodeCommand', () => {
    const spec = serviceSpec('web');
    const cmd = { type: 'service.create', at: at(1), service: { id: idOf('web'), spec } } as const;
    expect(decodeCommand(encodeCommand(cmd))).toEqual(cmd);
  });

  const errors: [string, unknown, string][] = [
    ['no name', { task: { command: ['x'] } }, 'invalid service spec: spec.name is required (e.g. --name web)'],
    [
      'process without command',
      { name: 'web', task: { runtime: 'process' } },
      'spec.task.command: a process task needs a command (e.g. --command "node server.js")',
    ],
    ['docker without image', { name: 'web', task: { runtime: 'docker' } }, 'spec.task.image: a docker task needs an image (e.g. --image nginx:alpine)'],
    ['nothing to run', { name: 'web' }, 'spec.task: nothing to run; give an image (docker) or a command (process)'],
    ['process with image', { name: 'web', task: { runtime: 'process', image: 'nginx', command: ['x'] } }, 'spec.task.image is for docker tasks'],
    ['negative replicas', { name: 'web', replicas: -1, task: { command: ['x'] } }, 'spec.replicas must be an integer from 0 to 10000 (got -1)'],
    ['too many replicas', { name: 'web', replicas: 10_001, task: { command: ['x'] } }, 'spec.replicas must be an integer from 0 to 10000 (got 10001)'],
    ['fractional replicas', { name: 'web', replicas: 1.5, task: { command: ['x'] } }, 'spec.replicas must be an integer from 0 to 10000 (got 1.5)'],
    ['global with replicas', { name: 'web', mode: 'global', replicas: 3, task: { command: ['x'] } }, 'spec.replicas must be 0 for a global service'],
    ['port out of range', { name: 'web', task: { command: ['x'] }, ports: [{ published: 70000 }] }, 'spec.ports[0].published 70000 is not a port (1..65535)'],
    ['port zero', { name: 'web', task: { command: ['x'] }, ports: [{ published: 0 }] }, 'spec.ports[0].published 0 is not a port (1..65535)'],
    [
      'port twice',
      { name: 'web', task: { command: ['x'] }, ports: [{ published: 80 }, { published: 80, target: 81 }] },
      'spec.ports[1].published 80 is listed twice',
    ],
    ['udp', { name: 'web', task: { command: ['x'] }, ports: [{ published: 80, protocol: 'udp' }] }, 'spec.ports[0].protocol must be one of "tcp" (got "udp")'],
    [
      'bad constraint',
      { name: 'web', task: { command: ['x'], placement: { constraints: ['zone=b'] } } },
      'spec.task.placement.constraints[0] constraint "zone=b" has no operator; a constraint looks like node.labels.KEY==VALUE',
    ],
    [
      'bad spread',
      { name: 'web', task: { command: ['x'], placement: { preferences: [{ spread: 'zone' }] } } },
      'spec.task.placement.preferences[0].spread must name a node attribute like node.labels.zone (got "zone")',
    ],
    [
      'global max per node',
      { name: 'web', mode: 'global', task: { command: ['x'], placement: { maxReplicasPerNode: 2 } } },
      'spec.task.placement.maxReplicasPerNode must be 0 for a global service',
    ],
    [
      'limit below reservation',
      { name: 'web', task: { command: ['x'], resources: { reservations: { memoryBytes: 100 }, limits: { memoryBytes: 50 } } } },
      'spec.task.resources.limits.memoryBytes (50) is below the reservation (100)',
    ],
    [
      'dotted name',
      { name: 'web.v2', task: { command: ['x'] } },
      'spec.name must start with a letter or digit and contain only letters, digits, "_" and "-" (got "web.v2")',
    ],
    ['unknown field', { name: 'web', task: { command: ['x'] }, replica: 3 }, 'spec.replica is not a known field'],
    ['unknown nested field', { name: 'web', task: { command: ['x'], cpus: 2 } }, 'spec.task.cpus is not a known field'],
    ['__proto__ field', JSON.parse('{"name":"web","task":{"command":["x"],"__proto__":{"a":1}}}'), 'spec.task.__proto__ is not a known field'],
    ['bad env name', { name: 'web', task: { command: ['x'], env: { '1X': 'v' } } }, 'spec.task.env key "1X" must be a variable name'],
    [
      'ratio above 1',
      { name: 'web', task: { command: ['x'] }, update: { maxFailureRatio: 1.5 } },
      'spec.update.maxFailureRatio must be between 0 and 1 (got 1.5)',
    ],
    [
      'rollback of a rollback',
      { name: 'web', task: { command: ['x'] }, rollback: { failureAction: 'rollback' } },
      'spec.rollback.failureAction cannot be "rollback"',
    ],
    ['health check without test', { name: 'web', task: { command: ['x'], healthCheck: { retries: 2 } } }, 'spec.task.healthCheck.test is required'],
    [
      'http check path',
      { name: 'web', task: { command: ['x'], healthCheck: { test: { kind: 'http', path: 'health', port: 0 } } } },
      'spec.task.healthCheck.test.path must start with "/"',
    ],
    ['not an object', 'web', 'invalid service spec: spec must be an object (got "web")'],
  ];
  it.each(errors)('%s', (_, input, message) => {
    expect(invalid(input)).toContain(message);
  });
});

describe('service.create', () => {
  it('creates the service: name from the spec, no previous spec, version = index', () => {
    const s = newStore();
    const spec = serviceSpec('web');
    const value = expectOk(s.apply({ type: 'service.create', at: at(3), service: { id: idOf('web'), spec } }, 2));
    const service = s.getService(idOf('web'));
    expect(service).toEqual({
      id: idOf('web'),
      name: 'web',
      spec,
      previousSpec: null,
      specVersion: 2,
      previousSpecVersion: 0,
      updateStatus: null,
      version: 2,
      createdAt: at(3),
      updatedAt: at(3),
    });
    expect(value).toBe(service);
    expect(s.services()).toEqual([service]);
    expect(s.findService('WEB')).toBe(service);
    expect(s.findService(idOf('web').slice(0, 4))).toBe(service);
    expect(() => s.findService('nope')).toThrow('no service matches "nope"; see `shoal service ls`');
  });

  it('refuses a name taken case-insensitively (NAME_TAKEN) and an existing id (ALREADY_EXISTS)', () => {
    const s = storeWithServices(serviceSpec('web'));
    expect(s.apply({ type: 'service.create', at: at(3), service: { id: idOf('other'), spec: serviceSpec('Web') } }, 10)).toEqual({
      ok: false,
      error: {
        code: 'NAME_TAKEN',
        message: `service name "Web" is already used by service ${serviceId('web')} ("web"); choose another name or remove that service first`,
      },
    });
    expect(s.apply({ type: 'service.create', at: at(3), service: { id: serviceId('web'), spec: serviceSpec('api') } }, 11)).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_EXISTS' },
    });
  });

  it('refuses a port another service publishes (PORT_IN_USE)', () => {
    const s = storeWithServices(serviceSpec('web', { ports: [{ published: 8080, target: 80, protocol: 'tcp' }] }));
    const api = serviceSpec('api', {
      ports: [
        { published: 9090, target: 80, protocol: 'tcp' },
        { published: 8080, target: 80, protocol: 'tcp' },
      ],
    });
    expect(s.apply({ type: 'service.create', at: at(3), service: { id: idOf('api'), spec: api } }, 10)).toEqual({
      ok: false,
      error: { code: 'PORT_IN_USE', message: 'port 8080 is already published by service web; choose another --publish port' },
    });
    expect(s.services()).toHaveLength(1);
  });

  it('refuses an invalid spec at decode time (INVALID_COMMAND naming the field)', () => {
    const spec = { ...serviceSpec('web'), replicas: -1 };
    expect(newStore().apply({ type: 'service.create', at: at(3), service: { id: idOf('web'), spec } }, 2)).toEqual({
      ok: false,
      error: { code: 'INVALID_COMMAND', message: 'invalid service.create command: service.spec.replicas must be an integer from 0 to 10000 (got -1)' },
    });
  });
});

describe('service.update', () => {
  const WEB = serviceId('web');

  it('replaces the spec; previousSpec becomes the replaced one; a rollback is an update to it', () => {
    const v1 = serviceSpec('web');
    const s = storeWithServices(v1);
    const v2 = normalizeServiceSpec({ task: { command: ['node', 'v2.js'] } }, v1);
    expectOk(s.apply({ type: 'service.update', at: at(5), id: WEB, expectedVersion: 4, spec: v2 }, 10));
    expect(s.getService(WEB)).toMatchObject({ spec: v2, previousSpec: v1, version: 10, updatedAt: at(5), createdAt: at(2) });
    const rollback = s.getService(WEB)!.previousSpec!;
    expectOk(s.apply({ type: 'service.update', at: at(6), id: WEB, spec: rollback }, 11));
    expect(s.getService(WEB)).toMatchObject({ spec: v1, previousSpec: v2 });
  });

  it('keepPrevious leaves previousSpec alone (scaling is not a version to roll back from)', () => {
    const v1 = serviceSpec('web');
    const s = storeWithServices(v1);
    const v2 = normalizeServiceSpec({ task: { command: ['node', 'v2.js'] } }, v1);
    expectOk(s.apply({ type: 'service.update', at: at(5), id: WEB, spec: v2 }, 10));
    expectOk(s.apply({ type: 'service.update', at: at(6), id: WEB, spec: { ...v2, replicas: 7 }, keepPrevious: true }, 11));
    expect(s.getService(WEB)).toMatchObject({ spec: { replicas: 7 }, previousSpec: v1 });
  });

  it('re-submitting the same spec keeps previousSpec (the rollback target is not lost)', () => {
    const v1 = serviceSpec('web');
    const s = storeWithServices(v1);
    const v2 = normalizeServiceSpec({ replicas: 4 }, v1);
    expectOk(s.apply({ type: 'service.update', at: at(5), id: WEB, spec: v2 }, 10));
    expectOk(s.apply({ type: 'service.update', at: at(6), id: WEB, spec: v2 }, 11));
    expect(s.getService(WEB)).toMatchObject({ spec: v2, previousSpec: v1, version: 11 });
  });

  it('refuses a stale version, a rename, a mode change, a taken port and an unknown id', () => {
    const s = storeWithServices(serviceSpec('web'), serviceSpec('api', { ports: [{ published: 9000, target: 80, protocol: 'tcp' }] }));
    const web = s.getService(WEB)!;
    const refusal = (spec: ServiceSpec, extra: { expectedVersion?: number; id?: string } = {}) =>
      s.apply(
        { type: 'service.update', at: at(5), id: extra.id ?? WEB, spec, ...(extra.expectedVersion ? { expectedVersion: extra.expectedVersion } : {}) },
        s.appliedIndex + 1,
      );
    expect(refusal(web.spec, { expectedVersion: 3 })).toEqual({
      ok: false,
      error: {
        code: 'UPDATE_OUT_OF_SEQUENCE',
        message: `update out of sequence: re-read and retry (service ${WEB} ("web") is at version 4, the update expected version 3)`,
      },
    });
    expect(refusal({ ...web.spec, name: 'web2' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('service web cannot be renamed') },
    });
    expect(refusal({ ...web.spec, name: 'WEB' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(refusal({ ...web.spec, mode: 'global', replicas: 0 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('its mode cannot change') },
    });
    expect(refusal({ ...web.spec, ports: [{ published: 9000, target: 80, protocol: 'tcp' }] })).toMatchObject({
      ok: false,
      error: { code: 'PORT_IN_USE', message: 'port 9000 is already published by service api; choose another --publish port' },
    });
    expect(refusal(web.spec, { id: idOf('ghost') })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(s.getService(WEB)).toBe(web);
  });

  it('a service may keep its own published ports', () => {
    const ports = [{ published: 9000, target: 80, protocol: 'tcp' as const }];
    const s = storeWithServices(serviceSpec('web', { ports }));
    expectOk(s.apply({ type: 'service.update', at: at(5), id: WEB, spec: serviceSpec('web', { ports, replicas: 5 }) }, 10));
  });
});

describe('service.remove', () => {
  it('removes the service and sets desiredState shutdown on all its tasks in the same apply', () => {
    const s = storeWithServices(serviceSpec('web', { replicas: 3 }), serviceSpec('api'));
    const W = serviceId('web');
    expect(
      applyTasks(s, 10, {
        creates: [
          { id: idOf('t1'), serviceId: W, slot: 1 },
          { id: idOf('t2'), serviceId: W, slot: 2, nodeId: idOf('w1') },
          { id: idOf('t3'), serviceId: W, slot: 3 },
          { id: idOf('t4'), serviceId: serviceId('api'), slot: 1 },
        ],
      }),
    ).toEqual([]);
    applyTasks(s, 11, { updates: [{ id: idOf('t3'), patch: { desiredState: 'shutdown' } }] });
    const events: StoreEvent[] = [];
    s.watch((e) => events.push(e));
    const removed = expectOk(s.apply({ type: 'service.remove', at: at(20), id: W }, 12)) as ServiceObject;
    expect(removed.name).toBe('web');
    expect(s.getService(W)).toBeUndefined();
    expect(events.map((e) => [e.kind, 'action' in e ? e.action : '', e.index, 'object' in e ? e.object.id : ''])).toEqual([
      ['service', 'remove', 12, W],
      ['task', 'update', 12, idOf('t1')],
      ['task', 'update', 12, idOf('t2')],
    ]);
    for (const t of s.tasksOfService(W)) expect(t.desiredState).toBe('shutdown');
    expect(s.getTask(idOf('t1'))).toMatchObject({ version: 12, updatedAt: at(20) });
    expect(s.getTask(idOf('t3'))?.version).toBe(11); // already shutdown: unchanged
    expect(s.getTask(idOf('t4'))?.desiredState).toBe('running');
    // The name and ports are free again.
    expectOk(s.apply({ type: 'service.create', at: at(21), service: { id: idOf('web2'), spec: serviceSpec('web') } }, 13));
  });

  it('refuses an unknown id', () => {
    expect(newStore().apply({ type: 'service.remove', at: at(1), id: idOf('ghost') }, 2)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('rolling update state: spec versions, update status, rollback', () => {
  const WEB = serviceId('web');

  it('a task spec change makes a new spec version and starts an update; scaling starts none', () => {
    const v1 = serviceSpec('web');
    const s = storeWithServices(v1);
    expect(s.getService(WEB)).toMatchObject({ specVersion: 4, previousSpecVersion: 0, updateStatus: null });
    expectOk(s.apply({ type: 'service.update', at: at(5), id: WEB, spec: { ...v1, replicas: 5 }, keepPrevious: true }, 10));
    expect(s.getService(WEB)).toMatchObject({ specVersion: 4, updateStatus: null, previousSpec: null });
    const v2 = normalizeServiceSpec({ task: { command: ['node', 'v2.js'] } }, s.getService(WEB)!.spec);
    expectOk(s.apply({ type: 'service.update', at: at(6), id: WEB, spec: v2, canary: 2 }, 11));
    expect(s.getService(WEB)).toMatchObject({
      specVersion: 11,
      previousSpecVersion: 4,
      updateStatus: { state: 'updating', message: 'update in progress', startedAt: at(6), completedAt: '', canary: 2, countFrom: at(6) },
    });
    // Tasks made now carry the new version.
    applyTasks(s, 12, { creates: [{ id: idOf('t1'), serviceId: WEB, slot: 1 }] });
    expect(s.getTask(idOf('t1'))).toMatchObject({ specVersion: 11 });
    // --force: the same spec with forceUpdate bumped is a new version too.
    expectOk(s.apply({ type: 'service.update', at: at(7), id: WEB, spec: { ...v2, task: { ...v2.task, forceUpdate: 1 } } }, 13));
    expect(s.getService(WEB)).toMatchObject({ specVersion: 13, updateStatus: { state: 'updating', canary: 0 } });
  });

  it('refuses a canary larger than the replica count, or one with nothing to update', () => {
    const v1 = serviceSpec('web', { replicas: 6 });
    const s = storeWithServices(v1);
    const v2 = normalizeServiceSpec({ task: { command: ['node', 'v2.js'] } }, v1);
    expect(s.apply({ type: 'service.update', at: at(5), id: WEB, spec: v2, canary: 9 }, 10)).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: "a canary of 9 is larger than the service's 6 replicas; give --canary 0..6" },
    });
    expect(s.apply({ type: 'service.update', at: at(5), id: WEB, spec: v1, canary: 2 }, 11)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(s.getService(WEB)).toMatchObject({ version: 4, updateStatus: null });
  });

  it('service.rollback swaps spec and previous spec (and their versions), keeps the replica count, and starts a rollback', () => {
    const v1 = serviceSpec('web');
    const s = storeWithServices(v1);
    expect(s.apply({ type: 'service.rollback', at: at(5), id: WEB }, 10)).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'service web has no previous spec to roll back to' },
    });
    const v2 = normalizeServiceSpec({ task: { command: ['node', 'v2.js'] } }, v1);
    expectOk(s.apply({ type: 'service.update', at: at(5), id: WEB, spec: v2 }, 11));
    expectOk(s.apply({ type: 'service.update', at: at(6), id: WEB, spec: { ...v2, replicas: 9 }, keepPrevious: true }, 12));
    expectOk(s.apply({ type: 'service.rollback', at: at(7), id: WEB, expectedVersion: 12, message: 'because' }, 13));
    const web = s.getService(WEB)!;
    expect(web.spec).toEqual({ ...v1, replicas: 9 });
    expect(web).toMatchObject({ previousSpec: { ...v2, replicas: 9 }, specVersion: 4, previousSpecVersion: 11 });
    expect(web.updateStatus).toEqual({ state: 'rollback_started', message: 'because', startedAt: at(7), completedAt: '', canary: 0, countFrom: at(7) });
  });

  it('service.setUpdateStatus needs the version it was decided from, and keeps updates and rollbacks apart', () => {
    const v1 = serviceSpec('web');
    const s = storeWithServices(v1);
    const patch = { state: 'completed', message: 'done', completedAt: at(8) } as const;
    expect(s.apply({ type: 'service.setUpdateStatus', at: at(5), id: WEB, expectedVersion: 4, status: patch }, 9)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'service web has no update in progress; nothing to pause, resume or complete' },
    });
    expectOk(s.apply({ type: 'service.update', at: at(5), id: WEB, spec: normalizeServiceSpec({ task: { command: ['v2'] } }, v1) }, 10));
    expect(s.apply({ type: 'service.setUpdateStatus', at: at(8), id: WEB, expectedVersion: 4, status: patch }, 11)).toMatchObject({
      ok: false,
      error: { code: 'UPDATE_OUT_OF_SEQUENCE' },
    });
    expect(
      s.apply({ type: 'service.setUpdateStatus', at: at(8), id: WEB, expectedVersion: 10, status: { state: 'rollback_completed', message: '' } }, 12),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('cannot move to rollback_completed') } });
    expectOk(s.apply({ type: 'service.setUpdateStatus', at: at(8), id: WEB, expectedVersion: 10, status: patch }, 13));
    expect(s.getService(WEB)!.updateStatus).toEqual({ state: 'completed', message: 'done', startedAt: at(5), completedAt: at(8), canary: 0, countFrom: at(5) });
    // The commands survive encoding, and the service a snapshot round trip.
    const cmd = { type: 'service.setUpdateStatus', at: at(8), id: WEB, expectedVersion: 11, status: patch } as const;
    expect(decodeCommand(encodeCommand(cmd))).toEqual(cmd);
    expect(decodeCommand(encodeCommand({ type: 'service.rollback', at: at(8), id: WEB, message: 'x' }))).toEqual({
      type: 'service.rollback',
      at: at(8),
      id: WEB,
      message: 'x',
    });
    expect(() => decodeCommand(encodeCommand({ ...cmd, status: { ...patch, state: 'sideways' as never } }))).toThrow('status.state must be one of');
  });
});

describe('rolling update state in snapshots', () => {
  it('a service mid-update and a task that ran restore as they were (runningAt, specVersion, updateStatus)', () => {
    const WEB = serviceId('web');
    const v1 = serviceSpec('web');
    const s = storeWithServices(v1);
    expectOk(s.apply({ type: 'service.update', at: at(5), id: WEB, spec: normalizeServiceSpec({ task: { command: ['v2'] } }, v1), canary: 1 }, 10));
    const T = idOf('t1');
    applyTasks(s, 11, { creates: [{ id: T, serviceId: WEB, slot: 1, nodeId: idOf('w1') }] });
    applyTasks(s, 12, { updates: [{ id: T, patch: { status: { state: 'running', at: at(9) } } }] });
    applyTasks(s, 13, { updates: [{ id: T, patch: { status: { state: 'running', healthy: true, at: at(11) } } }] });
    expect(s.getTask(T)).toMatchObject({ specVersion: 10, runningAt: at(9), status: { at: at(11) } });
    const r = ClusterStore.restore(s.snapshot());
    expect(r.getService(WEB)).toEqual(s.getService(WEB));
    expect(r.getTask(T)).toEqual(s.getTask(T));
  });
});
