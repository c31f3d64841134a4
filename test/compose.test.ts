// The docker-compose journey of README.md, for real: build the image, `docker-compose up` 3
// managers and 2 workers, run busybox httpd as a service and reach it through the routing mesh
// on each worker's address, kill the leader's container, watch another manager take over with
// no task of the service changed, and resume the killed one from its data volume. Everything it starts — containers, volumes, the
// task containers the workers made, the images it built — is removed in afterAll.
//
// Skipped, saying why, without docker (a running engine), docker-compose or busybox:local;
// CI has all three. The image is tagged by a hash of what goes into it and reused while it
// exists: SHOAL_KEEP_IMAGE=1 keeps it after the run, so the next run skips the build.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { REPO_ROOT, SHOAL_BIN, waitFor } from '../scripts/lib/cluster.js';

/** Debian's client matches the engine; another `docker` earlier on PATH may not. */
const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const PROJECT = `shoal-ci-${process.pid}`;
const BASE_IMAGE = 'shoal-node-base:20';
const TASK_IMAGE = 'busybox:local';
const SERVICE = `web-${process.pid}`;
const WORKERS = 2;
/** Worker N serves on 127.0.0.(40+N) (docker-compose.yml). */
const WORKER_HOSTS = Array.from({ length: WORKERS }, (_, i) => `127.0.0.${41 + i}`);
const MANAGER_HOSTS = ['127.0.0.21', '127.0.0.22', '127.0.0.23'];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// docker-compose 1.x runs `exec` through the `docker` found on PATH: make it Debian's.
const ENV: NodeJS.ProcessEnv = { ...process.env, PATH: `/usr/bin:${process.env.PATH ?? ''}`, DOCKER_BUILDKIT: '0', COMPOSE_DOCKER_CLI_BUILD: '0' };

function run(cmd: string, args: readonly string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: REPO_ROOT, env: { ...ENV, ...o.env }, timeout: o.timeoutMs ?? 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && typeof err.code !== 'number' ? err.message : '') });
    });
  });
}

