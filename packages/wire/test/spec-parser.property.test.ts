// The service spec parser under random input: what the leader runs on a spec from a client
// (the wire message → serviceSpecInputFromWire → normalizeServiceSpec) and what a complete spec
// goes through (a Raft entry's JSON, a Service message). Valid specs round-trip unchanged
// through each; anything else is refused with the store's INVALID_ARGUMENT naming the field,
// never a TypeError or a RangeError from half-checked input.

import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { StoreError, decodeCommand, encodeCommand, normalizeServiceSpec, seal, type ServiceSpec, type ServiceSpecInput } from '@shoal/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { controlProto, serviceSpecFromWire, serviceSpecInputFromWire, serviceSpecToWire, type WireServiceSpec } from '../src/index.js';

type WireSpecOut = Parameters<typeof serviceSpecFromWire>[0];

function requestType(): MessageTypeDefinition<object, { spec: WireSpecOut }> {
  return controlProto().CreateServiceRequest as unknown as MessageTypeDefinition<object, { spec: WireSpecOut }>;
}

/** The spec as the leader reads it off a CreateServiceRequest, encoded and decoded as gRPC does. */
function throughWire(spec: WireServiceSpec): WireSpecOut {
  const t = requestType();
  return t.deserialize(t.serialize({ spec })).spec;
}

/** Only the store's refusal of a spec is an acceptable failure. */
function expectSpecRefusal(e: unknown): void {
  if (!(e instanceof StoreError)) throw new Error(`expected a StoreError, got ${String(e)}`, { cause: e });
  expect(e.code).toBe('INVALID_ARGUMENT');
  expect(e.message).toMatch(/^invalid service spec: spec/);
}

// ---- generators of valid (partial) specs --------------------------------------------------

const small = (max: number) => fc.integer({ min: 0, max });
const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,12}$/);
const arg = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('node', 'server.js', '--port=80', 'a b', 'ü', ''));
const labels = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9./_-]{0,8}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 });
const env = fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 });
const constraint = fc
  .tuple(fc.constantFrom('node.labels.zone', 'node.hostname', 'node.id', 'node.labels.a.b'), fc.constantFrom('==', '!='), word)
  .map(([k, op, v]) => `${k}${op}${v}`);
const amounts = fc.record({ nanoCpus: small(8e9), memoryBytes: small(2 ** 40) }, { requiredKeys: [] });
const resources = fc
  .record({ reservations: amounts, limits: amounts }, { requiredKeys: [] })
  // A limit is 0 (none) or at least the reservation.
  .map((r) => {
    const limits = { ...r.limits };
    for (const k of ['nanoCpus', 'memoryBytes'] as const) {
      const reserved = r.reservations?.[k] ?? 0;
      if (limits[k] !== undefined && limits[k] !== 0 && limits[k] < reserved) limits[k] = reserved;
      if (limits[k] === undefined && reserved > 0) limits[k] = 0;
    }
    return { ...r, limits };
  });
const healthCheck = fc.oneof(
  fc.constant(null),
  fc.record(
    {
      test: fc.oneof(
        fc.record({ kind: fc.constant('cmd'), cmd: fc.array(arg, { minLength: 1, maxLength: 3 }).map(([h, ...t]) => [h || 'true', ...t]) }),
        fc.record({ kind: fc.constant('http'), path: fc.stringMatching(/^\/[a-z0-9/._-]{0,10}$/), port: fc.integer({ min: 0, max: 65535 }) }),
      ),
      intervalMs: fc.integer({ min: 100, max: 86_400_000 }),
      timeoutMs: fc.integer({ min: 10, max: 86_400_000 }),
      retries: fc.integer({ min: 1, max: 100 }),
      startPeriodMs: small(86_400_000),
    },
    { requiredKeys: ['test'] },
  ),
);
const updateConfig = (failureActions: readonly string[]) =>
  fc.record(
    {
      parallelism: small(10_000),
      delayMs: small(86_400_000),
      monitorMs: small(86_400_000),
      failureAction: fc.constantFrom(...failureActions),
      maxFailureRatio: fc.double({ min: 0, max: 1, noNaN: true }),
      order: fc.constantFrom('stop-first', 'start-first'),
    },
    { requiredKeys: [] },
  );
