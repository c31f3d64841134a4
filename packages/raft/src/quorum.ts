// The quorum rule lives here and nowhere else.
//
// A quorum is a strict majority of voters: floor(N/2)+1. For the odd sizes shoal recommends
// (3, 5, 7) that equals floor((N+1)/2), the formula often quoted for Swarm. For even N the
// two differ: floor((N+1)/2) = N/2 would let each half of a 4-node cluster elect its own
// leader, so the strict majority is the only rule used. Two majorities of the same voter set
// always share a node, which is what makes one leader per term possible.

import type { NodeId } from './types.js';

export function quorumSize(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

export enum VoteResult {
  /** Neither enough yes nor enough no votes yet. */
  Pending = 'pending',
  Won = 'won',
  Lost = 'lost',
}

export class MajorityConfig {
  readonly voters: ReadonlySet<NodeId>;

  constructor(voters: Iterable<NodeId>) {
    this.voters = new Set(voters);
  }

  get size(): number {
    return this.voters.size;
  }

  has(id: NodeId): boolean {
    return this.voters.has(id);
  }

  /**
   * The highest index a majority of voters has acknowledged: sort the acked indexes of the
   * voters descending and take the one at position quorum-1. Voters with no ack count as 0.
   */
  committedIndex(acked: (id: NodeId) => number | undefined): number {
    if (this.voters.size === 0) return 0;
    const indexes: number[] = [];
    for (const id of this.voters) indexes.push(acked(id) ?? 0);
    indexes.sort((a, b) => b - a);
    return indexes[quorumSize(indexes.length) - 1] ?? 0;
  }

  /** Counts votes of voters only; a vote from outside the configuration is ignored. */
  voteResult(votes: ReadonlyMap<NodeId, boolean>): VoteResult {
    if (this.voters.size === 0) return VoteResult.Won;
    let yes = 0;
    let no = 0;
    for (const id of this.voters) {
      const v = votes.get(id);
      if (v === true) yes++;
      else if (v === false) no++;
    }
    const q = quorumSize(this.voters.size);
    if (yes >= q) return VoteResult.Won;
    if (this.voters.size - no < q) return VoteResult.Lost;
    return VoteResult.Pending;
  }

  /** True when the voters for which `active` holds form a majority. */
  isActive(active: (id: NodeId) => boolean): boolean {
    let n = 0;
    for (const id of this.voters) if (active(id)) n++;
    return n >= quorumSize(this.voters.size);
  }
}
