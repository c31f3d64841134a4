// `shoal worker join|start`: run a worker agent in this process, in the foreground.

import { hostname } from 'node:os';
import { Agent, type RuntimeName } from '@shoal/agent';
import { usePrivateUmask } from '@shoal/identity';
import { CliError } from '../client.js';
import { printJson } from '../output.js';
import { hideCommandLine, readJoinToken, type TokenSource } from '../token-input.js';

async function runUntilStopped(a: Agent): Promise<void> {
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    process.stderr.write(
      `\n${sig}: stopping the worker agent (its tasks keep running, and the leader waits 15 s for it to come back; \`shoal worker start\` adopts them)...\n`,
    );
    void a.stop(`stopped by ${sig}`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await a.stopped;
}

export async function workerJoin(o: {
  remote: string;
  token: TokenSource;
  data: string;
  name?: string | undefined;
  runtime?: string | undefined;
  labels: readonly string[];
  listen?: string | undefined;
  taskUser?: string | undefined;
  tasksRoot?: string | undefined;
  metrics?: string | undefined;
  json: boolean;
}): Promise<void> {
  const runtime = (o.runtime ?? 'process') as RuntimeName;
  if (!['process', 'docker', 'simulated'].includes(runtime)) throw new CliError(`--runtime is process or docker (got "${o.runtime}")`);
  const labels: Record<string, string> = {};
  for (const kv of o.labels) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new CliError(`--label wants KEY=VALUE (got "${kv}")`);
    labels[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const token = readJoinToken(o.token, 'worker');
  const name = o.name ?? hostname();
  hideCommandLine(`shoal worker join --data ${o.data} (joining as ${name})`);
  usePrivateUmask(); // before the data directory is created (data-dir-modes.ts in @shoal/identity)
  const a = await Agent.join({
    data: o.data,
    remote: o.remote,
    token,
    name,
    runtime,
    labels,
    ...(o.listen ? { listen: o.listen } : {}),
    ...(o.metrics !== undefined ? { metrics: o.metrics } : {}),
    ...processTaskFlags(o),
  });
  hideCommandLine(`shoal worker --data ${o.data} (joined as ${name})`);
  if (o.json) printJson({ nodeId: a.nodeId, clusterId: a.clusterId });
  else process.stdout.write(`This node (${a.nodeId}) joined cluster ${a.clusterId} as a worker running ${runtime} tasks.\n`);
  return runUntilStopped(a);
}

export async function workerStart(o: {
  data: string;
  taskUser?: string | undefined;
  tasksRoot?: string | undefined;
  metrics?: string | undefined;
  json: boolean;
}): Promise<void> {
  usePrivateUmask();
  const a = await Agent.start({ data: o.data, ...(o.metrics !== undefined ? { metrics: o.metrics } : {}), ...processTaskFlags(o) });
  if (o.json) printJson({ nodeId: a.nodeId, clusterId: a.clusterId });
  else process.stdout.write(`Worker ${a.nodeId} of cluster ${a.clusterId} resumed from ${o.data}.\n`);
  return runUntilStopped(a);
}

/** --task-user and --tasks-root, when given: the agent checks them (and says what is wrong). */
function processTaskFlags(o: { taskUser?: string | undefined; tasksRoot?: string | undefined }): { taskUser?: string; tasksRoot?: string } {
  return { ...(o.taskUser !== undefined ? { taskUser: o.taskUser } : {}), ...(o.tasksRoot !== undefined ? { tasksRoot: o.tasksRoot } : {}) };
}
