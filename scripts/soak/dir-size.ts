// The bytes a directory holds on disk (its files, recursively): a manager's data directory,
// which is mostly its LevelDB Raft database.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function dirSizeMiB(dir: string): number {
  return dirBytes(dir) / 2 ** 20;
}

function dirBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0; // gone, or being compacted under us
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    try {
      if (e.isDirectory()) total += dirBytes(p);
      else if (e.isFile()) total += statSync(p).size;
    } catch {
      /* a LevelDB file removed by compaction while we walked */
    }
  }
  return total;
}
