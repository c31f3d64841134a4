// kill -9 a manager (the leader more often than not), then restart it on the same data dir.

import { oftenLeader, type Nemesis } from './nemesis.js';

export const kill: Nemesis = async (ctx) => {
  const { lab } = ctx;
  const { name, wasLeader } = await oftenLeader(ctx, 0.6);
  await lab.kill(name, 'SIGKILL');
  return {
    detail: { target: name, wasLeader },
    heal: async () => {
      lab.restartManager(name);
      await lab.waitServing(lab.node(name), 30_000);
      return { restarted: name };
    },
  };
};
