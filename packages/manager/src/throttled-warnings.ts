// Warnings about something a peer keeps doing with every message it sends (a manager of another
// cluster incarnation, a manager removed from the Raft group): logged the first time, then at
// most once per interval for each key, with how many were left out meanwhile, so that one
// misconfigured peer cannot flood the log while it is being dealt with.

import type { Logger } from 'pino';

export class ThrottledWarnings {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly intervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs `msg` for `key` unless it was logged less than the interval ago. */
  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    const t = this.now();
    const seen = this.last.get(key);
    if (seen && t - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    this.logger.warn({ ...fields, ...(seen?.suppressed ? { alsoDroppedSinceLastWarning: seen.suppressed } : {}) }, msg);
    this.last.set(key, { at: t, suppressed: 0 });
  }
}
