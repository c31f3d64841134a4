// `npm run sim -- --seeds N [--nodes 3|5|7] [--seed S] [--workers W]`
//
// Runs seeds of the simulator and prints `seeds: N, violations: V`; exits 1 on any violation.
// A failing seed is replayed (runs are deterministic) with its event trace printed.

import { writeFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { PlantedBugs } from '../raft.js';
import { runSeeds, seedOptions, type SeedOutcome } from './batch.js';
import { runSeed } from './simulation.js';

const BUGS: Record<string, PlantedBugs> = {
  'commit-old-term': { commitOldTermByCounting: true },
  'vote-ignoring-log': { voteIgnoringLogUpToDate: true },
  'forget-vote': { forgetToPersistVote: true },
  'vote-before-persist': { voteRespBeforePersist: true },
  'leader-unpersisted-self': { leaderCountsUnpersistedSelf: true },
  'conf-changes-in-flight': { confChangesInFlight: true },
  'conf-change-before-term-commit': { confChangeBeforeTermCommit: true },
  'campaign-unapplied-conf': { campaignWithUnappliedConfChange: true },
};

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run sim --')
  .parserConfiguration({ 'greedy-arrays': false })
  .usage('$0 [--seeds N | --seed S] [options]\n\nRuns the deterministic Raft simulator and checks its invariants.')
  .option('seeds', { type: 'number', default: 100, describe: 'how many seeds to run' })
  .option('first-seed', { type: 'number', default: 1, describe: 'first seed of the batch' })
  .option('seed', { type: 'number', describe: 'replay one seed and print its event trace' })
  .option('nodes', { type: 'number', choices: [3, 5, 7], describe: 'voters (default: 3, 5, 7 by seed mod 3)' })
  .option('fault-ms', { type: 'number', describe: 'virtual ms of faults before healing (default 3000)' })
  .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
  .option('bug', { type: 'string', choices: Object.keys(BUGS), describe: 'plant a known bug (to see the simulator catch it)' })
  .option('trace', { type: 'boolean', default: false, describe: 'with --seed: print the trace even if the seed passes' })
  .option('trace-messages', { type: 'boolean', default: false, describe: 'with --seed: trace every delivered message' })
  .option('trace-lines', { type: 'number', default: 400, describe: 'with --seed: how many trace lines to print' })
  .option('json', { type: 'string', describe: 'also write the summary as JSON to this file' })
  .strict()
  .help()
  .parseSync();

const bugs = argv.bug ? BUGS[argv.bug] : undefined;
const common = { nodes: argv.nodes, faultMs: argv['fault-ms'], bugs };

function replayCommand(o: SeedOutcome): string {
  return `npm run sim -- --seed ${o.seed} --nodes ${o.nodes}${argv.bug ? ` --bug ${argv.bug}` : ''}${
    argv['fault-ms'] ? ` --fault-ms ${argv['fault-ms']}` : ''
  }`;
}

function replay(seed: number, printTrace: boolean): boolean {
  const lines = argv['trace-lines'];
  const r = runSeed({
    ...seedOptions(seed, common),
    trace: true,
    traceLimit: Math.max(lines, 4000),
    traceMessages: argv['trace-messages'],
  });
  if (printTrace || r.violations.length > 0) {
    console.log(`--- trace of seed ${seed} (${r.nodes} voters), last ${Math.min(r.trace.length, lines)} events ---`);
    for (const line of r.trace.slice(-lines)) console.log(line);
    console.log(`--- profile: ${JSON.stringify(r.profile)}`);
  }
  for (const v of r.violations) console.log(`VIOLATION [${v.invariant}] at ${v.at}ms: ${v.detail}`);
  console.log(
    `seed ${seed}: ${r.violations.length === 0 ? 'ok' : 'FAILED'}; ${r.stats.events} events, ${r.stats.virtualMs} virtual ms, ` +
      `${r.stats.proposalsAcked} writes acknowledged, ${r.stats.readsServed} reads, ${r.stats.crashes} crashes, ` +
      `${r.stats.snapshotsInstalled} snapshots installed, recovery ${r.stats.recoveryMs}ms`,
  );
  console.log(`seeds: 1, violations: ${r.violations.length}`);
  return r.violations.length === 0;
}

async function main(): Promise<number> {
  if (argv.seed !== undefined) return replay(argv.seed, argv.trace) ? 0 : 1;

  let done = 0;
  const total = argv.seeds;
  const tty = process.stdout.isTTY;
  const summary = await runSeeds({
    seeds: total,
    firstSeed: argv['first-seed'],
    ...common,
    ...(argv.workers !== undefined ? { workers: argv.workers } : {}),
    onResult: (r) => {
      done++;
      if (r.violations.length > 0) {
        console.log(`seed ${r.seed} (${r.nodes} voters): ${r.violations[0]!.invariant}: ${r.violations[0]!.detail.split('\n')[0]}`);
        console.log(`  replay: ${replayCommand(r)}`);
      } else if (tty && done % 50 === 0) {
        process.stdout.write(`\r${done}/${total} seeds`);
      }
    },
  });
  if (tty) process.stdout.write('\r');
  console.log(
    `ran ${summary.seeds} seeds in ${(summary.wallMs / 1000).toFixed(1)} s: ${summary.events} events, ` +
      `${(summary.virtualMs / 1000).toFixed(0)} virtual s, ${summary.acked} writes acknowledged; ` +
      `recovery after healing median ${summary.recoveryMedianMs} ms, max ${summary.recoveryMaxMs} ms (virtual)`,
  );
  if (summary.failures.length > 0) {
    const first = summary.failures[0]!;
    console.log(`first failing seed ${first.seed}; replaying it with its trace:`);
    replay(first.seed, true);
  }
  console.log(`seeds: ${summary.seeds}, violations: ${summary.violations}`);
  if (argv.json) writeFileSync(argv.json, JSON.stringify(summary, null, 2));
  return summary.violations === 0 ? 0 : 1;
}

process.exitCode = await main();
