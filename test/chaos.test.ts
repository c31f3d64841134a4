// `npm run chaos` end to end (root and network namespaces only; skipped otherwise with the
// reason): a short run under partitions and kills passes — linearizable, nothing lost,
// converged — and each planted manager bug makes the checker report the run invalid, naming a
// key. Each run is a real lab: 3 managers and a worker in their own namespaces.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labUnavailableReason } from '../packages/chaos/src/lab/preflight.js';
import type { ChaosReport } from '../packages/chaos/src/runner/run.js';
import { REPO_ROOT, assertBuilt } from '../scripts/lib/cluster.js';

const unavailable = labUnavailableReason();
if (unavailable) console.warn(`chaos end-to-end tests SKIPPED: ${unavailable}`);

const results = mkdtempSync(join(tmpdir(), 'shoal-test-chaos-'));
const CLI = join(REPO_ROOT, 'packages/chaos/src/cli.ts');

interface ChaosRun {
  readonly code: number | null;
  readonly output: string;
  readonly report: ChaosReport;
}

/** Runs the chaos CLI to its end (SIGTERM after `timeoutMs`: it tears its lab down) and reads its report.json. */
function chaos(args: readonly string[], timeoutMs = 200_000): Promise<ChaosRun> {
  assertBuilt();
  const before = new Set(readdirSync(results));
  // node with tsx's loader, not the tsx launcher: a SIGTERM reaches the run itself, which tears its lab down.
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', CLI, '--results', results, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      const run = readdirSync(results).find((d) => !before.has(d) && existsSync(join(results, d, 'report.json')));
      if (!run) return reject(new Error(`chaos ${args.join(' ')} wrote no report.json (exit ${code}):\n${output}`));
      resolve({ code, output, report: JSON.parse(readFileSync(join(results, run, 'report.json'), 'utf8')) as ChaosReport });
    });
  });
}

describe.skipIf(unavailable !== undefined)('npm run chaos', () => {
  afterAll(() => rmSync(results, { recursive: true, force: true }));

  it('passes a short run under partitions and kills: linearizable, converged', { timeout: 240_000 }, async () => {
    const { code, output, report } = await chaos(['--time', '30', '--nemesis', 'partition,kill', '--managers', '3', '--workers', '1', '--seed', '12']);
    expect(report.failures, output).toEqual([]);
    expect(code).toBe(0);
    expect(report.checker?.valid).toBe(true);
    expect(report.convergence.converged).toBe(true);
    expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(Object.values(report.ops).reduce((a, c) => a + c.ok, 0)).toBeGreaterThan(0);
    expect(output).toContain(`replay:  ${report.replay}`);
  });

  for (const [bug, nemesis] of [
    ['follower-local-reads', 'partition,pause'],
    ['ack-before-commit', 'partition,kill'],
  ] as const) {
    it(`catches the planted bug ${bug}: the checker names a key`, { timeout: 240_000 }, async () => {
      const { code, output, report } = await chaos([
        '--time',
        '30',
        '--nemesis',
        nemesis,
        '--managers',
        '3',
        '--workers',
        '1',
        '--plant-bug',
        bug,
        '--seed',
        '7',
      ]);
      expect(code, output).toBe(1);
      expect(report.checker?.valid, output).toBe(false);
      expect(report.checker?.anomalies[0]?.key).toMatch(/\S/);
      expect(output).toMatch(/INVALID: \S+ \S+/);
    });
  }
});
