// The `shoal` CLI, as a real process, through a leader's death: a write issued the moment the
// leader is SIGKILLed must not fail or hang on the dead manager — it waits out the election
// and lands on the new leader. How fast is shown by `npm run bench -- cli` (failover phase).

import { afterEach, describe, expect, it } from 'vitest';
import { Lab } from './support/lab.js';
import { shoalEnv } from './support/services.js';
import { waitFor } from './support/managers.js';
import type { LocalCluster } from '../scripts/lib/cluster.js';

/** The worker join token, as `shoal join-token worker --quiet` prints it. */
async function workerToken(lab: Lab, cluster: LocalCluster, rotate = false): Promise<string> {
  const r = await lab.runShoal(['join-token', 'worker', '--quiet', ...(rotate ? ['--rotate'] : [])], shoalEnv(cluster));
  expect(r.code, `shoal join-token worker${rotate ? ' --rotate' : ''} failed:\n${r.stderr}`).toBe(0);
  return r.stdout.trim();
}

describe.sequential('CLI failover', () => {
  const lab = new Lab();
  afterEach(({ task }) => lab.cleanup({ failed: task.result?.state === 'fail' }));

  it('a write issued right after the leader is killed succeeds on the new leader, wherever the dead one is in --host', async () => {
    const cluster = await lab.cluster('cli-failover', 3);
    let token = await workerToken(lab, cluster);
    expect(token).toMatch(/^SWMTKN-1-/);

    // First the founding manager, listed first in SHOAL_HOST (the CLI meets a refused
    // connection first); then whoever leads next, which is not first in the list (the CLI
    // meets live followers that still name the dead leader, or none while they elect).
    for (let round = 1; round <= 2; round++) {
      const leader = await cluster.waitForLeader();
      await waitFor('all managers reachable', async () => ((await cluster.clusterInfo(true)).reachableVoters === 3 ? true : undefined));
      await cluster.kill(leader.name, 'SIGKILL');
      const rotated = await workerToken(lab, cluster, true);
      expect(rotated, `round ${round}: the token did not change`).not.toBe(token);
      expect(rotated).toMatch(/^SWMTKN-1-/);

      // The rotation was committed: a new leader serves it to a fresh CLI process.
      const newLeader = await cluster.waitForLeader(leader.nodeId);
      expect(newLeader.nodeId).not.toBe(leader.nodeId);
      expect(await workerToken(lab, cluster)).toBe(rotated);
      token = rotated;
      await cluster.start(leader.name);
    }
  });
});
