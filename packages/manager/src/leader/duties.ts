// The leader-only controllers that turn services into placed, running tasks. The manager
// starts them when it is elected and stops them when it steps down; they keep nothing between
// terms that the store does not hold.

import type { ManagerContext } from '../context.js';
import { NodeMonitor, type HeartbeatSource } from './node-health/node-health-loop.js';
import { Orchestrator } from './orchestrator/orchestrator-loop.js';
import { Scheduler } from './scheduler/scheduler-loop.js';
import { TaskReaper } from './reaper/reaper-loop.js';

export { NodeMonitor, type HeartbeatSource } from './node-health/node-health-loop.js';
export { Orchestrator } from './orchestrator/orchestrator-loop.js';
export { Scheduler } from './scheduler/scheduler-loop.js';
export { TaskReaper } from './reaper/reaper-loop.js';

export interface LeaderControllers {
  readonly orchestrator: Orchestrator;
  readonly scheduler: Scheduler;
  readonly nodeMonitor: NodeMonitor;
  readonly reaper: TaskReaper;
  stop(): void;
}

export function startLeaderControllers(ctx: ManagerContext, heartbeats: HeartbeatSource): LeaderControllers {
  const orchestrator = new Orchestrator(ctx);
  const scheduler = new Scheduler(ctx);
  const nodeMonitor = new NodeMonitor(ctx, heartbeats);
  const reaper = new TaskReaper(ctx);
  const all = [nodeMonitor, orchestrator, scheduler, reaper];
  for (const c of all) c.run();
  return {
    orchestrator,
    scheduler,
    nodeMonitor,
    reaper,
    stop() {
      for (const c of all) c.stop();
    },
  };
}
