// `shoal service update` and `shoal service rollback` as a user runs them, against real
// processes: a rolling update followed to its end, a canary held then rolled back (only the
// canary changes back), an update that fails and rolls back by itself saying why, the VERSION
// of each task and the UPDATE column, and bad input refused before anything changes.
//
// One manager and one worker (127.0.0.71; no published ports): the leader's rules are tested in
// service-update.test.ts; this file checks what the CLI makes of them.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../scripts/lib/cluster.js';
import { Lab, type ShoalResult } from './support/lab.js';
import { DEMO_WEB, NODE, getService, isLive, shoalEnv, tasksOf, waitForTasks } from './support/services.js';

describe.sequential('shoal service update / rollback', () => {
  const lab = new Lab();
  let cluster: LocalCluster;
  let anyFailed = false;

  const shoal = (...args: string[]): Promise<ShoalResult> => lab.runShoal(args, shoalEnv(cluster), 90_000);
  const said = (r: ShoalResult): string => `exit ${r.code}\n${r.stdout}${r.stderr}`;

  /** The spec versions the live tasks run, sorted. */
  async function liveVersions(): Promise<string[]> {
    return (await tasksOf(cluster, 'web'))
      .filter(isLive)
      .map((t) => t.specVersion)
      .sort();
  }

  beforeAll(async () => {
    cluster = await lab.cluster('cli-update', 1);
    await cluster.addWorker('w1', { host: '127.0.0.71' });
  });

  afterEach(({ task }) => {
    anyFailed ||= task.result?.state === 'fail';
  });

  afterAll(() => lab.cleanup({ failed: anyFailed }));

  it('create takes the update config; update follows the rollout slot by slot', async () => {
    const create = await shoal(
      'service',
      'create',
      '--name',
      'web',
      '--replicas',
      '2',
      '--update-monitor',
      '300ms',
      '--rollback-monitor',
      '300ms',
      '--update-order',
      'start-first',
      '--command',
      `${NODE} ${DEMO_WEB}`,
    );
    expect(create.code, said(create)).toBe(0);
    const v1 = (await getService(cluster, 'web')).specVersion;

    const r = await shoal('service', 'update', 'web', '--env-add', 'VERSION=2');
    expect(r.code, said(r)).toBe(0);
    expect(r.stdout).toContain('overall progress: 2 out of 2 tasks updated');
    expect(r.stdout).toMatch(/^1\/2: running {3}\[=+>\]$/m);
    expect(r.stdout).toContain('verify: service updated');
    const v2 = (await getService(cluster, 'web')).specVersion;
    expect(v2).not.toBe(v1);
    expect(await liveVersions()).toEqual([v2, v2]);

    // ps: the VERSION of each task, the replaced ones kept under their slot.
    const ps = await shoal('service', 'ps', 'web');
    expect(ps.stdout).toMatch(/ VERSION /);
    expect(ps.stdout).toContain(`v${v2}`);
    expect(ps.stdout).toMatch(new RegExp(`\\\\_ web\\.1\\.\\S+\\s+v${v1}`));
    const ls = JSON.parse((await shoal('service', 'ls', '--json')).stdout) as { update: string; specVersion: number }[];
    expect(ls[0]).toMatchObject({ update: 'completed', specVersion: Number(v2) });
  });

  it('a canary holds with how to go on; rollback undoes only the canary', async () => {
    const v2 = (await getService(cluster, 'web')).specVersion;
    const r = await shoal('service', 'update', 'web', '--env-add', 'VERSION=3', '--canary', '1');
    expect(r.code, said(r)).toBe(0);
    expect(r.stdout).toMatch(/canary: 1 of 2 tasks run version \d+; `shoal service update web --continue` finishes/);
    const v3 = (await getService(cluster, 'web')).specVersion;
    expect(await liveVersions()).toEqual([v2, v3].sort());
    const ls = JSON.parse((await shoal('service', 'ls', '--json')).stdout) as { update: string }[];
    expect(ls[0]!.update).toBe('canary 1/2');
    const untouched = (await tasksOf(cluster, 'web')).find((t) => isLive(t) && t.specVersion === v2)!;

    const back = await shoal('service', 'rollback', 'web', '--json');
    expect(back.code, said(back)).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ name: 'web', update: 'rolled back', specVersion: Number(v2) });
    expect(await liveVersions()).toEqual([v2, v2]);
    // The task that never moved still runs.
    expect((await tasksOf(cluster, 'web')).find((t) => t.id === untouched.id && isLive(t))).toBeDefined();
  });

  it('an update whose tasks fail rolls back by itself and the CLI says why, exiting 1', async () => {
    const before = (await getService(cluster, 'web')).specVersion;
    const r = await shoal('service', 'update', 'web', '--command', `${NODE} -e process.exit(3)`, '--update-failure-action', 'rollback');
    expect(r.code, said(r)).toBe(1);
    expect(r.stderr).toMatch(/^error: update rolled back: task web\.\d\.\S+ failed: .*code 3/);
    await waitForTasks(cluster, 'web', 'both tasks back on the old version', (ts) => ts.filter((t) => isLive(t) && t.specVersion === before).length === 2);
    const inspect = JSON.parse((await shoal('service', 'inspect', 'web')).stdout) as { updateStatus: { state: string }; specVersion: number }[];
    expect(inspect[0]).toMatchObject({ updateStatus: { state: 'rollback_completed' }, specVersion: Number(before) });
  });

  it('bad input is refused, naming the flag, and the service is unchanged', async () => {
    const version = (await getService(cluster, 'web')).version;
    const cases: [string[], number, RegExp][] = [
      [['--update-parallelism', '-1'], 2, /--update-parallelism must be 0 \(all at once\) or more tasks at a time \(got -1\)/],
      [['--update-max-failure-ratio', '1.5'], 2, /--update-max-failure-ratio must be a number from 0 to 1, like 0.2 \(got "1.5"\)/],
      [['--update-failure-action', 'explode'], 2, /--update-failure-action must be one of pause, continue, rollback \(got "explode"\)/],
      [['--force', '--canary', '3'], 2, /--canary must be from 1 to the service's 2 tasks \(got 3\)/],
      [[], 2, /nothing to update/],
      [['--continue'], 1, /service web has no paused update to continue/],
    ];
    // One at a time: each is a node process starting up, and the machine may be busy.
    for (const [args, code, message] of cases) {
      const r = await shoal('service', 'update', 'web', ...args);
      expect(r.code, `${args.join(' ')}: ${said(r)}`).toBe(code);
      expect(r.stderr).toMatch(message);
    }
    const missing = await shoal('service', 'update', 'nope', '--force');
    expect(missing.code, said(missing)).toBe(1);
    expect(missing.stderr).toMatch(/no service matches "nope"/);
    expect((await getService(cluster, 'web')).version).toBe(version);
  });

  it('a change that replaces no task scales; --json prints only the final row', async () => {
    const version = (await getService(cluster, 'web')).specVersion;
    const r = await shoal('service', 'update', 'web', '--replicas', '3', '--update-delay', '1s', '--json');
    expect(r.code, said(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'web', replicas: '3/3', specVersion: Number(version) });
  });
});
