// Leader-only: gives pending tasks a node and a port (scheduling-plan.ts decides; the shared
// loop runs it). Plans again when tasks are created or stop (room frees up) and when nodes
// change, and when a flapping node's back-off ends while tasks wait (the plan's nextWakeMs).

import type { StoreEvent } from '@shoal/store';
import type { LoopDuty } from '../loop.js';
import { planScheduling, type SchedulerSettings } from './scheduling-plan.js';

export function schedulerDuty(settings: SchedulerSettings = {}): LoopDuty {
  return {
    name: 'scheduler',
    wants: schedulerWants,
    plan: (view, now) => planScheduling(view, now, settings),
  };
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
