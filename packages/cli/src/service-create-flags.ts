// `shoal service create`'s and `shoal service update`'s flags, each declared once: its yargs
// option and how its value lands in the service spec sent to the leader (a partial wire
// ServiceSpec, proto/spec.proto). Like docker, create and update share every flag that sets a
// part of the spec (resources, health check, restart policy, update/rollback config...); update
// has -add/-rm pairs where create takes whole lists. main.ts gives the tables to yargs;
// specFromArgv / updateSpecFromArgv build the spec from what yargs parsed. Only parsing lives
// here, plus the ranges a flag alone can tell are wrong: the leader completes the spec with
// defaults and validates it, naming a bad field.

import type { Argv, Options } from 'yargs';
import type { WireServiceSpec, WireServiceSpec__Output, WireTaskSpec } from '@shoal/wire';
import { CliError } from './errors.js';
import { parseBytes, parseCpus, parseDuration, parsePairs, parsePort, splitCommand, wholeNumber } from './flag-values.js';

// The leader's lists (packages/store/src/services.ts), not imported: the store is not loaded
// to parse a command line.
const FAILURE_ACTIONS = ['pause', 'continue', 'rollback'] as const;
// A rollback that fails cannot roll back in turn (docker's --rollback-failure-action too).
const ROLLBACK_FAILURE_ACTIONS = ['pause', 'continue'] as const;
const UPDATE_ORDERS = ['stop-first', 'start-first'] as const;

