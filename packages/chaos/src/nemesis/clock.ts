// Shifts one manager's clock (Date.now / new Date) by seconds to minutes, either way, through
// the clock shim it was started with; healing sets the offset back to 0.

import { setClockOffset } from '../lab/clock-shim.js';
import type { Nemesis } from './nemesis.js';

export const clock: Nemesis = async (ctx) => {
  const { lab, rng } = ctx;
  const victim = lab.managers.find((m) => m.clockFile);
  if (!victim?.clockFile) throw new Error('no manager was started with the clock shim (the lab needs clockVictim)');
  const offsetMs = (rng.chance(0.5) ? -1 : 1) * (rng.chance(0.5) ? rng.int(1_000, 30_000) : rng.int(30_000, 300_000));
  setClockOffset(victim.clockFile, offsetMs);
  const leader = await lab.leader();
  return {
    detail: { target: victim.name, offsetMs, wasLeader: leader?.name === victim.name },
    heal: async () => setClockOffset(victim.clockFile!, 0),
  };
};
