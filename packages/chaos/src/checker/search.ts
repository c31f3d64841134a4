// Wing–Gong–Lowe linearizability search for one key, iterative (an explicit stack of frames),
// memoised on (set of linearized operations, register state) as Lowe proposes: reaching the same
// set with the same state twice cannot lead anywhere new.

import { compact, INVALID, step, type RegisterOp } from './register.js';

export type SearchResult = 'linearizable' | 'not-linearizable' | 'undecided';

export interface SearchOutcome {
  readonly result: SearchResult;
  /** Model steps taken (each tried operation counts one). */
  readonly steps: number;
}

interface Frame {
  readonly candidates: number[];
  next: number;
  /** The candidate currently applied from this frame, -1 when none. */
  chosen: number;
  stateBefore: number;
}

/**
 * Whether the operations (of one key) have a linearization: an order that respects real time
 * (an op completed before another was invoked comes first) and the register. Required ops must
 * all appear; optional ones may. Gives up with 'undecided' after `budget` steps.
 */
export function searchLinearization(input: readonly RegisterOp[], budget: number): SearchOutcome {
  const compacted = compact(input);
  const ops = compacted.ops.sort((a, b) => a.call - b.call);
  const n = ops.length;
  const required = ops.filter((o) => o.required).length;
  if (required === 0) return { result: 'linearizable', steps: 0 };

  const linearized = new Uint8Array(n);
  let first = 0; // the lowest index not yet linearized
  let last = -1; // the highest index linearized
  let done = 0; // required ops linearized
  let state = compacted.initial;
  let steps = 0;
  const memo = new Set<string>();

  const set = (i: number): void => {
    linearized[i] = 1;
    if (ops[i]!.required) done++;
    while (first < n && linearized[first]) first++;
    if (i > last) last = i;
  };
  const unset = (i: number): void => {
    linearized[i] = 0;
    if (ops[i]!.required) done--;
    if (i < first) first = i;
    while (last >= 0 && !linearized[last]) last--;
  };
  // The linearized set as the highest index in it plus the few indices below that are not in it
  // (ops in flight, unknown outcomes left out); the state goes last, after the only '|'.
  const memoKey = (s: number): string => {
    let key = String(last);
    for (let i = first; i < last; i++) if (!linearized[i]) key += ',' + i;
    return key + '|' + s;
  };

  // The ops that may come next: invoked before every pending op's completion. Ops are sorted by
  // invocation, so the scan stops at the first one invoked after the earliest completion seen
  // (any op scanned before it was invoked no later than that completion).
  const candidates = (): number[] => {
    let minRet = Infinity;
    const fit: number[] = [];
    for (let i = first; i < n; i++) {
      if (linearized[i]) continue;
      const o = ops[i]!;
      if (o.call > minRet) break;
      fit.push(i);
      if (o.ret < minRet) minRet = o.ret;
    }
    // A read that fits the state now can always go first (Lowe): it changes nothing, and nothing
    // left had to precede it, so any linearization from here has one starting with it.
    for (const i of fit) if (ops[i]!.f === 'read' && ops[i]!.ids.read === state) return [i];
    // Try the op that must complete soonest first (unknown outcomes, never due, last).
    return fit.sort((a, b) => (ops[a]!.ret === ops[b]!.ret ? a - b : ops[a]!.ret < ops[b]!.ret ? -1 : 1));
  };

  const frames: Frame[] = [{ candidates: candidates(), next: 0, chosen: -1, stateBefore: state }];
  for (;;) {
    const frame = frames[frames.length - 1];
    if (!frame) return { result: 'not-linearizable', steps };
    if (frame.chosen >= 0) {
      unset(frame.chosen);
      state = frame.stateBefore;
      frame.chosen = -1;
    }
    let advanced = false;
    while (frame.next < frame.candidates.length) {
      const i = frame.candidates[frame.next++]!;
      if (++steps > budget) return { result: 'undecided', steps };
      const after = step(state, ops[i]!.ids);
      if (after === INVALID) continue;
      set(i);
      const key = memoKey(after);
      if (memo.has(key)) {
        unset(i);
        continue;
      }
      memo.add(key);
      frame.chosen = i;
      frame.stateBefore = state;
      state = after;
      advanced = true;
      break;
    }
    if (!advanced) {
      frames.pop();
      continue;
    }
    if (done === required) return { result: 'linearizable', steps };
    frames.push({ candidates: candidates(), next: 0, chosen: -1, stateBefore: state });
  }
}
