// Leader-only: turns a joining manager into a voter once it has caught up.
//
// A new manager joins Raft as a learner so that, while it downloads the snapshot and the log,
// it does not count toward the quorum (adding an empty voter to a 3-node cluster would make
// every write wait for it). Once its log reaches the leader's commit index it is promoted.
// Also keeps the store's view of Raft membership in line with the real one (after
// --force-new-cluster the store still lists the old managers as voters). promotion-plan.ts
// decides both; this loop reads Raft's status for it and proposes the changes. Not a
// ControlLoop: its input is Raft progress, which no store event announces, so it polls.

import { ConfChangeType } from '@shoal/raft';
import { encodeConfChangeContext } from '../../conf-change-context.js';
import type { ManagerContext } from '../../context.js';
import { nowIso, proposeCommand } from '../../context.js';
import { asManagerError } from '../../errors.js';
import { learnerToPromote, membershipCorrections } from './promotion-plan.js';

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
      await this.promoteCaughtUpLearner();
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

  private async promoteCaughtUpLearner(): Promise<void> {
    const p = learnerToPromote(this.ctx.host.status());
    if (!p) return;
    this.ctx.logger.info({ nodeId: p.id, match: p.match }, 'promoting a caught-up manager to voter');
    await this.ctx.host.proposeConfChange({ type: ConfChangeType.AddVoter, nodeId: p.id, context: encodeConfChangeContext({ at: nowIso() }) });
  }

  private async reconcileStoreMembership(): Promise<void> {
    for (const cmd of membershipCorrections(this.ctx.store.nodes(), this.ctx.host.confState(), nowIso())) {
      await proposeCommand(this.ctx, cmd);
    }
  }
}
