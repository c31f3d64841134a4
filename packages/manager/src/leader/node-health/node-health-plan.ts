// Node health, decided from heartbeats: which workers (and managers running an agent) to mark
// down and which to mark ready again. Pure: the heartbeat facts (when each node was last heard from, whether its session is
// connected) come from the dispatcher and the clock is passed in, so every rule here is a
// one-line test.
//
// A worker is down when it has been silent for 3 heartbeat periods, or for 2 periods with its
// session gone (a closed stream is evidence, so we need less waiting) — unless its agent said
// goodbye before closing it (a planned restart): then it has until the time it asked for. Any
// message from the agent counts as a sign of life, not only heartbeats.
//
// Marking a node down moves its tasks, so the monitor is damped:
// - A freshly elected leader first waits out a grace period: it has heard nothing yet from
//   workers that were heartbeating to the previous leader a moment ago, and a control-plane
//   failover must not reschedule healthy work. A session that just opened gets the same grace.
// - Silence alone (the session still open) never takes a majority of the ready workers down
//   within one window: when most workers seem silent at once, the likelier cause is on this
//   side (a stalled leader, a burst of work), and moving everything would make it worse. A
//   broken session is evidence and always counts.
// - A node that flaps — goes down again within FLAP_WINDOW_MS of the previous time — gets no
//   new tasks for a back-off period once it is back, so it cannot pull work back and forth
//   (seen: 300 replicas livelocking between two workers that each starved starting them). A
//   node lost once and brought back is not flapping and takes work at once.

import type { NodeObject, NodeStatus, NodeUpdateCommand, StoreView } from '@shoal/store';
import { formatDuration } from '../format-duration.js';

/** Silent this many periods (session still connected) → down. */
export const SILENT_PERIODS = 3;
/** Silent this many periods with the session gone → down. */
export const DISCONNECTED_PERIODS = 2;
/** Whatever the heartbeat period, a new leader waits at least this long before marking anyone down. */
export const MIN_LEADER_GRACE_MS = 2_000;
/** Going down again within this long of the previous time is flapping. */
export const FLAP_WINDOW_MS = 5 * 60_000;
/** A flapping node back up gets no new tasks for this many heartbeat periods... */
export const FLAP_BACKOFF_PERIODS = 20;
/** ...and at least this long. */
export const MIN_FLAP_BACKOFF_MS = 10_000;

export interface HeartbeatFacts {
  /** When each node was last heard from (ms, the same clock as `nowMs`); absent = not since this manager led. */
  readonly lastSeen: ReadonlyMap<string, number>;
  /** Nodes whose session with this manager is open. */
  readonly connected: ReadonlySet<string>;
  /** When each open session started (ms). */
  readonly openedAt?: ReadonlyMap<string, number>;
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
  /** Silent nodes not marked down this time because most workers seemed silent at once. */
  readonly held: string[];
  /** When a node next crosses a threshold if nothing is heard (ms), or undefined. */
  readonly nextCheckMs: number | undefined;
}

/** The grace after an election during which no node is marked down. */
export function leaderGraceMs(heartbeatMs: number): number {
  return Math.max(SILENT_PERIODS * heartbeatMs, MIN_LEADER_GRACE_MS);
}

/** How long a flapping node back up gets no new tasks. */
export function flapBackoffMs(heartbeatMs: number): number {
  return Math.max(FLAP_BACKOFF_PERIODS * heartbeatMs, MIN_FLAP_BACKOFF_MS);
}

/** The status of a node going down now: when, and whether that is flapping. */
export function downStatus(node: NodeObject, nowMs: number, message: string): NodeStatus {
  const previous = node.status.downAt === undefined ? NaN : Date.parse(node.status.downAt);
  const flapping = nowMs - previous < FLAP_WINDOW_MS;
  return { state: 'down', message, downAt: new Date(nowMs).toISOString(), ...(flapping ? { flapping: true } : {}) };
}

/**
 * The status of a node that is heard from again: ready; a flapping one gets no new tasks for
 * the back-off (it keeps what runs there). `note` is what its agent said about its time away.
 */
export function readyStatus(node: NodeObject, nowMs: number, heartbeatMs: number, note = ''): NodeStatus {
  const { downAt, noWorkUntil } = node.status;
  const kept = { ...(downAt ? { downAt } : {}) };
  if (node.status.state !== 'down') return { state: 'ready', message: note, ...kept, ...(noWorkUntil ? { noWorkUntil } : {}) };
  if (!node.status.flapping) return { state: 'ready', message: note, ...kept };
  const backoff = flapBackoffMs(heartbeatMs);
  return {
    state: 'ready',
    message: note || `back after flapping (down twice within ${formatDuration(FLAP_WINDOW_MS)}): no new tasks for ${formatDuration(backoff)}`,
    ...kept,
    noWorkUntil: new Date(nowMs + backoff).toISOString(),
  };
}

/** Whether the scheduler may give the node new tasks now (it is not in a flap back-off). */
export function acceptsNewWork(node: NodeObject, nowMs: number): boolean {
  const until = node.status.noWorkUntil;
  return until === undefined || !(Date.parse(until) > nowMs);
}

