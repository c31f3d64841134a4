// What a heartbeat says about task load (proto/dispatcher.proto TaskLoad), read into the
// TaskLoadBoard's samples: stamped with the leader's clock (agents' clocks may differ), with
// anything malformed left out rather than trusted.

import type { WireTaskLoad__Output } from '@shoal/wire';
import type { TaskLoadSample } from './task-load.js';

/** More than any node reports (its own tasks plus those its mesh counted): the rest is dropped. */
export const MAX_LOAD_SAMPLES_PER_HEARTBEAT = 20_000;

export function loadSamplesOf(nodeId: string, tasks: readonly WireTaskLoad__Output[], atMs: number): TaskLoadSample[] {
  const samples: TaskLoadSample[] = [];
  for (const t of tasks.slice(0, MAX_LOAD_SAMPLES_PER_HEARTBEAT)) {
    if (!t.taskId) continue;
    const cpu = Number(t.cpuPercent);
    samples.push({
      taskId: t.taskId,
      nodeId,
      // -1 (or anything negative or not a number) = the runtime could not say.
      cpuPercent: Number.isFinite(cpu) && cpu >= 0 ? cpu : null,
      openConnections: count(t.openConnections),
      totalConnections: count(t.totalConnections),
      bytesIn: count(t.bytesIn),
      bytesOut: count(t.bytesOut),
      connectErrors: count(t.connectErrors),
      atMs,
    });
  }
  return samples;
}

/** A uint64 arrives as a decimal string; a counter above 2^53 loses precision, not meaning. */
function count(v: number | string): number {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}
