// The environment every task sees, whatever runs it: the variables shoal sets (PORT, SHOAL_*)
// on top of the spec's own env, so a task finds its port and identity the same way as a
// process or a container.

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

/** The agent's PATH and HOME: enough for a process task to find its tools. */
export function agentBaseEnv(): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME'] as const) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  return base;
}

/** `KEY=value` pairs, as Docker wants them. */
export function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}
