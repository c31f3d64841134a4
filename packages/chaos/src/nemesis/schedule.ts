// The nemesis schedule: heal period, fault, heal period, fault… for the run's duration, each
// fault's kind, targets and durations drawn from the seeded Rng; at the end everything is
// healed (healAll), whatever state a fault or an error left.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setClockOffset } from '../lab/clock-shim.js';
import type { ChaosLab } from '../lab/lab.js';
import { clock } from './clock.js';
import { disk } from './disk.js';
import { kill } from './kill.js';
import type { Fault, Nemesis, NemesisContext, NemesisKind } from './nemesis.js';
import { netem } from './netem.js';
import { partition } from './partition.js';
import { pause } from './pause.js';

export const NEMESES: Record<NemesisKind, Nemesis> = { partition, kill, pause, netem, clock, disk };

export interface ScheduleOptions {
  readonly kinds: readonly NemesisKind[];
  readonly durationMs: number;
  /** How long a fault lasts, [min, max] ms. */
  readonly faultMs: readonly [number, number];
  /** How long the cluster is left alone between faults, [min, max] ms. */
  readonly healMs: readonly [number, number];
  readonly signal?: AbortSignal;
}

async function wait(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    /* aborted: the run is ending */
  }
}

/** Runs faults until `durationMs` has passed or `signal` aborts; always ends healed. */
export async function runSchedule(ctx: NemesisContext, o: ScheduleOptions): Promise<void> {
  const end = Date.now() + o.durationMs;
  const { rng, log } = ctx;
  try {
    for (;;) {
      const healFor = rng.int(o.healMs[0], o.healMs[1]);
      const kind = rng.pick(o.kinds);
      const faultFor = rng.int(o.faultMs[0], o.faultMs[1]);
      await wait(Math.min(healFor, Math.max(0, end - Date.now())), o.signal);
      if (o.signal?.aborted || Date.now() + o.faultMs[0] > end) break;
      let fault: Fault | undefined;
      try {
        fault = await NEMESES[kind](ctx);
        log.write({ phase: 'inject', kind, ...fault.detail });
      } catch (e) {
        log.write({ phase: 'error', kind, error: (e as Error).message });
        await healAll(ctx.lab, ctx);
        continue;
      }
      await wait(Math.min(fault.holdMs ?? faultFor, Math.max(0, end - Date.now())), o.signal);
      try {
        const result = await fault.heal();
        log.write({ phase: 'heal', kind, ...(result ?? {}) });
      } catch (e) {
        log.write({ phase: 'error', kind, error: `heal: ${(e as Error).message}` });
      }
    }
  } finally {
    await healAll(ctx.lab, ctx);
  }
}

/**
 * Undoes every fault there can be: network rules and qdiscs, paused processes, the clock
 * offset, disk fillers, and managers that are not running (restarted on their data dirs).
 */
export async function healAll(lab: ChaosLab, ctx?: NemesisContext): Promise<void> {
  lab.network.heal();
  const restarted: string[] = [];
  for (const m of lab.managers) {
    if (m.paused) lab.pause(m.name, false);
    if (m.clockFile) setClockOffset(m.clockFile, 0);
    if (m.mount) rmSync(join(m.mount, 'chaos-filler'), { force: true });
    if (!lab.isRunning(m)) {
      lab.restartManager(m.name);
      restarted.push(m.name);
    }
  }
  for (const name of restarted) {
    try {
      await lab.waitServing(lab.node(name), 30_000);
    } catch (e) {
      ctx?.log.write({ phase: 'error', kind: 'heal-all', error: (e as Error).message });
    }
  }
  ctx?.log.write({ phase: 'heal', kind: 'all', restarted });
}
