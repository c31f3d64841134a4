// The chaos workload: K clients drive the control API for a while and record every invocation
// and completion in a history file (history/event.ts) for the checker. Runs inside the client
// network namespace during a chaos run:
//
//   workload/main.ts --managers HOST:PORT,... --certs DIR --history FILE --duration-ms N
//                    --clients K [--keys N] [--setup] [--seed S] [--start-ns NS]
//
// --start-ns: the run's start as process.hrtime.bigint() in the runner (CLOCK_MONOTONIC is one
// clock for every process of the machine, namespaces included), so history times line up with
// the nemesis log; default: this process's start.
// --setup first creates the label services chaos-k0..chaos-k<N-1> (no label: each register
// starts absent). Prints one JSON line last: operations by f and completion, and the windows
// in which no operation succeeded.

import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CliError, loadCredentials, parseHosts } from '@shoal/cli';
import { HistoryWriter } from '../history/writer.js';
import { ManagerCaller } from './manager-caller.js';
import { Client, WRITE_TIMEOUT_MS, Workload, labelServiceName, trivialSpec } from './operations.js';
import { seededRandom, unavailableWindows } from './summary.js';

const USAGE =
  'usage: workload/main.ts --managers HOST:PORT,... --certs DIR --history FILE --duration-ms N --clients K [--keys N] [--setup] [--seed S] [--start-ns NS]';

interface Options {
  readonly managers: string[];
  readonly certs: string;
  readonly history: string;
  readonly durationMs: number;
  readonly clients: number;
  readonly keys: number;
  readonly setup: boolean;
  readonly seed: number;
  /** The run's start instant (process.hrtime.bigint() of the runner), shared with the nemesis log. */
  readonly startNs?: bigint;
}

function positiveInt(flag: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new CliError(`--${flag} is required. ${USAGE}`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`--${flag} must be a positive integer (got ${JSON.stringify(value)})`);
  return n;
}

function startInstant(value: string): bigint {
  if (!/^\d+$/.test(value))
    throw new CliError(`--start-ns must be process.hrtime.bigint() of the run's start, in decimal nanoseconds (got ${JSON.stringify(value)})`);
  return BigInt(value);
}

export function parseOptions(argv: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        managers: { type: 'string' },
        certs: { type: 'string' },
        history: { type: 'string' },
        'duration-ms': { type: 'string' },
        clients: { type: 'string' },
        keys: { type: 'string' },
        setup: { type: 'boolean', default: false },
        seed: { type: 'string' },
        'start-ns': { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}. ${USAGE}`);
  }
  if (!values.history) throw new CliError(`--history FILE is required (the JSON-lines history to append to). ${USAGE}`);
  if (!values.certs) throw new CliError(`--certs DIR is required (the admin credentials: ca.pem, cert.pem, key.pem). ${USAGE}`);
  return {
    managers: parseHosts(values.managers),
    certs: values.certs,
    history: values.history,
    durationMs: positiveInt('duration-ms', values['duration-ms']),
    clients: positiveInt('clients', values.clients),
    keys: positiveInt('keys', values.keys, 4),
    setup: values.setup ?? false,
    seed: values.seed === undefined ? Date.now() : positiveInt('seed', values.seed),
    ...(values['start-ns'] !== undefined ? { startNs: startInstant(values['start-ns']) } : {}),
  };
}

/** Creates the label services (an existing one is fine), retrying through elections. */
async function setup(caller: ManagerCaller, keys: number, deadline: number): Promise<void> {
  for (let i = 0; i < keys; i++) {
    const name = labelServiceName(i);
    for (;;) {
      const o = await caller.write('CreateService', { spec: trivialSpec(name, 1) }, WRITE_TIMEOUT_MS);
      if (o.kind === 'ok' || (o.kind === 'refused' && (o.code === 'NAME_TAKEN' || o.code === 'ALREADY_EXISTS'))) break;
      if (Date.now() > deadline) throw new CliError(`setup: could not create service ${name}: ${o.code}: ${o.message}`, o.code);
    }
  }
}

export async function runWorkload(o: Options): Promise<Record<string, unknown>> {
  const caller = new ManagerCaller(o.managers, loadCredentials(o.certs));
  const log = new HistoryWriter(o.history, o.startNs !== undefined ? { startNs: o.startNs } : {});
  try {
    if (o.setup) await setup(caller, o.keys, Date.now() + 60_000);
    const runId = randomBytes(3).toString('hex');
    const workload = new Workload(caller, log, runId, o.keys, o.clients);
    const random = seededRandom(o.seed);
    const startMs = log.now() / 1e6;
    const end = Date.now() + o.durationMs;
    const clients = Array.from({ length: o.clients }, (_, i) => new Client(workload, i, random));
    await Promise.all(
      clients.map(async (c) => {
        while (Date.now() < end) await c.step();
      }),
    );
    const endMs = log.now() / 1e6;
    const ops: Record<string, Record<string, number>> = {};
    for (const [k, n] of [...workload.counts].sort()) {
      const [f, type] = k.split(':') as [string, string];
      (ops[f] ??= {})[type] = n;
    }
    const windows = unavailableWindows(workload.okTimes, startMs, endMs);
    return {
      history: o.history,
      runId,
      seed: o.seed,
      clients: o.clients,
      keys: o.keys,
      durationMs: Math.round(endMs - startMs),
      processes: workload.newProcess(),
      ops,
      unavailable: windows,
      longestUnavailableMs: Math.max(0, ...windows.map((w) => w.ms)),
    };
  } finally {
    log.close();
    caller.close();
  }
}

async function main(): Promise<void> {
  try {
    const summary = await runWorkload(parseOptions(process.argv.slice(2)));
    process.stdout.write(JSON.stringify(summary) + '\n');
  } catch (e) {
    process.stderr.write(`workload: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}

// Run only as the entry point (the chaos runner may import runWorkload instead).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
