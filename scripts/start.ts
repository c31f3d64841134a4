// `npm start`: a local cluster of 3 manager processes on the embedded defaults (LevelDB Raft
// databases under .shoal/local), then a live view of the leader for the failover demo.
// Ctrl-C stops every manager this script started.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { resolveTaskUser } from '@shoal/agent';
import { LocalCluster, REPO_ROOT, SHOAL_BIN } from './lib/cluster.js';

/**
 * The demo's script where its tasks can read it. Started as root, the workers run tasks as an
 * unprivileged user (nobody), and a checkout under a private directory (/root is 0700, so is a
 * `mktemp -d`) is out of that user's reach: the tasks would exit at once with EACCES.
 */
function stageDemo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-demo-'));
  chmodSync(dir, 0o755);
  const file = join(dir, 'demo-web.mjs');
  copyFileSync(join(REPO_ROOT, 'scripts', 'demo-web.mjs'), file);
  chmodSync(file, 0o644);
  return file;
}

/** Says, before anything starts, when the task user cannot run this node binary with the demo. */
function checkTaskUserReaches(script: string): void {
  const user = resolveTaskUser(undefined);
  if (!user.separate) return;
  const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(script)}, 4)`], {
    uid: user.uid,
    gid: user.gid,
    encoding: 'utf8',
  });
  if (probe.status === 0) return;
  const why =
    probe.error?.message ??
    probe.stderr
      .trim()
      .split('\n')
      .find((l) => l.includes('Error')) ??
    `exit status ${probe.status}`;
  console.error(
    `The workers run tasks as ${user.name}, who cannot run ${process.execPath} with ${script} (${why}).\n` +
      `Install Node.js where every user can run it (e.g. /usr/local/bin, not under /root), or run npm start as a user other than root.`,
  );
  process.exit(1);
}

const dir = join(REPO_ROOT, '.shoal', 'local');
const rel = (p: string): string => relative(process.cwd(), p) || '.';

const demo = stageDemo();
checkTaskUserReaches(demo);
console.log('Starting 3 managers and 2 workers (one process each) ...');
// tasksRoot null: the agent's default, which its task user can reach wherever this checkout lives.
const cluster = await LocalCluster.create({ dir, managers: 3, tasksRoot: null });
await cluster.addWorker('w1');
await cluster.addWorker('w2');

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the demo service, the workers and the managers ...');
  try {
    await cluster.client().call('RemoveService', { service: 'web' }, { write: true, timeoutMs: 3000 });
  } catch {
    /* the cluster may have lost its quorum in the demo */
  }
  for (const w of cluster.workers) cluster.killWorkerTasks(w.name);
  await cluster.stopAll('SIGTERM');
  rmSync(dirname(demo), { recursive: true, force: true });
  console.log(`Stopped. Data and logs stay in ${rel(dir)} until the next npm start.`);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

const env = { ...process.env, SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: cluster.adminDir };
console.log('\nDeploying the demo web service: 3 replicas, published on port 8080 of every worker ...');
console.log(
  execFileSync(
    process.execPath,
    [
      SHOAL_BIN,
      'service',
      'create',
      '--name',
      'web',
      '--replicas',
      '3',
      '-p',
      '8080:8080',
      '--health-http',
      '/health',
      '--command',
      `${process.execPath} ${demo}`,
    ],
    {
      env,
      encoding: 'utf8',
    },
  ),
);
console.log('');
console.log(execFileSync(process.execPath, [SHOAL_BIN, 'cluster-info'], { env, encoding: 'utf8' }));
console.log(execFileSync(process.execPath, [SHOAL_BIN, 'node', 'ls'], { env, encoding: 'utf8' }));
console.log(execFileSync(process.execPath, [SHOAL_BIN, 'service', 'ps', 'web'], { env, encoding: 'utf8' }));
const workerHosts = cluster.workers.map((w) => w.addr.split(':')[0]);

const leader = await cluster.waitForLeader();
console.log(`In another terminal, point the CLI at this cluster:

    export SHOAL_HOST=${env.SHOAL_HOST}
    export SHOAL_CERTS=${rel(cluster.adminDir)}
    npx shoal cluster-info
    npx shoal node ls

The web service answers on port 8080 of every worker, balanced over its tasks:

    curl http://${workerHosts[0]}:8080/   # repeat: the task answering changes
    curl http://${workerHosts[1]}:8080/

Failover demo: kill the leader (${leader.name}, pid ${leader.proc?.pid}) the hard way and watch below:

    kill -9 ${leader.proc?.pid}

Lost worker demo: kill worker w1 (agent pid ${cluster.workers[0]?.proc?.pid}) and its tasks move to w2 within seconds:

    kill -9 ${cluster.workers[0]?.proc?.pid}; npx shoal service ps web

Bring a killed manager back with: npx shoal manager start --data ${rel(join(dir, '<name>'))}
Logs: ${rel(join(dir, 'logs'))}/<name>.log.  Ctrl-C stops everything.
`);

// Live view: print each leader change and how long the cluster had no leader.
let lastLeader = leader.nodeId;
let lostAt: number | undefined;
const names = new Map(cluster.managers.map((m) => [m.nodeId, m.name]));
for (;;) {
  if (stopping) break;
  let info;
  try {
    info = await cluster.clusterInfo(true);
  } catch {
    info = undefined;
  }
  const now = Date.now();
  const current = info?.leader ?? '';
  // Judged by the managers' own view: a killed leader shows as unreachable at once.
  const leaderUp = !!info?.managers.some((m) => m.id === current && m.reachable);
  if (current !== lastLeader || !leaderUp) {
    if (!leaderUp && lostAt === undefined) {
      lostAt = now;
      console.log(`${new Date(now).toISOString()}  leader ${names.get(lastLeader) ?? lastLeader} is gone; electing ...`);
    } else if (leaderUp && current !== lastLeader) {
      const gap = lostAt !== undefined ? ` after ${now - lostAt} ms without a leader (as seen by polling every 50 ms)` : '';
      console.log(`${new Date(now).toISOString()}  new leader: ${names.get(current) ?? current} (term ${info?.term})${gap}`);
      lastLeader = current;
      lostAt = undefined;
    }
  }
  await new Promise((r) => setTimeout(r, 50));
}
