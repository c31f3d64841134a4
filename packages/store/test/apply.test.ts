// Applying each command, and the rules every manager relies on to stay identical: refused
// commands change nothing and never throw, versions are Raft indexes, names are unique.

import { describe, expect, it } from 'vitest';
import { ClusterStore, DEFAULT_CLUSTER_SETTINGS, type Command, type NodeObject } from '@shoal/store';
import { CLUSTER_ID, FIRST_ID, T0, at, expectOk, idOf, newNode, newStore, text } from './fixtures.js';

/** State without the applied index: what a refused command must leave untouched. */
const stateOf = (s: ClusterStore): string => JSON.stringify({ cluster: s.cluster(), nodes: s.nodes() });

describe('node.add', () => {
  it('creates the node with version = index and timestamps from `at`', () => {
    const s = newStore();
    const value = expectOk(s.apply({ type: 'node.add', at: at(5), node: newNode('w1', { labels: { zone: 'a' } }) }, 2));
    const node = s.getNode(idOf('w1'));
    expect(node).toEqual({ ...newNode('w1', { labels: { zone: 'a' } }), version: 2, createdAt: at(5), updatedAt: at(5) });
    expect(value).toBe(node);
    expect(s.appliedIndex).toBe(2);
  });

  it('refuses an id that exists (ALREADY_EXISTS)', () => {
    const s = newStore();
    const r = s.apply({ type: 'node.add', at: at(1), node: newNode('other', { id: FIRST_ID }) }, 2);
    expect(r).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    expect(!r.ok && r.error.message).toContain('generate a new id');
  });

  it('refuses a name another node has, compared case-insensitively (NAME_TAKEN)', () => {
    const s = newStore();
    const r = s.apply({ type: 'node.add', at: at(1), node: newNode('MGR1', { id: idOf('x') }) }, 2);
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'NAME_TAKEN',
        message: `node name "MGR1" is already used by node ${FIRST_ID} ("mgr1"); choose another name or remove that node first`,
      },
    });
  });

  it('runtime defaults to "" (not reported yet) and may be given', () => {
    const s = newStore();
    const { runtime: _, ...withoutRuntime } = newNode('w1');
    expectOk(s.apply({ type: 'node.add', at: at(1), node: withoutRuntime }, 2));
    expect(s.getNode(idOf('w1'))?.runtime).toBe('');
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w2', { runtime: 'docker' }) }, 3));
    expect(s.getNode(idOf('w2'))?.runtime).toBe('docker');
  });

  it('refuses raftRole on a worker', () => {
    const s = newStore();
    const r = s.apply({ type: 'node.add', at: at(1), node: newNode('w1', { raftRole: 'voter' }) }, 2);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_COMMAND', message: expect.stringContaining('node.raftRole applies to managers only') } });
  });
});

