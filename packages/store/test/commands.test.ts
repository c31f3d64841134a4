// The command encoding: what proposers write into Raft entries and every manager decodes.
// Malformed data must be refused with a message naming the field and the fix, and nothing a
// Raft entry can contain may make applyEntry throw.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClusterStore, StoreError, decodeCommand, encodeCommand, parseCommand, type Command } from '@shoal/store';
import { FIRST_ID, at, bytes, idOf, newNode, newStore, serviceSpec, text } from './fixtures.js';

const EVERY_COMMAND: Command[] = [
  { type: 'node.add', at: at(1), node: newNode('w1', { labels: { b: '2', a: '1' } }) },
  { type: 'node.add', at: at(1), node: newNode('m2', { role: 'manager', raftRole: 'learner' }) },
  { type: 'node.update', at: at(2), id: FIRST_ID, expectedVersion: 3, patch: { availability: 'drain', raftRole: null, removeLabels: ['x'] } },
  { type: 'node.remove', at: at(3), id: FIRST_ID },
  { type: 'cluster.rotateToken', at: at(4), role: 'manager', secret: 'A1b2C3d4E5f6G7h8' },
  { type: 'cluster.updateSettings', at: at(5), patch: { snapshotEvery: 500 } },
  { type: 'noop', at: at(6) },
  { type: 'node.update', at: at(2), id: FIRST_ID, patch: { hostname: 'box', resources: { nanoCpus: 1, memoryBytes: 2 }, runtime: 'docker' } },
  {
    type: 'service.create',
    at: at(7),
    service: {
      id: idOf('web'),
      spec: serviceSpec('web', {
        ports: [{ published: 8080, target: 80, protocol: 'tcp' }],
        task: {
          ...serviceSpec('web').task,
          env: { A: '1' },
          placement: { constraints: ['node.role==worker'], preferences: [{ spread: 'node.labels.zone' }], maxReplicasPerNode: 1 },
          healthCheck: { test: { kind: 'http', path: '/', port: 0 }, intervalMs: 1000, timeoutMs: 500, retries: 2, startPeriodMs: 0 },
        },
      }),
    },
  },
  { type: 'service.update', at: at(8), id: idOf('web'), expectedVersion: 2, spec: serviceSpec('web', { replicas: 5 }), keepPrevious: true },
  { type: 'service.remove', at: at(9), id: idOf('web') },
  {
    type: 'tasks.apply',
    at: at(10),
    creates: [{ id: idOf('t1'), serviceId: idOf('web'), slot: 1, nodeId: FIRST_ID, port: 30000 }],
    updates: [
      { id: idOf('t1'), expectedVersion: 2, patch: { desiredState: 'shutdown', status: { state: 'failed', exitCode: 1, error: 'boom', healthy: false } } },
    ],
    removes: [idOf('t2')],
  },
];

/** The message decodeCommand throws for this JSON text. */
function refusal(json: string): string {
  try {
    decodeCommand(bytes(json));
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('INVALID_COMMAND');
    return (e as StoreError).message;
  }
  throw new Error(`decodeCommand accepted ${json}`);
}

describe('encodeCommand / decodeCommand', () => {
  it.each(EVERY_COMMAND.map((c) => [c.type, c] as const))('%s round-trips', (_, cmd) => {
    expect(decodeCommand(encodeCommand(cmd))).toEqual(cmd);
  });

  it('encodes canonically: key order in the input does not matter', () => {
    const a: Command = { type: 'noop', at: at(1) };
    const b = JSON.parse(`{"at":"${at(1)}","type":"noop"}`) as Command;
    expect(text(encodeCommand(a))).toBe(text(encodeCommand(b)));
  });

  it('encodeCommand refuses a malformed command at propose time', () => {
    expect(() => encodeCommand({ type: 'node.remove', at: at(1), id: 'short' })).toThrow(
      'invalid node.remove command: id must be an object id: 20 to 64 lowercase letters and digits (see newId()) (got "short")',
    );
  });
});

