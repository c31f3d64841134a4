// One chaos run: the lab, services, the workload under the nemesis, heal, convergence, the
// checker; writes chaos-results/<run>/{history.jsonl, nemesis.jsonl, report.json, logs/}.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkHistory } from '../checker/index.js';
import type { CheckReport } from '../checker/report.js';
import { readHistory } from '../history/reader.js';
import { ChaosLab, SHOAL_BIN, sweepLeftovers } from '../lab/lab.js';
import { NemesisLog } from '../nemesis/log.js';
import { Rng } from '../nemesis/rng.js';
import { runSchedule } from '../nemesis/schedule.js';
import { trivialSpec } from '../workload/operations.js';
import { LeaderWatch, type LeaderChange } from './leader-watch.js';
import { replayCommand, type ChaosOptions } from './options.js';
import { runInNamespace } from './spawn-in-namespace.js';
import { anomalySummary } from './table.js';

export interface ChaosReport {
  readonly run: string;
  readonly runDir: string;
  readonly passed: boolean;
  readonly failures: string[];
  readonly options: ChaosOptions;
  readonly replay: string;
  readonly netemMode: string | null;
  /** Completed operations by f and completion type (from history.jsonl). */
  readonly ops: Record<string, { ok: number; fail: number; info: number }>;
  readonly faults: Record<string, number>;
  readonly nemesisErrors: string[];
  readonly failovers: number;
  readonly leaderChanges: LeaderChange[];
  readonly longestUnavailableMs: number | null;
  readonly longestLeaderlessMs: number;
  readonly workload: Record<string, unknown> | null;
  readonly convergence: { converged: boolean; detail: Record<string, unknown> | null };
  readonly checker: CheckReport | null;
}

/** Services the run keeps alive through the faults (the convergence check counts their replicas). */
function appServices(workers: number): { name: string; replicas: number }[] {
  return [
    { name: 'chaos-app-a', replicas: Math.max(1, Math.min(3, workers * 2)) },
    { name: 'chaos-app-b', replicas: 1 },
  ];
}

/**
 * Creates the services, retrying a few times; not fatal: a manager with a planted bug may answer
 * a create strangely, and the convergence check counts what exists in the end.
 */
