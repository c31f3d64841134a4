// `npm run sim:host -- --seeds N [--first-seed F] [--seed S] [--nodes 3|5] [--bug B]`
//
// Runs seeds of the host simulator (simulation.ts) one after another and prints
// `seeds: N, violations: V`; exits 1 on any violation (with --bug: exits 1 unless the planted
// bug was caught). Runs take real time and are not bit-for-bit reproducible: a seed fixes the
// faults, not the interleaving (README.md).

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { HostPlantedBug } from '../raft-host.js';
import { runHostSeed, type HostSimResult } from './simulation.js';

const BUGS: readonly HostPlantedBug[] = ['read-before-apply', 'resolve-wrong-term'];

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run sim:host --')
  .usage('$0 [--seeds N | --seed S] [options]\n\nRuns real RaftHosts on LevelDB under seeded faults and checks what clients saw and what nodes applied.')
  .option('seeds', { type: 'number', default: 5, describe: 'how many seeds to run' })
  .option('first-seed', { type: 'number', default: 1, describe: 'first seed of the batch' })
  .option('seed', { type: 'number', describe: 'run one seed and print its fault trace' })
  .option('nodes', { type: 'number', choices: [3, 5], describe: 'voters (default: 3 for odd seeds, 5 for even)' })
  .option('fault-ms', { type: 'number', default: 2500, describe: 'real ms of faults and client traffic before healing' })
  .option('bug', { type: 'string', choices: BUGS, describe: 'plant a known bug in the host (to see the simulator catch it)' })
  .option('trace', { type: 'boolean', default: false, describe: 'print every fault and leader change as it happens' })
  .option('keep-data', { type: 'boolean', default: false, describe: "keep each seed's LevelDB directories" })
  .strict()
  .help()
  .parseSync();

function summary(r: HostSimResult): string {
  const s = r.stats;
  return (
    `seed ${r.seed} (${r.nodes} nodes): ${r.violations.length === 0 ? 'ok' : 'FAILED'} in ${s.elapsedMs} ms; ` +
    `writes ${s.writesOk} ok / ${s.writesFailed} refused / ${s.writesUnknown} unknown, reads ${s.readsOk} ok / ${s.readsFailed} refused, ` +
    `${s.crashes} crashes (${s.windowCrashes} in a write window, ${s.leaderKills} leader kills, ${s.lostWrites} writes lost), ` +
    `${s.partitions} partitions, ${s.leaderChanges} leaders, applied ${s.appliedIndex}, converged in ${s.convergeMs} ms`
  );
}

async function main(): Promise<number> {
  const seeds = argv.seed !== undefined ? [argv.seed] : Array.from({ length: argv.seeds }, (_, i) => argv['first-seed'] + i);
  const bug = argv.bug as HostPlantedBug | undefined;
  const started = performance.now();
  let violations = 0;
  let failedSeeds = 0;
  for (const seed of seeds) {
    const trace = argv.trace || argv.seed !== undefined ? (line: string) => console.log(`  ${line}`) : undefined;
    const r = await runHostSeed({
      seed,
      ...(argv.nodes ? { nodes: argv.nodes } : {}),
      faultMs: argv['fault-ms'],
      ...(bug ? { plantedBug: bug } : {}),
      keepData: argv['keep-data'],
      ...(trace ? { trace } : {}),
    });
    console.log(summary(r));
    for (const v of r.violations) console.log(`  VIOLATION [${v.invariant}] ${v.detail}`);
    if (argv['keep-data']) console.log(`  data: ${r.dataDir}`);
    if (r.violations.length > 0) {
      failedSeeds++;
      violations += r.violations.length;
      console.log(
        `  replay the schedule: npm run sim:host -- --seed ${seed} --nodes ${r.nodes}${bug ? ` --bug ${bug}` : ''} (profile ${JSON.stringify(r.profile)})`,
      );
    }
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`seeds: ${seeds.length}, violations: ${violations} (${failedSeeds} failing seeds) in ${secs} s`);
  if (bug) {
    console.log(failedSeeds > 0 ? `the planted bug ${bug} was caught` : `the planted bug ${bug} was NOT caught`);
    return failedSeeds > 0 ? 0 : 1;
  }
  return violations === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`sim:host failed: ${e.stack ?? e.message}`);
    process.exit(2);
  },
);
