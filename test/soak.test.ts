// `npm run soak` end to end, briefly: 15 s of churn on 3 managers and 2 workers with a leader
// kill 5 s in (one every 10 s). The soak must write its results (summary, samples, the SVG plot),
// see its kills through, converge and exit 0. The soak runs as its own process, as
// `npm run soak` runs it; if the test fails halfway, SIGINT makes it stop every process it
// started (its own cleanup, by PID).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, assertBuilt } from '../scripts/lib/cluster.js';
import type { SoakSummary } from '../scripts/soak/summary.js';
import { tempPath } from './support/lab.js';

describe('npm run soak', () => {
  const out = tempPath('soak');
  let soak: ChildProcess | undefined;

  afterAll(async () => {
    if (soak && soak.exitCode === null && soak.signalCode === null) {
      const exited = new Promise((r) => soak!.once('exit', r));
      soak.kill('SIGINT');
      await exited;
    }
    rmSync(out, { recursive: true, force: true });
  });

  it('churns services through leader kills, writes its table, JSON and SVG, and converges', { timeout: 180_000 }, async () => {
    assertBuilt();
    const args = ['--minutes', '0.25', '--kill-every', '10', '--sample-every', '1', '--managers', '3', '--workers', '2', '--out', out];
    soak = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'scripts/soak.ts', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    soak.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    soak.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((r) => soak!.once('exit', r));
    expect(code, output).toBe(0);
    expect(output).toMatch(/failover ms p50\/max/);
    expect(output).toMatch(/PASSED/);

    const summary = JSON.parse(readFileSync(`${out}/summary.json`, 'utf8')) as SoakSummary;
    expect(summary.convergence.converged, summary.convergence.problems.join('; ')).toBe(true);
    expect(summary.kills.length).toBeGreaterThanOrEqual(1);
    expect(summary.kills.every((k) => k.restartedAt !== undefined && k.unavailableMs !== undefined)).toBe(true);
    expect(summary.requests.ok).toBeGreaterThan(0);
    expect(summary.bounds.logEntries.bounded && summary.bounds.rss.bounded).toBe(true);
    expect(summary.minutes.length).toBeGreaterThanOrEqual(1);

    const { samples } = JSON.parse(readFileSync(`${out}/samples.json`, 'utf8')) as {
      samples: { managers: { rssMiB?: number; raft?: { logEntries: number } }[] }[];
    };
    expect(samples.length).toBeGreaterThan(5);
    expect(samples.some((s) => s.managers.some((m) => (m.rssMiB ?? 0) > 0 && (m.raft?.logEntries ?? 0) > 0))).toBe(true);
    expect(readFileSync(`${out}/soak.svg`, 'utf8')).toMatch(/^<svg[\s\S]*kill m\d[\s\S]*<\/svg>\n$/);
    expect(existsSync(`${out}/logs`)).toBe(true);
  });
});
