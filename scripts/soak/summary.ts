// What a soak found, in one object (summary.json), and how it is printed: a table per minute
// (cli-table3) and the verdicts under it.

import Table from 'cli-table3';
import type { Bounds } from './bounds.js';
import type { Convergence } from './convergence.js';
import type { KillOutcome, LeaderChange } from './failovers.js';
import { medianOf, type MinuteRow } from './minutes.js';
import type { SoakOptions } from './options.js';

export interface SoakSummary {
  readonly options: SoakOptions;
  readonly startedAt: string;
  readonly durationS: number;
  readonly passed: boolean;
  readonly kills: readonly KillOutcome[];
  readonly leaderChanges: readonly LeaderChange[];
  readonly requests: {
    readonly ok: number;
    readonly failed: number;
    readonly failedBy: Readonly<Record<string, number>>;
    readonly failures: readonly string[];
  };
  readonly unavailableMs: { readonly total: number; readonly median: number | undefined; readonly max: number | undefined };
  /** The machine's 1-minute load average over the samples (2 cores here are shared). */
  readonly load1: { readonly mean: number; readonly max: number };
  readonly bounds: Bounds;
  readonly convergence: Convergence;
  readonly minutes: readonly MinuteRow[];
}

const num = (v: number | undefined, digits = 0): string => (v === undefined ? '–' : v.toFixed(digits));

export function printSummary(s: SoakSummary): void {
  const table = new Table({
    head: ['min', 'kills', 'failovers', 'failover ms p50/max', 'requests ok', 'failed', 'log entries', 'data dir MiB', 'RSS MiB min–max'],
    style: { head: [], border: [] },
  });
  for (const r of s.minutes) {
    table.push([
      r.minute,
      r.kills,
      r.failovers,
      `${num(r.failoverMsMedian)} / ${num(r.failoverMsMax)}`,
      r.requestsOk,
      r.requestsFailed,
      num(r.logEntriesMax),
      num(r.dataDirMiBMax, 1),
      `${num(r.rssMiBMin)}–${num(r.rssMiBMax)}`,
    ]);
  }
  const o = s.options;
  console.log(
    `\nSoak: ${o.managers} managers, ${o.workers} workers, ${(s.durationS / 60).toFixed(1)} min, ${o.clients} churn clients, leader killed (-9) every ${o.killEverySec} s`,
  );
  console.log(table.toString());
  const failedBy = Object.entries(s.requests.failedBy)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  console.log(`  requests: ${s.requests.ok} ok, ${s.requests.failed} failed${failedBy ? ` (${failedBy})` : ''}`);
  console.log(
    `  failovers: ${s.kills.length} leader kills, ${s.leaderChanges.length} leader changes seen; unavailable after a kill: median ${num(s.unavailableMs.median)} ms, max ${num(s.unavailableMs.max)} ms, total ${num(s.unavailableMs.total)} ms`,
  );
  const ms = (xs: (number | undefined)[]): string => num(medianOf(xs.filter((x): x is number => x !== undefined)));
  console.log(
    `  after a kill (medians): a new leader named in ${ms(s.kills.map((k) => k.electionMs))} ms, the killed manager serving again in ${ms(s.kills.map((k) => k.backMs))} ms${s.kills.some((k) => k.error) ? `; errors: ${s.kills.flatMap((k) => k.error ?? []).join('; ')}` : ''}`,
  );
  console.log(`  machine load (1-min average): mean ${s.load1.mean.toFixed(1)}, max ${s.load1.max.toFixed(1)}`);
  console.log(`  Raft log: ${s.bounds.logEntries.bounded ? 'bounded' : 'NOT BOUNDED'}: ${s.bounds.logEntries.detail}`);
  console.log(`  RSS: ${s.bounds.rss.bounded ? 'bounded' : 'NOT BOUNDED'}: ${s.bounds.rss.detail}`);
  const c = s.convergence;
  console.log(
    c.converged
      ? `  converged in ${c.seconds.toFixed(1)} s: one leader (${c.leader}), ${c.services} services at their ${c.replicas} replicas`
      : `  DID NOT CONVERGE within ${c.seconds.toFixed(0)} s: ${c.problems.join('; ')}`,
  );
  console.log(`  ${s.passed ? 'PASSED' : 'FAILED'}`);
}
