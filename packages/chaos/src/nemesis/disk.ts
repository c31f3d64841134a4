// Fills the tmpfs holding one manager's data directory, later frees it. The manager may stop
// serving writes (or exit) while it is full; it must come back without corruption: a manager
// that exited is restarted on its data directory at heal time and has to serve again.

import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { oftenLeader, type Nemesis } from './nemesis.js';

/** Writes zeros into `file` until the file system is full; returns the bytes written. */
function fillUp(file: string): number {
  const chunk = Buffer.alloc(1 << 20);
  const fd = openSync(file, 'w');
  let written = 0;
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw e;
      }
    }
    // The last partial megabyte: fill byte by byte in smaller pieces.
    for (const size of [65536, 4096, 512]) {
      try {
        for (;;) written += writeSync(fd, chunk.subarray(0, size));
      } catch {
        /* full at this size */
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

export const disk: Nemesis = async (ctx) => {
  const { lab } = ctx;
  const { name, wasLeader } = await oftenLeader(ctx, 0.5);
  const m = lab.node(name);
  if (!m.mount) throw new Error(`${name}'s data directory is not on a tmpfs (the lab needs tmpfsMb)`);
  const filler = join(m.mount, 'chaos-filler');
  const bytes = fillUp(filler);
  return {
    detail: { target: name, wasLeader, filledBytes: bytes },
    heal: async () => {
      rmSync(filler, { force: true });
      if (lab.isRunning(m)) return { freed: name, exited: false };
      lab.restartManager(name);
      await lab.waitServing(m, 30_000);
      return { freed: name, exited: true, restarted: true };
    },
  };
};
