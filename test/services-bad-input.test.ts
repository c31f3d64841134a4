// Bad service input against real managers, through the `shoal` CLI a user runs and the control
// API a script calls: every refusal names the field (or the other service, or the missing one)
// and says what to do, exits non-zero, and leaves the cluster as it was.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from './support/refusal.js';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab, type ShoalResult } from './support/lab.js';
import { DEMO_WEB, NODE, createService, removeAllServices, shoalEnv, updateService, waitConverged, webSpec } from './support/services.js';

// Validation does not depend on how many managers there are: one manager and one worker (at
// 127.0.0.31; process workers of other files use .11 up, docker ones .51 up); ports 33xxx.
describe.sequential('bad service input', () => {
  const clusters = new Lab();
  const lab = new Lab();
  let cluster: LocalCluster;
  let anyFailed = false;

  beforeAll(async () => {
    cluster = await clusters.cluster('services-bad-input', 1);
    await cluster.addWorker('w1', { host: '127.0.0.31' });
  });

  afterEach(async ({ task }) => {
    const failed = task.result?.state === 'fail';
    anyFailed ||= failed;
    await lab.cleanup({ failed });
    await removeAllServices(cluster);
  });

  afterAll(() => clusters.cleanup({ failed: anyFailed }));

  const shoal = (...args: string[]): Promise<ShoalResult> => lab.runShoal(args, shoalEnv(cluster));

  async function serviceNames(): Promise<string[]> {
    const { services } = await cluster.client().call('ListServices', { read: { stale: false } });
    return services.map((s) => s.name).sort();
  }

  it('invalid spec fields are refused with a message naming the field, through the CLI and the API', async () => {
    const cmd = `${NODE} ${DEMO_WEB}`;
    const cases: { args: string[]; field: RegExp }[] = [
      { args: ['--name', 'neg', '--replicas', '-1', '--command', cmd], field: /spec\.replicas must be an integer from 0 to 10000 \(got -1\)/ },
      {
        args: ['--name', 'badc', '--constraint', 'node.labels.zone=b', '--command', cmd],
        field: /spec\.task\.placement\.constraints\[0\].*"node\.labels\.zone=b".*operator/,
      },
      { args: ['--name', 'bad name', '--command', cmd], field: /spec\.name must start with a letter or digit/ },
    ];
    // Independent commands: run side by side (each is a node process starting up).
    const results = await Promise.all(cases.map((c) => shoal('service', 'create', '--detach', ...c.args)));
    cases.forEach((c, i) => {
      const r = results[i]!;
      expect(r.code, `${c.args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^error: invalid service spec: /);
      expect(r.stderr).toMatch(c.field);
    });
    // Flags the CLI can tell are wrong never reach the cluster.
    const [badPublish, nothing, noPort] = await Promise.all([
      shoal('service', 'create', '--detach', '--name', 'p', '-p', 'eighty', '--command', cmd),
      shoal('service', 'create', '--detach', '--name', 'empty', '--runtime', 'process'),
      shoal('service', 'create', '--detach', '--name', 'badp', '-p', '70000:80', '--command', cmd),
    ]);
    expect(badPublish.code).toBe(1);
    expect(badPublish.stderr).toContain('-p/--publish wants PUBLISHED:TARGET like 8080:80 (got "eighty")');
    expect(noPort.code).toBe(1);
    expect(noPort.stderr).toContain('-p/--publish 70000:80: the published port 70000 is not a port (1..65535)');
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toMatch(/what should the service run\?.*--command/);

    // The API says the same to a script, with the code INVALID_ARGUMENT.
    const apiCases: { spec: Record<string, unknown>; field: RegExp }[] = [
      { spec: webSpec('neg', { replicas: -1 }), field: /spec\.replicas must be an integer/ },
      { spec: webSpec('badc', { task: { placement: { constraints: ['zone==b'] } } }), field: /spec\.task\.placement\.constraints\[0\].*"zone==b"/ },
      { spec: webSpec('badp', { extra: { ports: [{ published: 0 }] } }), field: /spec\.ports\[0\]\.published 0 is not a port/ },
      { spec: { name: 'nocmd', task: { runtime: 'process' } }, field: /spec\.task\.command.*a process task needs a command/ },
    ];
    for (const c of apiCases) {
      const e = await refusal(createService(cluster, c.spec));
      expect(e.code, e.message).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(c.field);
    }
    // A field the wire has no place for is refused before anything is sent, in the same words.
    const typo = { name: 'typo', replicas: 1, task: { runtime: 'process', command: ['x'], comand: ['y'] } };
    expect(() => createService(cluster, typo)).toThrow(/^invalid service spec: spec\.task\.comand is not a known field/);
    expect(await serviceNames()).toEqual([]);
  });

  it('a published port another service publishes is refused with PORT_IN_USE naming that service', async () => {
    await createService(cluster, webSpec('first', { published: 33080 }));
    const e = await refusal(createService(cluster, webSpec('second', { published: 33080 })));
    expect(e.code).toBe('PORT_IN_USE');
    expect(e.message).toContain('port 33080 is already published by service first');
    // Taking it over by an update is refused the same way.
    await createService(cluster, webSpec('third', { published: 33081 }));
    const u = await refusal(updateService(cluster, 'third', { ports: [{ published: 33080 }] }));
    expect(u.code).toBe('PORT_IN_USE');
    expect(u.message).toContain('service first');

    const r = await shoal('service', 'create', '--detach', '--name', 'fourth', '-p', '33080:8080', '--command', `${NODE} ${DEMO_WEB}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('port 33080 is already published by service first');
    expect(await serviceNames()).toEqual(['first', 'third']);
    // The first one is unharmed and still runs.
    await waitConverged(cluster, 'first', 1);
  });

  it('scaling a global service is refused, by the CLI and by the API', async () => {
    await createService(cluster, { ...webSpec('everywhere'), mode: 'global', replicas: undefined });
    await waitConverged(cluster, 'everywhere', 1);
    const r = await shoal('service', 'scale', 'everywhere=3');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('everywhere is a global service: it runs one task per node and cannot be scaled');
    const e = await refusal(updateService(cluster, 'everywhere', { replicas: 3 }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/spec\.replicas must be 0 for a global service/);
    await waitConverged(cluster, 'everywhere', 1);
  });

  it('removing, scaling or inspecting a service that does not exist says it is not found', async () => {
    const [rm, scale, ps] = await Promise.all([shoal('service', 'rm', 'nosuch'), shoal('service', 'scale', 'nosuch=2'), shoal('service', 'ps', 'nosuch')]);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(/^error: no service matches "nosuch"; see `shoal service ls`/);
    const e = await refusal(cluster.client().call('RemoveService', { service: 'nosuch' }, { write: true }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('nosuch');
    for (const r of [scale, ps]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('no service matches "nosuch"');
    }
  });
});
