// Wing–Gong–Lowe linearizability search for one key, iterative (an explicit stack of frames),
// memoised on (set of linearized operations, register state) as Lowe proposes: reaching the same
// set with the same state twice cannot lead anywhere new.

import type { RegisterValue } from '../history/event.js';
import { INVALID, step, type RegisterOp } from './register.js';

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
  stateBefore: RegisterValue;
}

/**
 * Whether the operations (of one key) have a linearization: an order that respects real time
 * (an op completed before another was invoked comes first) and the register. Required ops must
 * all appear; optional ones may. Gives up with 'undecided' after `budget` steps.
 */
export function searchLinearization(input: readonly RegisterOp[], budget: number): SearchOutcome {
  const ops = [...input].sort((a, b) => a.call - b.call);
  const n = ops.length;
  const required = ops.filter((o) => o.required).length;
  if (required === 0) return { result: 'linearizable', steps: 0 };

  const words = new Uint32Array(Math.ceil(n / 32));
  const linearized = new Uint8Array(n);
  let first = 0; // the lowest index not yet linearized
  let done = 0; // required ops linearized
  let state: RegisterValue = null;
  let steps = 0;
  const memo = new Set<string>();

  const set = (i: number): void => {
    linearized[i] = 1;
    words[i >>> 5]! |= 1 << (i & 31);
    if (ops[i]!.required) done++;
    while (first < n && linearized[first]) first++;
  };
  const unset = (i: number): void => {
    linearized[i] = 0;
    words[i >>> 5]! &= ~(1 << (i & 31));
    if (ops[i]!.required) done--;
    if (i < first) first = i;
  };
  const memoKey = (s: RegisterValue): string => {
    // Words below first's are all ones; the state goes last, after the only '|'.
    let key = String(first >>> 5);
    for (let w = first >>> 5; w < words.length; w++) key += ',' + words[w]!;
    return key + (s === null ? '|N' : '|S' + s);
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
    // Try required ops first: leaving an unknown-outcome op out is the common truth.
    return [...fit.filter((i) => ops[i]!.required), ...fit.filter((i) => !ops[i]!.required)];
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
      const after = step(state, ops[i]!);
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
