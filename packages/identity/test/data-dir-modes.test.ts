// File modes of a node's data directory (data-dir-modes.ts). The cross-process side — a real
// manager and worker, LevelDB's own files — is test/data-dir-modes.test.ts.

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirModeError, logModeRepairs, secureDataDir, usePrivateUmask, withStartingUmask } from '../src/data-dir-modes.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoal-modes-'));
  chmodSync(dir, 0o700);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string): number => statSync(p).mode & 0o7777;

/** What a manager keeps in its data directory (secureManagerDataDir() in @shoal/manager). */
const secureManagerDataDir = (d: string) => secureDataDir(d, ['node.json', 'raft', 'tls', 'admin']);

/** A manager-shaped directory with every entry open to others. */
function openManagerDir(): void {
  mkdirSync(join(dir, 'raft'), { mode: 0o755 });
  mkdirSync(join(dir, 'tls'), { mode: 0o755 });
  for (const f of ['node.json', 'raft/CURRENT', 'raft/000005.ldb', 'tls/node-key.pem']) writeFileSync(join(dir, f), 'x', { mode: 0o644 });
  for (const d of ['raft', 'tls']) chmodSync(join(dir, d), 0o755);
  for (const f of ['node.json', 'raft/CURRENT', 'raft/000005.ldb', 'tls/node-key.pem']) chmodSync(join(dir, f), 0o644);
}

/** A pino logger whose lines land in `lines`. */
function captureLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('secureDataDir', () => {
  it('makes open files and directories private and says which, with their old modes', () => {
    openManagerDir();
    writeFileSync(join(dir, 'unrelated.txt'), 'x', { mode: 0o644 });
    chmodSync(join(dir, 'unrelated.txt'), 0o644);
    const repairs = secureManagerDataDir(dir);
    expect(repairs.map((r) => [r.path.slice(dir.length + 1), r.was, r.now]).sort()).toEqual(
      [
        ['node.json', 0o644, 0o600],
        ['raft', 0o755, 0o700],
        ['raft/000005.ldb', 0o644, 0o600],
        ['raft/CURRENT', 0o644, 0o600],
        ['tls', 0o755, 0o700],
        ['tls/node-key.pem', 0o644, 0o600],
      ].sort(),
    );
    for (const f of ['node.json', 'raft/CURRENT', 'raft/000005.ldb', 'tls/node-key.pem']) expect(mode(join(dir, f))).toBe(0o600);
    for (const d of ['raft', 'tls']) expect(mode(join(dir, d))).toBe(0o700);
    expect(mode(join(dir, 'unrelated.txt'))).toBe(0o644); // not the node's to judge
    expect(secureManagerDataDir(dir)).toEqual([]); // nothing left to repair
  });

  it('leaves the data directory itself readable (only names show) but not writable by others', () => {
    chmodSync(dir, 0o755);
    expect(secureDataDir(dir, [])).toEqual([]);
    expect(mode(dir)).toBe(0o755);
    chmodSync(dir, 0o775);
    expect(secureDataDir(dir, [])).toEqual([{ path: dir, was: 0o775, now: 0o700 }]);
    expect(mode(dir)).toBe(0o700);
  });

  it("refuses another user's files and changes nothing", () => {
    openManagerDir();
    const uid = (process.getuid?.() ?? 0) + 4242; // as if everything here belonged to someone else
    let err: unknown;
    try {
      secureDataDir(dir, ['node.json', 'raft', 'tls'], { uid });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataDirModeError);
    expect((err as DataDirModeError).code).toBe('DATA_DIR_FOREIGN_OWNER');
    expect((err as Error).message).toMatch(/refusing to start: .* belong to another user than this process's \(uid \d+\).*chown -R/);
    expect(mode(join(dir, 'raft/CURRENT'))).toBe(0o644); // refused before repairing anything
    expect(mode(join(dir, 'raft'))).toBe(0o755);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a file chowned to another user (run as root)', () => {
    openManagerDir();
    chownSync(join(dir, 'raft', 'CURRENT'), 65534, 65534);
    expect(() => secureManagerDataDir(dir)).toThrow(
      new RegExp(`${join(dir, 'raft', 'CURRENT')} \\(uid 65534\\) in the data directory belongs to another user`),
    );
  });

  it('refuses a shared sticky directory such as /tmp', () => {
    chmodSync(dir, 0o1777);
    expect(() => secureDataDir(dir, ['raft'])).toThrow(/shared directory \(sticky bit, like \/tmp\).*--data .*shoal/);
  });

  it('skips what does not exist (a worker has no raft/, a fresh directory nothing)', () => {
    expect(secureDataDir(join(dir, 'missing'), ['raft'])).toEqual([]);
    expect(secureDataDir(dir, ['raft', 'tls'])).toEqual([]);
  });

  it('logs one warning line naming every repaired path and its old mode', () => {
    openManagerDir();
    const { logger, lines } = captureLogger();
    logModeRepairs(logger, secureManagerDataDir(dir));
    logModeRepairs(logger, []);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.level).toBe(40);
    expect(line.msg).toContain(`${join(dir, 'raft', 'CURRENT')} 0644`);
    expect(line.msg).toContain(`${join(dir, 'tls')} 0755`);
    expect(line.repaired).toContainEqual({ path: join(dir, 'tls', 'node-key.pem'), was: '0644', now: '0600' });
  });
});

describe('umask', () => {
  it('makes new files private, while spawned tasks keep the umask the process started with', () => {
    const started = process.umask(0o022);
    try {
      usePrivateUmask();
      writeFileSync(join(dir, 'created'), 'x');
      mkdirSync(join(dir, 'made'));
      expect(mode(join(dir, 'created'))).toBe(0o600);
      expect(mode(join(dir, 'made'))).toBe(0o700);
      const child = withStartingUmask(() => spawnSync('sh', ['-c', 'umask'], { encoding: 'utf8' }));
      expect(child.stdout.trim()).toBe('0022');
      // ...and only for the spawn: the process stays private.
      writeFileSync(join(dir, 'after'), 'x');
      expect(mode(join(dir, 'after'))).toBe(0o600);
    } finally {
      process.umask(started);
    }
  });
});
