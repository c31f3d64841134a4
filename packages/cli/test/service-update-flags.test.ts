// `service update` flags (service-create-flags.ts, service-update.ts): applied to the spec as
// read, they give the partial wire spec the leader merges; what the leader then stores is
// checked through the store's own merge (normalizeServiceSpec). Bad values are refused before
// anything is sent, naming the flag and what it accepts.

import { normalizeServiceSpec, type ServiceSpec } from '@shoal/store';
import { serviceSpecInputFromWire, serviceSpecToWire, type WireService__Output, type WireServiceSpec, type WireServiceSpec__Output } from '@shoal/wire';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { updateRequest } from '../src/commands/service-update.js';
import { checkUpdateFlags, declareCreateFlags, declareUpdateFlags, specFromArgv } from '../src/service-create-flags.js';

/** As grpc hands a message over: 64-bit integers as decimal strings. */
function decoded<T>(value: unknown): T {
  // (a double stays a number, even a whole one)
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (typeof v === 'number' && Number.isInteger(v) && k !== 'maxFailureRatio' ? String(v) : v))) as T;
}

const BASE: ServiceSpec = normalizeServiceSpec({
  name: 'web',
  replicas: 3,
  task: {
    runtime: 'process',
    command: ['node', 'server.js'],
    env: { A: '1', B: '2' },
    placement: { constraints: ['node.labels.zone==a'] },
    healthCheck: { test: { kind: 'http', path: '/health', port: 0 } },
  },
  ports: [{ published: 8080, target: 80 }],
  labels: { team: 'a' },
});

/** A service as GetService answers it, with `spec` (and a force counter the wire carries). */
function service(spec: ServiceSpec = BASE, extra: { forceUpdate?: number; mode?: string; desired?: number } = {}): WireService__Output {
  const wire = serviceSpecToWire(spec) as WireServiceSpec;
  if (extra.forceUpdate !== undefined) wire.task = { ...wire.task, forceUpdate: extra.forceUpdate };
  return {
    id: 'svc1',
    name: spec.name,
    version: '7',
    createdAt: '',
    updatedAt: '',
    running: 3,
    desired: extra.desired ?? spec.replicas,
    publishErrors: [],
    spec: decoded<WireServiceSpec__Output>(wire),
    previousSpec: null,
    updateStatus: null,
    autoscale: null,
    autoscaleStatus: null,
    specVersion: '5',
  };
}

async function parse(args: readonly string[]): Promise<Record<string, unknown>> {
  let argv: Record<string, unknown> = {};
  await yargs()
    .parserConfiguration({ 'greedy-arrays': false, 'populate--': true })
    .command(
      'update <service>',
      '',
      (y) => declareUpdateFlags(y.positional('service', { type: 'string' })),
      (a) => {
        argv = a;
      },
    )
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseAsync(['update', 'web', ...args]);
  return argv;
}

/** The request `shoal service update web ARGS` sends for `current`. */
async function request(current: WireService__Output, args: readonly string[], o: { canary?: number; continue?: boolean } = {}) {
  return updateRequest(current, await parse(args), { canary: o.canary, continue: o.continue ?? false });
}

/** The spec the leader stores after `shoal service update web ARGS`. */
async function updated(args: readonly string[], current = service()): Promise<ServiceSpec> {
  const req = await request(current, args);
  return normalizeServiceSpec(serviceSpecInputFromWire(decoded(req.spec)), BASE);
}