const taskWhat = fc.oneof(
  fc.record({ runtime: fc.constant('process'), command: fc.array(arg, { minLength: 1, maxLength: 4 }).map(([h, ...t]) => [h || 'node', ...t]) }),
  fc.record({ runtime: fc.constantFrom('docker', ''), image: fc.stringMatching(/^[a-z0-9][a-z0-9.:/_-]{0,15}$/), command: fc.array(arg, { maxLength: 3 }) }),
  fc.record({ runtime: fc.constant('simulated'), command: fc.array(arg, { minLength: 1, maxLength: 2 }) }),
);
const taskRest = fc.record(
  {
    env,
    workdir: fc.string({ maxLength: 12 }),
    resources,
    placement: fc.record(
      {
        constraints: fc.array(constraint, { maxLength: 3 }),
        preferences: fc.array(fc.record({ spread: fc.constantFrom('node.labels.zone', 'node.hostname') }), { maxLength: 2 }),
        maxReplicasPerNode: small(5),
      },
      { requiredKeys: [] },
    ),
    restartPolicy: fc.record(
      { condition: fc.constantFrom('any', 'on-failure', 'none'), delayMs: small(86_400_000), maxAttempts: small(1_000_000), windowMs: small(1000) },
      { requiredKeys: [] },
    ),
    healthCheck,
    stopGracePeriodMs: small(3_600_000),
    drainMs: small(300_000),
    forceUpdate: small(1_000_000),
  },
  { requiredKeys: [] },
);

/** Valid partial specs, as a client sends them (normalizeServiceSpec completes them). */
export const specInputArb: fc.Arbitrary<ServiceSpecInput> = fc
  .record({
    name: word,
    mode: fc.constantFrom('replicated', 'global', undefined),
    replicas: fc.option(small(10_000), { nil: undefined }),
    task: fc.tuple(taskWhat, taskRest).map(([a, b]) => ({ ...b, ...a })),
    ports: fc.option(
      fc.uniqueArray(
        fc.record({ published: fc.integer({ min: 1, max: 65535 }), target: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: ['published'] }),
        {
          selector: (p) => p.published,
          maxLength: 3,
        },
      ),
      { nil: undefined },
    ),
    update: fc.option(updateConfig(['pause', 'continue', 'rollback']), { nil: undefined }),
    rollback: fc.option(updateConfig(['pause', 'continue']), { nil: undefined }),
    labels: fc.option(labels, { nil: undefined }),
  })
  .map(({ mode, replicas, task, ...rest }) => {
    const out: Record<string, unknown> = { ...rest };
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    if (mode === 'global') {
      const placement = { ...task.placement, maxReplicasPerNode: 0 };
      return { ...out, mode, task: { ...task, placement } } as ServiceSpecInput;
    }
    return { ...out, ...(mode ? { mode } : {}), ...(replicas === undefined ? {} : { replicas }), task } as ServiceSpecInput;
  });

const specArb: fc.Arbitrary<ServiceSpec> = specInputArb.map((s) => normalizeServiceSpec(s));

/** Every path into a plain value (objects and arrays), for mutating one spot. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function replaceAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  // As JSON.parse makes it: an own property, even one called "__proto__".
  Object.defineProperty(copy, head, { value: replaceAt(copy[head], rest, replacement), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A valid input with one spot (or a new field) replaced by anything at all. */
const mutatedInputArb = fc
  .tuple(specInputArb, fc.nat(), fc.anything({ maxDepth: 2 }), fc.option(fc.constantFrom('extra', '__proto__', 'constructor', 'replicas'), { nil: undefined }))
  .map(([input, at, replacement, extraKey]) => {
    const all = paths(input);
    const where = all[at % all.length]!;
    // An extra key goes into an object, never an array (fast-check cannot even print that).
    const parent = where.slice(0, -1);
    const objectParent = where.length > 0 && typeof where[where.length - 1] === 'string';
    return replaceAt(input, extraKey && objectParent ? [...parent, extraKey] : where, replacement);
  });

