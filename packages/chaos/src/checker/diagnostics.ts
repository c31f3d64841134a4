// Explains a non-linearizable key: the named anomalies that real-time facts show (lost write,
// stale read, duplicate apply, phantom value) and, always, the minimal failing prefix.

import type { RegisterValue } from '../history/event.js';
import type { RegisterOp } from './register.js';
import type { Anomaly, Operation } from './report.js';
import { searchLinearization } from './search.js';
import { ValueIndex } from './stale.js';

const show = (v: RegisterValue | undefined): string => JSON.stringify(v ?? null);
const byCall = (a: RegisterOp, b: RegisterOp): number => a.call - b.call;
const opsOf = (list: readonly RegisterOp[]): Operation[] => [...list].sort(byCall).map((o) => o.op);

/** The key's history cut at `cutoff`: later invocations dropped, operations still open become unknown outcomes. */
function truncate(ops: readonly RegisterOp[], cutoff: number): RegisterOp[] {
  const out: RegisterOp[] = [];
  for (const o of ops) {
    if (o.call > cutoff) continue;
    if (o.ret <= cutoff) out.push(o);
    else if (o.f !== 'read') out.push({ ...o, ret: Infinity, required: false });
  }
  return out;
}

/**
 * The shortest prefix (cut at an acknowledged completion) that is not linearizable: its last
 * operation is the first one no order can fit. Binary search: a prefix that fails stays failing.
 */
export function minimalFailingPrefix(key: string, ops: readonly RegisterOp[], budget: number): Anomaly {
  const ends = ops.filter((o) => o.required).sort((a, b) => a.ret - b.ret);
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (searchLinearization(truncate(ops, ends[mid]!.ret), budget).result === 'not-linearizable') hi = mid;
    else lo = mid + 1;
  }
  const culprit = ends[lo]!;
  const prefix = truncate(ops, culprit.ret);
  const concurrent = prefix.filter((o) => o !== culprit && o.call <= culprit.ret && o.ret >= culprit.call);
  const before = prefix.filter((o) => o.required && o.ret < culprit.call).slice(-4);
  const shown = [...new Set([...before, ...concurrent, culprit])].slice(-12);
  return {
    kind: 'not-linearizable',
    key,
    operations: opsOf(shown),
    detail: `no order of ${key}'s first ${lo + 1} acknowledged operations fits real time and the register; the last that cannot fit: process ${culprit.op.process}'s ${describeValue(culprit)}`,
  };
}

function describeValue(o: RegisterOp): string {
  if (o.f === 'read') return `read of ${show(o.read)}`;
  if (o.f === 'write') return `write of ${show(o.written)}`;
  return `cas ${show(o.expected)} → ${show(o.written)}`;
}

/** Reads of a value overwritten before they began. */
export function staleReads(key: string, ops: readonly RegisterOp[], values: ValueIndex): Anomaly[] {
  const out: Anomaly[] = [];
  for (const r of ops) {
    if (r.f !== 'read') continue;
    const w = values.overwrittenBefore(r);
    if (!w) continue;
    out.push({
      kind: 'stale-read',
      key,
      operations: opsOf([...values.writersOf(r.read ?? null), w, r]),
      detail: `process ${r.op.process} read ${show(r.read)} after process ${w.op.process}'s acknowledged ${w.f} of ${show(w.written)} had completed`,
    });
  }
  return out;
}

/** Reads of values nobody wrote. */
export function phantomReads(key: string, ops: readonly RegisterOp[], values: ValueIndex): Anomaly[] {
  return ops
    .filter((r) => r.f === 'read' && values.isPhantom(r))
    .map((r) => ({
      kind: 'phantom-value' as const,
      key,
      operations: [r.op],
      detail: `process ${r.op.process} read ${show(r.read)}, which no operation wrote`,
    }));
}

/**
 * Acknowledged writes whose value nobody ever observed, while a read that began after the write
 * completed (and after no later acknowledged write) returned a value older than the write.
 */
export function lostWrites(key: string, ops: readonly RegisterOp[], values: ValueIndex): Anomaly[] {
  const observed = new Set<RegisterValue>();
  for (const o of ops) {
    if (o.f === 'read') observed.add(o.read ?? null);
    if (o.f === 'cas' && o.required) observed.add(o.expected ?? null);
  }
  const out: Anomaly[] = [];
  for (const w of values.acknowledged) {
    const v = w.written ?? null;
    if (observed.has(v)) continue;
    // The witness read began after w completed, returned a value written before w began, and no
    // other acknowledged write certainly came between w and it (else that one is the lost one).
    const witness = ops.find(
      (r) =>
        r.f === 'read' &&
        r.call > w.ret &&
        !values.isPhantom(r) &&
        values.lastWrittenBy(r.read ?? null) < w.call &&
        !values.acknowledged.some((later) => later.call > w.ret && later.ret < r.call),
    );
    if (!witness) continue;
    out.push({
      kind: 'lost-write',
      key,
      operations: opsOf([w, witness]),
      detail: `process ${w.op.process}'s acknowledged ${w.f} of ${show(v)} was never read; process ${witness.op.process} read the older ${show(witness.read)} after it completed`,
    });
  }
  return out;
}

/** A value written once that was read, then replaced, then read again, in real-time order. */
export function duplicateApplies(key: string, ops: readonly RegisterOp[], values: ValueIndex): Anomaly[] {
  const reads = ops.filter((o) => o.f === 'read');
  // For each value: the read of it that completed first and the one invoked last.
  const earliest = new Map<RegisterValue, RegisterOp>();
  const latest = new Map<RegisterValue, RegisterOp>();
  for (const r of reads) {
    const v = r.read ?? null;
    if (r.ret < (earliest.get(v)?.ret ?? Infinity)) earliest.set(v, r);
    if (r.call > (latest.get(v)?.call ?? -Infinity)) latest.set(v, r);
  }
  const out: Anomaly[] = [];
  for (const [v, r1] of earliest) {
    const r3 = latest.get(v)!;
    if (v === null || values.writersOf(v).length !== 1 || r3.call <= r1.ret) continue;
    const r2 = reads.find((r) => (r.read ?? null) !== v && r.call > r1.ret && r.ret < r3.call && values.writersOf(r.read ?? null).length > 0);
    if (!r2) continue;
    out.push({
      kind: 'duplicate-apply',
      key,
      operations: opsOf([...values.writersOf(v), r1, r2, r3]),
      detail: `${show(v)} was written once, read, replaced by ${show(r2.read)}, then read again`,
    });
  }
  return out;
}
