// `shoal service create`'s flags, each declared once: its yargs option and how its value lands
// in the service spec sent to the leader (a partial wire ServiceSpec, proto/spec.proto). main.ts
// gives the table to yargs; specFromArgv builds the spec from what yargs parsed. Only parsing
// lives here: the leader completes the spec with defaults and validates it, naming a bad field.

import type { Argv, Options } from 'yargs';
import type { WireServiceSpec, WireTaskSpec } from '@shoal/wire';
import { CliError } from './errors.js';
import { parseBytes, parseCpus, parseDuration, parsePairs, parsePort, splitCommand, wholeNumber } from './flag-values.js';

type HealthCheck = NonNullable<WireTaskSpec['healthCheck']>;
type RestartPolicy = NonNullable<WireTaskSpec['restartPolicy']>;
type Placement = NonNullable<WireTaskSpec['placement']>;
type Amounts = NonNullable<NonNullable<WireTaskSpec['resources']>['limits']>;

/** The spec being built: its parts are made when a flag first lands in them. */
class SpecDraft {
  readonly spec: WireServiceSpec = {};

  get task(): WireTaskSpec {
    return (this.spec.task ??= {});
  }
  get placement(): Placement {
    return (this.task.placement ??= {});
  }
  get restartPolicy(): RestartPolicy {
    return (this.task.restartPolicy ??= {});
  }
  get healthCheck(): HealthCheck {
    return (this.task.healthCheck ??= {});
  }
  get reservations(): Amounts {
    return ((this.task.resources ??= {}).reservations ??= {});
  }
  get limits(): Amounts {
    return ((this.task.resources ??= {}).limits ??= {});
  }
}

interface CreateFlag {
  /** The flag as typed, without the dashes (yargs also offers it camelCased). */
  readonly name: string;
  readonly option: Options;
  /** Puts the parsed value into the spec; not called when the flag is not given. */
  readonly land: (draft: SpecDraft, value: unknown, flag: string) => void;
}

/** A string flag; given empty, it counts as not given (unless `empty` says it matters). */
function text(name: string, option: Options, land: (d: SpecDraft, v: string, flag: string) => void, empty = false): CreateFlag {
  return { name, option: { type: 'string', ...option }, land: (d, v, flag) => (typeof v === 'string' && (v !== '' || empty) ? land(d, v, flag) : undefined) };
}

/** A repeatable string flag. */
function texts(name: string, option: Options, land: (d: SpecDraft, v: readonly string[], flag: string) => void): CreateFlag {
  return {
    name,
    option: { type: 'string', array: true, default: [] as string[], ...option },
    land: (d, v, flag) => (Array.isArray(v) && v.length > 0 ? land(d, v.map(String), flag) : undefined),
  };
}

/** A whole-number flag (refused at once unless it is one: yargs would read "abc" as NaN). */
function whole(name: string, option: Options, land: (d: SpecDraft, v: number) => void): CreateFlag {
  return { name, option: { type: 'string', coerce: wholeNumber(`--${name}`), ...option }, land: (d, v) => (typeof v === 'number' ? land(d, v) : undefined) };
}

/**
 * Every flag of `service create`, in the order their values are parsed (so the first bad one
 * is the one reported).
 */
