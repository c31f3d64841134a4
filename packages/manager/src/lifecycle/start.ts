// `shoal manager start`: resumes from the data directory as it was left.

import { readNodeConfig, secureManagerDataDir } from '../data-dir.js';
import { openData } from './open-data.js';
import type { StartOptions } from './options.js';
import type { ReadyState } from './ready-state.js';

export async function resumeFromDataDir(o: StartOptions): Promise<ReadyState> {
  const repaired = secureManagerDataDir(o.data);
  let cfg = readNodeConfig(o.data);
  if (o.listen && o.listen !== cfg.listen) cfg = { ...cfg, listen: o.listen };
  if (o.metrics !== undefined) cfg = { ...cfg, metrics: o.metrics };
  const { tls, storage, dataKey, logger } = await openData(o, cfg);
  return { cfg, tls, storage, options: { ...o, logger }, campaign: false, repaired, ...(dataKey ? { dataKey } : {}) };
}
