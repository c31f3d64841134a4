// PLANTED BUGS — a self-test of the chaos harness ONLY, never for a real cluster.
//
// `npm run chaos -- --plant-bug B` starts the managers with SHOAL_UNSAFE_PLANTED_BUG=B to show
// that the history checker catches a real safety bug of each class:
//   follower-local-reads  a follower serves linearizable reads from its own state, skipping
//                         the ReadIndex round (stale reads, e.g. on a partitioned follower);
//   ack-before-commit     the leader answers a service create/update as soon as the entry is
//                         in its own log, before a quorum has it (acknowledged writes lost
//                         when that leader dies or is cut off; reads that miss acked writes).
// Unset (the default), nothing here changes anything.

import type { Logger } from 'pino';

export const PLANTED_BUG_ENV = 'SHOAL_UNSAFE_PLANTED_BUG';
export const PLANTED_BUGS = ['follower-local-reads', 'ack-before-commit'] as const;
export type PlantedBug = (typeof PLANTED_BUGS)[number];

let cached: { readonly value: PlantedBug | undefined } | undefined;

/** The planted bug this process runs with (read once); throws on a value that names none. */
export function plantedBug(): PlantedBug | undefined {
  if (cached) return cached.value;
  const raw = process.env[PLANTED_BUG_ENV];
  if (raw === undefined || raw === '') {
    cached = { value: undefined };
    return undefined;
  }
  const known = PLANTED_BUGS.find((b) => b === raw);
  if (!known) {
    throw new Error(
      `${PLANTED_BUG_ENV}=${JSON.stringify(raw)} names no planted bug; it must be one of ${PLANTED_BUGS.join(', ')} ` +
        `(a chaos-harness self-test only), or unset for a correct manager`,
    );
  }
  cached = { value: known };
  return known;
}

/** At start: refuses an unknown value, and says very loudly that a planted bug is active. */
export function warnIfPlantedBug(logger: Logger): void {
  const bug = plantedBug();
  if (!bug) return;
  const warning = `UNSAFE: this manager runs with the planted bug "${bug}" (${PLANTED_BUG_ENV}); it breaks linearizability on purpose, for the chaos harness's self-test only. Never use it for a real cluster.`;
  logger.warn({ plantedBug: bug }, warning);
  process.stderr.write(`\n*** ${warning} ***\n\n`);
}
