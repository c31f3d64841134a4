// How the CLI prints: tables for people (cli-table3), JSON for machines (--json).
// cli-table3 is required when a table is printed: --json calls (scripts) never load it.

import { createRequire } from 'node:module';
import type Table from 'cli-table3';

const require = createRequire(import.meta.url);

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(head: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const TableClass = require('cli-table3') as typeof Table;
  const table = new TableClass({
    head: [...head],
    style: { head: [], border: [], compact: true },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
  });
  for (const r of rows) table.push(r.map(String));
  process.stdout.write(`${table.toString()}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** Why 3, 5 or 7 managers: printed whenever a command sees another count. */
export function managerCountWarning(voters: number): string | undefined {
  if (voters > 7) {
    return `${voters} managers: every write waits for ${Math.floor(voters / 2) + 1} of them, so more than 7 slows the cluster down without a real gain in safety; use 3, 5 or 7`;
  }
  if (voters > 1 && voters % 2 === 0) {
    return `${voters} managers: an even count tolerates no more failures than ${voters - 1} (a quorum is ${voters / 2 + 1} of ${voters}), and a split into two halves leaves neither with a quorum; use an odd number (3, 5 or 7)`;
  }
  return undefined;
}
