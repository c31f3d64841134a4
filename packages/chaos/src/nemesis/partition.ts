// Network partitions between managers, made of iptables DROP rules inside their namespaces:
// majority/minority halves, the leader cut off, a bridge node that sees two halves which do
// not see each other, and one-way loss between two managers.

import { leaderOrRandom, type Nemesis } from './nemesis.js';

const MODES = ['halves', 'isolate-leader', 'bridge', 'one-way'] as const;

export const partition: Nemesis = async (ctx) => {
  const { lab, rng } = ctx;
  const names = lab.managers.map((m) => m.name);
  const mode = rng.pick(MODES.filter((m) => m !== 'bridge' || names.length >= 3));
  const order = rng.shuffle(names);
  let detail: Record<string, unknown>;
  if (mode === 'halves') {
    const minority = order.slice(0, Math.floor(names.length / 2));
    const majority = order.slice(minority.length);
    for (const a of minority) for (const b of majority) lab.network.cut(a, b);
    detail = { mode, majority, minority };
  } else if (mode === 'isolate-leader') {
    const { name, wasLeader } = await leaderOrRandom(ctx);
    for (const b of names) if (b !== name) lab.network.cut(name, b);
    detail = { mode, isolated: name, wasLeader };
  } else if (mode === 'bridge') {
    const [bridge, ...rest] = order;
    const left = rest.slice(0, Math.ceil(rest.length / 2));
    const right = rest.slice(left.length);
    for (const a of left) for (const b of right) lab.network.cut(a, b);
    detail = { mode, bridge, left, right };
  } else {
    const [from, to] = order;
    lab.network.dropOneWay(from!, to!);
    detail = { mode, from, to };
  }
  return {
    detail,
    heal: async () => lab.network.heal(),
  };
};
