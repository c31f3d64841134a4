// The leader's duties that turn services into placed, running tasks, each a pure planner run by
// the shared ControlLoop (loop.ts). The manager starts them when it is elected and stops them
// when it steps down; they keep nothing between terms that the store does not hold.

import type { ManagerContext } from '../context.js';
import { systemClock, type LoopClock } from './clock.js';
import { ControlLoop } from './loop.js';
import { nodeHealthDuty, type HeartbeatSource } from './node-health/node-health-loop.js';
import { orchestratorDuty } from './orchestrator/orchestrator-loop.js';
import { reaperDuty } from './reaper/reaper-loop.js';
import { schedulerDuty } from './scheduler/scheduler-loop.js';
import { updaterDuty } from './updater/updater-loop.js';

export type { HeartbeatSource } from './node-health/node-health-loop.js';

export interface LeaderDuties {
  readonly orchestrator: ControlLoop;
  readonly scheduler: ControlLoop;
  readonly nodeHealth: ControlLoop;
  readonly reaper: ControlLoop;
  readonly updater: ControlLoop;
  stop(): void;
}

/** Starts this term's loops; `clock` is for tests that move time themselves. */
export function startLeaderDuties(ctx: ManagerContext, heartbeats: HeartbeatSource, clock: LoopClock = systemClock): LeaderDuties {
  const orchestrator = new ControlLoop(ctx, orchestratorDuty(), clock);
  const scheduler = new ControlLoop(ctx, schedulerDuty(), clock);
  const nodeHealth = new ControlLoop(ctx, nodeHealthDuty(heartbeats, clock.now(), ctx.logger), clock);
  const reaper = new ControlLoop(ctx, reaperDuty(), clock);
  const updater = new ControlLoop(ctx, updaterDuty(ctx.logger), clock);
  const all = [nodeHealth, orchestrator, scheduler, reaper, updater];
  for (const loop of all) loop.run();
  return {
    orchestrator,
    scheduler,
    nodeHealth,
    reaper,
    updater,
    stop() {
      for (const loop of all) loop.stop();
    },
  };
}
