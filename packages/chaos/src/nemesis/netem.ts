// Added latency and loss on one manager or on all of them: `tc netem` when the kernel has it,
// else iptables random drops plus a tbf throttle (nemesis.jsonl says which).

import type { Nemesis } from './nemesis.js';

export const netem: Nemesis = async (ctx) => {
  const { lab, rng } = ctx;
  const all = rng.chance(0.4);
  const targets = all ? lab.managers.map((m) => m.name) : [rng.pick(lab.managers.map((m) => m.name))];
  const delayMs = rng.int(50, 400);
  const lossPercent = rng.int(0, all ? 10 : 30);
  let mode = '';
  for (const t of targets) mode = lab.network.degrade(t, { delayMs, lossPercent });
  return {
    detail: { targets, delayMs, lossPercent, mode },
    heal: async () => lab.network.heal(),
  };
};
