// The run's figures as tables for the terminal.

import Table from 'cli-table3';
import { formatReport } from '../checker/index.js';
import type { ChaosReport } from './run.js';

export function formatChaosReport(r: ChaosReport): string {
  const ops = new Table({ head: ['operation', 'ok', 'fail', 'info'] });
  for (const [f, c] of Object.entries(r.ops)) ops.push([f, c.ok, c.fail, c.info]);
  const faults = new Table({ head: ['fault', 'injected'] });
  for (const [k, n] of Object.entries(r.faults)) faults.push([k, n]);
  if (r.nemesisErrors.length > 0) faults.push(['(nemesis errors)', r.nemesisErrors.length]);
  const summary = new Table();
  const checker = r.checker
    ? r.checker.valid
      ? `linearizable (${r.checker.keys} keys${r.checker.undecidedKeys.length ? `, undecided: ${r.checker.undecidedKeys.join(', ')}` : ''})`
      : `INVALID: ${r.checker.anomalies.map((a) => `${a.kind} ${a.key}`).join(', ')}`
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
  if (r.checker && !r.checker.valid) lines.push(formatReport(r.checker));
  for (const f of r.failures) lines.push(`FAIL: ${f}`);
  lines.push(`results: ${r.runDir}`, `replay:  ${r.replay}`);
  return lines.join('\n');
}
