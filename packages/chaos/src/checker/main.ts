// `tsx --conditions=source packages/chaos/src/checker/main.ts <history.jsonl> [--json] [--step-budget N]`
//
// Checks a recorded history and prints the report; exits 1 when it is not linearizable (or a key
// could not be decided), 2 when the history cannot be read.

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { readHistory } from '../history/reader.js';
import { checkHistory, DEFAULT_STEP_BUDGET } from './check.js';
import { formatReport } from './format.js';

const argv = yargs(hideBin(process.argv))
  .scriptName('checker')
  .parserConfiguration({ 'greedy-arrays': false })
  .usage('$0 <history.jsonl> [--json]\n\nChecks a chaos history (JSON lines) for linearizability, key by key.')
  .positional('history', { type: 'string', describe: 'the history.jsonl a chaos run wrote' })
  .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
  .option('step-budget', { type: 'number', default: DEFAULT_STEP_BUDGET, describe: 'search steps per key before it is reported undecided' })
  .demandCommand(1, 1, 'give one history file: checker <history.jsonl>', 'give one history file only')
  .strict()
  .help()
  .parseSync();

const budget = argv['step-budget'];
if (!Number.isInteger(budget) || budget <= 0) {
  console.error(`--step-budget must be a positive whole number, got ${budget}`);
  process.exit(2);
}
const path = String(argv._[0]);
let report;
try {
  report = checkHistory(readHistory(path), { stepBudget: budget });
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
console.log(argv.json ? JSON.stringify(report, null, 2) : `history: ${path}\n${formatReport(report)}`);
process.exitCode = report.valid ? 0 : 1;
