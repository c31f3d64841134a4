// The leader-only controllers that turn services into placed, running tasks. The manager
// starts them when it is elected and stops them when it steps down; they keep nothing between
// terms that the store does not hold.

import type { ManagerContext } from '../context.js';
import { NodeMonitor, type HeartbeatSource } from './node-monitor.js';
import { Orchestrator } from './orchestrator.js';
import { Scheduler } from './scheduler.js';
import { TaskReaper } from './task-reaper.js';

export { NodeMonitor, type HeartbeatSource } from './node-monitor.js';
export { Orchestrator } from './orchestrator.js';
export { Scheduler } from './scheduler.js';
export { TaskReaper } from './task-reaper.js';

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
