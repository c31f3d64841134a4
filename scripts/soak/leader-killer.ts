// Kills the leader every so often — SIGKILL, a crash with no goodbye — and restarts that
// manager on its data directory once another manager leads, as an operator (or systemd) would.

import type { LocalCluster } from '../lib/cluster.js';
import { sleepWhile } from './sampler.js';

export interface LeaderKill {
  readonly manager: string;
  /** Seconds since the soak started. */
  readonly killedAt: number;
  /** When another manager was seen leading (by a stale ClusterInfo read). */
  readonly newLeaderSeenAt: number | undefined;
  readonly newLeader: string | undefined;
  /** When the killed manager answered again after its restart. */
  readonly restartedAt: number | undefined;
  readonly error?: string;
}

export class LeaderKiller {
  readonly kills: LeaderKill[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly cluster: LocalCluster,
    private readonly startedAt: number,
    private readonly everyMs: number,
    private readonly log: (line: string) => void,
  ) {}

  private now(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      // Half a period in first, so that each period (each minute by default) holds one kill.
      let wait = this.everyMs / 2;
      for (;;) {
        const begun = performance.now();
        await sleepWhile(() => this.running, wait);
        if (!this.running) return;
        await this.killOnce();
        wait = Math.max(0, this.everyMs - (performance.now() - begun - wait));
      }
    })();
  }

  /** Stops killing; a kill under way finishes (its manager is restarted) first. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async killOnce(): Promise<void> {
    let leaderName: string;
    try {
      leaderName = (await this.cluster.waitForLeader(undefined, 20_000)).name;
    } catch (e) {
      this.log(`no leader to kill: ${(e as Error).message}`);
      return;
    }
    const leader = this.cluster.manager(leaderName);
    const killedAt = this.now();
    await this.cluster.kill(leaderName, 'SIGKILL');
    this.log(`killed the leader ${leaderName} (-9) at ${killedAt.toFixed(1)} s`);
    let newLeader: string | undefined;
    let newLeaderSeenAt: number | undefined;
    let restartedAt: number | undefined;
    let error: string | undefined;
    try {
      newLeader = (await this.cluster.waitForLeader(leader.nodeId, 30_000)).name;
      newLeaderSeenAt = this.now();
    } catch (e) {
      error = `no new leader: ${(e as Error).message}`;
    }
    try {
      await this.cluster.start(leaderName);
      restartedAt = this.now();
      this.log(`restarted ${leaderName} at ${restartedAt.toFixed(1)} s (new leader ${newLeader ?? 'none'})`);
    } catch (e) {
      error = `${error ? `${error}; ` : ''}restart of ${leaderName} failed: ${(e as Error).message}`;
      this.log(error);
    }
    this.kills.push({ manager: leaderName, killedAt, newLeaderSeenAt, newLeader, restartedAt, ...(error ? { error } : {}) });
  }
}
