// The data directories of a real manager and worker (the `shoal` CLI, umask 077) are their
// user's only: every directory 0700, every file 0600, LevelDB's own files included. A directory
// opened up (a copied backup, an older shoal) is made private again at start-up with one
// warning line; another user's files refuse the start.

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { waitFor } from './support/managers.js';
import { createService, waitConverged } from './support/services.js';

/** Every path under `dir` (itself included) with its permission bits, by relative path. */
function modes(dir: string): Map<string, { mode: number; isDir: boolean }> {
  const out = new Map<string, { mode: number; isDir: boolean }>();
  const walk = (p: string): void => {
    const st = statSync(p);
    out.set(relative(dir, p) || '.', { mode: st.mode & 0o7777, isDir: st.isDirectory() });
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(dir);
  return out;
}

/** Paths under `dir` that are not private (dirs 0700, files 0600), as "path mode". */
function notPrivate(dir: string): string[] {
  return [...modes(dir)].filter(([, m]) => m.mode !== (m.isDir ? 0o700 : 0o600)).map(([p, m]) => `${p} ${m.mode.toString(8)}`);
}

/** The JSON log lines in `text` (a node's output: its --json answer spans several lines, skipped). */
function logLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const l of text.split('\n')) {
    if (!l.startsWith('{"')) continue;
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      /* a line still being written */
    }
  }
  return lines;
}

describe.sequential('data directory modes', () => {
  const lab = new Lab();
  let cluster: LocalCluster;
  let failed = false;

  beforeAll(async () => {
    cluster = await lab.cluster('modes', 1);
    await cluster.addWorker('w1');
  });
  afterEach(({ task }) => {
    failed ||= task.result?.state === 'fail';
  });
  afterAll(() => lab.cleanup({ failed }));

  it('creates every directory 0700 and every file 0600, LevelDB tables included', async () => {
    const m1 = cluster.manager('m1');
    const w1 = cluster.worker('w1');
    await cluster.stopAll();
    // A restart turns LevelDB's log into a table (*.ldb) and rotates LOG: files LevelDB made itself.
    await cluster.start('m1');
    await cluster.stopAll();
    const raft = [...modes(join(m1.dataDir, 'raft')).keys()];
    expect(raft).toEqual(expect.arrayContaining(['CURRENT', 'LOCK', 'LOG', expect.stringMatching(/^MANIFEST-\d+$/), expect.stringMatching(/^\d+\.ldb$/)]));
    expect(raft.some((p) => p.endsWith('.log'))).toBe(true);
    expect([...modes(m1.dataDir).keys()]).toEqual(
      expect.arrayContaining(['node.json', 'tls/node-key.pem', 'tls/ca.pem', 'tls/node.pem', 'admin/key.pem', 'admin/ca.pem']),
    );
    expect([...modes(w1.dataDir).keys()]).toEqual(expect.arrayContaining(['worker.json', 'tls/node-key.pem', 'tls/ca.pem', 'tasks', 'agent-stats.json']));
    expect(notPrivate(m1.dataDir)).toEqual([]);
    expect(notPrivate(w1.dataDir)).toEqual([]);
  });

  it('makes opened-up files private again at start-up, with one warning naming them', async () => {
    const m1 = cluster.manager('m1');
    const w1 = cluster.worker('w1');
    const ldb = readdirSync(join(m1.dataDir, 'raft')).find((f) => f.endsWith('.ldb'))!;
    const opened: [string, number][] = [
      [join(m1.dataDir, 'raft'), 0o755],
      [join(m1.dataDir, 'raft', 'CURRENT'), 0o644],
      [join(m1.dataDir, 'raft', ldb), 0o644],
      [join(m1.dataDir, 'tls', 'node-key.pem'), 0o644],
      [join(m1.dataDir, 'admin'), 0o755],
      [join(m1.dataDir, 'node.json'), 0o666],
      [join(w1.dataDir, 'tls'), 0o755],
      [join(w1.dataDir, 'tls', 'node-key.pem'), 0o640],
      [join(w1.dataDir, 'worker.json'), 0o644],
    ];
    for (const [p, m] of opened) chmodSync(p, m);

    await cluster.start('m1');
    await cluster.startWorker('w1'); // waits until the leader lists it ready: the node works
    for (const [node, dir] of [
      [m1, m1.dataDir],
      [w1, w1.dataDir],
    ] as const) {
      const expected = opened
        .filter(([p]) => p.startsWith(`${dir}/`))
        .map(([p, m]) => ({ path: p, was: `0${m.toString(8)}`, now: statSync(p).isDirectory() ? '0700' : '0600' }));
      const [warning, ...more] = await waitFor(`${node.name}'s repair warning`, () => {
        const lines = logLines(readFileSync(node.logFile, 'utf8')).filter((l) => 'repaired' in l);
        return lines.length > 0 ? lines : undefined;
      });
      expect(more).toEqual([]);
      expect(warning!.level).toBe(40);
      expect(warning!.repaired).toEqual(expect.arrayContaining(expected));
      expect((warning!.repaired as unknown[]).length).toBe(expected.length);
      for (const e of expected) expect(warning!.msg).toContain(`${e.path} ${e.was}`);
      expect(notPrivate(dir)).toEqual([]);
    }
  });

  it("runs process tasks under the umask the agent was started with, not the agent's 077", async () => {
    const w1 = cluster.worker('w1');
    await createService(cluster, { name: 'umask', replicas: 1, task: { runtime: 'process', command: ['sh', '-c', 'umask; exec sleep 600'] } });
    const [task] = await waitConverged(cluster, 'umask', 1);
    const out = join(w1.dataDir, 'tasks', task!.id, 'stdout.log');
    const shown = await waitFor('the task to print its umask', () => (existsSync(out) && readFileSync(out, 'utf8').trim()) || undefined);
    const ours = spawnSync('sh', ['-c', 'umask'], { encoding: 'utf8' }).stdout.trim(); // what LocalCluster started the agent with
    expect(ours).not.toBe('0077');
    expect(shown).toBe(ours);
  });

  it('warns when /metrics is served on an address other machines reach', async () => {
    await cluster.stopAll();
    const m1 = cluster.manager('m1');
    // 192.0.2.1 (TEST-NET-1) is on no interface: the bind fails, nothing is exposed, the warning is what counts.
    const addr = `192.0.2.1:${await freePort()}`;
    const p = lab.spawnShoal(['manager', 'start', '--data', m1.dataDir, '--metrics', addr]);
    await waitFor('the manager to serve', () => (p.output().includes('manager serving') ? true : undefined), 30_000);
    const warning = logLines(p.output()).find((l) => l.metrics === addr && l.level === 40 && /not a loopback address/.test(String(l.msg)));
    expect(warning?.msg).toMatch(/plain HTTP without authentication/);
    p.proc.kill('SIGTERM');
    const r = await p.exited;
    expect(r.code).toBe(0);
  });

  it.skipIf(process.getuid?.() !== 0)("refuses to start on another user's Raft database files (run as root)", async () => {
    const m1 = cluster.manager('m1');
    const log = join(m1.dataDir, 'raft', 'LOG');
    const before = statSync(log);
    chownSync(log, 65534, 65534);
    try {
      const r = await lab.runShoal(['manager', 'start', '--data', m1.dataDir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: refusing to start: ${log} (uid 65534) in the data directory belongs to another user than this process's (uid 0)`);
      expect(r.stderr).toContain(`chown -R 0 ${m1.dataDir}`);
    } finally {
      chownSync(log, before.uid, before.gid);
    }
  });
});
