// @shoal/agent: the worker agent and its runtimes.
export { Agent, AGENT_VERSION, type JoinWorkerOptions, type ProcessTaskOptions, type StartWorkerOptions } from './agent.js';
export type { Runtime, RuntimeName, RuntimeEvent, TaskLaunch, FoundTask, LogLine } from './runtime/runtime.js';
export { readWorkerConfig, workerPaths, type WorkerConfig } from './data-dir.js';
export { readAgentStats, agentStatsPath, type AgentStats } from './agent-stats.js';
export { resolveTaskUser, type TaskUser } from './runtime/task-user.js';
