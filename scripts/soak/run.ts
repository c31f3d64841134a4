// One soak: a cluster of real manager and worker processes on 127.0.0.1 (process runtime),
// steady service churn, a leader kill every so often, samples throughout; then the end check
// (convergence), the verdicts, and the files. Every process is stopped by PID when the soak
// ends, fails, or is interrupted (SIGINT/SIGTERM).

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../lib/cluster.js';
import { judgeBounds } from './bounds.js';
import { ServiceChurn } from './churn.js';
import { waitConverged } from './convergence.js';
import { killOutcomes, leaderChanges } from './failovers.js';
import { LeaderKiller } from './leader-killer.js';
import { medianOf, minuteRows } from './minutes.js';
import { DEFAULT_SNAPSHOT_EVERY, KEEP_ENTRIES_BEHIND_SNAPSHOT, type SoakOptions } from './options.js';
import { soakSvg } from './plot.js';
import { keepLogs, writeResults } from './results.js';
import { Sampler, sleepWhile } from './sampler.js';
import type { SoakSummary } from './summary.js';

const CONVERGE_TIMEOUT_MS = 120_000;

/**
 * Workers' own 127.x.y.z addresses, away from the launcher's default 127.0.0.11 and up that
 * tests and `npm start` on a shared machine use.
 */
function workerHost(index: number): string {
  return `127.${150 + (process.pid % 50)}.${Math.floor(process.pid / 50) % 250}.${11 + index}`;
}

function say(line: string): void {
  process.stderr.write(`  [soak] ${line}\n`);
}

export async function runSoak(o: SoakOptions): Promise<SoakSummary> {
  const dir = join(tmpdir(), `shoal-soak-${process.pid}`);
  let cluster: LocalCluster | undefined;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}: stopping every process of the soak`);
    void (async () => {
      keepLogs(dir, o.out);
      await cluster?.destroy();
      process.exit(130);
    })();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    say(`starting ${o.managers} managers and ${o.workers} workers in ${dir}`);
    cluster = await LocalCluster.create({
      dir,
      managers: o.managers,
      ...(o.snapshotEvery !== undefined ? { initArgs: ['--snapshot-every', String(o.snapshotEvery)] } : {}),
    });
    for (let i = 1; i <= o.workers; i++) await cluster.addWorker(`w${i}`, { host: workerHost(i) });
    const startedAt = performance.now();
    const startedIso = new Date().toISOString();
    const durationMs = o.minutes * 60_000;
    const sampler = new Sampler(cluster, startedAt, o.sampleEverySec * 1000);
    const churn = new ServiceChurn(cluster, startedAt, o.clients, o.opPauseMs);
    const killer = new LeaderKiller(cluster, startedAt, o.killEverySec * 1000, say);
    say(`soaking for ${o.minutes} min: ${o.clients} churn clients, a leader kill every ${o.killEverySec} s (the first after ${o.killEverySec / 2} s)`);
    sampler.start();
    churn.start();
    killer.start();
    const statusEveryMs = 30_000;
    while (!interrupted && performance.now() - startedAt < durationMs) {
      await sleepWhile(() => !interrupted && performance.now() - startedAt < durationMs, statusEveryMs);
      const s = sampler.samples.at(-1);
      const ok = churn.records.filter((r) => r.ok).length;
      say(
        `${((performance.now() - startedAt) / 1000).toFixed(0)} s: leader ${s?.leader ?? '?'} (term ${s?.term ?? '?'}), ${ok} requests ok, ${churn.records.length - ok} failed, Raft log ${s?.maxLogEntries ?? '?'} entries`,
      );
    }
    await killer.stop();
    await churn.stop();
    await sampler.stop();
    const durationS = (performance.now() - startedAt) / 1000;
    say(`churn stopped after ${durationS.toFixed(0)} s; waiting for the cluster to converge`);
    const convergence = await waitConverged(cluster, CONVERGE_TIMEOUT_MS);

    const kills = killOutcomes(killer.kills, churn.records);
    const changes = leaderChanges(sampler.samples);
    const failures = churn.records.filter((r) => !r.ok);
    const failedBy: Record<string, number> = {};
    for (const r of failures) failedBy[r.code ?? 'ERROR'] = (failedBy[r.code ?? 'ERROR'] ?? 0) + 1;
    const unavailable = kills.map((k) => k.unavailableMs).filter((x): x is number => x !== undefined);
    const bounds = judgeBounds(sampler.samples, o.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY, KEEP_ENTRIES_BEHIND_SNAPSHOT);
    const everyKillRecovered = kills.every((k) => k.error === undefined);
    const summary: SoakSummary = {
      options: o,
      startedAt: startedIso,
      durationS,
      passed: bounds.logEntries.bounded && bounds.rss.bounded && convergence.converged && everyKillRecovered,
      kills,
      leaderChanges: changes,
      requests: {
        ok: churn.records.length - failures.length,
        failed: failures.length,
        failedBy,
        failures: failures.slice(0, 50).map((r) => `${r.completedAt.toFixed(1)} s client ${r.client} ${r.op} ${r.service}: ${r.code}: ${r.error}`),
      },
      unavailableMs: {
        total: unavailable.reduce((a, b) => a + b, 0),
        median: medianOf(unavailable),
        max: unavailable.length > 0 ? Math.max(...unavailable) : undefined,
      },
      load1: {
        mean: sampler.samples.reduce((a, x) => a + x.load1, 0) / Math.max(1, sampler.samples.length),
        max: Math.max(0, ...sampler.samples.map((x) => x.load1)),
      },
      bounds,
      convergence,
      minutes: minuteRows(durationS, sampler.samples, churn.records, kills, changes),
    };
    const svg = soakSvg(
      sampler.samples,
      kills,
      durationS,
      `shoal soak: ${o.managers} managers, ${o.workers} workers, ${(durationS / 60).toFixed(1)} min, ${startedIso}`,
    );
    writeResults(o.out, summary, sampler.samples, churn.records, svg);
    return summary;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!interrupted) {
      keepLogs(dir, o.out);
      await cluster?.destroy();
    }
  }
}