// ---- properties ------------------------------------------------------------------------

describe('property: the service spec parser', () => {
  it('every generated partial spec is accepted; a complete spec normalizes to itself, also over another spec', () => {
    fc.assert(
      fc.property(specInputArb, specArb, (input, other) => {
        const spec = normalizeServiceSpec(input);
        expect(normalizeServiceSpec(spec)).toEqual(spec);
        if (other.mode === spec.mode) expect(normalizeServiceSpec(spec, other)).toEqual(spec);
      }),
      { numRuns: 300 },
    );
  });

  it('round trips: a complete spec through a wire message, and through a Raft entry; a partial one through the wire', () => {
    fc.assert(
      fc.property(specInputArb, fc.constantFrom('aaaaaaaaaaaaaaaaaaaaaaaaa', 'svc0aaaaaaaaaaaaaaaaaaaaa'), (input, id) => {
        const spec = normalizeServiceSpec(input);
        expect(serviceSpecFromWire(throughWire(serviceSpecToWire(spec)))).toEqual(seal(spec));
        expect(normalizeServiceSpec(serviceSpecInputFromWire(throughWire(serviceSpecToWire(input))))).toEqual(spec);
        const cmd = { type: 'service.create' as const, at: '2025-01-01T00:00:00.000Z', service: { id, spec } };
        expect(decodeCommand(encodeCommand(cmd))).toEqual(cmd);
      }),
      { numRuns: 300 },
    );
  });

  it('anything at all: accepted, or refused by a StoreError naming the field', () => {
    const junk = fc.oneof(fc.anything({ maxDepth: 3 }), mutatedInputArb, mutatedInputArb);
    fc.assert(
      fc.property(junk, (input) => {
        let spec: ServiceSpec;
        try {
          spec = normalizeServiceSpec(input);
        } catch (e) {
          expectSpecRefusal(e);
          return;
        }
        // What it accepts is a spec it accepts again unchanged, and that travels.
        expect(normalizeServiceSpec(spec)).toEqual(spec);
        expect(serviceSpecFromWire(throughWire(serviceSpecToWire(spec)))).toEqual(seal(spec));
      }),
      { numRuns: 1500 },
    );
  });

  it('a hand-written spec the wire cannot carry is refused by serviceSpecToWire with a StoreError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything({ maxDepth: 3 }), mutatedInputArb), (input) => {
        try {
          serviceSpecToWire(input as ServiceSpecInput);
        } catch (e) {
          expect(e).toBeInstanceOf(StoreError);
          expect((e as StoreError).message).toMatch(/^invalid service spec: spec/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('corrupted message bytes: the decoder refuses them, or the leader refuses the spec with a StoreError', () => {
    const t = requestType();
    const corrupted = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.tuple(specInputArb, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat()).map(([input, flips, cut]) => {
        const bytes = Uint8Array.from(t.serialize({ spec: serviceSpecToWire(input) }));
        for (const [at, b] of flips) bytes[at % bytes.length] = b;
        return bytes.subarray(0, bytes.length - (cut % 4));
      }),
    );
    let decoded = 0;
    fc.assert(
      fc.property(corrupted, (bytes) => {
        let message: { spec: WireSpecOut };
        try {
          message = t.deserialize(Buffer.from(bytes));
        } catch {
          return; // grpc-js answers a message it cannot decode with INTERNAL (test/grpc-robustness.test.ts)
        }
        decoded++;
        try {
          normalizeServiceSpec(serviceSpecInputFromWire(message.spec));
        } catch (e) {
          expectSpecRefusal(e);
        }
      }),
      { numRuns: 1500 },
    );
    expect(decoded).toBeGreaterThan(100);
  });
});
