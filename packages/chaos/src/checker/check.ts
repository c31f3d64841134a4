// checkHistory: pairs the events, splits them by key (a register per key, so each key is
// linearizable on its own or the history is not: Herlihy–Wing locality, as Porcupine uses),
// searches each key, and explains the keys that fail.

import type { HistoryEvent, RegisterValue } from '../history/event.js';
import { duplicateApplies, lostWrites, minimalFailingPrefix, phantomReads, staleReads } from './diagnostics.js';
import { pairOperations } from './pairing.js';
import { toRegisterOp, type RegisterOp } from './register.js';
import type { Anomaly, CheckReport } from './report.js';
import { searchLinearization } from './search.js';
import { ValueIndex } from './stale.js';

export interface CheckOptions {
  /** Model steps allowed per key before it is reported undecided (default 500 000). */
  readonly stepBudget?: number;
}

export const DEFAULT_STEP_BUDGET = 500_000;

/**
 * Unknown-outcome writes whose value nobody observed can be left out: applying one only sets a
 * value no read or acknowledged cas depends on, so any order with it also works without it.
 */
function dropUnobserved(ops: readonly RegisterOp[]): RegisterOp[] {
  const observed = new Set<RegisterValue>();
  for (const o of ops) {
    if (o.f === 'read') observed.add(o.read ?? null);
    if (o.f === 'cas') observed.add(o.expected ?? null);
  }
  return ops.filter((o) => o.required || observed.has(o.written ?? null));
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

    const ops = dropUnobserved(linear);
    const { result } = searchLinearization(ops, budget);
    if (result === 'linearizable') continue;
    if (result === 'undecided') {
      undecidedKeys.push(key);
      continue;
    }
    anomalies.push(
      ...lostWrites(key, linear, values),
      ...staleReads(key, linear, values),
      ...duplicateApplies(key, linear, values),
      ...phantomReads(key, linear, values),
      minimalFailingPrefix(key, ops, budget),
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
