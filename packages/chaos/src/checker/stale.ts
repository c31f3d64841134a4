// Real-time facts about values, independent of the search: who wrote a value, whether a read's
// value had certainly been overwritten before the read began (behind), or was never written
// (phantom). Used for `--stale` reads and to explain a non-linearizable key.

import type { RegisterValue } from '../history/event.js';
import type { RegisterOp } from './register.js';

export class ValueIndex {
  /** Writers (write/cas ok or unknown outcome) by the value they set. */
  private readonly writers = new Map<RegisterValue, RegisterOp[]>();
  /** Acknowledged writers, by completion time. */
  readonly acknowledged: RegisterOp[];

  constructor(ops: readonly RegisterOp[]) {
    for (const o of ops) {
      if (o.f === 'read') continue;
      const v = o.written ?? null;
      const list = this.writers.get(v) ?? [];
      list.push(o);
      this.writers.set(v, list);
    }
    this.acknowledged = ops.filter((o) => o.f !== 'read' && o.required).sort((a, b) => a.ret - b.ret);
  }

  writersOf(v: RegisterValue): readonly RegisterOp[] {
    return this.writers.get(v) ?? [];
  }

  /** Latest instant by which every write of v had completed (-Infinity for the initial null only). */
  lastWrittenBy(v: RegisterValue): number {
    let last = -Infinity;
    for (const w of this.writersOf(v)) last = Math.max(last, w.ret);
    return last;
  }

  /** The read's value was written by nobody invoked before the read completed (null is the initial state). */
  isPhantom(read: RegisterOp): boolean {
    const v = read.read ?? null;
    if (v === null) return false;
    return !this.writersOf(v).some((w) => w.call <= read.ret);
  }

  /**
   * An acknowledged write that certainly overwrote the read's value before the read was invoked:
   * it began after every write of that value had completed and it completed before the read began.
   */
  overwrittenBefore(read: RegisterOp): RegisterOp | undefined {
    const v = read.read ?? null;
    if (v !== null && this.writersOf(v).length === 0) return undefined; // a phantom, not a lag
    const since = this.lastWrittenBy(v);
    if (since === Infinity) return undefined; // a write of v with unknown outcome may land at any time
    return this.acknowledged.find((w) => w.call > since && w.ret < read.call && (w.written ?? null) !== v);
  }
}
