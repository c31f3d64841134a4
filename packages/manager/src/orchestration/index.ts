// Orchestration planners: pure functions from a store view and a clock to the store commands
// the leader's controllers propose (README.md beside this file explains the model).

export { planOrchestration, type OrchestrationPlan, type OrchestratorSettings } from './orchestrator.js';
export { planScheduling, isPending, type Placement, type SchedulerSettings, type SchedulingPlan, type Unplaceable } from './scheduler.js';
export { planRebalance, planRebalanceMoves, type RebalancePlan, type RebalanceSettings } from './rebalance.js';
export {
  planNodeHealth,
  monitored,
  leaderGraceMs,
  flapBackoffMs,
  readyStatus,
  downStatus,
  acceptsNewWork,
  formatDuration,
  SILENT_PERIODS,
  DISCONNECTED_PERIODS,
  MIN_LEADER_GRACE_MS,
  type HeartbeatFacts,
  type NodeHealthPlan,
} from './node-monitor.js';
export { planReaping, DEFAULT_HISTORY_PER_SLOT, type ReaperSettings, type ReapingPlan } from './reaper.js';
export { restartDecision, nextAttempt, type RestartDecision } from './restart.js';
export { DEFAULT_PORT_RANGE, type PortRange } from './node-load.js';
export { isLive, awaitsRestart } from './lifecycle.js';
