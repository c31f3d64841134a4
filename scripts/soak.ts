// `npm run soak -- --minutes M [--managers 5] [--workers 5] [--kill-every 60] [--out DIR]`:
// a cluster under steady service churn with a leader kill every minute; reports failovers,
// failed requests, Raft log size and manager RSS over time (table, JSON, SVG). Exit 1 when
// the log or the memory grew without bound, or the cluster did not converge at the end.
// The parts are in scripts/soak/ (run.ts puts them together).

import { assertBuilt } from './lib/cluster.js';
import { parseOptions } from './soak/options.js';
import { runSoak } from './soak/run.js';
import { printSummary } from './soak/summary.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: npm run soak -- --minutes M [--managers 5] [--workers 5] [--kill-every 60] [--out soak-results/<run>]`);
    return 2;
  }
  assertBuilt();
  const summary = await runSoak(options);
  printSummary(summary);
  console.log(`\n  results in ${options.out}: summary.json, samples.json, soak.svg, logs/`);
  return summary.passed ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`soak failed: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 1;
}
