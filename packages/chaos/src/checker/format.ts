// A readable rendering of a CheckReport: the counts, then each anomaly with its operations, one
// line each (process, function, values, invoke and completion times in ms since the run started).

import type { HistoryEvent } from '../history/event.js';
import type { Anomaly, CheckReport, Operation } from './report.js';

const ms = (ns: number): string => (ns / 1e6).toFixed(3);
const show = (v: HistoryEvent['value']): string => JSON.stringify(v);

export function formatOperation(op: Operation): string {
  const input = op.f === 'read' ? '' : ` ${show(op.invoke.value)}`;
  const c = op.completion;
  const result = !c ? 'pending' : op.f === 'read' && c.type === 'ok' ? `ok → ${show(c.value)}` : c.type;
  const end = c ? `${ms(c.time)} ms` : '…';
  const stale = op.invoke.stale ? ' (stale)' : '';
  const note = c?.note ? `  [${c.note}]` : '';
  return `p${op.process} ${op.f}${stale}${input} ${result}  ${ms(op.invoke.time)} ms → ${end}${note}`;
}

export function formatAnomaly(a: Anomaly): string[] {
  return [`${a.kind} on ${a.key}: ${a.detail}`, ...a.operations.map((op) => `    ${formatOperation(op)}`)];
}

export function formatReport(report: CheckReport): string {
  const o = report.operations;
  const s = report.staleReads;
  const lines = [
    `keys: ${report.keys}  operations: ${o.ok} ok, ${o.fail} fail, ${o.info} info, ${o.pending} pending`,
    `stale reads: ${s.total} (behind ${s.behind}, phantom ${s.phantom})`,
  ];
  if (report.undecidedKeys.length > 0) lines.push(`undecided (search budget exhausted): ${report.undecidedKeys.join(', ')}`);
  for (const a of report.anomalies) lines.push(...formatAnomaly(a));
  lines.push(
    report.valid
      ? 'LINEARIZABLE'
      : `NOT LINEARIZABLE: ${report.anomalies.length} anomalies${report.undecidedKeys.length ? `, ${report.undecidedKeys.length} undecided keys` : ''}`,
  );
  return lines.join('\n');
}
