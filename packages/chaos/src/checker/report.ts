// What the history checker answers: valid or not, and on failure the key and operations.

import type { HistoryEvent } from '../history/event.js';

/** An invocation paired with its completion (completion absent: the client never heard back). */
export interface Operation {
  readonly process: number;
  readonly f: HistoryEvent['f'];
  readonly key: string;
  readonly invoke: HistoryEvent;
  readonly completion?: HistoryEvent;
}

export type AnomalyKind =
  | 'not-linearizable' // no order of the key's operations fits both real time and the register
  | 'lost-write' // an acknowledged write or cas whose value no later read can explain
  | 'stale-read' // a read returned a value overwritten before the read began
  | 'duplicate-apply' // a value written once took effect twice
  | 'phantom-value'; // a read returned a value nobody wrote

export interface Anomaly {
  readonly kind: AnomalyKind;
  readonly key: string;
  /** The operations that show it (enough to replay by hand). */
  readonly operations: readonly Operation[];
  readonly detail: string;
}

export interface CheckReport {
  readonly valid: boolean;
  readonly keys: number;
  readonly operations: { readonly ok: number; readonly fail: number; readonly info: number; readonly pending: number };
  readonly anomalies: readonly Anomaly[];
  /** `--stale` reads: not held to linearizability; counted, and checked for phantom values. */
  readonly staleReads: { readonly total: number; readonly behind: number; readonly phantom: number };
  /** Keys whose search gave up (state space too large): not proven either way. */
  readonly undecidedKeys: readonly string[];
}
