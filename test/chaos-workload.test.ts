// The chaos run's clients and end check against a real loopback cluster (3 managers, 1 process
// worker): the workload CLI records a history while the leader is killed and restarted, then
// the convergence CLI finds one leader, one store digest at one applied index on every manager,
// and every service at its replica count. Also: managers at the same applied index report the
// same store digest.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHistory, formatReport } from '../packages/chaos/src/checker/index.js';
import type { HistoryEvent } from '../packages/chaos/src/history/event.js';
import { readHistory } from '../packages/chaos/src/history/reader.js';
import { REPO_ROOT, type LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { infoFrom, others, waitFor, waitHealthy, writeLabelEventually } from './support/managers.js';

const WORKLOAD = join(REPO_ROOT, 'packages/chaos/dist/workload/main.js');
const CONVERGENCE = join(REPO_ROOT, 'packages/chaos/dist/convergence/main.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a built chaos CLI to its end (killed at cleanup if the test fails first). */
const started = new Set<ChildProcess>();

function runCli(script: string, args: readonly string[]): { done: Promise<Run> } {
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npx tsc -b\` first`);
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(proc);
  proc.once('exit', () => started.delete(proc));
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
  return { done };
}

function lastJsonLine(out: string): Record<string, unknown> {
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

function readEvents(file: string): HistoryEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'))
    .map((l) => JSON.parse(l) as HistoryEvent);
}

describe.sequential('chaos workload and convergence', () => {
  const lab = new Lab();
  let cluster: LocalCluster;
  let failed = false;

  beforeAll(async () => {
    cluster = await lab.cluster('chaos-workload', 3);
    await cluster.addWorker('w1', { runtime: 'process' });
  }, 120_000);
  afterAll(async () => {
    for (const p of started) p.kill('SIGKILL');
    await lab.cleanup({ failed });
  });

  it('managers at the same applied index report the same store digest, and a write changes it', async () => {
    try {
      const digests = async (): Promise<{ index: string; digest: string } | undefined> => {
        const infos = await Promise.all(cluster.managers.map((m) => infoFrom(cluster, m)));
        const same = infos.every((i) => i.appliedIndex === infos[0]!.appliedIndex && i.storeDigest === infos[0]!.storeDigest);
        return same ? { index: infos[0]!.appliedIndex, digest: infos[0]!.storeDigest } : undefined;
      };
      const before = await waitFor('the managers to agree on one applied index and digest', digests, 30_000);
      expect(before.digest).toMatch(/^[0-9a-f]{64}$/);
      await writeLabelEventually(cluster.client(), 'm1', 'digest-test');
      const after = await waitFor(
        'the managers to agree past the write',
        async () => {
          const d = await digests();
          return d && BigInt(d.index) > BigInt(before.index) ? d : undefined;
        },
        30_000,
      );
      expect(after.digest).not.toBe(before.digest);
    } catch (e) {
      failed = true;
      throw e;
    }
  });

  it('records ok, fail and info operations through a leader kill, and the cluster converges after', async () => {
    try {
      const history = join(lab.dir('chaos-history'), 'history.jsonl');
      mkdirSync(join(history, '..'), { recursive: true });
      const common = ['--managers', cluster.hosts.join(','), '--certs', cluster.adminDir];
      const workload = runCli(WORKLOAD, [...common, '--history', history, '--duration-ms', '10000', '--clients', '4', '--keys', '3', '--setup']);

      // Kill the leader once the clients are under way, and bring it back while they run.
      const okWrites = (): number => readEvents(history).filter((e) => e.type === 'ok' && e.f !== 'read').length;
      await waitFor('the workload to complete some writes', () => (okWrites() >= 10 ? true : undefined), 60_000);
      // Pause the leader first: the writes sent to it meanwhile hang until their deadline, so
      // some outcome is certainly unknown (info); then kill it.
      const old = await cluster.waitForLeader();
      old.proc!.kill('SIGSTOP');
      await waitFor(
        'a write to the paused leader to end unknown',
        () => (readEvents(history).some((e) => e.type === 'info' && e.f !== 'read') ? true : undefined),
        30_000,
      );
      await cluster.kill(old.name, 'SIGKILL');
      const beforeFailover = okWrites();
      await cluster.waitForLeader(old.nodeId);
      await waitFor('writes to succeed after the failover', () => (okWrites() >= beforeFailover + 5 ? true : undefined), 30_000);
      await cluster.start(old.name);
      await waitHealthy(cluster, 3);
      expect(others(cluster).length).toBe(3);

      const run = await workload.done;
      expect(run.code, run.stderr).toBe(0);
      const summary = lastJsonLine(run.stdout) as { ops: Record<string, Record<string, number>>; unavailable: unknown[] };
      expect(Object.keys(summary.ops)).toEqual(expect.arrayContaining(['read', 'read-stale', 'write', 'cas']));

      const events = readEvents(history);
      const completions = events.filter((e) => e.type !== 'invoke');
      expect(events.filter((e) => e.type === 'invoke').length).toBeGreaterThanOrEqual(completions.length);
      for (const f of ['read', 'write', 'cas'] as const) {
        expect(
          completions.some((e) => e.f === f && e.type === 'ok'),
          `an ok ${f}`,
        ).toBe(true);
      }
      expect(
        completions.some((e) => e.type === 'fail'),
        'a fail',
      ).toBe(true);
      // The pause caught some write in flight: its outcome is unknown.
      expect(
        completions.some((e) => e.type === 'info' && e.f !== 'read'),
        'an info write or cas',
      ).toBe(true);
      expect(
        completions.some((e) => e.stale === true && e.type === 'ok'),
        'an ok stale read',
      ).toBe(true);
      // After an info the client continues as a new process: no process completes after its info.
      const infoAt = new Map<number, number>();
      for (const e of events) {
        expect(infoAt.has(e.process), `process ${e.process} acts after its info`).toBe(false);
        if (e.type === 'info') infoAt.set(e.process, e.time);
      }

      // Recorded faithfully: the checker finds the history linearizable.
      const check = checkHistory(readHistory(history));
      expect(check.valid, formatReport(check)).toBe(true);

      const converge = runCli(CONVERGENCE, [...common, '--timeout-ms', '60000', '--expect-managers', '3']);
      const conv = await converge.done;
      expect(conv.code, `${conv.stdout}\n${conv.stderr}`).toBe(0);
      const report = lastJsonLine(conv.stdout) as { converged: boolean; managers: { storeDigest: string; appliedIndex: string }[]; problems: string[] };
      expect(report.converged).toBe(true);
      expect(report.problems).toEqual([]);
      expect(report.managers).toHaveLength(3);
      expect(new Set(report.managers.map((m) => `${m.appliedIndex}/${m.storeDigest}`)).size).toBe(1);
    } catch (e) {
      failed = true;
      throw e;
    }
  }, 180_000);

  it('the convergence CLI names what did not converge', async () => {
    try {
      const follower = others(cluster, await cluster.waitForLeader())[0]!;
      await cluster.kill(follower.name, 'SIGKILL');
      const common = ['--managers', cluster.hosts.join(','), '--certs', cluster.adminDir];
      const conv = await runCli(CONVERGENCE, [...common, '--timeout-ms', '1500', '--expect-managers', '3']).done;
      expect(conv.code).toBe(1);
      expect(conv.stderr).toMatch(/managers: 2 of the expected 3 answer/);
      await cluster.start(follower.name);
    } catch (e) {
      failed = true;
      throw e;
    }
  }, 60_000);
});
