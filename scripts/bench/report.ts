// What every benchmark returns, and how it is shown: a table on stdout and JSON on disk.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';

export interface BenchReport {
  readonly name: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Lines printed under the table: targets, ratios, caveats. */
  readonly notes: readonly string[];
  /** Raw figures for the JSON file. */
  readonly data: unknown;
}

export function printReport(r: BenchReport): void {
  const table = new Table({ head: [...r.columns], style: { head: [], border: [] } });
  for (const row of r.rows) table.push(row.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  console.log(`\n${r.title}`);
  console.log(table.toString());
  for (const n of r.notes) console.log(`  ${n}`);
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Writes bench-results/<name>.json (the latest run) and returns its path. */
export function writeReport(r: BenchReport, dir = 'bench-results'): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${r.name}.json`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  writeFileSync(file, JSON.stringify({ ...r, machine, at: new Date().toISOString() }, null, 2));
  return file;
}

/** Percentile (nearest rank) of an ascending-sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
