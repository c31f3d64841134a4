// The clock nemesis without libfaketime: a preload module (`node --import`) for one manager
// that shifts Date.now() and `new Date()` by a number of milliseconds read from the file named
// by SHOAL_CHAOS_CLOCK_FILE, re-read every 100 ms, so the offset changes while it runs.
// Timers and performance.now() keep the real monotonic clock, as they would under a stepped
// system clock.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CLOCK_FILE_ENV = 'SHOAL_CHAOS_CLOCK_FILE';

const SHIM = `// Written by the chaos lab (packages/chaos/src/lab/clock-shim.ts): shifts Date by the offset in $${CLOCK_FILE_ENV}.
import { readFileSync } from 'node:fs';

const file = process.env.${CLOCK_FILE_ENV};
if (file) {
  const RealDate = Date;
  const realNow = Date.now.bind(Date);
  let offset = 0;
  const reread = () => {
    try {
      const v = Number(readFileSync(file, 'utf8').trim());
      offset = Number.isFinite(v) ? v : 0;
    } catch {
      offset = 0;
    }
  };
  reread();
  setInterval(reread, 100).unref();
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + offset);
      else super(...args);
    }
    static now() {
      return realNow() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}
`;

/** Writes the shim into `dir`; returns its path (for `node --import`). */
export function writeClockShim(dir: string): string {
  const file = join(dir, 'clock-shim.mjs');
  writeFileSync(file, SHIM);
  return file;
}

/** Sets the offset a shimmed manager sees (0 = the real time). */
export function setClockOffset(clockFile: string, offsetMs: number): void {
  writeFileSync(clockFile, `${Math.round(offsetMs)}\n`);
}
