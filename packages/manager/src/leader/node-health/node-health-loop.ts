// Leader-only: marks workers down when their heartbeats stop and ready when they resume
// (node-health-plan.ts decides; the shared loop runs it). Heartbeats are not in the store — the
// dispatcher holds them — so besides node changes the loop plans on a timer: when the next node
// would cross its threshold, and at least every heartbeat period (to notice a node that is back).

import type { StoreEvent, StoreView } from '@shoal/store';
import type { Logger } from '../../logger.js';
import type { LoopDuty } from '../loop.js';
import { monitored, planNodeHealth, type HeartbeatFacts } from './node-health-plan.js';

/** What the monitor needs from the dispatcher, which holds the worker sessions. */
export interface HeartbeatSource {
  /** When the node last heartbeat (Date.now() ms), undefined if not since this manager led. */
  lastSeen(nodeId: string): number | undefined;
  /** Whether the node's session with this manager is open. */
  connected(nodeId: string): boolean;
  /** When the node's open session started (Date.now() ms), if it has one. */
  sessionOpenedAt(nodeId: string): number | undefined;
  /** Until when a node whose agent said goodbye (a planned restart) may stay away, if it did. */
  returningBy(nodeId: string): number | undefined;
  /** The heartbeat period workers are told to keep. */
  heartbeatMs(): number;
}

/**
 * One term's node health duty. `leaderSinceMs` is when this term's loops started: the grace
 * period after an election counts from it.
 */
export function nodeHealthDuty(heartbeats: HeartbeatSource, leaderSinceMs: number, logger: Logger): LoopDuty {
  let heldLoggedAt = -Infinity;
  return {
    name: 'node-monitor',
    wants: nodeHealthWants,
    plan: (view, nowMs) => {
      const plan = planNodeHealth(view, { ...heartbeatFacts(view, heartbeats), nowMs, heartbeatMs: heartbeats.heartbeatMs(), leaderSinceMs });
      if (plan.held.length > 0 && nowMs - heldLoggedAt > HELD_LOG_EVERY_MS) {
        heldLoggedAt = nowMs;
        logger.warn(
          { held: plan.held.map((id) => view.getNode(id)?.name ?? id), down: plan.down.length },
          'most workers seem silent at once while their sessions are open: not marking them down on silence alone (this manager may be overloaded)',
        );
      }
      return plan;
    },
    pollMs: () => heartbeats.heartbeatMs(),
  };
}

/** The "not marking them down" warning, at most this often. */
const HELD_LOG_EVERY_MS = 10_000;

function heartbeatFacts(view: StoreView, hb: HeartbeatSource): Pick<HeartbeatFacts, 'lastSeen' | 'connected' | 'openedAt' | 'returningBy'> {
  const lastSeen = new Map<string, number>();
  const connected = new Set<string>();
  const openedAt = new Map<string, number>();
  const returningBy = new Map<string, number>();
  for (const n of view.nodes()) {
    if (!monitored(n)) continue;
    const seen = hb.lastSeen(n.id);
    if (seen !== undefined) lastSeen.set(n.id, seen);
    if (hb.connected(n.id)) connected.add(n.id);
    const opened = hb.sessionOpenedAt(n.id);
    if (opened !== undefined) openedAt.set(n.id, opened);
    const by = hb.returningBy(n.id);
    if (by !== undefined) returningBy.set(n.id, by);
  }
  return { lastSeen, connected, openedAt, returningBy };
}

export function nodeHealthWants(e: StoreEvent): boolean {
  return (
    e.kind === 'restore' ||
    (e.kind === 'node' &&
      (e.action !== 'update' ||
        e.object.status.state !== e.previous.status.state ||
        e.object.role !== e.previous.role ||
        e.object.runtime !== e.previous.runtime))
  );
}
