// Picks the backend for a new connection on one published port: the one with the fewest
// connections this node has open to it, and between equals the next in turn after the last
// pick (round robin), so a burst of short requests still spreads over every task while a
// task holding long connections gets fewer new ones.

export interface Candidate {
  readonly taskId: string;
}

export class LeastConnections {
  /** Connections this node holds (or is opening) per task on this port. */
  private readonly open = new Map<string, number>();
  /** Where the round robin between equals resumes: the task after the last pick. */
  private cursor = 0;

  /**
   * The backend to try next among those not yet tried for this connection, or undefined when
   * every backend was tried. The caller must `release` what `acquire` counted.
   */
  pick<B extends Candidate>(backends: readonly B[], tried: ReadonlySet<string>): B | undefined {
    const n = backends.length;
    let best: B | undefined;
    let bestIndex = -1;
    let bestOpen = Infinity;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      const b = backends[i]!;
      if (tried.has(b.taskId)) continue;
      const open = this.open.get(b.taskId) ?? 0;
      if (open < bestOpen) {
        best = b;
        bestIndex = i;
        bestOpen = open;
      }
    }
    if (best) this.cursor = (bestIndex + 1) % n;
    return best;
  }

  acquire(taskId: string): void {
    this.open.set(taskId, (this.open.get(taskId) ?? 0) + 1);
  }

  release(taskId: string): void {
    const left = (this.open.get(taskId) ?? 0) - 1;
    if (left > 0) this.open.set(taskId, left);
    else this.open.delete(taskId);
  }

  openTo(taskId: string): number {
    return this.open.get(taskId) ?? 0;
  }
}
