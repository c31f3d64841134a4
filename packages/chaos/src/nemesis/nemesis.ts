// What every nemesis is: a function that injects one fault into the lab and returns how to
// heal it. The schedule (schedule.ts) alternates faults with heal periods.

import type { ChaosLab } from '../lab/lab.js';
import type { NemesisLog } from './log.js';
import type { Rng } from './rng.js';

export const NEMESIS_KINDS = ['partition', 'kill', 'pause', 'netem', 'clock', 'disk'] as const;
export type NemesisKind = (typeof NEMESIS_KINDS)[number];

export interface NemesisContext {
  readonly lab: ChaosLab;
  readonly rng: Rng;
  readonly log: NemesisLog;
}

export interface Fault {
  /** What was done, for nemesis.jsonl (targets, mode, amounts). */
  readonly detail: Record<string, unknown>;
  /** How long to keep it before healing (default: the schedule's fault period). */
  readonly holdMs?: number;
  heal(): Promise<Record<string, unknown> | void>;
}

export type Nemesis = (ctx: NemesisContext) => Promise<Fault>;

/** The current leader's name, or a random manager when none is known (all cut off, electing). */
export async function leaderOrRandom(ctx: NemesisContext): Promise<{ name: string; wasLeader: boolean }> {
  const random = ctx.rng.pick(ctx.lab.managers.map((m) => m.name)); // drawn always: the schedule stays seed-stable
  const leader = await ctx.lab.leader();
  return leader ? { name: leader.name, wasLeader: true } : { name: random, wasLeader: false };
}

/** The leader with probability `p`, else a random manager. */
export async function oftenLeader(ctx: NemesisContext, p: number): Promise<{ name: string; wasLeader: boolean }> {
  const pickLeader = ctx.rng.chance(p);
  const random = ctx.rng.pick(ctx.lab.managers.map((m) => m.name)); // drawn always: the schedule stays seed-stable
  if (pickLeader) return leaderOrRandom(ctx);
  const leader = await ctx.lab.leader();
  return { name: random, wasLeader: leader?.name === random };
}
