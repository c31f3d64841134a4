// The host simulator's state machine: a ledger of applied payloads by Raft index, which the
// checks read. Every payload the clients propose is unique, so applying one twice, or at two
// indexes, is a duplicate apply; and a read sees exactly the payloads applied before it.

import type { ConfChange } from '@shoal/raft';
import type { StateMachine } from '../raft-host.js';

const text = new TextEncoder();
const untext = new TextDecoder();

export const encodePayload = (p: string): Uint8Array => text.encode(p);

/** What a proposal resolves with: the payload applied at its index. */
export interface LedgerResult {
  readonly payload: string;
  readonly index: number;
}

export class Ledger implements StateMachine {
  /** Index → payload, in index order (normal entries only: no-ops and conf changes leave gaps). */
  readonly entries = new Map<number, string>();
  readonly payloads = new Set<string>();
  /** The highest index applied to this ledger (a payload's or a restored snapshot's). */
  frontier = 0;
  /** Set when its host crashed: a dead process applies nothing more. */
  frozen = false;

  constructor(
    readonly node: string,
    /** Reports a broken rule (a duplicate apply, an index applied out of order). */
    private readonly violation: (invariant: string, detail: string) => void,
  ) {}

  applyEntry(data: Uint8Array, index: number): LedgerResult {
    const payload = untext.decode(data);
    if (this.frozen) return { payload, index };
    if (index <= this.frontier) {
      this.violation('apply-order', `${this.node} applied index ${index} (${payload}) after index ${this.frontier}`);
    }
    if (this.payloads.has(payload)) {
      const at = [...this.entries].find(([, p]) => p === payload)?.[0];
      this.violation('duplicate-apply', `${this.node} applied ${payload} at index ${index}, and already at index ${at}`);
    }
    this.entries.set(index, payload);
    this.payloads.add(payload);
    this.frontier = Math.max(this.frontier, index);
    return { payload, index };
  }

  applyConfChange(_cc: ConfChange, index: number): void {
    if (!this.frozen) this.frontier = Math.max(this.frontier, index);
  }

  snapshot(): Uint8Array {
    return text.encode(JSON.stringify({ frontier: this.frontier, entries: [...this.entries] }));
  }

  restore(data: Uint8Array): void {
    if (this.frozen) return;
    const s = data.byteLength > 0 ? (JSON.parse(untext.decode(data)) as { frontier: number; entries: [number, string][] }) : { frontier: 0, entries: [] };
    this.entries.clear();
    this.payloads.clear();
    for (const [i, p] of s.entries) {
      this.entries.set(i, p);
      this.payloads.add(p);
    }
    this.frontier = s.frontier;
  }
}