const CREATE_FLAGS: readonly CreateFlag[] = [
  text('name', {}, (d, v) => (d.spec.name = v), true),
  whole('replicas', {}, (d, v) => (d.spec.replicas = v)),
  text('mode', { choices: ['replicated', 'global'] }, (d, v) => (d.spec.mode = v)),
  text('runtime', { choices: ['process', 'docker'] }, (d, v) => (d.task.runtime = v)),
  text('command', { describe: 'process runtime: the command line to run' }, (d, v) => (d.task.command = { items: splitCommand(v) })),
  texts('env', { alias: 'e', describe: 'KEY=VALUE (repeatable)' }, (d, v, flag) => (d.task.env = { entries: parsePairs(v, flag) })),
  text('workdir', {}, (d, v) => (d.task.workdir = v)),
  text('reserve-cpu', {}, (d, v, flag) => (d.reservations.nanoCpus = parseCpus(v, flag))),
  text('reserve-memory', {}, (d, v, flag) => (d.reservations.memoryBytes = parseBytes(v, flag))),
  text('limit-cpu', {}, (d, v, flag) => (d.limits.nanoCpus = parseCpus(v, flag))),
  text('limit-memory', {}, (d, v, flag) => (d.limits.memoryBytes = parseBytes(v, flag))),
  texts('constraint', { describe: 'node.labels.zone==a, node.role!=manager, ... (repeatable)' }, (d, v) => (d.placement.constraints = { items: [...v] })),
  texts('placement-pref', { describe: 'spread=node.labels.KEY' }, (d, v) => (d.placement.preferences = { items: v.map(spreadPreference) })),
  whole('replicas-max-per-node', {}, (d, v) => (d.placement.maxReplicasPerNode = v)),
  text('restart-condition', { choices: ['any', 'on-failure', 'none'] }, (d, v) => (d.restartPolicy.condition = v)),
  text('restart-delay', {}, (d, v, flag) => (d.restartPolicy.delayMs = parseDuration(v, flag))),
  whole('restart-max-attempts', {}, (d, v) => (d.restartPolicy.maxAttempts = v)),
  text('restart-window', {}, (d, v, flag) => (d.restartPolicy.windowMs = parseDuration(v, flag))),
  text('health-cmd', { describe: 'a shell command; exit 0 = healthy' }, (d, v) => (d.healthCheck.test = { kind: 'cmd', cmd: { items: ['sh', '-c', v] } })),
  text('health-http', { describe: 'an HTTP path probed on the task PORT' }, (d, v) => {
    if (d.healthCheck.test) throw new CliError('give either --health-cmd or --health-http, not both');
    d.healthCheck.test = { kind: 'http', path: v, port: 0 };
  }),
  text('health-interval', {}, (d, v, flag) => (d.healthCheck.intervalMs = parseDuration(v, flag))),
  text('health-timeout', {}, (d, v, flag) => (d.healthCheck.timeoutMs = parseDuration(v, flag))),
  whole('health-retries', {}, (d, v) => (d.healthCheck.retries = v)),
  text('health-start-period', {}, (d, v, flag) => (d.healthCheck.startPeriodMs = parseDuration(v, flag))),
  text('stop-grace-period', {}, (d, v, flag) => (d.task.stopGracePeriodMs = parseDuration(v, flag))),
  texts('publish', { alias: 'p', describe: 'PUBLISHED:TARGET (repeatable)' }, (d, v) => (d.spec.ports = { items: v.map(parsePort) })),
  texts('label', {}, (d, v, flag) => (d.spec.labels = { entries: parsePairs(v, flag) })),
];

function spreadPreference(p: string): { spread: string } {
  const m = /^spread=(.+)$/.exec(p);
  if (!m) throw new CliError(`--placement-pref wants spread=node.labels.KEY (got "${p}")`);
  return { spread: m[1]! };
}

/** Declares `service create`'s positionals and flags on its yargs command. */
export function declareCreateFlags<T>(y: Argv<T>): Argv<T> {
  let out = y
    .positional('image', { type: 'string', describe: 'container image (docker runtime)' })
    .positional('args', { type: 'string', array: true, default: [] as string[] }) as Argv<T>;
  for (const f of CREATE_FLAGS) out = out.option(f.name, f.option) as Argv<T>;
  return out;
}

/** IMAGE [ARGS...], with the arguments given after `--` (`IMAGE -- sh -c "..."`). */
function imageAndArgs(argv: Readonly<Record<string, unknown>>): string[] {
  const image = typeof argv['image'] === 'string' ? argv['image'] : undefined;
  const args = Array.isArray(argv['args']) ? argv['args'].map(String) : [];
  const dashed = Array.isArray(argv['--']) ? argv['--'].map(String) : [];
  return [...(image ? [image, ...args] : []), ...dashed];
}

/** The partial spec `service create` sends, from what yargs parsed. */
export function specFromArgv(argv: Readonly<Record<string, unknown>>): WireServiceSpec {
  const [image, ...args] = imageAndArgs(argv);
  const command = argv['command'];
  // Rules between flags first: they say what is missing before any value is parsed.
  if (!image && !command) {
    throw new CliError('what should the service run? give an IMAGE [ARGS...] (docker runtime) or --command "CMD ARGS" (process runtime)');
  }
  if (image && command) throw new CliError('give either an IMAGE or --command, not both');
  if (argv['mode'] === 'global' && argv['replicas'] !== undefined) throw new CliError('--replicas does not apply to a global service (one task per node)');
  const name = typeof argv['name'] === 'string' ? argv['name'] : image?.replace(/[:/@].*$/, '').replace(/[^A-Za-z0-9_.-]/g, '-');
  if (!name) throw new CliError('give the service a --name');

  const draft = new SpecDraft();
  draft.spec.name = name;
  draft.spec.mode = 'replicated';
  if (argv['mode'] !== 'global') draft.spec.replicas = 1;
  draft.task.runtime = image ? 'docker' : 'process';
  draft.task.image = image ?? '';
  if (image) draft.task.command = { items: args };
  for (const f of CREATE_FLAGS) {
    const value = argv[f.name];
    if (value !== undefined) f.land(draft, value, `--${f.name}`);
  }
  // Health timing without a test (--health-cmd or --health-http) has nothing to time.
  if (draft.task.healthCheck && !draft.task.healthCheck.test) delete draft.task.healthCheck;
  return draft.spec;
}