async function createAppServices(lab: ChaosLab, services: { name: string; replicas: number }[], say: (line: string) => void): Promise<void> {
  for (const s of services) {
    let last = '';
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        await lab.probe.call('CreateService', { spec: trivialSpec(s.name, s.replicas) }, { hosts: lab.managerAddrs, write: true, timeoutMs: 15_000 });
        last = '';
        break;
      } catch (e) {
        last = (e as Error).message;
        if (/exists|taken/i.test(last)) {
          last = '';
          break;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    say(last ? `service ${s.name}×${s.replicas}: not created (${last}); going on` : `service ${s.name}×${s.replicas} created`);
  }
}

function opCounts(historyFile: string): ChaosReport['ops'] {
  const ops: ChaosReport['ops'] = {};
  if (!existsSync(historyFile)) return ops;
  for (const e of readHistory(historyFile)) {
    if (e.type === 'invoke') continue;
    const f = e.stale && e.f === 'read' ? 'read (stale)' : e.f;
    const row = (ops[f] ??= { ok: 0, fail: 0, info: 0 });
    row[e.type]++;
  }
  return ops;
}

export async function runChaos(o: ChaosOptions, say: (line: string) => void, onLab: (lab: ChaosLab) => void): Promise<ChaosReport> {
  if (!existsSync(SHOAL_BIN)) throw new Error(`${SHOAL_BIN} is missing: build first (\`npm run build\`; \`npm run chaos\` does it)`);
  const resultsDir = resolve(o.resultsDir);
  mkdirSync(resultsDir, { recursive: true });
  const swept = sweepLeftovers(resultsDir);
  if (swept.length > 0) say(`swept what crashed runs left: ${swept.join(', ')}`);

  const runId = randomBytes(3).toString('hex');
  const run = `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-${runId}`;
  const runDir = join(resultsDir, run);
  mkdirSync(join(runDir, 'logs'), { recursive: true });
  const historyFile = join(runDir, 'history.jsonl');
  const failures: string[] = [];
  say(`run ${run} (seed ${o.seed}): ${runDir}`);

  const rng = new Rng(o.seed);
  const clockVictim = o.nemesis.includes('clock') ? `m${1 + (o.seed % o.managers)}` : undefined;
  const lab = new ChaosLab({
    runId,
    runDir,
    managers: o.managers,
    workers: o.workers,
    ...(o.plantBug ? { managerEnv: { SHOAL_UNSAFE_PLANTED_BUG: o.plantBug } } : {}),
    ...(o.nemesis.includes('disk') ? { tmpfsMb: 48 } : {}),
    ...(clockVictim ? { clockVictim } : {}),
    log: say,
  });
  onLab(lab);
  lab.setUp();
  const netemMode = o.nemesis.includes('netem') ? lab.network.netemMode() : null;
  if (netemMode) say(`netem: ${netemMode === 'netem' ? 'tc netem' : 'no netem qdisc in this kernel: iptables statistic loss + tbf throttling'}`);
  await lab.startManagers();
  await lab.startWorkers();
  await createAppServices(lab, appServices(o.workers), say);

  const startMs = Date.now();
  const log = new NemesisLog(join(runDir, 'nemesis.jsonl'), startMs, say);
  const watch = new LeaderWatch(lab, startMs);
  watch.start();
  const durationMs = o.timeS * 1000;
  const short = o.timeS <= 60;
  const managers = lab.managerAddrs.join(',');
  const workloadRun = runInNamespace(
    lab.clientNs,
    new URL('../workload/main', import.meta.url),
    ['--managers', managers, '--certs', lab.certsDir, '--history', historyFile, '--duration-ms', String(durationMs), '--clients', String(o.clients)].concat([
      '--keys',
      String(o.keys),
      '--setup',
      '--seed',
      String(o.seed),
    ]),
    join(runDir, 'logs', 'workload.log'),
    durationMs + 180_000,
  );
  const nemesisDone = runSchedule(
    { lab, rng, log },
    { kinds: o.nemesis, durationMs, faultMs: short ? [3000, 6000] : [5000, 12_000], healMs: short ? [3000, 5000] : [4000, 8000] },
  );
  const [workload] = await Promise.all([workloadRun, nemesisDone]);
  const endMs = Date.now() - startMs;
  watch.stop();
  if (workload.code !== 0) failures.push(`the workload exited with ${workload.code}: ${workload.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  say('healed; waiting for convergence');

  const convergence = await runInNamespace(
    lab.clientNs,
    new URL('../convergence/main', import.meta.url),
    ['--managers', managers, '--certs', lab.certsDir, '--timeout-ms', '90000', '--expect-managers', String(o.managers)],
    join(runDir, 'logs', 'convergence.log'),
    150_000,
  );
  const converged = convergence.code === 0;
  if (!converged) failures.push(`not converged: ${JSON.stringify(convergence.summary ?? convergence.stderr.trim()).slice(0, 400)}`);

  let checker: CheckReport | null = null;
  if (existsSync(historyFile)) {
    say('checking the history');
    checker = checkHistory(readHistory(historyFile));
    if (!checker.valid) failures.push(`history not linearizable: ${anomalySummary(checker)}`);
  } else failures.push('no history was recorded');

  const report: ChaosReport = {
    run,
    runDir,
    passed: failures.length === 0,
    failures,
    options: o,
    replay: replayCommand(o),
    netemMode,
    ops: opCounts(historyFile),
    faults: Object.fromEntries(log.injected),
    nemesisErrors: log.errors,
    failovers: watch.failovers,
    leaderChanges: watch.changes,
    longestUnavailableMs: typeof workload.summary?.longestUnavailableMs === 'number' ? workload.summary.longestUnavailableMs : null,
    longestLeaderlessMs: watch.longestLeaderlessMs(endMs),
    workload: workload.summary ?? null,
    convergence: { converged, detail: convergence.summary ?? null },
    checker,
  };
  writeFileSync(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