type HealthCheck = NonNullable<WireTaskSpec['healthCheck']>;
type RestartPolicy = NonNullable<WireTaskSpec['restartPolicy']>;
type Placement = NonNullable<WireTaskSpec['placement']>;
type Amounts = NonNullable<NonNullable<WireTaskSpec['resources']>['limits']>;
type UpdateConfig = NonNullable<WireServiceSpec['update']>;

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
  get update(): UpdateConfig {
    return (this.spec.update ??= {});
  }
  get rollback(): UpdateConfig {
    return (this.spec.rollback ??= {});
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
function whole(name: string, option: Options, land: (d: SpecDraft, v: number, flag: string) => void): CreateFlag {
  return {
    name,
    option: { type: 'string', coerce: wholeNumber(`--${name}`), ...option },
    land: (d, v, flag) => (typeof v === 'number' ? land(d, v, flag) : undefined),
  };
}

/** A choice among `values`, refused with the list (a CliError the tests and scripts can read, not yargs' usage). */
function choice(name: string, values: readonly string[], land: (d: SpecDraft, v: string) => void): CreateFlag {
  return text(name, { describe: values.join('|') }, (d, v, flag) => {
    if (!values.includes(v)) throw new CliError(`${flag} must be one of ${values.join(', ')} (got "${v}")`, 'USAGE');
    land(d, v);
  });
}

/**
 * `--update-*` or `--rollback-*`: how a rolling update (or its rollback) replaces tasks, stored
 * with the spec; settable at create and update.
 */
function updateConfigFlags(kind: 'update' | 'rollback'): CreateFlag[] {
  const config = (d: SpecDraft): UpdateConfig => (kind === 'update' ? d.update : d.rollback);
  const what = kind === 'update' ? 'an update' : 'a rollback';
  return [
    whole(`${kind}-parallelism`, { describe: `tasks ${what} replaces at a time (0 = all at once)` }, (d, v, flag) => {
      if (v < 0) throw new CliError(`${flag} must be 0 (all at once) or more tasks at a time (got ${v})`, 'USAGE');
      config(d).parallelism = v;
    }),
    text(`${kind}-delay`, { describe: `pause between batches of ${what}, e.g. 5s` }, (d, v, flag) => (config(d).delayMs = parseDuration(v, flag))),
    text(
      `${kind}-monitor`,
      { describe: `how long each replaced task is watched for failure, e.g. 10s` },
      (d, v, flag) => (config(d).monitorMs = parseDuration(v, flag)),
    ),
    choice(`${kind}-failure-action`, kind === 'update' ? FAILURE_ACTIONS : ROLLBACK_FAILURE_ACTIONS, (d, v) => (config(d).failureAction = v)),
    text(`${kind}-max-failure-ratio`, { describe: 'the share of replaced tasks that may fail, 0 to 1, before the failure action' }, (d, v, flag) => {
      const n = /^\s*\d*\.?\d+\s*$/.test(v) ? Number(v) : NaN;
      if (!(n >= 0 && n <= 1)) throw new CliError(`${flag} must be a number from 0 to 1, like 0.2 (got "${v}")`, 'USAGE');
      config(d).maxFailureRatio = n;
    }),
    choice(`${kind}-order`, UPDATE_ORDERS, (d, v) => (config(d).order = v)),
  ];
}

/**
 * Every flag of `service create`, in the order their values are parsed (so the first bad one
 * is the one reported). `update: true`: `service update` takes it too, with the same meaning.
 */
const CREATE_FLAGS: readonly (CreateFlag & { readonly update?: true })[] = [
  text('name', {}, (d, v) => (d.spec.name = v), true),
  { ...whole('replicas', {}, (d, v) => (d.spec.replicas = v)), update: true },
  text('mode', { choices: ['replicated', 'global'] }, (d, v) => (d.spec.mode = v)),
  text('runtime', { choices: ['process', 'docker'] }, (d, v) => (d.task.runtime = v)),
  {
    ...text('command', { describe: 'process runtime: the command line to run (docker: overrides the image command)' }, (d, v) => {
      d.task.command = { items: splitCommand(v) };
    }),
    update: true,
  },
  texts('env', { alias: 'e', describe: 'KEY=VALUE (repeatable)' }, (d, v, flag) => (d.task.env = { entries: parsePairs(v, flag) })),
  ...shared([
    text('workdir', {}, (d, v) => (d.task.workdir = v)),
    text('reserve-cpu', {}, (d, v, flag) => (d.reservations.nanoCpus = parseCpus(v, flag))),
    text('reserve-memory', {}, (d, v, flag) => (d.reservations.memoryBytes = parseBytes(v, flag))),
    text('limit-cpu', {}, (d, v, flag) => (d.limits.nanoCpus = parseCpus(v, flag))),
    text('limit-memory', {}, (d, v, flag) => (d.limits.memoryBytes = parseBytes(v, flag))),
  ]),
  texts('constraint', { describe: 'node.labels.zone==a, node.role!=manager, ... (repeatable)' }, (d, v) => (d.placement.constraints = { items: [...v] })),
  texts('placement-pref', { describe: 'spread=node.labels.KEY' }, (d, v) => (d.placement.preferences = { items: v.map(spreadPreference) })),
  ...shared([
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
    text('drain-period', { describe: 'how long a stopping task keeps serving after it left the routing mesh, e.g. 2s (default 2s)' }, (d, v, flag) => {
      d.task.drainMs = parseDuration(v, flag);
    }),
    ...updateConfigFlags('update'),
    ...updateConfigFlags('rollback'),
  ]),
  texts('publish', { alias: 'p', describe: 'PUBLISHED:TARGET (repeatable)' }, (d, v) => (d.spec.ports = { items: v.map(parsePort) })),
  texts('label', {}, (d, v, flag) => (d.spec.labels = { entries: parsePairs(v, flag) })),
];

function shared(flags: readonly CreateFlag[]): (CreateFlag & { update: true })[] {
  return flags.map((f) => ({ ...f, update: true }));
}

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

// ---- service update -------------------------------------------------------------------------

/** A flag of `service update` alone: it changes a list or map of the current spec, or reads it. */
interface UpdateFlag {
  readonly name: string;
  readonly option: Options;
  readonly land: (draft: SpecDraft, current: WireServiceSpec__Output, value: unknown, flag: string) => void;
}

/** A repeatable -add/-rm flag over a part of the current spec. */
function edits(name: string, describe: string, land: (d: SpecDraft, current: WireServiceSpec__Output, v: readonly string[], flag: string) => void): UpdateFlag {
  return {
    name,
    option: { type: 'string', array: true, default: [] as string[], describe },
    land: (d, current, v, flag) => (Array.isArray(v) && v.length > 0 ? land(d, current, v.map(String), flag) : undefined),
  };
}

function on(name: string, describe: string, land: (d: SpecDraft, current: WireServiceSpec__Output) => void): UpdateFlag {
  return { name, option: { type: 'boolean', describe }, land: (d, current, v) => (v === true ? land(d, current) : undefined) };
}

/** The draft's map (env or labels), started from the current one the first time it changes. */
function editedMap(draft: { entries?: Record<string, string> } | null | undefined, current: { entries: Record<string, string> } | null | undefined) {
  return draft?.entries ?? { ...(current?.entries ?? {}) };
}

/** KEY or KEY=VALUE: the key (docker's --env-rm / --label-rm take either). */
function keyOf(v: string): string {
  return v.includes('=') ? v.slice(0, v.indexOf('=')) : v;
}

/**
 * Every flag only `service update` has, in the order they apply: each -rm before its -add, so
 * `--publish-rm 8080 --publish-add 8080:81` moves the port (docker does the same).
 */
const UPDATE_FLAGS: readonly UpdateFlag[] = [
  {
    name: 'image',
    option: { type: 'string', describe: 'the new container image (docker runtime)' },
    land: (d, _c, v) => (typeof v === 'string' && v !== '' ? (d.task.image = v) : undefined),
  },
  edits('env-rm', 'KEY: remove an environment variable (repeatable)', (d, c, v) => {
    const entries = editedMap(d.task.env, c.task?.env);
    for (const key of v) delete entries[keyOf(key)];
    d.task.env = { entries };
  }),
  edits('env-add', 'KEY=VALUE: add or change an environment variable (repeatable)', (d, c, v, flag) => {
    d.task.env = { entries: { ...editedMap(d.task.env, c.task?.env), ...parsePairs(v, flag) } };
  }),
  edits('publish-rm', 'PUBLISHED[:TARGET]: stop publishing a port (repeatable)', (d, c, v) => {
    const gone = new Set(v.map((p) => parsePort(p).published));
    d.spec.ports = { items: (d.spec.ports?.items ?? c.ports?.items ?? []).filter((p) => !gone.has(Number(p.published))) };
  }),
  edits('publish-add', 'PUBLISHED:TARGET: publish a port, or change where it goes (repeatable)', (d, c, v) => {
    const added = v.map(parsePort);
    const kept = (d.spec.ports?.items ?? c.ports?.items ?? []).filter((p) => !added.some((a) => a.published === Number(p.published)));
    d.spec.ports = { items: [...kept, ...added] };
  }),
  edits('constraint-rm', 'a placement constraint to remove, as given (repeatable)', (d, c, v) => {
    const items = d.placement.constraints?.items ?? c.task?.placement?.constraints?.items ?? [];
    d.placement.constraints = { items: items.filter((x) => !v.includes(x)) };
  }),
  edits('constraint-add', 'node.labels.zone==a, node.role!=manager, ... (repeatable)', (d, c, v) => {
    const items = d.placement.constraints?.items ?? c.task?.placement?.constraints?.items ?? [];
    d.placement.constraints = { items: [...items, ...v.filter((x) => !items.includes(x))] };
  }),
  edits('label-rm', 'KEY: remove a service label (repeatable)', (d, c, v) => {
    const entries = editedMap(d.spec.labels, c.labels);
    for (const key of v) delete entries[keyOf(key)];
    d.spec.labels = { entries };
  }),
  edits('label-add', 'KEY=VALUE: add or change a service label (repeatable)', (d, c, v, flag) => {
    d.spec.labels = { entries: { ...editedMap(d.spec.labels, c.labels), ...parsePairs(v, flag) } };
  }),
  {
    // yargs reads --no-X as X=false (docker's spelling is --no-healthcheck).
    name: 'healthcheck',
    option: { type: 'boolean', describe: '--no-healthcheck removes the health check' },
    land: (d, _c, v) => {
      if (v !== false) return;
      if (d.task.healthCheck) throw new CliError('--no-healthcheck removes the health check: give it without --health-* flags', 'USAGE');
      d.task.noHealthCheck = true;
    },
  },
  on('force', 'replace every task even if nothing else changes', (d, c) => {
    // A different task spec (force_update + 1) is what makes the leader replace the tasks.
    d.task.forceUpdate = Number(c.task?.forceUpdate ?? 0) + 1;
  }),
];

/** Declares `service update`'s flags: its own, then the ones it shares with create. */
export function declareUpdateFlags<T>(y: Argv<T>): Argv<T> {
  let out = y;
  for (const f of UPDATE_FLAGS) out = out.option(f.name, f.option) as Argv<T>;
  for (const f of CREATE_FLAGS) if (f.update) out = out.option(f.name, f.option) as Argv<T>;
  return out;
}

/**
 * The partial spec `service update` sends: only what the flags change, over `current` (the
 * spec as read; lists and maps are sent whole, edited). Empty when no flag changes anything.
 */
export function updateSpecFromArgv(argv: Readonly<Record<string, unknown>>, current: WireServiceSpec__Output): WireServiceSpec {
  if (current.mode === 'global' && argv['replicas'] !== undefined)
    throw new CliError('--replicas does not apply to a global service (one task per node)', 'USAGE');
  const draft = landUpdateFlags(argv, current);
  const health = draft.spec.task?.healthCheck;
  if (health && !health.test && !current.task?.healthCheck) {
    throw new CliError('the service has no health check to time: give --health-cmd or --health-http with the --health-* timings', 'USAGE');
  }
  return draft.spec;
}

function landUpdateFlags(argv: Readonly<Record<string, unknown>>, current: WireServiceSpec__Output): SpecDraft {
  const draft = new SpecDraft();
  for (const f of CREATE_FLAGS) {
    const value = argv[f.name];
    if (f.update && value !== undefined) f.land(draft, value, `--${f.name}`);
  }
  for (const f of UPDATE_FLAGS) {
    const value = argv[f.name];
    if (value !== undefined) f.land(draft, current, value, `--${f.name}`);
  }
  return draft;
}

/**
 * Refuses a malformed flag value (a ratio of 1.5, an unknown failure action...) before the
 * managers are even asked for the service; the rules that need the service come after.
 */
export function checkUpdateFlags(argv: Readonly<Record<string, unknown>>): void {
  landUpdateFlags(argv, {} as WireServiceSpec__Output);
}

/** Whether a partial spec changes nothing (an update with no flag: refused, it would do nothing). */
export function isEmptySpec(spec: WireServiceSpec): boolean {
  return JSON.stringify(spec) === '{}';
}
