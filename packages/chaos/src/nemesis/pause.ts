// SIGSTOP the leader until another manager is elected, then SIGCONT it: a leader that wakes
// up believing it still leads.

import { waitUntil } from '../lab/lab.js';
import { leaderOrRandom, type Nemesis } from './nemesis.js';

export const pause: Nemesis = async (ctx) => {
  const { lab } = ctx;
  const { name, wasLeader } = await leaderOrRandom(ctx);
  const pausedAt = Date.now();
  lab.pause(name, true);
  let successor: string | undefined;
  try {
    await waitUntil(
      `a leader other than the paused ${name}`,
      async () => {
        const l = await lab.leader();
        successor = l && l.name !== name ? l.name : undefined;
        return successor !== undefined;
      },
      20_000,
    );
  } catch {
    successor = undefined; // resumed anyway below; the log says no successor was seen
  }
  return {
    detail: { target: name, wasLeader, successor: successor ?? null, electedAfterMs: successor ? Date.now() - pausedAt : null },
    holdMs: 0, // resume as soon as the successor leads
    heal: async () => lab.pause(name, false),
  };
};
