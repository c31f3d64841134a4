// Leader-only: drives rolling updates and rollbacks (update-plan.ts decides; the shared loop
// runs it). Plans again when a service changes, when a task is created, removed, changes state
// or health, and when a monitor period or an update delay ends (the plan's nextWakeMs).

import type { StoreEvent } from '@shoal/store';
import type { Logger } from 'pino';
import type { LoopDuty } from '../loop.js';
import { planUpdates, type UpdaterSettings } from './update-plan.js';

export function updaterDuty(logger: Logger, settings: UpdaterSettings = {}): LoopDuty {
  return {
    name: 'updater',
    wants: updaterWants,
    plan: (view, now) => {
      const plan = planUpdates(view, now, settings);
      for (const n of plan.notes) logger.info({ controller: 'updater', service: n.service, event: n.event }, `service ${n.service}: ${n.event}: ${n.detail}`);
      return plan;
    },
  };
}

export function updaterWants(e: StoreEvent): boolean {
  switch (e.kind) {
    case 'service':
    case 'restore':
      return true;
    case 'task':
      return (
        e.action !== 'update' ||
        e.object.status.state !== e.previous.status.state ||
        e.object.status.healthy !== e.previous.status.healthy ||
        e.object.desiredState !== e.previous.desiredState
      );
    case 'node':
    case 'cluster':
      return false;
  }
}