async function must(cmd: string, args: readonly string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await run(cmd, args, o);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}:\n${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

const available = await (async (): Promise<string | undefined> => {
  if ((await run(DOCKER, ['version', '--format', '{{.Server.APIVersion}}'], { timeoutMs: 15_000 })).code !== 0) {
    return `no Docker engine answers (${DOCKER}); start one as docs/docker.md shows — CI does`;
  }
  if ((await run('docker-compose', ['version', '--short'], { timeoutMs: 15_000 })).code !== 0) {
    return 'no docker-compose on PATH (apt-get install docker-compose) — CI has it';
  }
  if ((await run(DOCKER, ['image', 'inspect', TASK_IMAGE], { timeoutMs: 15_000 })).code !== 0) {
    return `the engine has no ${TASK_IMAGE} image: make it with scripts/docker/make-busybox-image.sh — CI does`;
  }
  return undefined;
})();
if (available) console.warn(`docker-compose journey skipped: ${available}`);

/** A port free on every address in `hosts` (and `port + 1000` too when `alsoPlus1000`). */
async function freePortOn(hosts: readonly string[], from: number, span: number, alsoPlus1000 = false): Promise<number> {
  const canBind = (host: string, port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = from + Math.floor(Math.random() * span);
    const ports = alsoPlus1000 ? [port, port + 1000] : [port];
    let free = true;
    for (const host of hosts) for (const p of ports) free &&= await canBind(host, p);
    if (free) return port;
  }
  throw new Error(`no free port in ${from}..${from + span} on ${hosts.join(', ')}`);
}

/** sha256 over everything the image is built from (the base image by id), for its tag. */
async function imageTag(): Promise<string> {
  const hash = createHash('sha256');
  const add = (path: string): void => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
    } else if (!path.endsWith('.tsbuildinfo')) {
      hash.update(relative(REPO_ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const f of ['package.json', 'package-lock.json', 'proto', 'scripts/docker']) add(join(REPO_ROOT, f));
  for (const pkg of readdirSync(join(REPO_ROOT, 'packages')).sort()) {
    const dir = join(REPO_ROOT, 'packages', pkg);
    if (existsSync(join(dir, 'package.json'))) add(join(dir, 'package.json'));
    if (existsSync(join(dir, 'dist'))) add(join(dir, 'dist'));
  }
  hash.update((await must(DOCKER, ['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE])).trim());
  return `shoal-compose-test:${hash.digest('hex').slice(0, 16)}`;
}

interface NodeRow {
  id: string;
  name: string;
  role: string;
  status: string;
  managerStatus: string;
}
interface ClusterInfo {
  leader: string | null;
  quorum: { voters: number; reachable: number };
  managers: { id: string; name: string; reachable: boolean; raftRole: string }[];
}
interface TaskRow {
  id: string;
  name: string;
  node: string;
  state: string;
  desiredState: string;
}

/** A service's tasks as comparable lines: which task, where, in which state. */
const taskLines = (rows: readonly TaskRow[]): string[] => rows.map((t) => `${t.id} ${t.name} on ${t.node}: ${t.desiredState}/${t.state}`).sort();

describe.skipIf(available !== undefined)('docker-compose: managers and workers in containers', () => {
  let env: NodeJS.ProcessEnv = {};
  let image = '';
  let published = 0;
  const made: string[] = []; // images this run created (removed in afterAll)
  const nodeIds = new Set<string>(); // for the task containers the workers leave behind
  const timings: string[] = [];
  let phaseStart = Date.now();
  const phase = (what: string): void => {
    timings.push(`${what}: ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
    phaseStart = Date.now();
  };

  const compose = (args: readonly string[], timeoutMs = 120_000): Promise<string> =>
    must('docker-compose', ['-p', PROJECT, '-f', 'docker-compose.yml', ...args], { env, timeoutMs });
  /** `docker-compose exec -T SERVICE shoal ARGS...`: the CLI as a user runs it, no flags needed. */
  const shoal = (service: string, args: readonly string[], timeoutMs = 60_000): Promise<string> =>
    compose(['exec', '-T', service, 'shoal', ...args], timeoutMs);
  const json = async <T>(service: string, args: readonly string[]): Promise<T> => JSON.parse(await shoal(service, [...args, '--json'])) as T;

  const explainOnFailure = (): void =>
    onTestFailed(async () => {
      const logs = await run('docker-compose', ['-p', PROJECT, '-f', 'docker-compose.yml', 'logs', '--no-color', '--tail', '40'], { env });
      console.error(`docker-compose logs of ${PROJECT} (last 40 lines each):\n${logs.stdout}${logs.stderr}`);
    });

  beforeAll(async () => {
    if (!existsSync(SHOAL_BIN)) throw new Error(`${SHOAL_BIN} is missing: the image ships the built workspace; run \`npm run build\` first`);
    const port = await freePortOn(MANAGER_HOSTS, 42_000, 2_000, true);
    published = await freePortOn(WORKER_HOSTS, 30_000, 2_000);
    if ((await run(DOCKER, ['image', 'inspect', BASE_IMAGE])).code !== 0) {
      await must(join(REPO_ROOT, 'scripts/docker/make-base-image.sh'), [BASE_IMAGE], { timeoutMs: 120_000 });
      made.push(BASE_IMAGE);
    }
    image = await imageTag();
    env = { SHOAL_IMAGE: image, SHOAL_PORT: String(port) };
    if ((await run(DOCKER, ['image', 'inspect', image])).code !== 0) {
      made.push(image);
      await compose(['build', '--force-rm', 'manager1'], 600_000);
      phase(`build ${image}`);
    } else {
      phase(`reuse ${image}`);
    }
  }, 900_000);

  afterAll(async () => {
    // Task containers are the host engine's, not the project's: remove them by their labels.
    const filters = [`label=shoal.service.name=${SERVICE}`, ...[...nodeIds].map((id) => `label=shoal.node.id=${id}`)];
    for (const filter of filters) {
      const ids = (await run(DOCKER, ['ps', '-aq', '--filter', filter])).stdout.split(/\s+/).filter(Boolean);
      if (ids.length > 0) await run(DOCKER, ['rm', '-f', ...ids]);
    }
    await run('docker-compose', ['-p', PROJECT, '-f', 'docker-compose.yml', '--profile', 'more-managers', 'down', '-v', '--remove-orphans', '-t', '5'], {
      env,
      timeoutMs: 180_000,
    });
    // Whatever `down` could not remove (it never ran, or timed out).
    const left = (await run(DOCKER, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`])).stdout.split(/\s+/).filter(Boolean);
    if (left.length > 0) await run(DOCKER, ['rm', '-f', '-v', ...left]);
    const volumes = (await run(DOCKER, ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`])).stdout.split(/\s+/).filter(Boolean);
    if (volumes.length > 0) await run(DOCKER, ['volume', 'rm', '-f', ...volumes]);
    if (!process.env.SHOAL_KEEP_IMAGE) {
      for (const tag of made.reverse()) await run(DOCKER, ['rmi', tag]);
      // The build's first stage (untagged once the build is done).
      await run(DOCKER, ['image', 'prune', '-f', '--filter', 'label=shoal.image.stage=build']);
    }
    phase('clean up');
    console.log(`docker-compose journey (${PROJECT}):\n  ${timings.join('\n  ')}`);
  }, 300_000);

  it('3 managers and 2 workers join with no manual step; `shoal node ls` works in a manager container as is', async () => {
    explainOnFailure();
    await compose(['up', '-d', '--no-build', '--scale', `worker=${WORKERS}`], 300_000);
    phase('docker-compose up -d');
    const nodes = await waitFor(
      '3 managers and 2 workers ready',
      async () => {
        const rows = await json<NodeRow[]>('manager1', ['node', 'ls']);
        const ready = rows.filter((n) => n.status === 'ready');
        return ready.filter((n) => n.role === 'manager').length === 3 && ready.filter((n) => n.role === 'worker').length === WORKERS ? rows : undefined;
      },
      180_000,
      1_000,
    );
    for (const n of nodes) nodeIds.add(n.id);
    expect(nodes.map((n) => n.name).sort()).toEqual(['manager1', 'manager2', 'manager3', ...WORKER_HOSTS.map((_, i) => `worker-${i + 1}`)]);
    expect(nodes.filter((n) => n.managerStatus === 'Leader')).toHaveLength(1);
    const info = await json<ClusterInfo>('manager2', ['cluster-info']);
    expect(info.managers.map((m) => m.raftRole)).toEqual(['voter', 'voter', 'voter']);
    phase('all nodes ready');
  }, 600_000);

  it('a busybox httpd service converges and answers through the routing mesh on every worker', async () => {
    explainOnFailure();
    // Not detached: the CLI waits until the service converged (exit 0).
    await shoal(
      'manager1',
      [
        'service',
        'create',
        '--name',
        SERVICE,
        '--replicas',
        '2',
        '--publish',
        `${published}:80`,
        '--stop-grace-period',
        '1s',
        '--timeout',
        '120s',
        TASK_IMAGE,
        '--',
        'sh',
        '-c',
        'echo "hello from $SHOAL_TASK_NAME" > /etc/index.html && exec httpd -f -p $HOST:$PORT -h /etc',
      ],
      180_000,
    );
    const tasks = (await json<TaskRow[]>('manager1', ['service', 'ps', SERVICE])).filter((t) => t.desiredState === 'running');
    expect(tasks.map((t) => t.state)).toEqual(['running', 'running']);
    phase('service create (converged)');
    for (const host of WORKER_HOSTS) {
      // Round robin over both tasks, whichever worker the connection came in on.
      const seen = await waitFor(
        `both tasks answering on ${host}:${published}`,
        async () => {
          const answers = new Set<string>();
          for (let i = 0; i < 6; i++) {
            const res = await fetch(`http://${host}:${published}/`, { signal: AbortSignal.timeout(3_000) });
            answers.add((await res.text()).trim());
          }
          return answers.size === 2 ? answers : undefined;
        },
        60_000,
        500,
      );
      expect([...seen].sort()).toEqual(tasks.map((t) => `hello from ${t.name}`).sort());
    }
    phase('routing mesh answers on both workers');
  }, 600_000);

  it("killing the leader's container elects another leader and changes no task; the killed manager resumes as a follower", async () => {
    explainOnFailure();
    // The workers joined through manager1 as soon as it published the token, before the other
    // managers existed: they must have learned those since, or the kill would strand them.
    const tasksBefore = taskLines(await json<TaskRow[]>('manager1', ['service', 'ps', SERVICE]));
    expect(tasksBefore).toHaveLength(2);
    const before = await json<ClusterInfo>('manager1', ['cluster-info']);
    const leader = before.managers.find((m) => m.id === before.leader);
    expect(leader, 'a leader before the kill').toBeDefined();
    const leaderService = leader!.name; // managers are named after their compose service
    const container = (await compose(['ps', '-q', leaderService])).trim();
    const witness = ['manager1', 'manager2', 'manager3'].find((s) => s !== leaderService)!;

    const killedAt = Date.now();
    await must(DOCKER, ['kill', container]);
    const after = await waitFor(
      'a new leader',
      async () => {
        const info = await json<ClusterInfo>(witness, ['cluster-info']).catch(() => undefined);
        return info?.leader && info.leader !== leader!.id ? info : undefined;
      },
      60_000,
      250,
    );
    phase(`new leader after docker kill of ${leaderService} (seen through the CLI in ${witness}: ${Date.now() - killedAt} ms)`);
    expect(after.managers.find((m) => m.id === leader!.id)?.reachable).toBe(false);
    expect(after.quorum).toMatchObject({ voters: 3, reachable: 2 });

    // The service is untouched: through the new leader's grace period and well past the time a
    // lost worker would be marked down (2 s, then 2–3 heartbeat periods), every read shows the
    // same two tasks running where they ran, and the routing mesh answers.
    const watchUntil = killedAt + 8_000;
    while (Date.now() < watchUntil) {
      const rows = await json<TaskRow[]>(witness, ['service', 'ps', SERVICE]).catch(() => undefined);
      if (rows) expect(taskLines(rows), `${SERVICE}'s tasks ${Date.now() - killedAt} ms after the kill`).toEqual(tasksBefore);
    }
    const nodesAfter = await json<NodeRow[]>(witness, ['node', 'ls']);
    expect(nodesAfter.filter((n) => n.role === 'worker').map((n) => n.status)).toEqual(WORKER_HOSTS.map(() => 'ready'));
    const res = await fetch(`http://${WORKER_HOSTS[0]}:${published}/`, { signal: AbortSignal.timeout(3_000) });
    expect(await res.text()).toMatch(/^hello from /);
    phase('no task changed through the failover (tasks changed: 0)');

    // Restarted, the container finds its node in its volume (`manager start`) and follows.
    await compose(['start', leaderService]);
    const healed = await waitFor(
      `${leaderService} back as a reachable voter`,
      async () => {
        const info = await json<ClusterInfo>(leaderService, ['cluster-info']).catch(() => undefined);
        return info && info.quorum.reachable === 3 && info.managers.every((m) => m.reachable && m.raftRole === 'voter') ? info : undefined;
      },
      120_000,
      1_000,
    );
    expect(healed.leader).toBe(after.leader);
    expect(await compose(['logs', '--no-color', leaderService])).toContain(`resuming ${leaderService} from /var/lib/shoal`);
    phase(`${leaderService} resumed as a follower`);

    await shoal(witness, ['service', 'rm', SERVICE]);
    await waitFor(
      'the task containers to stop',
      async () => ((await must(DOCKER, ['ps', '-q', '--filter', `label=shoal.service.name=${SERVICE}`])).trim() === '' ? true : undefined),
      60_000,
      500,
    );
    phase('service rm');
  }, 600_000);
});
