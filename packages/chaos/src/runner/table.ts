// The run's figures as tables for the terminal.

import Table from 'cli-table3';
import { formatReport } from '../checker/index.js';
import type { CheckReport } from '../checker/report.js';
import type { ChaosReport } from './run.js';

// No colours: the table goes to CI logs and files as often as to a terminal.
const PLAIN = { head: [], border: [] };

/** The anomalies as distinct "kind key" pairs (with counts), the first few of them. */
export function anomalySummary(c: CheckReport, max = 6): string {
  const counts = new Map<string, number>();
  for (const a of c.anomalies) counts.set(`${a.kind} ${a.key}`, (counts.get(`${a.kind} ${a.key}`) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k));
  return parts.slice(0, max).join(', ') + (parts.length > max ? ` (+${parts.length - max} more)` : '');
}

export function formatChaosReport(r: ChaosReport): string {
  const ops = new Table({ head: ['operation', 'ok', 'fail', 'info'], style: PLAIN });
  for (const [f, c] of Object.entries(r.ops)) ops.push([f, c.ok, c.fail, c.info]);
  const faults = new Table({ head: ['fault', 'injected'], style: PLAIN });
  for (const [k, n] of Object.entries(r.faults)) faults.push([k, n]);
  if (r.nemesisErrors.length > 0) faults.push(['(nemesis errors)', r.nemesisErrors.length]);
  const summary = new Table({ style: PLAIN });
  const checker = r.checker
    ? r.checker.valid
      ? `linearizable (${r.checker.keys} keys${r.checker.undecidedKeys.length ? `, undecided: ${r.checker.undecidedKeys.join(', ')}` : ''})`
      : `INVALID: ${anomalySummary(r.checker)}`
    : 'no history';
  summary.push(
    { failovers: r.failovers },
    { 'longest unavailability': r.longestUnavailableMs === null ? 'n/a' : `${r.longestUnavailableMs} ms` },
    { 'longest leaderless': `${r.longestLeaderlessMs} ms` },
    ...(r.netemMode ? [{ netem: r.netemMode }] : []),
    { checker },
    { convergence: r.convergence.converged ? 'converged' : 'NOT converged' },
    { verdict: r.passed ? 'PASS' : 'FAIL' },
  );
  const lines = [ops.toString(), faults.toString(), summary.toString()];
  if (r.checker && !r.checker.valid) {
    const detail = formatReport(r.checker).split('\n');
    lines.push(...detail.slice(0, 60), ...(detail.length > 60 ? [`… ${detail.length - 60} more lines in ${r.runDir}/report.json`] : []));
  }
  for (const f of r.failures) lines.push(`FAIL: ${f}`);
  lines.push(`results: ${r.runDir}`, `replay:  ${r.replay}`);
  return lines.join('\n');
}