describe('decodeCommand refuses malformed input with a message naming the field', () => {
  const n = JSON.stringify(newNode('w1'));
  const cases: [string, string, string][] = [
    ['empty entry', '', 'invalid command: the entry is not UTF-8 JSON'],
    ['not an object', '[]', 'invalid command: must be an object (got an array)'],
    ['no type', '{}', 'invalid command: type is required'],
    [
      'unknown type',
      '{"type":"node.destroy"}',
      'invalid command: type must be one of "node.add", "node.update", "node.remove", "cluster.rotateToken", "cluster.rotateUnlockKey", "cluster.updateSettings", "cluster.setAdminCerts", "cluster.startCaRotation", "cluster.caNodeRenewed", "cluster.finishCaRotation", "service.create", "service.update", "service.remove", "service.rollback", "service.setUpdateStatus", "tasks.apply", "noop" (got "node.destroy")',
    ],
    ['no timestamp', '{"type":"noop"}', 'invalid noop command: at is required'],
    [
      'date without time',
      '{"type":"noop","at":"2025-01-01"}',
      'invalid noop command: at must be an ISO-8601 UTC timestamp like 2025-01-31T12:00:00.000Z (new Date().toISOString()) (got "2025-01-01")',
    ],
    ['impossible date', '{"type":"noop","at":"2025-02-30T00:00:00Z"}', 'invalid noop command: at is not a real date (got "2025-02-30T00:00:00Z")'],
    ['unknown field', `{"type":"noop","at":"${at(1)}","id":"${FIRST_ID}"}`, 'invalid noop command: id is not a known field (allowed: type, at)'],
    ['missing node', `{"type":"node.add","at":"${at(1)}"}`, 'invalid node.add command: node is required'],
    [
      'bad role',
      `{"type":"node.add","at":"${at(1)}","node":${n.replace('"worker"', '"boss"')}}`,
      'invalid node.add command: node.role must be one of "manager", "worker" (got "boss")',
    ],
    [
      'bad status state',
      `{"type":"node.add","at":"${at(1)}","node":${n.replace('"state":"ready"', '"state":1')}}`,
      'invalid node.add command: node.status.state must be one of "ready", "down", "unknown" (got 1)',
    ],
    [
      'negative resource',
      `{"type":"node.add","at":"${at(1)}","node":${n.replace('"nanoCpus":2000000000', '"nanoCpus":-1')}}`,
      'invalid node.add command: node.resources.nanoCpus must be at least 0 (got -1)',
    ],
    [
      'fractional resource',
      `{"type":"node.add","at":"${at(1)}","node":${n.replace('"nanoCpus":2000000000', '"nanoCpus":1.5')}}`,
      'invalid node.add command: node.resources.nanoCpus must be an integer (got 1.5)',
    ],
    [
      'bad name',
      `{"type":"node.add","at":"${at(1)}","node":${n.replace('"name":"w1"', '"name":"-w1"')}}`,
      'invalid node.add command: node.name must start with a letter or digit and contain only letters, digits, ".", "_" and "-" (got "-w1")',
    ],
    [
      'non-string label',
      `{"type":"node.add","at":"${at(1)}","node":${n.replace('"labels":{}', '"labels":{"a":1}')}}`,
      'invalid node.add command: node.labels.a must be a string (got 1)',
    ],
    [
      'version set by the proposer',
      `{"type":"node.add","at":"${at(1)}","node":${n.replace('{', '{"version":3,')}}`,
      'invalid node.add command: node.version is not a known field',
    ],
    [
      'empty patch',
      `{"type":"node.update","at":"${at(1)}","id":"${FIRST_ID}","patch":{}}`,
      'invalid node.update command: patch is empty; set at least one of name, availability, role, status, addr, addLabels, removeLabels, raftRole',
    ],
    [
      'unknown patch field',
      `{"type":"node.update","at":"${at(1)}","id":"${FIRST_ID}","patch":{"cpus":"x"}}`,
      'invalid node.update command: patch.cpus is not a known field (allowed: name, availability',
    ],
    [
      'bad runtime',
      `{"type":"node.update","at":"${at(1)}","id":"${FIRST_ID}","patch":{"runtime":"podman"}}`,
      'invalid node.update command: patch.runtime must be one of "", "process", "docker", "simulated" (got "podman")',
    ],
    [
      'string version',
      `{"type":"node.update","at":"${at(1)}","id":"${FIRST_ID}","expectedVersion":"3","patch":{"role":"worker"}}`,
      'invalid node.update command: expectedVersion must be an integer (got "3")',
    ],
    [
      'label added and removed',
      `{"type":"node.update","at":"${at(1)}","id":"${FIRST_ID}","patch":{"addLabels":{"a":"1"},"removeLabels":["a"]}}`,
      'invalid node.update command: patch both adds and removes label "a"; do one or the other',
    ],
    [
      'secret with dashes',
      `{"type":"cluster.rotateToken","at":"${at(1)}","role":"worker","secret":"has-dashes-in-it-x"}`,
      'invalid cluster.rotateToken command: secret must contain only letters and digits (got "has-dashes-in-it-x")',
    ],
    [
      'setting out of range',
      `{"type":"cluster.updateSettings","at":"${at(1)}","patch":{"tickMs":0}}`,
      'invalid cluster.updateSettings command: patch.tickMs must be between 1 and 60000 (got 0)',
    ],
    [
      'empty settings patch',
      `{"type":"cluster.updateSettings","at":"${at(1)}","patch":{}}`,
      'invalid cluster.updateSettings command: patch is empty; set at least one of tickMs',
    ],
  ];
  it.each(cases)('%s', (_, json, message) => {
    expect(refusal(json)).toContain(message);
  });

  it('a "__proto__" label key stays data, never a prototype', () => {
    const json = `{"type":"node.add","at":"${at(1)}","node":${JSON.stringify(newNode('w1')).replace('"labels":{}', '"labels":{"__proto__":"x"}')}}`;
    const cmd = decodeCommand(bytes(json));
    expect(cmd.type === 'node.add' && Object.keys(cmd.node.labels)).toEqual(['__proto__']);
    const s = newStore();
    expect(s.applyEntry(bytes(json), 2).ok).toBe(true);
    expect(Object.getPrototypeOf(s.getNode(idOf('w1'))?.labels)).toBe(Object.prototype);
    expect(text(s.snapshot())).toContain('"labels":{"__proto__":"x"}');
  });
});

