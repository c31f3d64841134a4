// checkHistory: pairs the events, splits them by key (a register per key, so each key is
// linearizable on its own or the history is not: Herlihy–Wing locality, as Porcupine uses),
// searches each key, and explains the keys that fail.

import type { HistoryEvent } from '../history/event.js';
import { duplicateApplies, lostWrites, minimalFailingPrefix, phantomReads, staleReads } from './diagnostics.js';
import { pairOperations } from './pairing.js';
import { toRegisterOp, type RegisterOp } from './register.js';
import type { Anomaly, CheckReport } from './report.js';
import { searchLinearization } from './search.js';
import { ValueIndex } from './stale.js';
import { settleUnknownOutcomes } from './unknown-outcomes.js';

export interface CheckOptions {
  /** Model steps allowed per key before it is reported undecided (default 500 000). */
  readonly stepBudget?: number;
}

export const DEFAULT_STEP_BUDGET = 500_000;

/** Anomalies of one kind on one key shown in full; the rest are only counted (a broken read path gives thousands). */
export const ANOMALIES_PER_KIND = 10;

function capped(list: Anomaly[]): Anomaly[] {
  if (list.length <= ANOMALIES_PER_KIND) return list;
  const shown = list.slice(0, ANOMALIES_PER_KIND);
  const last = shown[shown.length - 1]!;
  shown[shown.length - 1] = { ...last, detail: `${last.detail} (and ${list.length - ANOMALIES_PER_KIND} more ${last.kind} on ${last.key} not shown)` };
  return shown;
}

export function checkHistory(events: readonly HistoryEvent[], options: CheckOptions = {}): CheckReport {
  const budget = options.stepBudget ?? DEFAULT_STEP_BUDGET;
  const { operations, counts } = pairOperations(events);
  const byKey = new Map<string, { linear: RegisterOp[]; stale: RegisterOp[] }>();
  for (const op of operations) {
    const entry = byKey.get(op.key) ?? { linear: [], stale: [] };
    byKey.set(op.key, entry);
    const r = toRegisterOp(op);
    if (!r) continue;
    if (r.f === 'read' && op.invoke.stale) entry.stale.push(r);
    else entry.linear.push(r);
  }

  const anomalies: Anomaly[] = [];
  const undecidedKeys: string[] = [];
  const staleCount = { total: 0, behind: 0, phantom: 0 };
  for (const [key, { linear, stale }] of [...byKey].sort(([a], [b]) => a.localeCompare(b))) {
    const values = new ValueIndex(linear);
    // `--stale` reads may lag, but never invent a value.
    staleCount.total += stale.length;
    for (const r of stale) if (values.overwrittenBefore(r)) staleCount.behind++;
    const phantoms = phantomReads(key, stale, values);
    staleCount.phantom += phantoms.length;
    anomalies.push(...phantoms);

    const ops = settleUnknownOutcomes(linear);
    const { result } = searchLinearization(ops, budget);
    if (result === 'linearizable') continue;
    // Each of these is a proof on its own (real-time facts no order can fix), so a key the
    // search could not finish is still decided when one shows up.
    const proven = [
      ...capped(lostWrites(key, linear, values)),
      ...capped(staleReads(key, linear, values)),
      ...capped(duplicateApplies(key, linear, values)),
      ...capped(phantomReads(key, linear, values)),
    ];
    if (result === 'undecided' && proven.length === 0) {
      undecidedKeys.push(key);
      continue;
    }
    anomalies.push(...proven);
    anomalies.push(
      result === 'not-linearizable'
        ? minimalFailingPrefix(key, ops, budget)
        : {
            kind: 'not-linearizable',
            key,
            operations: proven[0]!.operations,
            detail: `the search of ${key} ran out of its step budget, but the ${proven[0]!.kind} above proves it not linearizable`,
          },
    );
  }
  return {
    // Undecided keys are not proven linearizable, so they do not pass.
    valid: anomalies.length === 0 && undecidedKeys.length === 0,
    keys: byKey.size,
    operations: counts,
    anomalies,
    staleReads: staleCount,
    undecidedKeys,
  };
}
