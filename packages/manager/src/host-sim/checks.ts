// What the host simulator checks, on what the clients saw and what every node applied:
//
// - each request settles exactly once (a host that crashed under it may never answer);
// - a proposal resolves with its own entry, applied at the index it was given, on a log every
//   node agrees on (a resolved proposal is never lost, and never applied twice);
// - a proposal refused with an error that says it certainly was not applied never is;
// - a linearizable read (readBarrier) resolves only once the node has applied its read index,
//   that index is at least every index committed anywhere before the read began, and the node
//   then sees every write acknowledged before the read began;
// - the ledgers of all nodes, dead incarnations included, are prefixes of one another.
//
// (The ledger itself refuses a duplicate apply or an index applied out of order: ledger.ts.)

import type { Ledger, LedgerResult } from './ledger.js';

export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

type Outcome = 'pending' | 'ok' | 'failed' | 'unknown' | 'crashed';

export interface WriteOp {
  readonly kind: 'write';
  readonly id: number;
  /** The host incarnation asked (`m2#1`). */
  readonly node: string;
  readonly payload: string;
  outcome: Outcome;
  settles: number;
  /** Where it was applied, once acknowledged. */
  index?: number;
  error?: string;
}

export interface ReadOp {
  readonly kind: 'read';
  readonly id: number;
  readonly node: string;
  /** The highest index committed on any node when the read began. */
  readonly committedBefore: number;
  /** How many writes were acknowledged when the read began (a prefix of History.acked). */
  readonly ackedBefore: number;
  outcome: Outcome;
  settles: number;
  /** Once resolved: the read index the host served it at, and the node's applied index then. */
  readIndex?: number;
  appliedAt?: number;
  error?: string;
}

/** Recorded violations per invariant; the rest are counted, not listed. */
const MAX_PER_INVARIANT = 10;

export class History {
  readonly violations: Violation[] = [];
  readonly ops: (WriteOp | ReadOp)[] = [];
  /** Acknowledged writes, in the order their callers heard. */
  readonly acked: WriteOp[] = [];
  private readonly perInvariant = new Map<string, number>();

  constructor(private readonly trace: (line: string) => void = () => {}) {}

  violation(invariant: string, detail: string): void {
    const n = (this.perInvariant.get(invariant) ?? 0) + 1;
    this.perInvariant.set(invariant, n);
    if (n <= MAX_PER_INVARIANT) this.violations.push({ invariant, detail });
    else if (n === MAX_PER_INVARIANT + 1) this.violations.push({ invariant, detail: `(more ${invariant} violations not listed)` });
    this.trace(`VIOLATION [${invariant}] ${detail}`);
  }

  invokeWrite(node: string, payload: string): WriteOp {
    const op: WriteOp = { kind: 'write', id: this.ops.length, node, payload, outcome: 'pending', settles: 0 };
    this.ops.push(op);
    return op;
  }

  invokeRead(node: string, committedBefore: number): ReadOp {
    const op: ReadOp = { kind: 'read', id: this.ops.length, node, committedBefore, ackedBefore: this.acked.length, outcome: 'pending', settles: 0 };
    this.ops.push(op);
    return op;
  }

  /** `ledger` is the answering node's, as it is the moment the proposal resolves. */
  writeOk(op: WriteOp, result: LedgerResult | undefined, ledger: Ledger): void {
    if (!this.settle(op, 'ok')) return;
    if (result?.payload !== op.payload) {
      const other = result ? `the result of ${result.payload}, applied at index ${result.index}` : 'no result (a no-op or membership entry was applied)';
      this.violation('wrong-result', `${op.node} resolved the proposal of ${op.payload} with ${other}: another entry committed where it was proposed`);
      return;
    }
    op.index = result.index;
    if (ledger.entries.get(result.index) !== op.payload) {
      this.violation(
        'resolved-unapplied',
        `${op.node} resolved ${op.payload} at index ${result.index}, but its state machine holds ${ledger.entries.get(result.index) ?? 'nothing'} there`,
      );
    }
    this.acked.push(op);
  }

  writeFailed(op: WriteOp, certain: boolean, e: Error): void {
    if (!this.settle(op, certain ? 'failed' : 'unknown')) return;
    op.error = e.message;
  }