describe('node.update', () => {
  const withWorker = (): ClusterStore => {
    const s = newStore();
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1', { labels: { zone: 'a', disk: 'ssd' } }) }, 2));
    return s;
  };
  const W1 = idOf('w1');

  it('applies every patch field and sets version = index, updatedAt = at', () => {
    const s = withWorker();
    expectOk(
      s.apply(
        {
          type: 'node.update',
          at: at(9),
          id: W1,
          expectedVersion: 2,
          patch: {
            name: 'w1-renamed',
            availability: 'drain',
            status: { state: 'down', message: 'heartbeat missed' },
            addr: '127.0.0.2:1',
            addLabels: { zone: 'b', gpu: 'yes' },
            removeLabels: ['disk'],
          },
        },
        7,
      ),
    );
    expect(s.getNode(W1)).toEqual({
      ...newNode('w1'),
      name: 'w1-renamed',
      availability: 'drain',
      status: { state: 'down', message: 'heartbeat missed' },
      addr: '127.0.0.2:1',
      labels: { zone: 'b', gpu: 'yes' },
      version: 7,
      createdAt: at(1),
      updatedAt: at(9),
    });
  });

  it('takes what an agent reports about its host: hostname, resources, runtime', () => {
    const s = withWorker();
    expectOk(
      s.apply(
        { type: 'node.update', at: at(9), id: W1, patch: { hostname: 'box-9', resources: { nanoCpus: 4e9, memoryBytes: 8 << 20 }, runtime: 'process' } },
        7,
      ),
    );
    expect(s.getNode(W1)).toMatchObject({
      hostname: 'box-9',
      resources: { nanoCpus: 4e9, memoryBytes: 8 << 20 },
      runtime: 'process',
      labels: { zone: 'a', disk: 'ssd' },
      version: 7,
    });
  });

  it('refuses a stale expectedVersion with "update out of sequence: re-read and retry"', () => {
    const s = withWorker();
    expectOk(s.apply({ type: 'node.update', at: at(2), id: W1, patch: { availability: 'pause' } }, 3));
    const before = stateOf(s);
    const r = s.apply({ type: 'node.update', at: at(3), id: W1, expectedVersion: 2, patch: { availability: 'drain' } }, 4);
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'UPDATE_OUT_OF_SEQUENCE',
        message: `update out of sequence: re-read and retry (node ${W1} ("w1") is at version 3, the update expected version 2)`,
      },
    });
    expect(stateOf(s)).toBe(before);
    expect(s.appliedIndex).toBe(4); // the entry was applied; its outcome was a refusal
  });

  it('without expectedVersion, updates whatever the current version is', () => {
    const s = withWorker();
    expectOk(s.apply({ type: 'node.update', at: at(2), id: W1, patch: { availability: 'pause' } }, 3));
    expectOk(s.apply({ type: 'node.update', at: at(3), id: W1, patch: { availability: 'active' } }, 4));
    expect(s.getNode(W1)?.version).toBe(4);
  });

  it("refuses renaming onto another node's name, but allows changing a name's case", () => {
    const s = withWorker();
    expect(s.apply({ type: 'node.update', at: at(2), id: W1, patch: { name: 'Mgr1' } }, 3)).toMatchObject({ ok: false, error: { code: 'NAME_TAKEN' } });
    expectOk(s.apply({ type: 'node.update', at: at(2), id: W1, patch: { name: 'W1' } }, 4));
    expect(s.findNode('w1').name).toBe('W1');
  });

  it('promotion and raftRole: set, cleared with null, dropped on demotion, refused on a worker', () => {
    const s = withWorker();
    expect(s.apply({ type: 'node.update', at: at(2), id: W1, patch: { raftRole: 'learner' } }, 3)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('raftRole applies to managers only') },
    });
    expectOk(s.apply({ type: 'node.update', at: at(2), id: W1, patch: { role: 'manager', raftRole: 'learner' } }, 4));
    expect(s.getNode(W1)).toMatchObject({ role: 'manager', raftRole: 'learner' });
    expectOk(s.apply({ type: 'node.update', at: at(3), id: W1, patch: { raftRole: 'voter' } }, 5));
    expect(s.getNode(W1)?.raftRole).toBe('voter');
    expectOk(s.apply({ type: 'node.update', at: at(4), id: W1, patch: { raftRole: null } }, 6));
    expect(s.getNode(W1)).not.toHaveProperty('raftRole');
    expectOk(s.apply({ type: 'node.update', at: at(5), id: W1, patch: { raftRole: 'voter' } }, 7));
    expectOk(s.apply({ type: 'node.update', at: at(6), id: W1, patch: { role: 'worker' } }, 8));
    expect(s.getNode(W1)).not.toHaveProperty('raftRole');
    expect(s.getNode(W1)?.role).toBe('worker');
  });

  it('refuses an unknown id (NOT_FOUND)', () => {
    const s = withWorker();
    const r = s.apply({ type: 'node.update', at: at(2), id: idOf('ghost'), patch: { availability: 'drain' } }, 3);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('shoal node ls') } });
  });
});

describe('node.remove', () => {
  it('removes the node and frees its name', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 2));
    const removed = expectOk(s.apply({ type: 'node.remove', at: at(2), id: idOf('w1') }, 3));
    expect((removed as NodeObject).name).toBe('w1');
    expect(s.getNode(idOf('w1'))).toBeUndefined();
    expectOk(s.apply({ type: 'node.add', at: at(3), node: newNode('w1', { id: idOf('w1again') }) }, 4));
    expect(s.nodes().map((n) => n.id)).toEqual([FIRST_ID, idOf('w1again')]);
  });

  it('refuses an unknown id', () => {
    expect(newStore().apply({ type: 'node.remove', at: at(1), id: idOf('ghost') }, 2)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('cluster commands', () => {
  it('cluster.rotateToken replaces one secret and bumps the version', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'cluster.rotateToken', at: at(1), role: 'worker', secret: 'rotatedworkersecret1' }, 4));
    expect(s.cluster()).toMatchObject({ id: CLUSTER_ID, version: 4, tokens: { worker: 'rotatedworkersecret1', manager: 'managersecret000000000' } });
  });

  it('cluster.rotateToken refuses giving both roles the same secret', () => {
    const s = newStore();
    const r = s.apply({ type: 'cluster.rotateToken', at: at(1), role: 'worker', secret: 'managersecret000000000' }, 2);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('worker token would admit managers') } });
  });

  it('cluster.updateSettings merges the patch, checks versions and cross-field rules', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'cluster.updateSettings', at: at(1), expectedVersion: 1, patch: { tickMs: 100, electionTicks: 12 } }, 2));
    expect(s.cluster().settings).toMatchObject({ tickMs: 100, electionTicks: 12, heartbeatTicks: 1 });
    expect(s.cluster().version).toBe(2);
    expect(s.apply({ type: 'cluster.updateSettings', at: at(2), expectedVersion: 1, patch: { tickMs: 10 } }, 3)).toMatchObject({
      ok: false,
      error: {
        code: 'UPDATE_OUT_OF_SEQUENCE',
        message: expect.stringContaining('update out of sequence: re-read and retry (cluster "default" is at version 2'),
      },
    });
    expect(s.apply({ type: 'cluster.updateSettings', at: at(2), patch: { heartbeatTicks: 12 } }, 4)).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'cluster settings: electionTicks (12) must be greater than heartbeatTicks (12); raise electionTicks' },
    });
  });

  it('cluster commands on a store with no cluster are refused, and cluster() says why', () => {
    const s = new ClusterStore();
    expect(s.apply({ type: 'cluster.rotateToken', at: at(1), role: 'manager', secret: 'abcdefghijklmnopqrstu' }, 1)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(() => s.cluster()).toThrow(/no cluster yet/);
  });
});