async function refusal(args: readonly string[], o: { canary?: number; continue?: boolean } = {}, current = service()): Promise<string> {
  return request(current, args, o).then(
    () => 'accepted',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
}

describe('service update flags', () => {
  it('sends only what changes, with the version read', async () => {
    const req = await request(service(), ['--replicas', '5']);
    expect(req).toEqual({ service: 'svc1', version: '7', spec: { replicas: 5 } });
  });

  it('adds and removes env, labels, ports and constraints over the current spec', async () => {
    const spec = await updated([
      '--env-rm',
      'A',
      '--env-add',
      'C=3',
      '--env-add',
      'B=20',
      '--label-add',
      'tier=front',
      '--label-rm',
      'team',
      '--publish-rm',
      '8080',
      '--publish-add',
      '9090:90',
      '--constraint-add',
      'node.role!=manager',
      '--constraint-rm',
      'node.labels.zone==a',
    ]);
    expect(spec.task.env).toEqual({ B: '20', C: '3' });
    expect(spec.labels).toEqual({ tier: 'front' });
    expect(spec.ports).toEqual([{ published: 9090, target: 90, protocol: 'tcp' }]);
    expect(spec.task.placement.constraints).toEqual(['node.role!=manager']);
    // Untouched parts stay as they were.
    expect(spec.task.command).toEqual(['node', 'server.js']);
    expect(spec.task.healthCheck?.test).toEqual({ kind: 'http', path: '/health', port: 0 });
  });

  it('--publish-add of a published port moves it; removing what is not there changes nothing', async () => {
    const spec = await updated(['--publish-add', '8080:81', '--constraint-rm', 'node.labels.nope==x', '--env-rm', 'NOPE']);
    expect(spec.ports).toEqual([{ published: 8080, target: 81, protocol: 'tcp' }]);
    expect(spec.task.placement.constraints).toEqual(['node.labels.zone==a']);
    expect(spec.task.env).toEqual({ A: '1', B: '2' });
  });

  it('--force sends the force counter plus one, and nothing else', async () => {
    expect((await request(service(), ['--force'])).spec).toEqual({ task: { forceUpdate: 1 } });
    expect((await request(service(BASE, { forceUpdate: 4 }), ['--force'])).spec).toEqual({ task: { forceUpdate: 5 } });
  });

  it('image, command, resources, health, restart policy and drain period', async () => {
    const req = await request(service(), [
      '--image',
      'web:v2',
      '--command',
      'node "v2.js"',
      '--limit-cpu',
      '0.5',
      '--reserve-memory',
      '64M',
      '--health-interval',
      '2s',
      '--restart-condition',
      'on-failure',
      '--drain-period',
      '3s',
    ]);
    expect(req.spec).toEqual({
      task: {
        image: 'web:v2',
        command: { items: ['node', 'v2.js'] },
        resources: { limits: { nanoCpus: 500_000_000 }, reservations: { memoryBytes: 64 * 1024 * 1024 } },
        healthCheck: { intervalMs: 2000 },
        restartPolicy: { condition: 'on-failure' },
        drainMs: 3000,
      },
    });
    // The health check keeps its test and takes the new interval.
    const spec = await updated(['--health-interval', '2s']);
    expect(spec.task.healthCheck).toMatchObject({ test: { kind: 'http', path: '/health' }, intervalMs: 2000 });
    expect((await request(service(), ['--no-healthcheck'])).spec).toEqual({ task: { noHealthCheck: true } });
  });

  it('the update and rollback config', async () => {
    const spec = await updated([
      '--update-parallelism',
      '2',
      '--update-delay',
      '5s',
      '--update-monitor',
      '10s',
      '--update-failure-action',
      'rollback',
      '--update-max-failure-ratio',
      '0.25',
      '--update-order',
      'start-first',
      '--rollback-parallelism',
      '0',
      '--rollback-monitor',
      '1s',
      '--rollback-failure-action',
      'continue',
      '--rollback-order',
      'start-first',
    ]);
    expect(spec.update).toEqual({ parallelism: 2, delayMs: 5000, monitorMs: 10_000, failureAction: 'rollback', maxFailureRatio: 0.25, order: 'start-first' });
    expect(spec.rollback).toMatchObject({ parallelism: 0, monitorMs: 1000, failureAction: 'continue', order: 'start-first' });
  });

  it('create takes the update config and the drain period too', async () => {
    let spec: WireServiceSpec | undefined;
    await yargs()
      .parserConfiguration({ 'greedy-arrays': false, 'populate--': true })
      .command(
        'create [image] [args..]',
        '',
        (y) => declareCreateFlags(y),
        (a) => {
          spec = specFromArgv(a);
        },
      )
      .parseAsync(['create', '--name', 'w', '--command', 'x', '--update-parallelism', '0', '--update-order', 'start-first', '--drain-period', '500ms']);
    expect(spec?.update).toEqual({ parallelism: 0, order: 'start-first' });
    expect(spec?.task?.drainMs).toBe(500);
  });

  it('a canary and --continue', async () => {
    expect(await request(service(), ['--image', 'web:v2'], { canary: 2 })).toMatchObject({ canary: 2, spec: { task: { image: 'web:v2' } } });
    expect(await request(service(), [], { continue: true })).toEqual({ service: 'svc1', version: '7', continue: true });
  });

  it('refuses bad values before anything is sent, naming the flag and what it takes', async () => {
    expect(await refusal(['--update-parallelism', '-1'])).toBe('--update-parallelism must be 0 (all at once) or more tasks at a time (got -1)');
    expect(await refusal(['--update-parallelism', 'two'])).toBe('--update-parallelism wants a whole number like 3 (got "two")');
    expect(await refusal(['--update-max-failure-ratio', '1.5'])).toBe('--update-max-failure-ratio must be a number from 0 to 1, like 0.2 (got "1.5")');
    expect(await refusal(['--rollback-max-failure-ratio', '-0.1'])).toBe('--rollback-max-failure-ratio must be a number from 0 to 1, like 0.2 (got "-0.1")');
    expect(await refusal(['--update-failure-action', 'explode'])).toBe('--update-failure-action must be one of pause, continue, rollback (got "explode")');
    expect(await refusal(['--rollback-failure-action', 'rollback'])).toBe('--rollback-failure-action must be one of pause, continue (got "rollback")');
    expect(await refusal(['--update-order', 'random'])).toBe('--update-order must be one of stop-first, start-first (got "random")');
    expect(await refusal(['--update-delay', 'soon'])).toBe('--update-delay wants a duration like 500ms, 5s or 1m (got "soon")');
    expect(await refusal(['--drain-period', 'x'])).toBe('--drain-period wants a duration like 500ms, 5s or 1m (got "x")');
    expect(await refusal(['--env-add', 'novalue'])).toBe('--env-add wants KEY=VALUE (got "novalue")');
    expect(await refusal(['--publish-add', 'eighty'])).toBe('-p/--publish wants PUBLISHED:TARGET like 8080:80 (got "eighty")');
    // Before the service is read: the values alone.
    expect(() => checkUpdateFlags({ 'update-max-failure-ratio': '2' })).toThrow('--update-max-failure-ratio must be a number from 0 to 1');
    expect(() => checkUpdateFlags({ 'env-add': ['A=1'], force: true, 'health-interval': '1s' })).not.toThrow();
  });

  it('refuses requests that could not do what they ask', async () => {
    expect(await refusal([])).toMatch(/^nothing to update: give what to change/);
    expect(await refusal(['--image', 'v2'], { canary: 4 })).toMatch(/^--canary must be from 1 to the service's 3 tasks \(got 4\)/);
    expect(await refusal(['--image', 'v2'], { canary: 0 })).toMatch(/^--canary must be from 1 to the service's 3 tasks \(got 0\)/);
    // A canary within the new replica count is fine.
    expect(await refusal(['--image', 'v2', '--replicas', '5'], { canary: 4 })).toBe('accepted');
    expect(await refusal(['--image', 'v2'], { continue: true })).toMatch(/^--continue resumes the held update as it is/);
    expect(await refusal([], { continue: true, canary: 1 })).toMatch(/^--continue finishes the update that is held; --canary starts a new one/);
    expect(await refusal(['--no-healthcheck', '--health-interval', '1s'])).toMatch(/^--no-healthcheck removes the health check/);
    const global = service(normalizeServiceSpec({ name: 'g', mode: 'global', task: { runtime: 'process', command: ['x'] } }), { desired: 2 });
    expect(await refusal(['--replicas', '2'], {}, global)).toBe('--replicas does not apply to a global service (one task per node)');
    const unchecked = service(normalizeServiceSpec({ name: 'u', task: { runtime: 'process', command: ['x'] } }));
    expect(await refusal(['--health-interval', '1s'], {}, unchecked)).toMatch(/^the service has no health check to time/);
  });
});
