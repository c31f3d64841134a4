// The soak's command line: `npm run soak -- --minutes M [--managers 5] [--workers 5]
// [--kill-every 60] [--out soak-results/<run>]`. Bad values fail at once with what to pass.

import { join } from 'node:path';
import yargs from 'yargs';

export interface SoakOptions {
  readonly minutes: number;
  readonly managers: number;
  readonly workers: number;
  /** Seconds between leader kills (SIGKILL, then a restart on the same data directory). */
  readonly killEverySec: number;
  /** Seconds between samples of the managers. */
  readonly sampleEverySec: number;
  /** Concurrent churn clients; each keeps a few services of its own. */
  readonly clients: number;
  /** Pause of a churn client between two operations (ms): clients × 1000 / this = ops per second. */
  readonly opPauseMs: number;
  /** `manager init --snapshot-every N`; undefined: the embedded default. */
  readonly snapshotEvery: number | undefined;
  /** Where samples.json, summary.json, soak.svg and the node logs go. */
  readonly out: string;
}

/** The manager's embedded defaults (packages/manager/src/raft-host.ts DEFAULT_TIMINGS). */
export const DEFAULT_SNAPSHOT_EVERY = 10_000;
export const KEEP_ENTRIES_BEHIND_SNAPSHOT = 1_000;

export function parseOptions(args: readonly string[]): SoakOptions {
  const a = yargs([...args])
    .scriptName('npm run soak --')
    .parserConfiguration({ 'greedy-arrays': false })
    .option('minutes', { type: 'number', demandOption: 'how long to soak, e.g. --minutes 3 (fractions allowed: --minutes 0.5)' })
    .option('managers', { type: 'number', default: 5 })
    .option('workers', { type: 'number', default: 5 })
    .option('kill-every', { type: 'number', default: 60, describe: 'seconds between leader kills (-9, then a restart on its data dir)' })
    .option('sample-every', { type: 'number', default: 2, describe: 'seconds between samples' })
    .option('clients', { type: 'number', default: 4, describe: 'concurrent churn clients' })
    .option('op-pause-ms', { type: 'number', default: 800, describe: 'pause of each churn client between operations' })
    .option('snapshot-every', { type: 'number', describe: `manager init --snapshot-every (default: the embedded ${DEFAULT_SNAPSHOT_EVERY})` })
    .option('out', { type: 'string', describe: 'results directory (default soak-results/<timestamp>)' })
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseSync();
  const positive = (name: string, v: number | undefined, min: number, whole = false): void => {
    if (v === undefined) return;
    if (!Number.isFinite(v) || v < min || (whole && !Number.isInteger(v))) {
      throw new Error(`--${name} ${String(v)}: expected ${whole ? 'a whole number' : 'a number'} of at least ${min}`);
    }
  };
  positive('minutes', a.minutes, 0.1);
  positive('managers', a.managers, 3, true);
  positive('workers', a.workers, 1, true);
  positive('kill-every', a['kill-every'], 5);
  positive('sample-every', a['sample-every'], 0.5);
  positive('clients', a.clients, 1, true);
  positive('op-pause-ms', a['op-pause-ms'], 0);
  positive('snapshot-every', a['snapshot-every'], 10, true);
  if (a.managers % 2 === 0) throw new Error(`--managers ${a.managers}: use an odd number, so that a leader kill leaves a majority`);
  return {
    minutes: a.minutes,
    managers: a.managers,
    workers: a.workers,
    killEverySec: a['kill-every'],
    sampleEverySec: a['sample-every'],
    clients: a.clients,
    opPauseMs: a['op-pause-ms'],
    snapshotEvery: a['snapshot-every'],
    out: a.out ?? join('soak-results', new Date().toISOString().replace(/[:.]/g, '-')),
  };
}
