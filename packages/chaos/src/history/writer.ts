// Appends a history as JSON lines, one event each. Every line is written synchronously (the file
// is opened once in append mode), so a crash or process.exit() never loses an acknowledged line.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HistoryEvent, OpFunction } from './event.js';

export type EventValue = HistoryEvent['value'];

export interface HistoryWriterOptions {
  /**
   * The start instant, as process.hrtime.bigint() read at the run's start. Pass the same value to
   * every writer of one run (CLOCK_MONOTONIC is shared by the processes of one machine).
   * Default: now.
   */
  readonly startNs?: bigint;
}

/** Optional fields of one event. */
export interface EventExtras {
  readonly stale?: boolean;
  readonly note?: string;
}

export class HistoryWriter {
  readonly path: string;
  readonly startNs: bigint;
  private fd: number | undefined;
  private lines = 0;

  constructor(path: string, options: HistoryWriterOptions = {}) {
    this.path = path;
    this.startNs = options.startNs ?? process.hrtime.bigint();
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  /** Nanoseconds since the start instant. */
  now(): number {
    return Number(process.hrtime.bigint() - this.startNs);
  }

  /** How many events this writer appended. */
  get written(): number {
    return this.lines;
  }

  /** Appends one event (time filled in with now() when absent). */
  append(event: Omit<HistoryEvent, 'time'> & { time?: number }): HistoryEvent {
    if (this.fd === undefined) throw new Error(`history ${this.path} is closed: append before close()`);
    const full: HistoryEvent = { ...event, time: event.time ?? this.now() };
    writeSync(this.fd, JSON.stringify(full) + '\n');
    this.lines++;
    return full;
  }

  invoke(process: number, f: OpFunction, key: string, value: EventValue = null, extras: EventExtras = {}): HistoryEvent {
    return this.append({ process, type: 'invoke', f, key, value, ...extras });
  }

  /** The operation took effect; a read passes the value it read. */
  ok(process: number, f: OpFunction, key: string, value: EventValue, extras: EventExtras = {}): HistoryEvent {
    return this.append({ process, type: 'ok', f, key, value, ...extras });
  }

  /** The operation certainly did not take effect. */
  fail(process: number, f: OpFunction, key: string, value: EventValue, extras: EventExtras = {}): HistoryEvent {
    return this.append({ process, type: 'fail', f, key, value, ...extras });
  }

  /** The outcome is unknown (timeout, connection lost after sending): the process must not be reused. */
  info(process: number, f: OpFunction, key: string, value: EventValue, extras: EventExtras = {}): HistoryEvent {
    return this.append({ process, type: 'info', f, key, value, ...extras });
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
