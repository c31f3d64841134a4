// The register model: a key starts absent (null); read returns the state, write sets it, cas sets
// it only when it holds the expected value. An operation whose outcome is unknown (info, pending)
// is optional: it may take effect at any point after its invocation, or never.

import type { RegisterValue } from '../history/event.js';
import { outcome } from './pairing.js';
import type { Operation } from './report.js';

export interface RegisterOp {
  readonly op: Operation;
  readonly f: 'read' | 'write' | 'cas';
  /** Invocation time (ns). */
  readonly call: number;
  /** Completion time (ns); Infinity when the outcome is unknown. */
  readonly ret: number;
  /** Must be linearized (ok); optional ops (info, pending) may be left out. */
  readonly required: boolean;
  /** read: the value it returned. */
  readonly read?: RegisterValue;
  /** cas: the value it expected. */
  readonly expected?: RegisterValue;
  /** write/cas: the value it sets. */
  readonly written?: RegisterValue;
}

/** Returned by step() when the operation cannot take effect in that state. */
export const INVALID = Symbol('invalid');

/** An operation's effect on a register whose values are of type T. */
export interface Transition<T> {
  readonly f: 'read' | 'write' | 'cas';
  /** read: the value it returned; cas: the value it expected; write/cas: the value it sets. */
  readonly read: T;
  readonly expected: T;
  readonly written: T;
}

export function step<T>(state: T, o: Transition<T>): T | typeof INVALID {
  switch (o.f) {
    case 'read':
      return o.read === state ? state : INVALID;
    case 'write':
      return o.written;
    case 'cas':
      // An ok cas was applied, so it held the expected value; an info cas that did not match
      // did nothing, which is the same as leaving it out.
      return o.expected === state ? o.written : INVALID;
  }
}

/** No value: the field is unused for this function. */
const NONE = -1;
/** Every value no read returned and no cas expected: nothing can tell them apart. */
export const UNOBSERVED = 0;

/**
 * The operations with values as small integers, for the search: each observed value (read, or
 * expected by a cas) its own id, every other value UNOBSERVED. Equal ids behave the same in
 * every later step, so the search remembers fewer states.
 */
export function compact(ops: readonly RegisterOp[]): { ops: (RegisterOp & { ids: Transition<number> })[]; initial: number } {
  const ids = new Map<RegisterValue, number>();
  for (const o of ops) {
    const v = o.f === 'read' ? o.read : o.f === 'cas' ? o.expected : undefined;
    if (v !== undefined && !ids.has(v)) ids.set(v, ids.size + 1);
  }
  const id = (v: RegisterValue | undefined): number => (v === undefined ? NONE : (ids.get(v) ?? UNOBSERVED));
  return {
    ops: ops.map((o) => ({ ...o, ids: { f: o.f, read: id(o.read), expected: id(o.expected), written: id(o.written ?? null) } })),
    initial: id(null),
  };
}

function casPair(v: unknown): readonly [RegisterValue, RegisterValue] {
  if (Array.isArray(v) && v.length === 2) return v as unknown as readonly [RegisterValue, RegisterValue];
  throw new Error(`a cas invocation's value must be [expected, new], got ${JSON.stringify(v)}`);
}

/**
 * The model's view of an operation, or undefined when it has no effect to check: fail ops never
 * took effect, and a read whose answer never arrived tells nothing.
 */
export function toRegisterOp(op: Operation): RegisterOp | undefined {
  const end = outcome(op);
  if (end === 'fail') return undefined;
  const required = end === 'ok';
  if (op.f === 'read' && !required) return undefined;
  const call = op.invoke.time;
  const ret = required ? op.completion!.time : Infinity;
  switch (op.f) {
    case 'read':
      return { op, f: 'read', call, ret, required, read: op.completion!.value as RegisterValue };
    case 'write':
      return { op, f: 'write', call, ret, required, written: op.invoke.value as RegisterValue };
    case 'cas': {
      const [expected, written] = casPair(op.invoke.value);
      return { op, f: 'cas', call, ret, required, expected, written };
    }
  }
}
