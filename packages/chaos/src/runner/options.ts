// What a chaos run is asked to do, and the command that replays it.

import { NEMESIS_KINDS, type NemesisKind } from '../nemesis/nemesis.js';

export const PLANTED_BUGS = ['follower-local-reads', 'ack-before-commit'] as const;
export type PlantedBug = (typeof PLANTED_BUGS)[number];

export interface ChaosOptions {
  /** Seconds of workload under the nemesis. */
  readonly timeS: number;
  readonly nemesis: readonly NemesisKind[];
  readonly managers: number;
  readonly workers: number;
  readonly clients: number;
  readonly keys: number;
  readonly seed: number;
  readonly plantBug?: PlantedBug;
  /** chaos-results: one directory per run under it. */
  readonly resultsDir: string;
}

export function parseNemesisList(v: string): NemesisKind[] {
  const kinds = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (kinds.length === 0) throw new Error(`--nemesis needs at least one of ${NEMESIS_KINDS.join(', ')}`);
  for (const k of kinds)
    if (!(NEMESIS_KINDS as readonly string[]).includes(k)) throw new Error(`--nemesis: unknown nemesis "${k}" (known: ${NEMESIS_KINDS.join(', ')})`);
  return [...new Set(kinds)] as NemesisKind[];
}

/** The exact command that runs the same schedule again. */
export function replayCommand(o: ChaosOptions): string {
  return [
    'npm run chaos --',
    `--time ${o.timeS}`,
    `--nemesis ${o.nemesis.join(',')}`,
    `--managers ${o.managers}`,
    `--workers ${o.workers}`,
    `--clients ${o.clients}`,
    `--keys ${o.keys}`,
    `--seed ${o.seed}`,
    ...(o.plantBug ? [`--plant-bug ${o.plantBug}`] : []),
  ].join(' ');
}
