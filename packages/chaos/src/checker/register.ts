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

export function step(state: RegisterValue, o: RegisterOp): RegisterValue | typeof INVALID {
  switch (o.f) {
    case 'read':
      return o.read === state ? state : INVALID;
    case 'write':
      return o.written ?? null;
    case 'cas':
      // An ok cas was applied, so it held the expected value; an info cas that did not match
      // did nothing, which is the same as leaving it out.
      return o.expected === state ? (o.written ?? null) : INVALID;
  }
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