describe('nothing in an entry makes applyEntry throw', () => {
  it('random JSON values', () => {
    const s = newStore();
    let index = 1;
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = s.applyEntry(bytes(JSON.stringify(v) ?? ''), ++index);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes', () => {
    const s = newStore();
    let index = 1;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        expect(s.applyEntry(data, ++index).ok).toBe(false);
      }),
    );
  });

  it('valid commands with one field replaced by random JSON', () => {
    // Near-misses reach the deep checks, where a forgotten case would show up as a throw.
    const mutated = fc
      .tuple(fc.constantFrom(...EVERY_COMMAND), fc.nat(), fc.jsonValue())
      .map(([cmd, pick, junk]) => replaceSomewhere(JSON.parse(JSON.stringify(cmd)) as unknown, pick, junk));
    fc.assert(
      fc.property(mutated, (value) => {
        const s = newStore();
        const r = s.applyEntry(bytes(JSON.stringify(value)), 2);
        if (!r.ok)
          expect(['INVALID_COMMAND', 'NOT_FOUND', 'ALREADY_EXISTS', 'NAME_TAKEN', 'UPDATE_OUT_OF_SEQUENCE', 'INVALID_ARGUMENT']).toContain(r.error.code);
        // Whatever was accepted must survive a snapshot round trip (it is valid state).
        expect(text(s.snapshot())).toBe(text(parseRoundTrip(s.snapshot())));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseCommand on non-JSON values (in-process callers) refuses instead of throwing', () => {
    for (const v of [undefined, 42, 'noop', new Map(), new Date(), [1], { type: 'noop', at: new Date() }]) {
      expect(() => parseCommand(v)).toThrow(StoreError);
      expect(newStore().apply(v as unknown as Command, 2).ok).toBe(false);
    }
  });
});

/** Replaces the `pick`-th field (in a depth-first walk) of a JSON value with `junk`. */
function replaceSomewhere(value: unknown, pick: number, junk: unknown): unknown {
  const slots: [Record<string, unknown>, string][] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      slots.push([v as Record<string, unknown>, k]);
      walk(child);
    }
  };
  walk(value);
  const slot = slots[pick % slots.length];
  if (slot) slot[0][slot[1]] = junk;
  return value;
}

function parseRoundTrip(snapshot: Uint8Array): Uint8Array {
  return ClusterStore.restore(snapshot).snapshot();
}
