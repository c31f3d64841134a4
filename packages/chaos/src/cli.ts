// `npm run chaos`: a Jepsen-style run of real managers and workers in network namespaces under
// a nemesis, with a recorded history, a linearizability check and a convergence check.
//
//   npm run chaos -- --time 120 --nemesis partition,kill,pause,netem,clock,disk --managers 5
//                    [--workers 2] [--clients 4] [--keys 4] [--seed S] [--plant-bug B] [--require]
//
// Exit 0 only if the history is linearizable, nothing acknowledged was lost and the cluster
// converged. Without root or network namespaces: SKIPPED and exit 0 (exit 1 with --require).

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { ChaosLab } from './lab/lab.js';
import { labUnavailableReason } from './lab/preflight.js';
import { NEMESIS_KINDS } from './nemesis/nemesis.js';
import { PLANTED_BUGS, parseNemesisList, type ChaosOptions, type PlantedBug } from './runner/options.js';
import { runChaos } from './runner/run.js';
import { formatChaosReport } from './runner/table.js';

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run chaos --')
  .option('time', { type: 'number', default: 120, describe: 'seconds of client operations under the nemesis' })
  .option('nemesis', { type: 'string', default: NEMESIS_KINDS.join(','), describe: `faults to inject, comma-separated: ${NEMESIS_KINDS.join(', ')}` })
  .option('managers', { type: 'number', default: 5 })
  .option('workers', { type: 'number', default: 2 })
  .option('clients', { type: 'number', default: 4, describe: 'concurrent workload clients' })
  .option('keys', { type: 'number', default: 4, describe: 'registers (label services) the clients share' })
  .option('seed', { type: 'number', describe: 'makes the nemesis schedule and the workload reproducible (default: random, printed)' })
  .option('plant-bug', { type: 'string', choices: PLANTED_BUGS, describe: 'harness self-test: run the managers with a planted bug the checker must catch' })
  .option('require', { type: 'boolean', default: false, describe: 'fail (exit 1) instead of skipping where namespaces are unavailable (CI)' })
  .option('results', { type: 'string', default: 'chaos-results', describe: 'where run directories go' })
  .check((a) => {
    if (!Number.isFinite(a.time) || a.time < 10) throw new Error(`--time must be at least 10 seconds (got ${a.time})`);
    if (!Number.isInteger(a.managers) || a.managers < 1 || a.managers > 9) throw new Error(`--managers must be 1..9 (got ${a.managers})`);
    if (!Number.isInteger(a.workers) || a.workers < 0 || a.workers > 9) throw new Error(`--workers must be 0..9 (got ${a.workers})`);
    if (!Number.isInteger(a.clients) || a.clients < 1) throw new Error(`--clients must be a positive integer (got ${a.clients})`);
    if (!Number.isInteger(a.keys) || a.keys < 1) throw new Error(`--keys must be a positive integer (got ${a.keys})`);
    if (a.seed !== undefined && (!Number.isSafeInteger(a.seed) || a.seed < 1)) throw new Error(`--seed must be a positive integer (got ${a.seed})`);
    parseNemesisList(a.nemesis);
    return true;
  })
  .strict()
  .help()
  .parseSync();

const options: ChaosOptions = {
  timeS: argv.time,
  nemesis: parseNemesisList(argv.nemesis),
  managers: argv.managers,
  workers: argv.workers,
  clients: argv.clients,
  keys: argv.keys,
  seed: argv.seed ?? 1 + Math.floor(Math.random() * 2 ** 31),
  resultsDir: argv.results,
  ...(argv['plant-bug'] ? { plantBug: argv['plant-bug'] as PlantedBug } : {}),
};

const unavailable = labUnavailableReason();
if (unavailable) {
  process.stdout.write(`chaos: SKIPPED: ${unavailable}\n`);
  process.exit(argv.require ? 1 : 0);
}
if (options.plantBug) process.stdout.write(`chaos: managers run with the planted bug ${options.plantBug}: the checker must report this run INVALID\n`);

// Whatever ends this process, the lab goes with it.
let lab: ChaosLab | undefined;
process.on('exit', () => lab?.teardown());
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    process.stderr.write(`chaos: ${signal}: tearing the lab down\n`);
    lab?.teardown();
    process.exit(code);
  });
}
process.on('uncaughtException', (e) => {
  process.stderr.write(`chaos: ${e.stack ?? e.message}\n`);
  lab?.teardown();
  process.exit(1);
});

const say = (line: string): void => void process.stdout.write(`${line}\n`);
try {
  const report = await runChaos(options, say, (l) => (lab = l));
  lab?.teardown();
  say(formatChaosReport(report));
  process.exit(report.passed ? 0 : 1);
} catch (e) {
  process.stderr.write(`chaos: the run failed: ${(e as Error).message}\n`);
  lab?.teardown();
  process.exit(1);
}
