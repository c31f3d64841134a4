// Leader-only: keeps every service's tasks as its spec asks (orchestration-plan.ts decides;
// the shared loop runs it). Plans again on service changes, task state changes, node changes
// that affect where tasks may run, and when a delayed restart falls due (the plan's nextWakeMs).

import type { StoreEvent } from '@shoal/store';
import type { LoopDuty } from '../loop.js';
import { planOrchestration, type OrchestratorSettings } from './orchestration-plan.js';

export function orchestratorDuty(settings: OrchestratorSettings = {}): LoopDuty {
  return {
    name: 'orchestrator',
    wants: orchestratorWants,
    plan: (view, now) => planOrchestration(view, now, settings),
  };
}

export function orchestratorWants(e: StoreEvent): boolean {
  switch (e.kind) {
    case 'service':
    case 'restore':
      return true;
    case 'node':
      return (
        e.action !== 'update' ||
        e.object.status.state !== e.previous.status.state ||
        e.object.availability !== e.previous.availability ||
        e.object.labels !== e.previous.labels ||
        e.object.runtime !== e.previous.runtime ||
        e.object.resources !== e.previous.resources ||
        e.object.role !== e.previous.role ||
        e.object.hostname !== e.previous.hostname
      );
    case 'task':
      return e.action !== 'update' || e.object.status.state !== e.previous.status.state || e.object.desiredState !== e.previous.desiredState;
    case 'cluster':
      return false;
  }
}
