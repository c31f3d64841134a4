// Failovers as the soak sees them: leader changes in the samples (a new term with a leader),
// and for each leader kill the time the churn clients could not write — from the kill to the
// first write that a new leader committed.

import type { RequestRecord } from './churn.js';
import type { LeaderKill } from './leader-killer.js';
import type { Sample } from './sampler.js';

/**
 * A write answered this soon after the kill was committed by the killed leader (its answer was
 * on its way): no new leader can be elected faster than an election timeout (300 ms at least).
 */
const OLD_LEADER_ANSWER_S = 0.1;

export interface KillOutcome extends LeaderKill {
  /** ms from the kill to the first write committed afterwards; undefined if none was. */
  readonly unavailableMs: number | undefined;
  /** ms from the kill until a manager named a new leader. */
  readonly electionMs: number | undefined;
  /** ms from the kill until the killed manager, restarted, answered again. */
  readonly backMs: number | undefined;
}

export function killOutcomes(kills: readonly LeaderKill[], records: readonly RequestRecord[]): KillOutcome[] {
  const oks = records.filter((r) => r.ok).sort((a, b) => a.completedAt - b.completedAt);
  return kills.map((k) => {
    const first = oks.find((r) => r.completedAt > k.killedAt && (r.invokedAt >= k.killedAt || r.completedAt - k.killedAt > OLD_LEADER_ANSWER_S));
    const since = (t: number | undefined): number | undefined => (t === undefined ? undefined : (t - k.killedAt) * 1000);
    return { ...k, unavailableMs: since(first?.completedAt), electionMs: since(k.newLeaderSeenAt), backMs: since(k.restartedAt) };
  });
}

export interface LeaderChange {
  /** Seconds since the soak started (the sample that saw the new leader). */
  readonly t: number;
  readonly from: string | undefined;
  readonly to: string;
  readonly term: number;
}

/** Every new term with a leader that the samples saw (a failover, planned or not). */
export function leaderChanges(samples: readonly Sample[]): LeaderChange[] {
  const changes: LeaderChange[] = [];
  let last: { leader: string; term: number } | undefined;
  for (const s of samples) {
    if (!s.leader || s.term === undefined) continue;
    if (last && (s.term > last.term || s.leader !== last.leader)) changes.push({ t: s.t, from: last.leader, to: s.leader, term: s.term });
    last = { leader: s.leader, term: s.term };
  }
  return changes;
}
