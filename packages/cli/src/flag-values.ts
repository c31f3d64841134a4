// Parsers of flag values: CPUs, sizes, durations, whole numbers, ports, KEY=VALUE pairs and
// command lines, each refusing a malformed value with a message naming the flag. Ranges are
// the leader's to check (it names the field).

import { CliError } from './errors.js';

/** "0.5" CPUs → nano-CPUs. */
export function parseCpus(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`${flag} wants a number of CPUs like 0.5 or 2 (got "${v}")`);
  return Math.round(n * 1e9);
}

/** "64M", "1G", "512k", "1048576" → bytes. */
export function parseBytes(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)[iI]?[bB]?$/.exec(v.trim());
  if (!m) throw new CliError(`${flag} wants a size like 64M, 1G or 1048576 (got "${v}")`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}

/** "200ms", "5s", "1m", "1h", "250" (ms) → milliseconds. */
export function parseDuration(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new CliError(`${flag} wants a duration like 500ms, 5s or 1m (got "${v}")`);
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * mult);
}

/**
 * A whole-number flag, as yargs `coerce` (declare the option as a string): yargs would read
 * "abc" as NaN, which JSON sends as null and the leader replaces with the default, so
 * `--replicas abc` used to create 1 replica. Ranges are the leader's to check (it names the
 * field); a sign is let through for that.
 */
export function wholeNumber(flag: string): (v: unknown) => number | undefined {
  return (v) => {
    const last: unknown = Array.isArray(v) ? v[v.length - 1] : v; // a repeated flag: the last one wins
    if (last === undefined) return undefined;
    const text = String(last).trim();
    if (!/^-?\d{1,15}$/.test(text)) throw new CliError(`${flag} wants a whole number like 3 (got "${String(last)}")`, 'USAGE');
    return Number(text);
  };
}

/** "8080:80" → published 8080, target 80; "8080" → both 8080. Both must be ports (1..65535). */
export function parsePort(v: string): { published: number; target: number; protocol: 'tcp' } {
  const m = /^(\d{1,5})(?::(\d{1,5}))?(?:\/tcp)?$/.exec(v.trim());
  if (!m) throw new CliError(`-p/--publish wants PUBLISHED:TARGET like 8080:80 (got "${v}")`);
  const published = Number(m[1]);
  const target = Number(m[2] ?? m[1]);
  for (const [what, port] of [
    ['published', published],
    ['target', target],
  ] as const) {
    if (port < 1 || port > 65_535) throw new CliError(`-p/--publish ${v}: the ${what} port ${port} is not a port (1..65535)`);
  }
  return { published, target, protocol: 'tcp' };
}

/** "K=V" pairs → a record (repeated keys: last wins). */
export function parsePairs(values: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of values) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new CliError(`${flag} wants KEY=VALUE (got "${kv}")`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** Splits a command line like a POSIX shell would for words and quotes (no expansions). */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new CliError(`unbalanced ${quote} in the command: ${line}`);
  if (inWord) words.push(cur);
  return words;
}
