// Waits until a cluster has converged after a chaos run, or the deadline passes:
//
//   convergence/main.ts --managers HOST:PORT,... --certs DIR --timeout-ms N [--expect-managers K]
//
// Converged: exactly one leader, named by every live manager; every live manager answers
// ClusterInfo (its own state) with the same applied index and store digest; every service has
// its replica count of running tasks; no slot has two running tasks. Prints one JSON line (the
// last round's view); exit 0 when converged, 1 naming what did not converge, 2 on bad input.

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CliError, loadCredentials, parseHosts } from '@shoal/cli';
import type { WireService__Output, WireTask__Output } from '@shoal/wire';
import { ManagerCaller } from '../workload/manager-caller.js';
import { convergenceProblems, type ConvergenceInput, type ManagerView } from './converged.js';

const USAGE = 'usage: convergence/main.ts --managers HOST:PORT,... --certs DIR --timeout-ms N [--expect-managers K]';
/** How long one round's calls may take. */
const CALL_TIMEOUT_MS = 2000;
/** Pause between rounds that did not converge. */
const ROUND_PAUSE_MS = 200;

interface Options {
  readonly managers: string[];
  readonly certs: string;
  readonly timeoutMs: number;
  readonly expectManagers?: number;
}

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n < 1)
    throw new CliError(`--${flag} must be a positive integer (got ${JSON.stringify(value)}). ${USAGE}`);
  return n;
}

function parseOptions(argv: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { managers: { type: 'string' }, certs: { type: 'string' }, 'timeout-ms': { type: 'string' }, 'expect-managers': { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}. ${USAGE}`);
  }
  if (!values.certs) throw new CliError(`--certs DIR is required (the admin credentials: ca.pem, cert.pem, key.pem). ${USAGE}`);
  return {
    managers: parseHosts(values.managers),
    certs: values.certs,
    timeoutMs: positiveInt('timeout-ms', values['timeout-ms']),
    ...(values['expect-managers'] !== undefined ? { expectManagers: positiveInt('expect-managers', values['expect-managers']) } : {}),
  };
}

/** One round: every manager's own view at once, then the services and tasks from the leader. */
async function observe(caller: ManagerCaller, o: Options): Promise<ConvergenceInput> {
  const answers = await Promise.all(o.managers.map((addr) => caller.at(addr, 'ClusterInfo', { read: { stale: true } }, CALL_TIMEOUT_MS)));
  const live: ManagerView[] = [];
  const silent: { addr: string; error: string }[] = [];
  answers.forEach((a, i) => {
    if (a.kind === 'ok') live.push({ addr: o.managers[i]!, info: a.value });
    else silent.push({ addr: o.managers[i]!, error: `${a.code}: ${a.message}` });
  });
  let services: readonly WireService__Output[] | undefined;
  let tasks: readonly WireTask__Output[] | undefined;
  const [s, t] = await Promise.all([
    caller.read('ListServices', { read: { stale: false } }, CALL_TIMEOUT_MS),
    caller.read('ListTasks', { read: { stale: false } }, CALL_TIMEOUT_MS),
  ]);
  if (s.kind === 'ok') services = s.value.services;
  if (t.kind === 'ok') tasks = t.value.tasks;
  return {
    live,
    silent,
    ...(o.expectManagers !== undefined ? { expectManagers: o.expectManagers } : {}),
    ...(services ? { services } : {}),
    ...(tasks ? { tasks } : {}),
  };
}

export async function waitForConvergence(o: Options): Promise<{ converged: boolean; report: Record<string, unknown> }> {
  const caller = new ManagerCaller(o.managers, loadCredentials(o.certs));
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  try {
    for (let round = 1; ; round++) {
      const seen = await observe(caller, o);
      const problems = convergenceProblems(seen);
      const done = problems.length === 0;
      if (done || Date.now() + ROUND_PAUSE_MS >= deadline) {
        const report = {
          converged: done,
          elapsedMs: Date.now() - started,
          rounds: round,
          leader: seen.live[0]?.info.leader ?? '',
          managers: seen.live.map((m) => ({
            addr: m.addr,
            id: m.info.answeredBy,
            leader: m.info.leader,
            term: m.info.term,
            commitIndex: m.info.commitIndex,
            appliedIndex: m.info.appliedIndex,
            storeDigest: m.info.storeDigest,
          })),
          silent: seen.silent,
          services: seen.services?.length ?? null,
          runningTasks: seen.tasks?.filter((t) => t.desiredState === 'running' && t.state === 'running').length ?? null,
          problems,
        };
        return { converged: done, report };
      }
      await new Promise((r) => setTimeout(r, ROUND_PAUSE_MS));
    }
  } finally {
    caller.close();
  }
}

async function main(): Promise<void> {
  try {
    const { converged, report } = await waitForConvergence(parseOptions(process.argv.slice(2)));
    process.stdout.write(JSON.stringify(report) + '\n');
    if (!converged) {
      process.stderr.write(`convergence: not converged within the timeout: ${(report.problems as string[]).join('; ')}\n`);
      process.exitCode = 1;
    }
  } catch (e) {
    process.stderr.write(`convergence: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}

// Run only as the entry point (the chaos runner may import waitForConvergence instead).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
