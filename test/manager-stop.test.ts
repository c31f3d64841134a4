// Stopping a manager ends its process, whatever the manager was still waiting on. Here: a
// manager restarted alone (its peers stopped), so it has no quorum and no leader, is stopped
// with SIGTERM while its peer links keep retrying and its Raft loop keeps campaigning.

import { afterEach, describe, expect, it } from 'vitest';
import { Lab } from './support/lab.js';
import { infoFrom, logLines, waitForExit } from './support/managers.js';

describe.sequential('manager stop', () => {
  const lab = new Lab();
  afterEach(({ task }) => lab.cleanup({ failed: task.result?.state === 'fail' }));

  it('a manager restarted without a quorum exits after SIGTERM', async () => {
    const cluster = await lab.cluster('stop', 3);
    await cluster.kill('m2', 'SIGTERM');
    await cluster.kill('m3', 'SIGTERM');
    await cluster.kill('m1', 'SIGTERM');

    const alone = cluster.manager('m2');
    await cluster.start(alone.name);
    const info = await infoFrom(cluster, alone, { stale: true });
    expect(info.leader, 'a manager alone out of three has no leader').toBe('');
    expect(info.reachableVoters).toBe(1);

    alone.proc!.kill('SIGTERM');
    // The assertion is that it exits at all (it once logged "manager stopped" and stayed up).
    const code = await waitForExit(alone, 15_000);
    expect(code).toBe(0);
    expect(logLines(alone, 'manager stopped').length).toBeGreaterThan(0);
  });
});
