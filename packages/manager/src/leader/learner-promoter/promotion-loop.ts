// Leader-only: turns a joining manager into a voter once it has caught up.
//
// A new manager joins Raft as a learner so that, while it downloads the snapshot and the log,
// it does not count toward the quorum (adding an empty voter to a 3-node cluster would make
// every write wait for it). Once its log reaches the leader's commit index it is promoted.
// Also keeps the store's view of Raft membership in line with the real one (after
// --force-new-cluster the store still lists the old managers as voters).

import { ConfChangeType } from '@shoal/raft';
import { encodeConfChangeContext } from '../../conf-change-context.js';
import type { ManagerContext } from '../../context.js';
import { nowIso, proposeCommand } from '../../context.js';
import { asManagerError } from '../../errors.js';

const CHECK_EVERY_MS = 100;

export class LearnerPromoter {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly ctx: ManagerContext) {}

  run(): void {
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    if (this.busy || !this.ctx.host.isLeader) return;
    this.busy = true;
    try {
      await this.promoteCaughtUpLearners();
      await this.reconcileStoreMembership();
    } catch (e) {
      const err = asManagerError(e);
      // Another change pending or a leadership change: try again on the next round.
      if (!['FAILED_PRECONDITION', 'NOT_LEADER', 'NO_QUORUM', 'TIMEOUT', 'STOPPED'].includes(err.code)) {
        this.ctx.logger.warn({ err: err.message }, 'learner promotion failed');
      }
    } finally {
      this.busy = false;
    }
  }

  private async promoteCaughtUpLearners(): Promise<void> {
    const status = this.ctx.host.status();
    for (const p of status.progress) {
      if (!p.learner || p.match < status.commit) continue;
      this.ctx.logger.info({ nodeId: p.id, match: p.match }, 'promoting a caught-up manager to voter');
      await this.ctx.host.proposeConfChange({ type: ConfChangeType.AddVoter, nodeId: p.id, context: encodeConfChangeContext({ at: nowIso() }) });
      return; // one membership change at a time
    }
  }

  private async reconcileStoreMembership(): Promise<void> {
    const conf = this.ctx.host.confState();
    for (const n of this.ctx.store.nodes()) {
      if (n.role !== 'manager' || n.raftRole === undefined) continue;
      const actual = conf.voters.includes(n.id) ? 'voter' : conf.learners.includes(n.id) ? 'learner' : null;
      if (actual === n.raftRole) continue;
      await proposeCommand(this.ctx, {
        type: 'node.update',
        at: nowIso(),
        id: n.id,
        patch: actual === null ? { raftRole: null, status: { state: 'down', message: 'no longer part of the Raft group' } } : { raftRole: actual },
      });
    }
  }
}
