// Leader-only: gives pending tasks a node and a port (orchestration/scheduler.ts decides).
// Plans again when tasks are created or stop (room frees up) and when nodes change.

import type { StoreEvent } from '@shoal/store';
import type { ManagerContext } from '../../context.js';
import { planScheduling, type SchedulerSettings } from './scheduling-plan.js';
import { ControlLoop } from '../loop.js';

export class Scheduler extends ControlLoop {
  constructor(ctx: ManagerContext, settings: SchedulerSettings = {}) {
    super(ctx, {
      name: 'scheduler',
      wants: schedulerWants,
      plan: (view, now) => planScheduling(view, now, settings),
    });
  }
}

export function schedulerWants(e: StoreEvent): boolean {
  switch (e.kind) {
    case 'node':
    case 'restore':
      return true;
    case 'task':
      // New work, or work that stopped (its resources and port are free again).
      return e.action !== 'update' || e.object.status.state !== e.previous.status.state || e.object.desiredState !== e.previous.desiredState;
    case 'service':
    case 'cluster':
      return false;
  }
}
