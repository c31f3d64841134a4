// A manager's Raft timings: the defaults, overridden by the cluster's settings (every manager
// of a cluster ticks alike), overridden in turn by the caller's options.

import type { ClusterObject } from '@shoal/store';
import { DEFAULT_TIMINGS, type RaftTimings } from './raft-host.js';

export function timingsFrom(settings: ClusterObject['settings'] | undefined, override?: Partial<RaftTimings>): RaftTimings {
  return {
    ...DEFAULT_TIMINGS,
    ...(settings
      ? {
          tickMs: settings.tickMs,
          heartbeatTicks: settings.heartbeatTicks,
          electionTicks: settings.electionTicks,
          snapshotEvery: settings.snapshotEvery,
        }
      : {}),
    ...override,
  };
}
