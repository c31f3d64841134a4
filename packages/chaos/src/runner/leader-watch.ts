// Watches who leads during the run (every half second, through the probe): the failovers and
// the leaderless stretches for the report.

import type { ChaosLab } from '../lab/lab.js';

export interface LeaderChange {
  /** Milliseconds since the run started. */
  readonly atMs: number;
  /** null: no manager named a leader. */
  readonly leader: string | null;
  readonly term: number | null;
}

export class LeaderWatch {
  readonly changes: LeaderChange[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly lab: ChaosLab,
    private readonly startMs: number,
  ) {}

  start(everyMs = 500): void {
    this.timer = setInterval(() => void this.poll(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const l = await this.lab.leader(800);
      const last = this.changes.at(-1);
      const leader = l?.name ?? null;
      if (!last || last.leader !== leader || (l && last.term !== l.term)) this.changes.push({ atMs: Date.now() - this.startMs, leader, term: l?.term ?? null });
    } catch {
      /* the probe is gone: the run is ending */
    } finally {
      this.busy = false;
    }
  }

  /** Leader changes after the first leader was seen (a new leader or a new term). */
  get failovers(): number {
    const led = this.changes.filter((c) => c.leader !== null);
    return Math.max(0, led.length - 1);
  }

  /** The longest stretch in which no manager named a leader, in ms. */
  longestLeaderlessMs(endMs: number): number {
    let longest = 0;
    this.changes.forEach((c, i) => {
      if (c.leader !== null) return;
      const until = this.changes[i + 1]?.atMs ?? endMs;
      longest = Math.max(longest, until - c.atMs);
    });
    return longest;
  }
}
