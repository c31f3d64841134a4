// A process's resident set size, as the kernel counts it (/proc/<pid>/status VmRSS).

import { readFileSync } from 'node:fs';

/** RSS in MiB, or undefined when the process is gone. */
export function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
