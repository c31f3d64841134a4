// `npm run bench -- cli [--calls 20] [--trials 5] [--cli PATH]`
//
// The `shoal` CLI as a user meets it: each call a fresh `node packages/cli/dist/main.js`
// process against 3 real managers on 127.0.0.1, so the figure is start-up (loading modules,
// the protos, TLS) plus the call. `node -e 0` runs interleaved with the CLI calls, in the same
// run, as the floor no Node program goes under on this machine; each command's p50 is also
// shown as its distance from that floor.
//
// Then failover as the CLI sees it: SIGKILL the leader and at once run a CLI write
// (`join-token worker --rotate`). The new leader's "leader changed" log line dates its
// election, so each trial gives the write's completion relative to the election — what a user
// waits on beyond Raft itself.
//
// --cli measures another build of the CLI (e.g. a copy of dist/ from before a change; it must
// sit where it resolves the workspace packages, e.g. beside a node_modules symlink).

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { LocalCluster, SHOAL_BIN, waitFor, type ManagerProcess } from '../lib/cluster.js';
import { median, percentile, type BenchReport } from './report.js';

/** Reads and a write, as `docker node ls` / `docker service ps` / `docker swarm join-token --rotate` are used. */
const COMMANDS = [
  { label: 'node ls --json', args: ['node', 'ls', '--json'], write: false },
  { label: 'service ps web --json', args: ['service', 'ps', 'web', '--json'], write: false },
  { label: 'join-token worker --rotate', args: ['join-token', 'worker', '--rotate', '--quiet'], write: true },
] as const;

/** Targets: reads within this much of `node -e 0` (p50); the write under this (p50, absolute). */
const READ_OVER_NODE_MS = 120;
const WRITE_MS = 250;
/** A CLI write issued during a failover completes within this of the new leader's election. */
const AFTER_ELECTION_MS = 1000;

interface Run {
  readonly ms: number;
  readonly stdout: string;
}

/** Runs `node ...args` to its end; its wall time from spawn to exit. Fails on a non-zero exit. */
function timeProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('error', reject);
    proc.once('close', (code, signal) => {
      const ms = performance.now() - started;
      if (code === 0) resolveRun({ ms, stdout });
      else reject(new Error(`node ${args.join(' ')} failed (${signal ?? `exit ${code}`}) after ${ms.toFixed(0)} ms:\n${stderr}`));
    });
  });
}

/** When `m` logged becoming leader at or after `since` (epoch ms), from its JSON log. */
function electedAt(m: ManagerProcess, since: number): number | undefined {
  let found: number | undefined;
  for (const line of readFileSync(m.logFile, 'utf8').split('\n')) {
    if (!line.includes('"leader changed"')) continue;
    try {
      const entry = JSON.parse(line) as { time?: unknown; role?: unknown };
      if (entry.role === 'leader' && typeof entry.time === 'number' && entry.time >= since) found ??= entry.time;
    } catch {
      /* a line being written */
    }
  }
  return found;
}

