// Raft membership decisions, pure: which learner to promote, and which managers' node objects
// disagree with the real Raft configuration. promotion-loop.ts reads Raft's status and runs
// them; keeping the rules here makes each a test on plain values.

import type { ConfState, ProgressStatus, RaftStatus } from '@shoal/raft';
import type { NodeObject, NodeUpdateCommand } from '@shoal/store';

/** A learner whose log has reached the leader's commit index, if any: one change at a time. */
export function learnerToPromote(status: Pick<RaftStatus, 'commit' | 'progress'>): ProgressStatus | undefined {
  return status.progress.find((p) => p.learner && p.match >= status.commit);
}

/**
 * node.update commands that make the store's raftRole match the Raft configuration (after
 * --force-new-cluster the store still lists the old managers as voters). A manager no longer
 * in the group is also marked down.
 */
export function membershipCorrections(nodes: readonly NodeObject[], conf: ConfState, at: string): NodeUpdateCommand[] {
  const commands: NodeUpdateCommand[] = [];
  for (const n of nodes) {
    if (n.role !== 'manager' || n.raftRole === undefined) continue;
    const actual = conf.voters.includes(n.id) ? 'voter' : conf.learners.includes(n.id) ? 'learner' : null;
    if (actual === n.raftRole) continue;
    commands.push({
      type: 'node.update',
      at,
      id: n.id,
      patch: actual === null ? { raftRole: null, status: { state: 'down', message: 'no longer part of the Raft group' } } : { raftRole: actual },
    });
  }
  return commands;
}
