#!/usr/bin/env node
// The `shoal` command. Parsing and printing only: every rule lives in the managers.
//
// Each command's module is imported by its handler, when it runs: a CLI call loads the gRPC
// client and what its command prints with, and only `manager ...` / `worker ...` load the
// manager or the agent (LevelDB, dockerode, x509, ...). `docker node ls` answers in a blink;
// so should `shoal node ls`. `npm run bench -- cli` measures it.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Argv } from 'yargs';
import type { ControlConnection } from './client.js';
import { parseCertExpiry } from './cert-expiry.js';
import { CliError } from './errors.js';
import { declareCreateFlags, declareUpdateFlags } from './service-create-flags.js';
import { parseDuration, wholeNumber } from './flag-values.js';
import { withStdinTokenValue } from './token-input.js';

const nodeCommands = () => import('./commands/node.js');
const serviceCommands = () => import('./commands/service.js');
const serviceUpdateCommands = () => import('./commands/service-update.js');
const autoscaleCommands = () => import('./commands/autoscale.js');

interface Globals {
  host?: string;
  certs?: string;
  json: boolean;
  stale: boolean;
}

/** Runs `fn` with a connection to the managers named by --host/SHOAL_HOST. */
async function withManagers<T>(argv: Globals, fn: (conn: ControlConnection, hosts: string[]) => Promise<T>): Promise<T> {
  const { ControlConnection, loadCredentials, parseHosts } = await import('./client.js');
  const hosts = parseHosts(argv.host);
  const conn = new ControlConnection(hosts, loadCredentials(argv.certs));
  try {
    return await fn(conn, hosts);
  } finally {
    conn.close();
  }
}

function managerRunOptions(y: Argv) {
  return y
    .option('data', { type: 'string', demandOption: true, describe: 'data directory (Raft database, TLS identity)' })
    .option('name', { type: 'string', describe: 'node name shown by `node ls` (default: the hostname)' })
    .option('metrics', {
      type: 'string',
      describe: 'serve /metrics (plain HTTP, no auth) on HOST:PORT ("" for none; default: loopback, listen port + 1000)',
    });
}

/** --dispatcher-heartbeat, within what the cluster settings accept. */
function heartbeatMs(v: string): number {
  const ms = parseDuration(v, '--dispatcher-heartbeat');
  if (ms < 100 || ms > 3_600_000) throw new CliError(`--dispatcher-heartbeat must be between 100ms and 1h (got ${v})`, 'USAGE');
  return ms;
}

/** --task-history-limit: ended tasks kept per slot (Swarm's TaskHistoryRetentionLimit). */
// The process runtime's isolation flags (`worker join` and `worker start`; docs/runtimes.md).
const TASK_USER_HELP =
  'process runtime: who tasks run as, a user name, UID or UID:GID (default: nobody when the agent runs as root; an agent that is not root runs them as itself)';
const TASKS_ROOT_HELP =
  "process runtime: where tasks' working directories go, ROOT/<node>/<task> (default /var/lib/shoal-tasks as root, $TMPDIR/shoal-tasks-<uid> otherwise)";

const WORKER_METRICS_HELP =
  'serve /metrics (plain HTTP, no auth: per-task traffic and CPU) on HOST:PORT, or on loopback with a bare PORT ("" for none; default none; kept for `worker start`)';

const MAX_TASK_HISTORY = 100;
function taskHistoryLimit(v: string): number {
  const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!(n >= 0 && n <= MAX_TASK_HISTORY)) {
    throw new CliError(`--task-history-limit must be a whole number from 0 to ${MAX_TASK_HISTORY} (got ${v})`, 'USAGE');
  }
  return n;
}

/** This package's version, from its package.json (one small file read, at start). */
function cliVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    /* unreadable: say so below */
  }
  return 'unknown (packages/cli/package.json is missing or has no version)';
}