function stats(samples: readonly number[]): { p50: number; p90: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

export async function run(args: readonly string[]): Promise<BenchReport> {
  const argv = yargs([...args])
    .parserConfiguration({ 'greedy-arrays': false })
    .option('calls', { type: 'number', default: 20, describe: 'calls of each command (and of `node -e 0`)' })
    .option('trials', { type: 'number', default: 5, describe: 'leader kills in the failover phase (0 skips it)' })
    .option('cli', { type: 'string', default: SHOAL_BIN, describe: 'the CLI entry point to measure' })
    .check((a) => {
      if (!Number.isInteger(a.calls) || a.calls < 1) throw new Error(`--calls must be a whole number ≥ 1 (got ${a.calls})`);
      if (!Number.isInteger(a.trials) || a.trials < 0) throw new Error(`--trials must be a whole number ≥ 0 (got ${a.trials})`);
      if (!existsSync(a.cli)) throw new Error(`--cli ${a.cli}: no such file; build the CLI first (npm run build)`);
      return true;
    })
    .strict()
    .parseSync();
  const cli = resolve(argv.cli);
  const cluster = await LocalCluster.create({ dir: join(tmpdir(), `shoal-bench-cli-${process.pid}`), managers: 3 });
  const baseline: number[] = [];
  const byCommand = new Map<string, number[]>(COMMANDS.map((c) => [c.label, []]));
  const failover: { writeMs: number; killToDoneMs: number; killToElectedMs: number; doneAfterElectionMs: number }[] = [];
  /** Failover trials whose write failed: the CLI's error, for the report. */
  const failedWrites: string[] = [];
  try {
    // `service ps web` needs a service; 0 replicas, so no workers are needed.
    await cluster
      .client()
      .call(
        'CreateService',
        { spec: { name: 'web', replicas: 0, task: { runtime: 'process', command: { items: [process.execPath, '-e', '0'] } } } },
        { write: true },
      );
    const env = { ...process.env, SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: cluster.adminDir };
    const runs: { label: string; args: readonly string[] }[] = [
      { label: 'node -e 0', args: ['-e', '0'] },
      ...COMMANDS.map((c) => ({ label: c.label, args: [cli, ...c.args] })),
    ];
    // One unmeasured round: the OS file cache and the managers' connections warm up.
    for (const r of runs) await timeProcess(r.args, env);
    for (let i = 0; i < argv.calls; i++) {
      // Interleaved, starting each round at another command, so machine noise spreads evenly.
      for (let k = 0; k < runs.length; k++) {
        const r = runs[(i + k) % runs.length]!;
        const { ms, stdout } = await timeProcess(r.args, env);
        if (r.label === 'node ls --json' && (JSON.parse(stdout) as unknown[]).length !== 3) throw new Error(`node ls listed ${stdout}`);
        (r.label === 'node -e 0' ? baseline : byCommand.get(r.label)!).push(ms);
      }
      process.stderr.write(`  round ${i + 1}/${argv.calls}\n`);
    }

    let token = (await timeProcess([cli, 'join-token', 'worker', '--quiet'], env)).stdout.trim();
    for (let trial = 1; trial <= argv.trials; trial++) {
      const leader = await cluster.waitForLeader();
      await waitFor('all managers reachable', async () => ((await cluster.clusterInfo(true)).reachableVoters === 3 ? true : undefined));
      const killedAt = Date.now();
      await cluster.kill(leader.name, 'SIGKILL');
      const write = await timeProcess([cli, 'join-token', 'worker', '--rotate', '--quiet'], env).catch((e: Error) => e);
      const doneAt = Date.now();
      const newLeader = await cluster.waitForLeader(leader.nodeId);
      if (write instanceof Error) {
        // Reported, not fatal: the figure is how often the CLI fails during a failover.
        failedWrites.push(write.message.split('\n').filter(Boolean).slice(1).join(' '));
        process.stderr.write(
          `  failover ${trial}/${argv.trials}: killed ${leader.name}; the CLI write FAILED after ${doneAt - killedAt} ms: ${failedWrites.at(-1)}\n`,
        );
        await cluster.start(leader.name);
        continue;
      }
      const rotated = write.stdout.trim();
      if (!rotated || rotated === token) throw new Error(`the write during failover did not rotate the token (got "${rotated}")`);
      token = rotated;
      const elected = await waitFor(`${newLeader.name} to log its election`, () => electedAt(newLeader, killedAt), 5000);
      const t = { writeMs: write.ms, killToDoneMs: doneAt - killedAt, killToElectedMs: elected - killedAt, doneAfterElectionMs: doneAt - elected };
      failover.push(t);
      process.stderr.write(
        `  failover ${trial}/${argv.trials}: killed ${leader.name}; ${newLeader.name} elected after ${t.killToElectedMs} ms; ` +
          `the CLI write took ${t.writeMs.toFixed(0)} ms and ended ${t.doneAfterElectionMs} ms after the election\n`,
      );
      await cluster.start(leader.name);
    }
  } finally {
    await cluster.destroy();
  }

  const base = stats(baseline);
  const rows: (string | number)[][] = [['node -e 0', baseline.length, base.p50, base.p90, '', '(floor)']];
  const figures: Record<string, { p50: number; p90: number; overNodeP50: number }> = {};
  for (const c of COMMANDS) {
    const s = stats(byCommand.get(c.label)!);
    const over = s.p50 - base.p50;
    figures[c.label] = { ...s, overNodeP50: over };
    const target = c.write
      ? `p50 < ${WRITE_MS} ms: ${s.p50 < WRITE_MS ? 'met' : 'MISSED'}`
      : `+${READ_OVER_NODE_MS} ms: ${over <= READ_OVER_NODE_MS ? 'met' : 'MISSED'}`;
    rows.push([`shoal ${c.label}`, byCommand.get(c.label)!.length, s.p50, s.p90, over, target]);
  }
  const notes = [
    `each call is a new process against 3 managers on 127.0.0.1 (SHOAL_HOST lists all three); CLI: ${cli}`,
    `targets: reads' p50 within ${READ_OVER_NODE_MS} ms of \`node -e 0\`'s; the write's p50 under ${WRITE_MS} ms`,
  ];
  if (failedWrites.length > 0) {
    rows.push(['failover: writes that failed', failedWrites.length, '', '', '', `of ${argv.trials} trials`]);
    notes.push(`failed failover writes said: ${[...new Set(failedWrites)].join(' | ')}`);
  }
  if (failover.length > 0) {
    const m = (k: keyof (typeof failover)[number]): number => median(failover.map((t) => t[k]));
    const after = m('doneAfterElectionMs');
    rows.push(['failover: SIGKILL leader, then the write', failover.length, m('writeMs'), '', '', `election after ${m('killToElectedMs')} ms (median)`]);
    notes.push(
      `failover (${failover.length} trials, medians): the write took ${m('writeMs').toFixed(0)} ms, ended ${m('killToDoneMs')} ms after the kill ` +
        `and ${after} ms after the new leader's election → target ≤ ${AFTER_ELECTION_MS} ms ${after <= AFTER_ELECTION_MS ? 'met' : 'MISSED'}`,
    );
  }
  return {
    name: 'cli',
    title: `CLI calls as new processes (${argv.calls} each, interleaved with \`node -e 0\`): wall time`,
    columns: ['command', 'calls', 'p50 ms', 'p90 ms', 'p50 − node ms', 'target'],
    rows,
    notes,
    data: { cli, nodeMs: baseline, commandsMs: Object.fromEntries(byCommand), figures, failover, failedWrites },
  };
}
