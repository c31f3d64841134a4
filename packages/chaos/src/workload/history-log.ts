// The workload's history file: one HistoryEvent per line, appended as each happens (so a run
// cut short still leaves every event up to that moment). Times are nanoseconds on one
// monotonic clock shared by every client of the run.
//
// A minimal writer of the shared shape (history/event.ts); the checker's HistoryWriter writes
// the same lines.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { HistoryEvent } from '../history/event.js';

export class HistoryLog {
  private readonly fd: number;
  private readonly start = process.hrtime.bigint();

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Nanoseconds since this log was opened. */
  now(): number {
    return Number(process.hrtime.bigint() - this.start);
  }

  append(event: Omit<HistoryEvent, 'time'>): HistoryEvent {
    const full = { ...event, time: this.now() } as HistoryEvent;
    writeSync(this.fd, JSON.stringify(full) + '\n');
    return full;
  }

  close(): void {
    closeSync(this.fd);
  }
}
