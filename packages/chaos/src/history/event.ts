// One line of chaos-results/<run>/history.jsonl: an invocation or a completion of a client
// operation, in the shape Jepsen and Porcupine use.
//
// Keys are registers that start absent (null):
//   service:<name>  created by a `write` of "created" (CreateService with a unique name);
//                   read → "created", or null when GetService answers NOT_FOUND.
//   label:<name>    the service's label `chaos.v`; `write` sets it unconditionally, `cas` sets
//                   it only if it holds `expected` (read + UpdateService with the object version).

export type OpFunction = 'read' | 'write' | 'cas';

/**
 * invoke: the client is about to send; ok: applied (a read: this value was read); fail: certainly
 * not applied (a cas whose expected value did not match, a refusal before proposing); info: the
 * outcome is unknown (timeout, connection lost after sending).
 */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

export type RegisterValue = string | null;

export interface HistoryEvent {
  /** The client process (a logical thread; after an `info` it continues under a new number). */
  readonly process: number;
  readonly type: EventType;
  readonly f: OpFunction;
  readonly key: string;
  /** read: null at invoke, the value read at ok; write: the value; cas: [expected, new]. */
  readonly value: RegisterValue | readonly [RegisterValue, RegisterValue];
  /** Nanoseconds since the run started (one monotonic clock for every client). */
  readonly time: number;
  /** A `--stale` read (served without the ReadIndex round): checked separately, not for linearizability. */
  readonly stale?: boolean;
  /** Free text: the error of a fail/info, which manager answered. */
  readonly note?: string;
}