/** The parser for every command (yargs itself costs ~100 ms to load: `--version` skips it). */
export async function buildCli(args: string[]) {
  const { default: yargs } = await import('yargs');
  return (
    yargs(withStdinTokenValue(args))
      .scriptName('shoal')
      // populate--: words after `--` are kept apart (argv['--']), not parsed as options: how a
      // container command with flags is given (`service create IMAGE -- sh -c '...'`).
      .parserConfiguration({ 'greedy-arrays': false, 'populate--': true })
      .usage('$0 <command>\n\nA Swarm-style container orchestrator.')
      .option('host', {
        type: 'string',
        default: process.env.SHOAL_HOST,
        defaultDescription: '$SHOAL_HOST',
        describe: 'manager addresses, comma-separated (the CLI fails over and follows the leader)',
      })
      .option('certs', {
        type: 'string',
        default: process.env.SHOAL_CERTS,
        defaultDescription: '$SHOAL_CERTS',
        describe: 'directory with the admin credentials written by `shoal manager init` (DATA/admin)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .option('stale', { type: 'boolean', default: false, describe: "read this manager's state without the linearizable ReadIndex round" })
      .command('manager', 'run a manager in the foreground', (y) =>
        y
          .command(
            'init',
            'start a new cluster with this node as its first manager',
            (y) =>
              managerRunOptions(y)
                .option('listen', { type: 'string', describe: 'address to serve gRPC on, HOST:PORT' })
                .option('tick-ms', { type: 'string', coerce: wholeNumber('--tick-ms'), describe: 'Raft tick length for the cluster (default 10)' })
                .option('heartbeat-ticks', {
                  type: 'string',
                  coerce: wholeNumber('--heartbeat-ticks'),
                  describe: 'ticks between leader heartbeats (default 5 = 50 ms)',
                })
                .option('election-ticks', {
                  type: 'string',
                  coerce: wholeNumber('--election-ticks'),
                  describe: 'base election timeout in ticks, randomized up to twice that (default 30 = 300–600 ms)',
                })
                .option('snapshot-every', {
                  type: 'string',
                  coerce: wholeNumber('--snapshot-every'),
                  describe: 'snapshot the state and compact the log every N entries (default 10000)',
                })
                .option('dispatcher-heartbeat', {
                  type: 'string',
                  describe:
                    'how often workers heartbeat, e.g. 500ms or 2s (default 500ms); a worker silent for 3 periods (2 if its session broke) is down and its tasks move',
                })
                .option('task-history-limit', {
                  type: 'string',
                  default: '5',
                  describe: `how many ended tasks to keep per slot, with their logs/containers; older ones are pruned (0–${MAX_TASK_HISTORY})`,
                })
                .option('force-new-cluster', {
                  type: 'boolean',
                  default: false,
                  describe: "recover a cluster that lost its quorum from this manager's data (it becomes the only manager)",
                })
                .option('autolock', {
                  type: 'boolean',
                  default: false,
                  describe: 'encrypt the Raft database and node keys at rest under an unlock key (printed once) that a restarted manager needs',
                })
                .option('unlock-key-file', { type: 'string', describe: 'with --force-new-cluster on an autolocked manager: read its unlock key from FILE' })
                .option('cert-expiry', {
                  type: 'string',
                  describe: 'how long node certificates are valid, e.g. 90d, 12h or 30s (default 90d, at least 30s); nodes renew theirs after 2/3 of it',
                })
                .check((a) => {
                  if (!a['force-new-cluster'] && !a.listen) throw new Error('--listen HOST:PORT is required');
                  if (a['force-new-cluster'] && a.autolock)
                    throw new Error('--autolock is chosen when a cluster is created; --force-new-cluster keeps the cluster as it was');
                  if (!a['force-new-cluster'] && a['unlock-key-file'] !== undefined)
                    throw new Error(
                      '--unlock-key-file is for restarting an autolocked manager (`manager start` or --force-new-cluster); a new cluster gets a new key with --autolock',
                    );
                  return true;
                }),
            async (a) => {
              // Checked before the manager's modules load, so a typo fails at once.
              const options = {
                data: a.data,
                listen: a.listen,
                name: a.name,
                metrics: a.metrics,
                json: Boolean(a.json),
                forceNewCluster: a['force-new-cluster'],
                autolock: a.autolock,
                unlockKeyFile: a['unlock-key-file'],
                ...(a['dispatcher-heartbeat'] !== undefined ? { nodeHeartbeatMs: heartbeatMs(a['dispatcher-heartbeat']) } : {}),
                taskHistoryLimit: taskHistoryLimit(a['task-history-limit']),
                ...(a['cert-expiry'] !== undefined ? { certExpirySeconds: parseCertExpiry(a['cert-expiry']) } : {}),
                timings: {
                  ...(a['tick-ms'] !== undefined ? { tickMs: a['tick-ms'] } : {}),
                  ...(a['heartbeat-ticks'] !== undefined ? { heartbeatTicks: a['heartbeat-ticks'] } : {}),
                  ...(a['election-ticks'] !== undefined ? { electionTicks: a['election-ticks'] } : {}),
                  ...(a['snapshot-every'] !== undefined ? { snapshotEvery: a['snapshot-every'] } : {}),
                },
              };
              const { managerInit } = await import('./commands/manager.js');
              return managerInit(options);
            },
          )
          .command(
            'join <remote>',
            'join an existing cluster as a manager',
            (y) =>
              managerRunOptions(y)
                .positional('remote', { type: 'string', demandOption: true, describe: 'address of any manager, HOST:PORT' })
                .option('token', { type: 'string', describe: 'manager join token (`shoal join-token manager`); "-" reads it from stdin' })
                .option('token-file', { type: 'string', describe: 'read the manager join token from FILE (keeps it out of `ps`)' })
                .option('listen', { type: 'string', demandOption: true, describe: 'address to serve gRPC on, HOST:PORT' }),
            async (a) =>
              (await import('./commands/manager.js')).managerJoin({
                data: a.data,
                listen: a.listen,
                name: a.name,
                metrics: a.metrics,
                json: Boolean(a.json),
                remote: a.remote,
                token: { token: a.token, tokenFile: a['token-file'] },
              }),
          )
          .command(
            'start',
            'resume a manager from its data directory after a stop or crash',
            (y) =>
              managerRunOptions(y).option('listen', { type: 'string', describe: 'serve on another address than recorded' }).option('unlock-key-file', {
                type: 'string',
                describe: 'an autolocked manager: read the unlock key from FILE instead of waiting for `shoal manager unlock`',
              }),
            async (a) =>
              (await import('./commands/manager.js')).managerStart({
                data: a.data,
                listen: a.listen,
                name: a.name,
                metrics: a.metrics,
                json: Boolean(a.json),
                unlockKeyFile: a['unlock-key-file'],
              }),
          )
          .command(
            'unlock',
            'give a locked (autolocked, restarted) manager on this host its unlock key: prompted for, or read from stdin or --key-file',
            (y) =>
              y
                .option('data', { type: 'string', demandOption: true, describe: "the locked manager's data directory" })
                .option('key-file', { type: 'string', describe: 'read the unlock key from FILE' }),
            async (a) => (await import('./commands/unlock.js')).managerUnlock({ data: a.data, keyFile: a['key-file'] }),
          )
          .command(
            'unlock-key',
            "print the cluster's unlock key (autolock), or replace it with --rotate",
            (y) =>
              y
                .option('rotate', { type: 'boolean', default: false, describe: 'make a new key; every manager re-seals its data under it' })
                .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only the key' }),
            (a) => withManagers(a, async (c) => (await import('./commands/unlock.js')).unlockKey(c, { rotate: a.rotate, quiet: a.quiet, json: a.json })),
          )
          .demandCommand(1, 'which one: init, join, start, unlock or unlock-key?'),
      )
      .command('worker', 'run a worker agent in the foreground', (y) =>
        y
          .command(
            'join <remote>',
            'join a cluster as a worker',
            (y) =>
              y
                .positional('remote', { type: 'string', demandOption: true, describe: 'address of any manager, HOST:PORT' })
                .option('token', { type: 'string', describe: 'worker join token (`shoal join-token worker`); "-" reads it from stdin' })
                .option('token-file', { type: 'string', describe: 'read the worker join token from FILE (keeps it out of `ps`)' })
                .option('data', { type: 'string', demandOption: true, describe: 'data directory (identity, task state)' })
                .option('name', { type: 'string', describe: 'node name (default: the hostname)' })
                .option('runtime', {
                  type: 'string',
                  choices: ['process', 'docker', 'simulated'],
                  default: 'process',
                  describe: 'how tasks run here (simulated: starts nothing, for load tests only)',
                })
                .option('label', { type: 'string', array: true, default: [] as string[], describe: 'node label KEY=VALUE (repeatable)' })
                .option('listen', { type: 'string', describe: "this node's address HOST:PORT (its host is where tasks are reached)" })
                .option('task-user', { type: 'string', describe: TASK_USER_HELP })
                .option('tasks-root', { type: 'string', describe: TASKS_ROOT_HELP })
                .option('metrics', { type: 'string', describe: WORKER_METRICS_HELP }),
            async (a) =>
              (await import('./commands/worker.js')).workerJoin({
                remote: a.remote,
                token: { token: a.token, tokenFile: a['token-file'] },
                data: a.data,
                name: a.name,
                runtime: a.runtime,
                labels: a.label,
                listen: a.listen,
                taskUser: a.taskUser,
                tasksRoot: a.tasksRoot,
                metrics: a.metrics,
                json: Boolean(a.json),
              }),
          )
          .command(
            'start',
            'resume a worker from its data directory (adopting the tasks it still runs)',
            (y) =>
              y
                .option('data', { type: 'string', demandOption: true })
                .option('task-user', { type: 'string', describe: TASK_USER_HELP })
                .option('tasks-root', { type: 'string', describe: TASKS_ROOT_HELP })
                .option('metrics', { type: 'string', describe: WORKER_METRICS_HELP }),
            async (a) =>
              (await import('./commands/worker.js')).workerStart({
                data: a.data,
                taskUser: a.taskUser,
                tasksRoot: a.tasksRoot,
                metrics: a.metrics,
                json: Boolean(a.json),
              }),
          )
          .demandCommand(1, 'which one: join or start?'),
      )
      .command('service', 'manage services', (y) =>
        y
          .command(
            'create [image] [args..]',
            'create a service (IMAGE [ARGS...] for docker, --command for the process runtime); ARGS with options go after --: IMAGE -- sh -c "..."',
            (y) =>
              declareCreateFlags(y)
                .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'return at once instead of waiting for the service to converge' })
                .option('timeout', { type: 'string', default: '60s', describe: 'how long to wait for convergence' }),
            (a) =>
              withManagers(a, async (c) =>
                (await serviceCommands()).serviceCreate(c, a, { json: Boolean(a.json), detach: a.detach, timeoutMs: parseDuration(a.timeout, '--timeout') }),
              ),
          )
          .command(
            ['ls', 'list'],
            'list services',
            (y) => y,
            (a) => withManagers(a, async (c) => (await serviceCommands()).serviceLs(c, { json: a.json, stale: a.stale })),
          )
          .command(
            'ps <services..>',
            "list a service's tasks",
            (y) =>
              y
                .positional('services', { type: 'string', array: true, demandOption: true })
                .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'include all finished tasks (history)' }),
            (a) => withManagers(a, async (c) => (await serviceCommands()).servicePs(c, a.services, { json: a.json, stale: a.stale, all: a.all })),
          )
          .command(
            'inspect <services..>',
            'show services in detail (JSON)',
            (y) => y.positional('services', { type: 'string', array: true, demandOption: true }),
            (a) => withManagers(a, async (c) => (await serviceCommands()).serviceInspect(c, a.services, { stale: a.stale })),
          )
          .command(
            'scale <pairs..>',
            'change the replica count: SERVICE=REPLICAS ...',
            (y) =>
              y
                .positional('pairs', { type: 'string', array: true, demandOption: true })
                .option('detach', { alias: 'd', type: 'boolean', default: false })
                .option('timeout', { type: 'string', default: '60s' }),
            (a) =>
              withManagers(a, async (c) =>
                (await serviceCommands()).serviceScale(c, a.pairs, { json: a.json, detach: a.detach, timeoutMs: parseDuration(a.timeout, '--timeout') }),
              ),
          )
          .command(
            'update <service>',
            'change a service: its tasks are replaced by a rolling update (--update-* flags), followed slot by slot unless --detach',
            (y) =>
              declareUpdateFlags(y.positional('service', { type: 'string', demandOption: true }))
                .option('canary', {
                  type: 'string',
                  coerce: wholeNumber('--canary'),
                  describe: 'move only this many tasks to the new spec, then hold (finish with --continue, undo with `service rollback`)',
                })
                .option('continue', { type: 'boolean', default: false, describe: 'resume a paused update or finish a canary' })
                .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'return at once instead of following the update' })
                .option('timeout', { type: 'string', default: '5m', describe: 'how long to follow the update' }),
            (a) =>
              withManagers(a, async (c) =>
                (await serviceUpdateCommands()).serviceUpdate(c, a.service, a, {
                  json: a.json,
                  detach: a.detach,
                  timeoutMs: parseDuration(a.timeout, '--timeout'),
                  canary: a.canary,
                  continue: a.continue,
                }),
              ),
          )
          .command(
            'rollback <service>',
            'return a service to its previous spec (an update or a canary undone) with its --rollback-* config',
            (y) =>
              y
                .positional('service', { type: 'string', demandOption: true })
                .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'return at once instead of following the rollback' })
                .option('timeout', { type: 'string', default: '5m', describe: 'how long to follow the rollback' }),
            (a) =>
              withManagers(a, async (c) =>
                (await serviceUpdateCommands()).serviceRollback(c, a.service, {
                  json: a.json,
                  detach: a.detach,
                  timeoutMs: parseDuration(a.timeout, '--timeout'),
                }),
              ),
          )
          .command(
            ['rm <services..>', 'remove <services..>'],
            'remove services (their tasks stop)',
            (y) => y.positional('services', { type: 'string', array: true, demandOption: true }),
            (a) => withManagers(a, async (c) => (await serviceCommands()).serviceRm(c, a.services)),
          )
          .command(
            'logs <service>',
            "print a service's output",
            (y) =>
              y
                .positional('service', { type: 'string', demandOption: true })
                .option('follow', { alias: 'f', type: 'boolean', default: false })
                .option('tail', { type: 'string', coerce: wholeNumber('--tail'), describe: 'lines from the end of each task (0 = all)' }),
            (a) => withManagers(a, async (c) => (await serviceCommands()).serviceLogs(c, a.service, { follow: a.follow, tail: a.tail ?? 0, json: a.json })),
          )
          .command(
            'rebalance <service>',
            "spread a replicated service's tasks evenly over the nodes again",
            (y) =>
              y
                .positional('service', { type: 'string', demandOption: true })
                .option('detach', { alias: 'd', type: 'boolean', default: false })
                .option('timeout', { type: 'string', default: '60s' }),
            (a) =>
              withManagers(a, async (c) =>
                (await serviceCommands()).serviceRebalance(c, a.service, { json: a.json, detach: a.detach, timeoutMs: parseDuration(a.timeout, '--timeout') }),
              ),
          )
          // Autoscaling (commands/autoscale.ts).
          .command(
            'autoscale <service>',
            'scale a replicated service to its load: --min A --max B (--target-cpu P | --target-connections C), or --off',
            (y) =>
              y
                .positional('service', { type: 'string', demandOption: true })
                .option('min', { type: 'string', coerce: wholeNumber('--min'), describe: 'fewest replicas (at least 1)' })
                .option('max', { type: 'string', coerce: wholeNumber('--max'), describe: 'most replicas' })
                .option('target-cpu', { type: 'string', describe: 'CPU per task, in percent of one core (e.g. 50)' })
                .option('target-connections', { type: 'string', describe: 'open connections per task, through the routing mesh' })
                .option('scale-up-window', { type: 'string', describe: 'a higher recommendation must hold this long (default 15s)' })
                .option('scale-down-window', { type: 'string', describe: 'shrink to the highest recommendation of this window (default 5m)' })
                .option('tolerance', { type: 'string', describe: 'no change while load/target is within 1 ± this (default 0.1)' })
                .option('off', { type: 'boolean', default: false, describe: 'remove autoscaling (the replica count stays as it is)' }),
            (a) =>
              withManagers(a, async (c) =>
                (await autoscaleCommands()).serviceAutoscale(
                  c,
                  a.service,
                  {
                    off: a.off,
                    min: a.min,
                    max: a.max,
                    targetCpu: a.targetCpu,
                    targetConnections: a.targetConnections,
                    scaleUpWindow: a.scaleUpWindow,
                    scaleDownWindow: a.scaleDownWindow,
                    tolerance: a.tolerance,
                  },
                  { json: a.json },
                ),
              ),
          )
          .command(
            'events <service>',
            "the autoscaler's decisions for a service (-f: keep printing new ones)",
            (y) =>
              y
                .positional('service', { type: 'string', demandOption: true })
                .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'keep watching for new decisions' }),
            (a) => withManagers(a, async (c) => (await autoscaleCommands()).serviceEvents(c, a.service, { follow: a.follow, json: a.json, stale: a.stale })),
          )
          .demandCommand(1, 'which one: create, ls, ps, inspect, scale, update, rollback, rm, logs, rebalance, autoscale or events?'),
      )
      .command(
        'cluster-info',
        'leader, term, commit index and the managers',
        (y) => y,
        (a) => withManagers(a, async (c) => (await import('./commands/cluster.js')).clusterInfo(c, { json: a.json, stale: a.stale })),
      )
      .command('cluster', 'cluster-wide settings', (y) =>
        y
          .command(
            'update',
            'change cluster-wide settings',
            (y) =>
              y.option('cert-expiry', {
                type: 'string',
                describe: 'how long node certificates are valid, e.g. 90d or 12h (30s to 1825d); nodes take it at their next renewal',
              }),
            (a) => {
              const certExpirySeconds = a['cert-expiry'] !== undefined ? parseCertExpiry(a['cert-expiry']) : undefined;
              return withManagers(a, async (c) => (await import('./commands/cluster.js')).clusterUpdate(c, { json: a.json, certExpirySeconds }));
            },
          )
          .demandCommand(1, 'which one: update?'),
      )
      .command('ca', 'the cluster certificate authority', (y) =>
        y
          .command(
            'rotate-admin',
            'replace the admin credential in --certs; every manager refuses the old one from then on',
            (y) => y,
            async (a) => {
              const { parseHosts } = await import('./client.js');
              return (await import('./commands/ca.js')).caRotateAdmin(parseHosts(a.host), a.certs, { json: a.json });
            },
          )
          .command(
            'rotate',
            'replace the cluster CA with a new one; every node moves to it without downtime (waits until done unless --detach)',
            (y) => y.option('detach', { type: 'boolean', default: false, describe: 'return once the rotation started; follow it with `shoal ca status`' }),
            async (a) => {
              const { parseHosts } = await import('./client.js');
              return (await import('./commands/ca.js')).caRotate(parseHosts(a.host), a.certs, { json: a.json, detach: a.detach });
            },
          )
          .command(
            'status',
            'show the cluster CA and the rotation in progress, with the nodes it waits for',
            (y) => y,
            async (a) => {
              const { parseHosts } = await import('./client.js');
              return (await import('./commands/ca.js')).caStatus(parseHosts(a.host), a.certs, { json: a.json });
            },
          )
          .demandCommand(1, 'which one: rotate, status or rotate-admin?'),
      )
      .command('node', 'manage nodes', (y) =>
        y
          .command(
            ['ls', 'list'],
            'list nodes',
            (y) => y,
            (a) => withManagers(a, async (c) => (await nodeCommands()).nodeLs(c, { json: a.json, stale: a.stale })),
          )
          .command(
            'inspect <nodes..>',
            'show nodes in detail (JSON)',
            (y) => y.positional('nodes', { type: 'string', array: true, demandOption: true }),
            (a) => withManagers(a, async (c) => (await nodeCommands()).nodeInspect(c, a.nodes, { stale: a.stale })),
          )
          .command(
            'update <node>',
            'change availability or labels',
            (y) =>
              y
                .positional('node', { type: 'string', demandOption: true })
                .option('availability', { type: 'string', choices: ['active', 'pause', 'drain'] })
                .option('label-add', { type: 'string', array: true, default: [] as string[], describe: 'KEY=VALUE (repeatable)' })
                .option('label-rm', { type: 'string', array: true, default: [] as string[], describe: 'KEY (repeatable)' })
                .option('version', {
                  type: 'string',
                  coerce: wholeNumber('--version'),
                  describe: 'refuse the update unless the node is still at this version',
                }),
            (a) =>
              withManagers(a, async (c) =>
                (await nodeCommands()).nodeUpdate(c, a.node, {
                  json: a.json,
                  availability: a.availability,
                  labelAdd: a['label-add'],
                  labelRm: a['label-rm'],
                  version: a.version,
                }),
              ),
          )
          .command(
            'promote <nodes..>',
            'make workers managers',
            (y) => y.positional('nodes', { type: 'string', array: true, demandOption: true }),
            (a) => withManagers(a, async (c) => (await nodeCommands()).nodeRole(c, a.nodes, true, { json: a.json })),
          )
          .command(
            'demote <nodes..>',
            'make managers workers (they leave the Raft group)',
            (y) => y.positional('nodes', { type: 'string', array: true, demandOption: true }),
            (a) => withManagers(a, async (c) => (await nodeCommands()).nodeRole(c, a.nodes, false, { json: a.json })),
          )
          .command(
            ['rm <nodes..>', 'remove <nodes..>'],
            'remove nodes from the cluster',
            (y) =>
              y
                .positional('nodes', { type: 'string', array: true, demandOption: true })
                .option('force', { type: 'boolean', default: false, describe: 'remove even if the node is up' }),
            (a) => withManagers(a, async (c) => (await nodeCommands()).nodeRm(c, a.nodes, { force: a.force })),
          )
          .demandCommand(1, 'which one: ls, inspect, update, promote, demote or rm?'),
      )
      .command(
        'join-token <role>',
        'print (or rotate) the token that joins a worker or a manager',
        (y) =>
          y
            .positional('role', { type: 'string', choices: ['worker', 'manager'] as const, demandOption: true })
            .option('rotate', { type: 'boolean', default: false, describe: 'replace the token; the old one is refused afterwards' })
            .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only the token' }),
        (a) =>
          withManagers(a, async (c, hosts) =>
            (await import('./commands/join-token.js')).joinToken(c, a.role as 'worker' | 'manager', { rotate: a.rotate, quiet: a.quiet, json: a.json, hosts }),
          ),
      )
      .demandCommand(1, 'which command? see --help')
      .strict()
      .help()
      .version('version', 'show the version', cliVersion())
      .fail((msg, err) => {
        if (err) throw err;
        process.stderr.write(`error: ${msg}\n(run with --help for usage)\n`);
        process.exit(2);
      })
  );
}

/**
 * A reader that stops early (`shoal node ls | head -3`) closes our stdout: end quietly, as Unix
 * tools do, instead of crashing with an unhandled EPIPE.
 */
function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

export async function main(args = process.argv.slice(2)): Promise<number> {
  exitQuietlyOnClosedStdout();
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    process.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  try {
    await (await buildCli(args)).parseAsync();
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`error: ${message}\n`);
    return e instanceof CliError && e.code === 'USAGE' ? 2 : 1;
  }
}

// Run when executed directly (`node dist/main.js`); bin/shoal.js imports it and calls main().
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
