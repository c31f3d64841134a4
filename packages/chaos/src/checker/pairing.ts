// Pairs each invocation with its completion: a process has at most one operation in flight, so
// the next completion of a process closes its open invocation.

import type { HistoryEvent } from '../history/event.js';
import type { Operation } from './report.js';

export interface Paired {
  readonly operations: Operation[];
  readonly counts: { ok: number; fail: number; info: number; pending: number };
}

function describe(e: HistoryEvent): string {
  return `${e.type} ${e.f} ${e.key} by process ${e.process} at ${e.time}ns`;
}

/** Pairs events in time order (stable: ties keep the file order). Throws on a malformed history. */
export function pairOperations(events: readonly HistoryEvent[]): Paired {
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || a.i - b.i);
  const open = new Map<number, { invoke: HistoryEvent; index: number }>();
  const slots: (Operation | undefined)[] = [];
  const counts = { ok: 0, fail: 0, info: 0, pending: 0 };
  for (const { e } of sorted) {
    const pending = open.get(e.process);
    if (e.type === 'invoke') {
      if (pending) {
        throw new Error(
          `history: ${describe(e)} while its ${describe(pending.invoke)} had no completion; a process runs one operation at a time (after an info, continue under a new process number)`,
        );
      }
      open.set(e.process, { invoke: e, index: slots.length });
      slots.push(undefined);
      continue;
    }
    if (!pending) throw new Error(`history: ${describe(e)} has no invocation before it`);
    if (pending.invoke.f !== e.f || pending.invoke.key !== e.key) {
      throw new Error(`history: ${describe(e)} does not match the open invocation ${describe(pending.invoke)}`);
    }
    open.delete(e.process);
    slots[pending.index] = { process: e.process, f: e.f, key: e.key, invoke: pending.invoke, completion: e };
    counts[e.type]++;
  }
  for (const { invoke, index } of open.values()) {
    slots[index] = { process: invoke.process, f: invoke.f, key: invoke.key, invoke };
    counts.pending++;
  }
  return { operations: slots as Operation[], counts };
}

/** How an operation ended: pending when the client never heard back. */
export function outcome(op: Operation): 'ok' | 'fail' | 'info' | 'pending' {
  if (!op.completion) return 'pending';
  return op.completion.type === 'invoke' ? 'pending' : op.completion.type;
}
