// Operations whose outcome is unknown (info, pending) make the search branch: each may take
// effect anywhere after its invocation, or never. Two sound reductions keep that branching for
// the few where it matters.

import type { RegisterValue } from '../history/event.js';
import type { RegisterOp } from './register.js';

function observedValues(ops: readonly RegisterOp[]): Set<RegisterValue> {
  const observed = new Set<RegisterValue>();
  for (const o of ops) {
    if (o.f === 'read') observed.add(o.read ?? null);
    if (o.f === 'cas') observed.add(o.expected ?? null);
  }
  return observed;
}

/**
 * 1. An unknown-outcome write whose value nobody observed is left out: applying it only sets a
 *    value no read or cas depends on, so any order with it also works without it. Repeated, as
 *    leaving out an unknown cas can leave the write it expected unobserved.
 * 2. An unknown-outcome write that is the only writer of a value an acknowledged read returned
 *    (or an acknowledged cas expected) certainly took effect, before that read: it becomes
 *    required, completing no later than the earliest such observer.
 */
export function settleUnknownOutcomes(ops: readonly RegisterOp[]): RegisterOp[] {
  let kept = [...ops];
  for (;;) {
    const observed = observedValues(kept);
    const fewer = kept.filter((o) => o.required || observed.has(o.written ?? null));
    if (fewer.length === kept.length) break;
    kept = fewer;
  }
  const writers = new Map<RegisterValue, number>();
  for (const o of kept) if (o.f !== 'read') writers.set(o.written ?? null, (writers.get(o.written ?? null) ?? 0) + 1);
  const firstObserved = new Map<RegisterValue, number>();
  for (const o of kept) {
    if (!o.required || o.f === 'write') continue;
    const v = o.f === 'read' ? (o.read ?? null) : (o.expected ?? null);
    firstObserved.set(v, Math.min(firstObserved.get(v) ?? Infinity, o.ret));
  }
  return kept.map((o) => {
    if (o.required || o.f === 'read') return o;
    const v = o.written ?? null;
    const by = firstObserved.get(v);
    // null is also the initial state, so a read of null does not prove a write of null.
    if (v === null || by === undefined || writers.get(v) !== 1 || by < o.call) return o;
    return { ...o, required: true, ret: by };
  });
}
