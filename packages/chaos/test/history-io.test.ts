import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryWriter, readHistory } from '../src/index.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'shoal-history-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('HistoryWriter and readHistory', () => {
  it('round-trips events with monotonic times since the start', () => {
    const path = join(tempDir(), 'run', 'history.jsonl');
    const h = new HistoryWriter(path);
    h.invoke(1, 'write', 'k', 'a');
    h.ok(1, 'write', 'k', 'a');
    h.invoke(2, 'cas', 'k', ['a', 'b']);
    h.info(2, 'cas', 'k', ['a', 'b'], { note: 'deadline exceeded' });
    h.invoke(3, 'read', 'k', null, { stale: true });
    h.ok(3, 'read', 'k', 'a', { stale: true });
    h.invoke(4, 'write', 'k', 'c');
    h.fail(4, 'write', 'k', 'c');
    h.close();
    const events = readHistory(path);
    expect(events.map((e) => [e.process, e.type, e.f, e.value])).toEqual([
      [1, 'invoke', 'write', 'a'],
      [1, 'ok', 'write', 'a'],
      [2, 'invoke', 'cas', ['a', 'b']],
      [2, 'info', 'cas', ['a', 'b']],
      [3, 'invoke', 'read', null],
      [3, 'ok', 'read', 'a'],
      [4, 'invoke', 'write', 'c'],
      [4, 'fail', 'write', 'c'],
    ]);
    expect(events[3]!.note).toBe('deadline exceeded');
    expect(events[5]!.stale).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
    expect(() => h.ok(1, 'read', 'k', 'a')).toThrow(/closed/);
  });

  it('keeps every line when the process exits without closing', () => {
    const path = join(tempDir(), 'history.jsonl');
    const writerUrl = new URL('../src/history/writer.ts', import.meta.url).href;
    const script = `import { HistoryWriter } from ${JSON.stringify(writerUrl)};
const h = new HistoryWriter(${JSON.stringify(path)});
for (let i = 0; i < 100; i++) { h.invoke(i, 'write', 'k', 'v' + i); h.ok(i, 'write', 'k', 'v' + i); }
process.exit(3);`;
    expect(() => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'pipe' })).toThrow();
    expect(readHistory(path)).toHaveLength(200);
  });

  it('shares a start instant between writers', () => {
    const start = process.hrtime.bigint() - 5_000_000_000n;
    const h = new HistoryWriter(join(tempDir(), 'h.jsonl'), { startNs: start });
    expect(h.invoke(1, 'read', 'k').time).toBeGreaterThanOrEqual(5e9);
    h.close();
  });

  it('names the line of a malformed event', () => {
    const path = join(tempDir(), 'bad.jsonl');
    writeFileSync(path, '{"process":1,"type":"invoke","f":"read","key":"k","value":null,"time":0}\n\n{"process":1,"type":"ok"\n');
    expect(() => readHistory(path)).toThrow(`${path}:3: not valid JSON`);
    writeFileSync(path, '{"process":1,"type":"done","f":"read","key":"k","value":null,"time":0}\n');
    expect(() => readHistory(path)).toThrow(/bad\.jsonl:1: not a history event: "type" must be one of/);
    writeFileSync(path, '{"process":1,"type":"invoke","f":"cas","key":"k","value":"a","time":0}\n');
    expect(() => readHistory(path)).toThrow(/\[expected, new\]/);
    expect(() => readHistory(join(tempDir(), 'missing.jsonl'))).toThrow(/cannot read history/);
    expect(readFileSync(path, 'utf8')).toContain('cas');
  });
});
