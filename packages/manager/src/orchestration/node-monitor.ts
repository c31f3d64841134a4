// Node health, decided from heartbeats: which workers (and managers running an agent) to mark
// down and which to mark ready again. Pure: the heartbeat facts (when each node was last heard from, whether its session is
// connected) come from the dispatcher and the clock is passed in, so every rule here is a
// one-line test.
//
// A worker is down when it has been silent for 3 heartbeat periods, or for 2 periods with its
// session gone (a closed stream is evidence, so we need less waiting) — unless its agent said
// goodbye before closing it (a planned restart): then it has until the time it asked for. Marking a node down
// moves its tasks, so a freshly elected leader first waits out a grace period: it has heard
// nothing yet from workers that were heartbeating to the previous leader a moment ago, and a
// control-plane failover must not reschedule healthy work.

import type { NodeObject, NodeUpdateCommand, StoreView } from '@shoal/store';

/** Silent this many periods (session still connected) → down. */
export const SILENT_PERIODS = 3;
/** Silent this many periods with the session gone → down. */
export const DISCONNECTED_PERIODS = 2;
/** Whatever the heartbeat period, a new leader waits at least this long before marking anyone down. */
export const MIN_LEADER_GRACE_MS = 2_000;

export interface HeartbeatFacts {
  /** When each node was last heard from (ms, the same clock as `nowMs`); absent = not since this manager led. */
  readonly lastSeen: ReadonlyMap<string, number>;
  /** Nodes whose session with this manager is open. */
  readonly connected: ReadonlySet<string>;
  /**
   * Nodes whose agent stopped on purpose and said so (a planned restart): until when (ms) they
   * may be away before being marked down. Their tasks keep running meanwhile.
   */
  readonly returningBy?: ReadonlyMap<string, number>;
  readonly nowMs: number;
  readonly heartbeatMs: number;
  /** When this manager became leader (ms). */
  readonly leaderSinceMs: number;
}

export interface NodeHealthPlan {
  /** node.update commands (status only, with expectedVersion), one per node that changes. */
  readonly commands: NodeUpdateCommand[];
  readonly down: string[];
  readonly ready: string[];
  /** When a node next crosses a threshold if nothing is heard (ms), or undefined. */
  readonly nextCheckMs: number | undefined;
}

/** The grace after an election during which no node is marked down. */
export function leaderGraceMs(heartbeatMs: number): number {
  return Math.max(SILENT_PERIODS * heartbeatMs, MIN_LEADER_GRACE_MS);
}

export function planNodeHealth(view: StoreView, facts: HeartbeatFacts): NodeHealthPlan {
  const { nowMs, heartbeatMs } = facts;
  const at = new Date(nowMs).toISOString();
  const graceEnds = facts.leaderSinceMs + leaderGraceMs(heartbeatMs);
  const commands: NodeUpdateCommand[] = [];
  const down: string[] = [];
  const ready: string[] = [];
  let nextCheckMs: number | undefined;
  const wakeAt = (ms: number): void => {
    if (ms > nowMs && (nextCheckMs === undefined || ms < nextCheckMs)) nextCheckMs = ms;
  };

  for (const node of view.nodes()) {
    if (!monitored(node)) continue;
    const connected = facts.connected.has(node.id);
    const seen = facts.lastSeen.get(node.id);
    // Never heard from under this leader: count the silence from when we could first have
    // heard it (our election, or the node's creation if later).
    const silentSince = seen ?? Math.max(facts.leaderSinceMs, Date.parse(node.createdAt) || 0);
    const silentMs = Math.max(0, nowMs - silentSince);
    const limitMs = (connected ? SILENT_PERIODS : DISCONNECTED_PERIODS) * heartbeatMs;

    const returningBy = connected ? undefined : facts.returningBy?.get(node.id);
    if (node.status.state !== 'down') {
      if (silentMs < limitMs) {
        wakeAt(silentSince + limitMs);
      } else if (nowMs < graceEnds) {
        wakeAt(graceEnds);
      } else if (returningBy !== undefined && nowMs < returningBy) {
        wakeAt(returningBy);
      } else {
        down.push(node.id);
        const message = returningBy !== undefined ? `its agent stopped to restart and did not come back within ${formatDuration(silentMs)}` : downMessage(connected, silentMs, heartbeatMs, seen === undefined);
        commands.push(statusUpdate(node, at, { state: 'down', message }));
        continue;
      }
    }
    // Heartbeating again (a recent heartbeat on an open session): ready. The window is shorter
    // than the down rule's, so a node cannot be both.
    if (node.status.state !== 'ready' && connected && seen !== undefined && nowMs - seen < DISCONNECTED_PERIODS * heartbeatMs) {
      ready.push(node.id);
      commands.push(statusUpdate(node, at, { state: 'ready', message: '' }));
    }
  }
  return { commands, down, ready, nextCheckMs };
}

/**
 * Workers, and managers that also run an agent (it reported a runtime): their tasks must move
 * when they die. A manager without an agent runs no tasks; its liveness is its Raft
 * reachability, which the control API shows.
 */
export function monitored(node: NodeObject): boolean {
  return node.role === 'worker' || (node.runtime ?? '') !== '';
}

function statusUpdate(node: NodeObject, at: string, status: { state: 'ready' | 'down'; message: string }): NodeUpdateCommand {
  return { type: 'node.update', at, id: node.id, expectedVersion: node.version, patch: { status } };
}

function downMessage(connected: boolean, silentMs: number, heartbeatMs: number, never: boolean): string {
  const period = `heartbeat every ${formatDuration(heartbeatMs)}`;
  const silence = never ? `no heartbeat since this manager became leader ${formatDuration(silentMs)} ago` : `no heartbeat for ${formatDuration(silentMs)}`;
  return `${connected ? '' : 'disconnected; '}${silence} (${period})`;
}

/** "500 ms", "1.6 s", "2 min" — for status messages people read. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
