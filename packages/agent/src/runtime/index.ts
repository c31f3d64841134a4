// The runtimes a worker agent can run tasks with, and the one way to make one.

import type { Logger } from 'pino';
import { DockerRuntime } from './docker.js';
import { RuntimeError } from './errors.js';
import { ProcessRuntime } from './process.js';
import { resolveTaskUser } from './task-user.js';
import type { Runtime, RuntimeName } from './runtime.js';
import { SimulatedRuntime } from './simulated.js';

export type { FoundTask, LogLine, Runtime, RuntimeEvent, RuntimeName, RuntimeState, TaskLaunch } from './runtime.js';
export type { TaskSpec } from '@shoal/store';
export { DockerRuntime, LABELS as DOCKER_LABELS, containerName, type DockerRuntimeOptions } from './docker.js';
export { ProcessRuntime, type ProcessRuntimeOptions } from './process.js';
export { SimulatedRuntime, type SimulatedRuntimeOptions } from './simulated.js';
export { HealthProbe, runCheck, httpCheck, cmdCheck, type HealthCheck, type HealthEvent, type HealthProbeOptions, type ProbeResult } from './health.js';
export { RuntimeError, isRuntimeError, type RuntimeErrorCode } from './errors.js';
export { shoalVariables, taskEnv } from './task-env.js';
export { DEFAULT_TASK_USER, resolveTaskUser, taskUserWarning, type AgentIdentity, type TaskUser } from './task-user.js';
export { defaultTasksRoot } from './work-dirs.js';

export const RUNTIME_NAMES: readonly RuntimeName[] = ['process', 'docker', 'simulated'];

export interface CreateRuntimeOptions {
  readonly nodeId: string;
  /** The agent's data directory (the process runtime keeps tasks in DATA/tasks/<taskId>/). */
  readonly dataDir: string;
  readonly logger?: Logger;
  /** docker: the engine's socket (default DOCKER_HOST or /var/run/docker.sock). */
  readonly dockerSocket?: string;
  /** simulated: what the node claims to offer. */
  readonly simulatedCapacity?: { nanoCpus: number; memoryBytes: number };
  /** process: who tasks run as (`--task-user`: a name, UID or UID:GID); default nobody when root. */
  readonly taskUser?: string;
  /** process: where tasks' working directories go (`--tasks-root`). */
  readonly tasksRoot?: string;
}

/**
 * Makes the runtime `name`, ready to use. For docker that means the engine answered: a
 * node whose dockerd is down fails here with ENGINE_UNREACHABLE and a message saying so,
 * rather than later with every task.
 */
export async function createRuntime(name: RuntimeName, o: CreateRuntimeOptions): Promise<Runtime> {
  if (name !== 'process' && (o.taskUser !== undefined || o.tasksRoot !== undefined)) {
    const flag = o.taskUser !== undefined ? '--task-user' : '--tasks-root';
    throw new RuntimeError('INVALID_OPTION', `${flag} applies to the process runtime only (this worker runs ${name} tasks): leave it out`);
  }
  switch (name) {
    case 'process':
      return new ProcessRuntime({
        nodeId: o.nodeId,
        dataDir: o.dataDir,
        taskUser: resolveTaskUser(o.taskUser),
        ...(o.tasksRoot !== undefined ? { tasksRoot: o.tasksRoot } : {}),
        ...(o.logger ? { logger: o.logger } : {}),
      });
    case 'docker': {
      const runtime = new DockerRuntime({
        nodeId: o.nodeId,
        ...(o.logger ? { logger: o.logger } : {}),
        ...(o.dockerSocket ? { socketPath: o.dockerSocket } : {}),
      });
      try {
        await runtime.connect();
      } catch (e) {
        await runtime.close();
        throw e;
      }
      return runtime;
    }
    case 'simulated':
      return new SimulatedRuntime(o.simulatedCapacity ? { capacity: o.simulatedCapacity } : {});
    default:
      throw new RuntimeError('UNKNOWN_RUNTIME', `unknown runtime ${JSON.stringify(name as string)}: choose one of ${RUNTIME_NAMES.join(', ')}`);
  }
}