  /**
   * `readIndex` is what the host says it served the read at; `appliedIndex` and `ledger` are
   * the answering node's, as they are the moment the read resolves.
   */
  readOk(op: ReadOp, readIndex: number, appliedIndex: number, ledger: Ledger): void {
    if (!this.settle(op, 'ok')) return;
    op.readIndex = readIndex;
    op.appliedAt = appliedIndex;
    if (readIndex < op.committedBefore) {
      this.violation(
        'read-index-too-low',
        `a read on ${op.node} was served at read index ${readIndex}, but index ${op.committedBefore} was committed before it began`,
      );
    }
    if (appliedIndex < readIndex) {
      this.violation('read-before-apply', `a read on ${op.node} resolved at applied index ${appliedIndex}, before its read index ${readIndex} was applied`);
    }
    for (let i = 0; i < op.ackedBefore; i++) {
      const w = this.acked[i]!;
      if (!ledger.payloads.has(w.payload)) {
        this.violation('stale-read', `a read on ${op.node} missed ${w.payload} (index ${w.index}, acknowledged before the read began)`);
        break;
      }
    }
  }

  readFailed(op: ReadOp, e: Error): void {
    if (this.settle(op, 'failed')) op.error = e.message;
  }

  /** The host crashed while the client waited: nobody will ever hear how it ended. */
  crashedUnder(op: WriteOp | ReadOp): void {
    if (op.outcome === 'pending') op.outcome = 'crashed';
  }

  /** The dead host's promise settled after all (a timer of the abandoned object): counted, not believed. */
  lateSettle(op: WriteOp | ReadOp): void {
    op.settles++;
    if (op.settles > 1) this.violation('settled-twice', `${op.kind} ${op.id} on ${op.node} settled ${op.settles} times`);
  }

  private settle(op: WriteOp | ReadOp, outcome: Outcome): boolean {
    op.settles++;
    if (op.settles > 1) {
      this.violation('settled-twice', `${op.kind} ${op.id} on ${op.node} settled ${op.settles} times (now ${outcome}, before ${op.outcome})`);
      return false;
    }
    op.outcome = outcome;
    return true;
  }

  /** After every host stopped: each request to a host that did not crash under it settled exactly once. */
  checkSettledOnce(): void {
    for (const op of this.ops) {
      if (op.outcome !== 'crashed' && op.settles !== 1) {
        this.violation('settled-not-once', `${op.kind} ${op.id} on ${op.node} settled ${op.settles} times (outcome ${op.outcome})`);
      }
    }
  }

  /**
   * After convergence: `live` are the converged nodes' ledgers, `dead` those every crashed
   * incarnation left behind.
   */
  checkEnd(live: readonly Ledger[], dead: readonly Ledger[]): void {
    if (live.length === 0) return;
    const ref = live.reduce((a, b) => (b.frontier > a.frontier ? b : a));
    for (const l of [...live, ...dead]) {
      if (l === ref) continue;
      for (const [i, p] of l.entries) {
        const want = ref.entries.get(i);
        if (i > ref.frontier) {
          this.violation('lost-committed', `${l.node} applied ${p} at index ${i}, beyond everything the converged ${ref.node} applied (${ref.frontier})`);
          break;
        }
        if (want !== p) {
          this.violation('state-machine-safety', `${l.node} applied ${p} at index ${i}, ${ref.node} applied ${want ?? 'no payload'} there`);
          break;
        }
      }
      for (const [i, p] of ref.entries) {
        if (i > l.frontier) break;
        if (!l.entries.has(i)) {
          this.violation('missed-apply', `${l.node} applied up to index ${l.frontier} without ${p} at index ${i} (${ref.node} applied it)`);
          break;
        }
      }
    }
    const appliedAnywhere = new Set<string>();
    for (const l of [...live, ...dead]) for (const p of l.payloads) appliedAnywhere.add(p);
    for (const op of this.ops) {
      if (op.kind !== 'write') continue;
      if (op.outcome === 'ok' && op.index !== undefined && ref.entries.get(op.index) !== op.payload) {
        this.violation(
          'lost-write',
          `${op.payload} was acknowledged at index ${op.index} by ${op.node}; the converged log holds ${ref.entries.get(op.index) ?? 'nothing'} there`,
        );
      }
      if (op.outcome === 'failed' && appliedAnywhere.has(op.payload)) {
        this.violation('applied-after-refusal', `${op.payload} was refused by ${op.node} as certainly not applied ("${op.error}"), yet it was applied`);
      }
    }
  }

  counts(): Record<string, number> {
    const c: Record<string, number> = {};
    for (const op of this.ops) c[`${op.kind}:${op.outcome}`] = (c[`${op.kind}:${op.outcome}`] ?? 0) + 1;
    return c;
  }
}
