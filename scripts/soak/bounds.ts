// Whether compaction kept the Raft log and the managers' memory bounded over the soak.
//
// - Raft log: never more entries than a snapshot interval plus the entries kept behind the
//   snapshot, with some slack for the entries applied while a snapshot is written.
// - RSS: the last third's largest RSS (any manager) at most RSS_GROWTH_LIMIT times the first
//   third's: a leak grows steadily, a bounded process levels off after its warm-up.

import type { Sample } from './sampler.js';

export const RSS_GROWTH_LIMIT = 1.5;
/** Slack over snapshotEvery + keepEntries, as a share of snapshotEvery. */
const LOG_SLACK = 0.1;

export interface Verdict {
  readonly bounded: boolean;
  readonly detail: string;
}

export interface Bounds {
  readonly logEntries: Verdict & { readonly max: number; readonly limit: number; readonly snapshots: number };
  readonly rss: Verdict & { readonly firstThirdMaxMiB: number; readonly lastThirdMaxMiB: number };
}

export function judgeBounds(samples: readonly Sample[], snapshotEvery: number, keepEntries: number): Bounds {
  const limit = Math.ceil(snapshotEvery + keepEntries + LOG_SLACK * snapshotEvery);
  const maxLog = Math.max(0, ...samples.map((s) => s.maxLogEntries ?? 0));
  const snapshots = Math.max(0, ...samples.flatMap((s) => s.managers.map((m) => m.raft?.snapshots ?? 0)).filter(Number.isFinite));
  const end = samples.at(-1)?.t ?? 0;
  const maxRss = (from: number, to: number): number =>
    Math.max(0, ...samples.filter((s) => s.t >= from && s.t <= to).flatMap((s) => s.managers.map((m) => m.rssMiB ?? 0)));
  const first = maxRss(0, end / 3);
  const last = maxRss((2 * end) / 3, end);
  const rssBounded = first > 0 && last <= RSS_GROWTH_LIMIT * first;
  return {
    logEntries: {
      bounded: maxLog <= limit,
      max: maxLog,
      limit,
      snapshots,
      detail: `largest Raft log ${maxLog} entries, limit ${limit} (snapshot every ${snapshotEvery} + ${keepEntries} kept + ${LOG_SLACK * 100} % slack); ${snapshots} snapshot(s) taken by the busiest manager`,
    },
    rss: {
      bounded: rssBounded,
      firstThirdMaxMiB: first,
      lastThirdMaxMiB: last,
      detail: `largest manager RSS: first third ${first.toFixed(0)} MiB, last third ${last.toFixed(0)} MiB (limit ${RSS_GROWTH_LIMIT}× the first: ${(RSS_GROWTH_LIMIT * first).toFixed(0)} MiB)`,
    },
  };
}
