// The learner promoter's decisions on plain values: a learner is promoted once its log reaches
// the commit index, one at a time; the store's raftRole follows the real Raft configuration.

import { ProgressState, type ProgressStatus } from '@shoal/raft';
import { describe, expect, it } from 'vitest';
import { learnerToPromote, membershipCorrections } from '../src/leader/learner-promoter/promotion-plan.js';
import { T0, TestCluster, idOf } from './test-cluster.js';

const progress = (id: string, match: number, learner: boolean): ProgressStatus => ({
  id,
  match,
  next: match + 1,
  state: ProgressState.Replicate,
  learner,
  recentActive: true,
});

describe('learnerToPromote', () => {
  it('picks the first learner that has caught up with the commit index, and no voter', () => {
    const status = { commit: 10, progress: [progress('v1', 10, false), progress('l1', 9, true), progress('l2', 10, true), progress('l3', 11, true)] };
    expect(learnerToPromote(status)?.id).toBe('l2');
  });

  it('none while every learner is behind', () => {
    expect(learnerToPromote({ commit: 10, progress: [progress('v1', 10, false), progress('l1', 9, true)] })).toBeUndefined();
  });
});

describe('membershipCorrections', () => {
  it("brings the store's raftRole in line with the Raft configuration; a manager gone from it is marked down", () => {
    const c = new TestCluster();
    c.addNode('m2', { role: 'manager', raftRole: 'learner' });
    c.addNode('m3', { role: 'manager', raftRole: 'voter' });
    c.addNode('w1');
    const at = new Date(T0).toISOString();
    const cmds = membershipCorrections(c.store.nodes(), { voters: [idOf('mgr1'), idOf('m2')], learners: [] }, at);
    expect(cmds).toEqual([
      { type: 'node.update', at, id: idOf('m2'), patch: { raftRole: 'voter' } },
      { type: 'node.update', at, id: idOf('m3'), patch: { raftRole: null, status: { state: 'down', message: 'no longer part of the Raft group' } } },
    ]);
  });
});
