// The soak minute by minute: failovers and their unavailability, requests, Raft log size,
// data directory size and RSS — one row per minute (the last one may be partial).

import type { RequestRecord } from './churn.js';
import type { KillOutcome, LeaderChange } from './failovers.js';
import type { Sample } from './sampler.js';

export interface MinuteRow {
  readonly minute: number;
  readonly kills: number;
  readonly failovers: number;
  readonly failoverMsMedian: number | undefined;
  readonly failoverMsMax: number | undefined;
  readonly requestsOk: number;
  readonly requestsFailed: number;
  readonly failedBy: Readonly<Record<string, number>>;
  readonly logEntriesMax: number | undefined;
  readonly dataDirMiBMax: number | undefined;
  readonly rssMiBMin: number | undefined;
  readonly rssMiBMax: number | undefined;
}

const TAIL_S = 10;

const maxOf = (xs: number[]): number | undefined => (xs.length > 0 ? Math.max(...xs) : undefined);
const minOf = (xs: number[]): number | undefined => (xs.length > 0 ? Math.min(...xs) : undefined);

export function medianOf(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function minuteRows(
  durationS: number,
  samples: readonly Sample[],
  records: readonly RequestRecord[],
  kills: readonly KillOutcome[],
  changes: readonly LeaderChange[],
): MinuteRow[] {
  const rows: MinuteRow[] = [];
  // A tail of a few seconds (the last kill's restart, the loops stopping) joins the last minute.
  const count = Math.max(1, Math.ceil((durationS - TAIL_S) / 60));
  for (let minute = 0; minute < count; minute++) {
    const inMinute = (t: number): boolean => t >= minute * 60 && (minute === count - 1 || t < (minute + 1) * 60);
    const ss = samples.filter((s) => inMinute(s.t));
    const rs = records.filter((r) => inMinute(r.completedAt));
    const ks = kills.filter((k) => inMinute(k.killedAt));
    const ms = ks.map((k) => k.unavailableMs).filter((x): x is number => x !== undefined);
    const rss = ss.flatMap((s) => s.managers.map((m) => m.rssMiB)).filter((x): x is number => x !== undefined);
    const failedBy: Record<string, number> = {};
    for (const r of rs) if (!r.ok) failedBy[r.code ?? 'ERROR'] = (failedBy[r.code ?? 'ERROR'] ?? 0) + 1;
    rows.push({
      minute: minute + 1,
      kills: ks.length,
      failovers: changes.filter((c) => inMinute(c.t)).length,
      failoverMsMedian: medianOf(ms),
      failoverMsMax: maxOf(ms),
      requestsOk: rs.filter((r) => r.ok).length,
      requestsFailed: rs.filter((r) => !r.ok).length,
      failedBy,
      logEntriesMax: maxOf(ss.map((s) => s.maxLogEntries).filter((x): x is number => x !== undefined)),
      dataDirMiBMax: maxOf(ss.flatMap((s) => s.managers.map((m) => m.dataDirMiB))),
      rssMiBMin: minOf(rss),
      rssMiBMax: maxOf(rss),
    });
  }
  return rows;
}
