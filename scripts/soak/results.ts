// The soak's files: soak-results/<run>/{samples.json, summary.json, soak.svg, logs/}.

import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestRecord } from './churn.js';
import type { Sample } from './sampler.js';
import type { SoakSummary } from './summary.js';

export function writeResults(out: string, summary: SoakSummary, samples: readonly Sample[], records: readonly RequestRecord[], svg: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'samples.json'), JSON.stringify({ samples, requests: records }, null, 1));
  writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2));
  writeFileSync(join(out, 'soak.svg'), svg);
}

/** Keeps the managers' and workers' logs with the results (the cluster's directory is removed). */
export function keepLogs(clusterDir: string, out: string): void {
  try {
    mkdirSync(out, { recursive: true });
    cpSync(join(clusterDir, 'logs'), join(out, 'logs'), { recursive: true });
  } catch {
    /* no cluster came up */
  }
}
