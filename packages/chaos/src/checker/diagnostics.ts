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
 * completed returned a value older than the write.
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
    const witness = ops.find((r) => r.f === 'read' && r.call > w.ret && values.lastWrittenBy(r.read ?? null) < w.call);
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
  const out: Anomaly[] = [];
  const seen = new Set<RegisterValue>();
  for (const r1 of reads) {
    const v = r1.read ?? null;
    if (v === null || seen.has(v) || values.writersOf(v).length !== 1) continue;
    for (const r2 of reads) {
      const u = r2.read ?? null;
      if (u === v || r2.call <= r1.ret || values.writersOf(u).length === 0) continue;
      const r3 = reads.find((r) => (r.read ?? null) === v && r.call > r2.ret);
      if (!r3) continue;
      seen.add(v);
      out.push({
        kind: 'duplicate-apply',
        key,
        operations: opsOf([...values.writersOf(v), r1, r2, r3]),
        detail: `${show(v)} was written once, read, replaced by ${show(u)}, then read again`,
      });
      break;
    }
  }
  return out;
}
