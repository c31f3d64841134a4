// Builds hand-written histories for the checker's tests: each op is [process, f, key, value,
// outcome, invoke time, completion time] in ms, turned into invoke/completion events.

import type { EventType, HistoryEvent, OpFunction, RegisterValue } from '../src/history/event.js';

type Value = RegisterValue | readonly [RegisterValue, RegisterValue];

export interface OpSpec {
  readonly p: number;
  readonly f: OpFunction;
  readonly key?: string;
  /** write: the value; cas: [expected, new]; read: the value read (ok only). */
  readonly v: Value;
  readonly type: Exclude<EventType, 'invoke'> | 'pending';
  readonly at: number;
  readonly end?: number;
  readonly stale?: boolean;
}

const MS = 1_000_000;

export function history(...ops: OpSpec[]): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (const o of ops) {
    const key = o.key ?? 'k';
    const stale = o.stale ? { stale: true } : {};
    events.push({ process: o.p, type: 'invoke', f: o.f, key, value: o.f === 'read' ? null : o.v, time: o.at * MS, ...stale });
    if (o.type !== 'pending') events.push({ process: o.p, type: o.type, f: o.f, key, value: o.v, time: (o.end ?? o.at + 1) * MS, ...stale });
  }
  return events.sort((a, b) => a.time - b.time);
}

export const w = (p: number, v: RegisterValue, at: number, end?: number, type: OpSpec['type'] = 'ok', key?: string): OpSpec => ({
  p,
  f: 'write',
  v,
  type,
  at,
  end,
  key,
});
export const r = (p: number, v: RegisterValue, at: number, end?: number, key?: string, stale?: boolean): OpSpec => ({
  p,
  f: 'read',
  v,
  type: 'ok',
  at,
  end,
  key,
  stale,
});
export const cas = (p: number, expected: RegisterValue, next: RegisterValue, at: number, end?: number, type: OpSpec['type'] = 'ok', key?: string): OpSpec => ({
  p,
  f: 'cas',
  v: [expected, next],
  type,
  at,
  end,
  key,
});
