// Leader-only: removes old finished tasks (reaping-plan.ts decides; the shared loop runs it).
// In no hurry: it plans at most once a second, so a burst of stopping tasks becomes one
// removal entry.

import type { StoreEvent } from '@shoal/store';
import type { LoopDuty } from '../loop.js';
import { planReaping, type ReaperSettings } from './reaping-plan.js';

export const REAP_INTERVAL_MS = 1_000;

export function reaperDuty(settings: ReaperSettings & { intervalMs?: number } = {}): LoopDuty {
  return {
    name: 'task-reaper',
    wants: reaperWants,
    plan: (view, now) => planReaping(view, now, settings),
    minIntervalMs: settings.intervalMs ?? REAP_INTERVAL_MS,
  };
}

export function reaperWants(e: StoreEvent): boolean {
  switch (e.kind) {
    case 'restore':
      return true;
    case 'service':
      return e.action === 'remove';
    case 'task':
      return (
        e.action === 'update' &&
        e.object.desiredState === 'shutdown' &&
        (e.object.status.state !== e.previous.status.state || e.previous.desiredState !== 'shutdown')
      );
    case 'cluster':
      // A lower task history limit removes more at once.
      return e.action === 'update' && e.object.settings.taskHistoryLimit !== e.previous.settings.taskHistoryLimit;
    case 'node':
      return false;
  }
}