interface DownCandidate {
  readonly node: NodeObject;
  readonly silentMs: number;
  readonly message: string;
  /** Its session broke or its agent said goodbye: evidence beyond silence. */
  readonly evidenced: boolean;
}

export function planNodeHealth(view: StoreView, facts: HeartbeatFacts): NodeHealthPlan {
  const { nowMs, heartbeatMs } = facts;
  const at = new Date(nowMs).toISOString();
  const grace = leaderGraceMs(heartbeatMs);
  const graceEnds = facts.leaderSinceMs + grace;
  const commands: NodeUpdateCommand[] = [];
  const down: string[] = [];
  const ready: string[] = [];
  const held: string[] = [];
  const candidates: DownCandidate[] = [];
  let readyCount = 0;
  let recentlyDown = 0;
  let nextCheckMs: number | undefined;
  const wakeAt = (ms: number): void => {
    if (ms > nowMs && (nextCheckMs === undefined || ms < nextCheckMs)) nextCheckMs = ms;
  };

  for (const node of view.nodes()) {
    if (!monitored(node)) continue;
    if (node.status.state === 'ready') readyCount++;
    if (node.status.state === 'down' && nowMs - (Date.parse(node.updatedAt) || 0) < dampingWindowMs(heartbeatMs)) recentlyDown++;
    const connected = facts.connected.has(node.id);
    const seen = facts.lastSeen.get(node.id);
    // Never heard from under this leader: count the silence from when we could first have
    // heard it (our election, or the node's creation if later).
    const silentSince = seen ?? Math.max(facts.leaderSinceMs, Date.parse(node.createdAt) || 0);
    const silentMs = Math.max(0, nowMs - silentSince);
    const limitMs = (connected ? SILENT_PERIODS : DISCONNECTED_PERIODS) * heartbeatMs;
    const openedAt = connected ? facts.openedAt?.get(node.id) : undefined;

    const returningBy = connected ? undefined : facts.returningBy?.get(node.id);
    if (node.status.state !== 'down') {
      if (silentMs < limitMs) {
        wakeAt(silentSince + limitMs);
      } else if (nowMs < graceEnds) {
        wakeAt(graceEnds);
      } else if (openedAt !== undefined && nowMs < openedAt + grace) {
        wakeAt(openedAt + grace); // a session that just opened: its agent may be catching up
      } else if (returningBy !== undefined && nowMs < returningBy) {
        wakeAt(returningBy);
      } else {
        const message =
          returningBy !== undefined
            ? `its agent stopped to restart and did not come back within ${formatDuration(silentMs)}`
            : downMessage(connected, silentMs, heartbeatMs, seen === undefined);
        candidates.push({ node, silentMs, message, evidenced: !connected });
        continue;
      }
    }
    // Heard from again (a recent message on an open session): ready. The window is shorter
    // than the down rule's, so a node cannot be both.
    if (node.status.state !== 'ready' && connected && seen !== undefined && nowMs - seen < DISCONNECTED_PERIODS * heartbeatMs) {
      ready.push(node.id);
      commands.push(statusUpdate(node, at, readyStatus(node, nowMs, heartbeatMs)));
    }
  }

  // Damping: silence alone may take down at most a minority of the ready workers per window
  // (counting those it took down within the window); the longest silent go first.
  const evidenced = candidates.filter((c) => c.evidenced);
  const silentOnly = candidates.filter((c) => !c.evidenced).sort((a, b) => b.silentMs - a.silentMs);
  const allowed = Math.max(0, Math.floor((readyCount + recentlyDown) / 2) - recentlyDown - evidenced.length);
  const going = [...evidenced, ...silentOnly.slice(0, allowed)];
  for (const c of going) {
    down.push(c.node.id);
    commands.push(statusUpdate(c.node, at, downStatus(c.node, nowMs, c.message)));
  }
  for (const c of silentOnly.slice(allowed)) {
    held.push(c.node.id);
    wakeAt(nowMs + heartbeatMs);
  }
  return { commands, down, ready, held, nextCheckMs };
}

/** How far back nodes marked down count against the damping's "minority per window". */
export function dampingWindowMs(heartbeatMs: number): number {
  return SILENT_PERIODS * heartbeatMs;
}

/**
 * Workers, and managers that also run an agent (it reported a runtime): their tasks must move
 * when they die. A manager without an agent runs no tasks; its liveness is its Raft
 * reachability, which the control API shows.
 */
export function monitored(node: NodeObject): boolean {
  return node.role === 'worker' || (node.runtime ?? '') !== '';
}

function statusUpdate(node: NodeObject, at: string, status: NodeStatus): NodeUpdateCommand {
  return { type: 'node.update', at, id: node.id, expectedVersion: node.version, patch: { status } };
}

function downMessage(connected: boolean, silentMs: number, heartbeatMs: number, never: boolean): string {
  const period = `heartbeat every ${formatDuration(heartbeatMs)}`;
  const silence = never ? `no heartbeat since this manager became leader ${formatDuration(silentMs)} ago` : `no heartbeat for ${formatDuration(silentMs)}`;
  return `${connected ? '' : 'disconnected; '}${silence} (${period})`;
}
