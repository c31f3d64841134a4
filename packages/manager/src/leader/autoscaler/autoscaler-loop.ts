// Leader-only: scales autoscaled services to their load (autoscale-plan.ts decides; the shared
// loop runs it). The load is not in the store — heartbeats leave it on the dispatcher's
// TaskLoadBoard — so the loop plans on a timer besides service changes. The recommendation
// history lives here, in this term's memory: a new leader starts it empty (see README.md).

import type { StoreEvent } from '@shoal/store';
import type { Logger } from '../../logger.js';
import type { TaskLoadSource } from '../../task-load.js';
import type { LoopDuty } from '../loop.js';
import { planAutoscaling, RecommendationHistory, type AutoscaleSettings } from './autoscale-plan.js';

/** How often the autoscaler looks at the load (about a heartbeat or two). */
export const AUTOSCALE_POLL_MS = 2_000;

export function autoscalerDuty(load: TaskLoadSource, logger: Logger, settings: AutoscaleSettings & { pollMs?: number } = {}): LoopDuty {
  const history = new RecommendationHistory();
  /** The last hold code logged per service: a hold is logged when it starts, not every poll. */
  const lastHold = new Map<string, string>();
  return {
    name: 'autoscaler',
    wants: autoscalerWants,
    plan: (view, nowMs) => {
      const plan = planAutoscaling(view, load, history, nowMs, settings);
      for (const o of plan.outcomes) {
        if (o.toReplicas !== undefined) {
          lastHold.delete(o.serviceId);
          logger.info({ service: o.service, from: o.fromReplicas, to: o.toReplicas, reason: o.reason }, 'autoscaling');
        } else if (o.hold && lastHold.get(o.serviceId) !== o.hold) {
          lastHold.set(o.serviceId, o.hold);
          const level = o.hold === 'missing-samples' || o.hold === 'no-tasks' ? 'warn' : 'info';
          logger[level]({ service: o.service, replicas: o.fromReplicas, reason: o.reason }, 'autoscaler holds');
        }
      }
      return plan;
    },
    pollMs: () => settings.pollMs ?? AUTOSCALE_POLL_MS,
  };
}

/** A service's autoscaling set, changed or cleared, or its replicas or update state moved. */
export function autoscalerWants(e: StoreEvent): boolean {
  if (e.kind === 'restore') return true;
  if (e.kind !== 'service') return false;
  return Boolean(e.object.autoscale || e.previous?.autoscale);
}