describe('cluster settings defaults', () => {
  it('workers heartbeat every 500 ms (fast failure detection; Swarm uses 5 s)', () => {
    expect(DEFAULT_CLUSTER_SETTINGS.nodeHeartbeatMs).toBe(500);
  });
});

describe('noop and the applied index', () => {
  it('noop changes nothing but the applied index', () => {
    const s = newStore();
    const before = stateOf(s);
    expect(s.apply({ type: 'noop', at: at(1) }, 2)).toEqual({ ok: true });
    expect(stateOf(s)).toBe(before);
    expect(s.appliedIndex).toBe(2);
  });

  it('indexes must increase (gaps are fine: not every entry is a store command)', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'noop', at: at(1) }, 5));
    for (const bad of [5, 4, 0, 5.5, Number.NaN]) {
      expect(() => s.apply({ type: 'noop', at: at(1) }, bad)).toThrow(/is not after the applied index 5; apply each committed entry once, in log order/);
    }
    expect(() => s.applyEntry(new Uint8Array(), 5)).toThrow(/not after the applied index/);
    expect(s.appliedIndex).toBe(5);
  });
});

describe('refused commands', () => {
  const refused: [string, Command][] = [
    ['duplicate id', { type: 'node.add', at: at(1), node: newNode('x', { id: FIRST_ID }) }],
    ['duplicate name', { type: 'node.add', at: at(1), node: newNode('mgr1', { id: idOf('x') }) }],
    ['unknown node', { type: 'node.update', at: at(1), id: idOf('ghost'), patch: { availability: 'drain' } }],
    ['stale version', { type: 'node.update', at: at(1), id: FIRST_ID, expectedVersion: 9, patch: { availability: 'drain' } }],
    ['unknown remove', { type: 'node.remove', at: at(1), id: idOf('ghost') }],
    ['bad settings', { type: 'cluster.updateSettings', at: at(1), patch: { electionTicks: 2, heartbeatTicks: 5 } }],
    ['malformed (typed as a Command by a cast)', { type: 'node.remove', at: 'yesterday', id: FIRST_ID } as Command],
    ['not an object at all', null as unknown as Command],
  ];
  it.each(refused)('%s: returns ok:false, changes nothing, advances the applied index', (_, cmd) => {
    const s = newStore();
    const before = stateOf(s);
    const r = s.apply(cmd, 2);
    expect(r.ok).toBe(false);
    expect(stateOf(s)).toBe(before);
    expect(s.appliedIndex).toBe(2);
  });

  it('undecodable entry data is refused, not thrown', () => {
    const s = newStore();
    expect(s.applyEntry(new Uint8Array([0xff, 0xfe]), 2)).toMatchObject({ ok: false, error: { code: 'INVALID_COMMAND' } });
    expect(s.applyEntry(new TextEncoder().encode('{"type":"node.remove"'), 3)).toMatchObject({ ok: false, error: { code: 'INVALID_COMMAND' } });
    expect(s.appliedIndex).toBe(3);
  });
});

describe('describe()', () => {
  it('prints a compact view for logs and failing tests', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'node.add', at: at(1), node: newNode('w1') }, 2));
    expect(s.describe()).toBe(
      [
        'applied 2, cluster default v1',
        `  mgr1             ${FIRST_ID} manager/voter active ready v1`,
        `  w1               ${idOf('w1')} worker active ready v2`,
      ].join('\n'),
    );
  });
});

describe('reads cannot mutate the store', () => {
  it('objects and lists are frozen, deeply', () => {
    const s = newStore();
    const n = s.getNode(FIRST_ID)!;
    expect(() => ((n as { name: string }).name = 'x')).toThrow(TypeError);
    expect(() => ((n.labels as Record<string, string>).a = 'b')).toThrow(TypeError);
    expect(() => ((n.status as { state: string }).state = 'down')).toThrow(TypeError);
    expect(() => (s.nodes() as NodeObject[]).push(n)).toThrow(TypeError);
    expect(() => ((s.cluster().settings as { tickMs: number }).tickMs = 1)).toThrow(TypeError);
  });

  it("the caller's command object is copied, so mutating it afterwards changes nothing", () => {
    const s = newStore();
    const labels: Record<string, string> = { zone: 'a' };
    const cmd = { type: 'node.add', at: T0, node: newNode('w1', { labels }) } as const;
    expectOk(s.apply(cmd, 2));
    labels.zone = 'b';
    expect(s.getNode(idOf('w1'))?.labels).toEqual({ zone: 'a' });
    expect(text(s.snapshot())).not.toContain('"zone":"b"');
  });
});
