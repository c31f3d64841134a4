// The environment every task sees, whatever runs it: the variables shoal sets (PORT, SHOAL_*)
// on top of the spec's own env, so a task finds its port and identity the same way as a
// process or a container. A process task gets nothing else of the agent's environment than
// PATH and HOME (agentBaseEnv); a container gets only what its image sets.

import type { TaskLaunch } from './runtime.js';

/** PORT and SHOAL_* for a task; they win over spec.env because shoal assigned them. */
export function shoalVariables(task: TaskLaunch): Record<string, string> {
  const vars: Record<string, string> = {
    SHOAL_TASK_ID: task.taskId,
    SHOAL_TASK_NAME: task.taskName,
    SHOAL_SLOT: String(task.slot),
    SHOAL_SERVICE: task.serviceName,
    SHOAL_SERVICE_ID: task.serviceId,
    SHOAL_NODE_ID: task.nodeId,
  };
  // 0 means the task publishes nothing: leave PORT unset rather than claim port 0.
  if (task.port > 0) vars['PORT'] = String(task.port);
  // The node's address: where to listen, so several "nodes" on one machine (each its own
  // 127.0.0.x) never collide on a port.
  if (task.host) vars['HOST'] = task.host;
  return vars;
}

/** spec.env, then shoal's variables: `base` first so a spec may override PATH or HOME. */
export function taskEnv(task: TaskLaunch, base: Record<string, string> = {}): Record<string, string> {
  return { ...base, ...task.spec.env, ...shoalVariables(task) };
}

/** Where a process task looks for commands when the agent itself has no PATH. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The base of a process task's environment, and nothing else of the agent's environment, which
 * may hold secrets (a join token, cloud credentials):
 * - a task running as the agent's own user gets the agent's PATH and HOME, so it finds the
 *   same tools;
 * - a task running as another user (`separateHome`: its working directory) gets DEFAULT_PATH,
 *   since the agent's PATH may name directories only the agent can search (/root/...), and
 *   HOME = its working directory, the one place it can write to.
 */
export function agentBaseEnv(o: { separateHome?: string | undefined } = {}): Record<string, string> {
  if (o.separateHome !== undefined) return { PATH: DEFAULT_PATH, HOME: o.separateHome };
  const base: Record<string, string> = { PATH: process.env['PATH'] || DEFAULT_PATH };
  const home = process.env['HOME'];
  if (home !== undefined) base['HOME'] = home;
  return base;
}

/** `KEY=value` pairs, as Docker wants them. */
export function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}
