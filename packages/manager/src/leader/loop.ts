// The shape every leader duty's loop shares (SwarmKit's Run/Stop): subscribe to the store
// and plan from a consistent view in one step, mark the loop dirty when a relevant event
// arrives, coalesce a burst of events into one plan (setImmediate), propose at most one command
// at a time, and plan again when it has been applied. Everything the loop knows is re-derived
// from the store on each plan, so a new leader starts from scratch and loses nothing.
//
// A proposal that fails because leadership or quorum is gone (NOT_LEADER, NO_QUORUM, TIMEOUT,
// STOPPED) is not an error: the loop waits for the next change, or retries after RETRY_MS.

import type { Command, StoreEvent, StoreView } from '@shoal/store';
import { proposeCommand, type ManagerContext } from '../context.js';
import { asManagerError } from '../errors.js';
import { systemClock, type LoopClock } from './clock.js';

/** After a failed proposal (or one whose items were skipped), plan again this much later... */
export const RETRY_MS = 1_000;
/** ...doubling while it keeps failing, up to this. */
export const MAX_RETRY_MS = 30_000;

/** How often a new leader checks whether it has applied everything committed. */
const CATCH_UP_MS = 20;

const TRANSIENT = new Set(['NOT_LEADER', 'NO_QUORUM', 'TIMEOUT', 'STOPPED']);

export interface LoopPlan {
  /** Proposed in order, one at a time; the loop plans again after each (state moved on). */
  readonly commands: readonly Command[];
  /** Plan again at this time (ms) even if nothing changes. */
  readonly nextWakeMs?: number | undefined;
}

/**
 * What a duty brings to the shared loop: its planner and when to run it. A duty is this
 * configuration, not a subclass.
 */
export interface LoopDuty {
  /** For logs: "orchestrator", "scheduler", ... */
  readonly name: string;
  /** Whether a store event can change the plan. */
  wants(e: StoreEvent): boolean;
  /** Plans from the live store; runs synchronously, so the view is consistent. */
  plan(view: StoreView, nowMs: number): LoopPlan;
  /** Plan at least this often (for inputs that are not in the store, like heartbeats). */
  readonly pollMs?: () => number;
  /** Plan at most this often (the reaper is in no hurry). */
  readonly minIntervalMs?: number;
}

export class ControlLoop {
  private running = false;
  private dirty = false;
  private scheduled = false;
  private inFlight = false;
  private unsubscribe: (() => void) | undefined;
  private cancelWake: (() => void) | undefined;
  private cancelPoll: (() => void) | undefined;
  private lastPlanMs = -Infinity;
  private setbacks = 0;
  /** Plans made and commands proposed: for tests and debugging. */
  readonly stats = { plans: 0, proposals: 0, failures: 0 };

  constructor(
    private readonly ctx: ManagerContext,
    private readonly o: LoopDuty,
    private readonly clock: LoopClock = systemClock,
  ) {}

  run(): void {
    if (this.running) return;
    this.running = true;
    // Subscribe and read in one step: every change after the first plan's view marks us dirty.
    const { unsubscribe } = this.ctx.store.viewAndWatch(
      () => undefined,
      (e) => {
        if (this.o.wants(e)) this.poke();
      },
    );
    this.unsubscribe = unsubscribe;
    this.schedulePoll();
    this.poke();
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.cancelWake?.();
    this.cancelPoll?.();
    this.cancelWake = this.cancelPoll = undefined;
  }

  /** Something changed: plan again soon (coalesced). */
  poke(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (!this.running || this.scheduled || this.inFlight || !this.dirty) return;
    this.scheduled = true;
    const wait = (this.o.minIntervalMs ?? 0) - (this.clock.now() - this.lastPlanMs);
    if (wait > 0) {
      this.clock.after(wait, () => this.tick());
    } else {
      // Not a wait: a turn of the event loop, so a burst of events becomes one plan.
      setImmediate(() => this.tick());
    }
  }

  private schedulePoll(): void {
    if (!this.o.pollMs || !this.running) return;
    this.cancelPoll = this.clock.after(this.o.pollMs(), () => {
      this.poke();
      this.schedulePoll();
    });
  }

  private wakeAt(atMs: number | undefined): void {
    this.cancelWake?.();
    this.cancelWake = undefined;
    if (atMs === undefined || !this.running) return;
    this.cancelWake = this.clock.after(Math.max(0, atMs - this.clock.now()) + 1, () => this.poke());
  }

  private tick(): void {
    this.scheduled = false;
    if (!this.running || this.inFlight || !this.dirty) return;
    if (!this.ctx.host.isLeader) return; // the manager stops us; until then, wait for changes
    if (!this.ctx.host.isCurrentLeader()) {
      // A new leader may not have applied everything committed before its election yet; a plan
      // from that view would recreate tasks that already exist. Look again shortly.
      this.wakeAt(this.clock.now() + CATCH_UP_MS);
      return;
    }
    this.dirty = false;
    const now = this.clock.now();
    this.lastPlanMs = now;
    let plan: LoopPlan;
    const planStarted = performance.now();
    try {
      plan = this.o.plan(this.ctx.store, now);
    } catch (e) {
      this.ctx.logger.error({ controller: this.o.name, err: (e as Error).message }, 'planning failed');
      this.retryLater();
      return;
    }
    this.stats.plans++;
    this.wakeAt(plan.nextWakeMs);
    const [cmd] = plan.commands;
    if (!cmd) return;
    this.inFlight = true;
    this.stats.proposals++;
    const proposed = performance.now();
    proposeCommand(this.ctx, cmd)
      .then((value) => {
        this.ctx.logger.debug(
          {
            controller: this.o.name,
            command: cmd.type,
            items: itemsOf(cmd),
            planMs: round(proposed - planStarted),
            commitMs: round(performance.now() - proposed),
          },
          'applied a plan',
        );
        const failed = (value as { failed?: readonly { id: string; code: string; message: string }[] } | undefined)?.failed ?? [];
        if (failed.length > 0) {
          // Someone changed those tasks meanwhile (their events mark us dirty), or the plan
          // disagreed with the store: look again a little later either way.
          this.ctx.logger.debug({ controller: this.o.name, failed: failed.length, first: failed[0]?.message }, 'some task changes were skipped');
          this.retryLater();
        } else {
          this.setbacks = 0;
        }
        if (plan.commands.length > 1) this.dirty = true; // the rest of the plan
      })
      .catch((e: unknown) => {
        const err = asManagerError(e);
        this.stats.failures++;
        if (!TRANSIENT.has(err.code)) this.ctx.logger.warn({ controller: this.o.name, code: err.code, err: err.message }, 'proposal failed');
        this.retryLater();
      })
      .finally(() => {
        this.inFlight = false;
        this.schedule();
      });
  }

  private retryLater(): void {
    this.setbacks++;
    this.wakeAt(this.clock.now() + Math.min(RETRY_MS * 2 ** (this.setbacks - 1), MAX_RETRY_MS));
  }

  /** Nothing scheduled, in flight or waiting to be planned (tests). */
  get idle(): boolean {
    return !this.scheduled && !this.inFlight && !this.dirty;
  }
}

/** How many objects a command touches, for the debug log. */
function itemsOf(cmd: Command): number {
  return cmd.type === 'tasks.apply' ? cmd.creates.length + cmd.updates.length + cmd.removes.length : 1;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
