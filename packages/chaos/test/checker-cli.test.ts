import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../src/history/event.js';
import { history, r, w } from './history-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'shoal-checker-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const main = new URL('../src/checker/main.ts', import.meta.url).pathname;

function write(name: string, events: readonly HistoryEvent[]): string {
  const path = join(dir, name);
  writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return path;
}

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const p = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', main, ...args], { encoding: 'utf8' });
  return { status: p.status, stdout: p.stdout, stderr: p.stderr };
}

describe('checker CLI', () => {
  it('exits 0 on a linearizable history and 1 with the operations of a stale read', () => {
    const good = run(write('good.jsonl', history(w(1, 'a', 0, 1), r(2, 'a', 2, 3))));
    expect(good.stdout).toContain('LINEARIZABLE');
    expect(good.status).toBe(0);

    const bad = run(write('bad.jsonl', history(w(1, 'a', 0, 1, 'ok', 'label:x'), w(1, 'b', 2, 3, 'ok', 'label:x'), r(2, 'a', 4, 5, 'label:x'))));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('stale-read on label:x');
    expect(bad.stdout).toContain('p2 read ok → "a"  4.000 ms → 5.000 ms');
    expect(bad.stdout).toContain('NOT LINEARIZABLE');
  });

  it('prints the report as JSON with --json', () => {
    const out = run(write('json.jsonl', history(w(1, 'a', 0, 1))), '--json');
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ valid: true, keys: 1, operations: { ok: 1 } });
  });

  it('exits 2 naming the line of a malformed history', () => {
    const path = join(dir, 'broken.jsonl');
    writeFileSync(path, '{"process":1,"type":"invoke","f":"read","key":"k","value":null,"time":0}\n{oops\n');
    const out = run(path);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain(`${path}:2: not valid JSON`);
  });
});
