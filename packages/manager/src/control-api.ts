// The control API (proto/control.proto, service Control): what the `shoal` CLI calls.
//
// Only holders of an admin or manager certificate from the cluster CA get in. Reads wait for a
// ReadIndex barrier unless the caller asked for a stale read; writes are proposed to Raft and
// answered once applied, or fail with NOT_LEADER (and the leader's address) / NO_QUORUM.

import { caDigest, formatJoinToken, newTokenSecret, newUnlockKey } from '@shoal/identity';
import { ConfChangeType, quorumSize, type NodeId } from '@shoal/raft';
import { NODE_AVAILABILITIES, type NodeAvailability, type NodeObject } from '@shoal/store';
import type {
  ClusterInfoResponse,
  ControlHandlers,
  JoinTokenRequest__Output,
  UnlockKeyRequest__Output,
  UpdateClusterRequest__Output,
  ManagerInfo,
  WireNode,
} from '@shoal/wire';
import { nowIso, prepareWrite, proposeCommand, readView, toWireNode, type ManagerContext } from './context.js';
import { encodeConfChangeContext } from './conf-change-context.js';
import { controlCall } from './control-call.js';
import { ManagerError, asManagerError } from './errors.js';
import { checkCertExpiry, warnIfShortCertExpiry } from './ca-service.js';
import { storeDigest } from './store-digest.js';

/** A node availability from a request ('' = leave it as it is). */
function availabilityOf(value: string): NodeAvailability | undefined {
  if (value === '') return undefined;
  const known = NODE_AVAILABILITIES.find((a) => a === value);
  if (!known)
    throw new ManagerError('INVALID_ARGUMENT', `availability must be one of ${NODE_AVAILABILITIES.join(', ')} (got ${JSON.stringify(value.slice(0, 64))})`);
  return known;
}

function findNode(ctx: ManagerContext, ref: string): NodeObject {
  if (!ref) throw new ManagerError('INVALID_ARGUMENT', 'which node? give an id, a unique id prefix or a name');
  try {
    return ctx.store.findNode(ref);
  } catch (e) {
    throw asManagerError(e);
  }
}

/** The leader once one other than this manager is known (after a handover), or undefined after `timeoutMs`. */
function otherLeader(ctx: ManagerContext, timeoutMs: number): Promise<NodeId | undefined> {
  const known = ctx.host.leaderId;
  if (known && known !== ctx.nodeId) return Promise.resolve(known);
  return new Promise((resolve) => {
    const done = (leader: NodeId | undefined): void => {
      clearTimeout(timer);
      ctx.host.off('leader', onLeader);
      resolve(leader);
    };
    const onLeader = (leader: NodeId): void => {
      if (leader && leader !== ctx.nodeId) done(leader);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    ctx.host.on('leader', onLeader);
  });
}

/** The cluster and node calls; services and tasks are in service-api.ts. */
export type ClusterHandlers = Omit<
  ControlHandlers,
  'CreateService' | 'UpdateService' | 'RemoveService' | 'GetService' | 'ListServices' | 'ListTasks' | 'RebalanceService' | 'ServiceLogs'
>;

export function controlHandlers(ctx: ManagerContext): ClusterHandlers {
  const managerInfos = (): ManagerInfo[] => {
    const conf = ctx.host.confState();
    const byId = new Map(ctx.store.nodes().map((n) => [n.id, n]));
    const ids = [...conf.voters, ...conf.learners];
    return ids.map((id) => {
      const n = byId.get(id);
      return {
        id,
        name: n?.name ?? '',
        addr: n?.addr ?? ctx.addressOf(id) ?? '',
        reachable: id === ctx.nodeId || ctx.reachable(id),
        leader: id === ctx.host.leaderId,
        raftRole: conf.voters.includes(id) ? 'voter' : 'learner',
      };
    });
  };

  return {
    ClusterInfo: controlCall(ctx, async (req) => {
      await readView(ctx, req.read?.stale);
      const status = ctx.host.status();
      const managers = managerInfos();
      const voters = managers.filter((m) => m.raftRole === 'voter');
      const reachableVoters = voters.filter((m) => m.reachable).length;
      const warnings: string[] = [];
      if (reachableVoters < quorumSize(voters.length)) {
        warnings.push(
          `only ${reachableVoters} of ${voters.length} managers are reachable from here; ${quorumSize(voters.length)} are needed to commit changes`,
        );
      }
      return {
        clusterId: ctx.clusterId,
        leader: status.leader,
        leaderAddr: status.leader ? (ctx.addressOf(status.leader) ?? '') : '',
        term: String(status.term),
        commitIndex: String(status.commit),
        appliedIndex: String(ctx.host.appliedIndex),
        managers,
        answeredBy: ctx.nodeId,
        voters: voters.length,
        quorum: quorumSize(voters.length),
        reachableVoters,
        warnings,
        storeDigest: storeDigest(ctx.store),
      } satisfies ClusterInfoResponse;
    }),

    ListNodes: controlCall(ctx, async (req) => {
      await readView(ctx, req.read?.stale);
      return { nodes: ctx.store.nodes().map((n) => toWireNode(ctx, n)) };
    }),

    GetNode: controlCall(ctx, async (req) => {
      await readView(ctx, req.read?.stale);
      return toWireNode(ctx, findNode(ctx, req.node));
    }),

    UpdateNode: controlCall(ctx, async (req) => {
      const availability = availabilityOf(req.availability);
      await prepareWrite(ctx);
      const n = findNode(ctx, req.node);
      const version = Number(req.version);
      await proposeCommand(ctx, {
        type: 'node.update',
        at: nowIso(),
        id: n.id,
        ...(version > 0 ? { expectedVersion: version } : {}),
        patch: {
          ...(availability ? { availability } : {}),
          ...(Object.keys(req.addLabels).length > 0 ? { addLabels: req.addLabels } : {}),
          ...(req.removeLabels.length > 0 ? { removeLabels: req.removeLabels } : {}),
        },
      });
      return toWireNode(ctx, ctx.store.getNode(n.id)!);
    }),

    PromoteNode: controlCall(ctx, async (req) => {
      await prepareWrite(ctx);
      const n = findNode(ctx, req.node);
      if (n.role === 'manager') throw new ManagerError('FAILED_PRECONDITION', `${n.name} is already a manager`);
      // The node's agent notices the new role and starts a manager, which joins Raft as a learner.
      await proposeCommand(ctx, { type: 'node.update', at: nowIso(), id: n.id, patch: { role: 'manager' } });
      return toWireNode(ctx, ctx.store.getNode(n.id)!);
    }),

    DemoteNode: controlCall(ctx, async (req) => {
      await prepareWrite(ctx);
      const n = findNode(ctx, req.node);
      if (n.role !== 'manager') throw new ManagerError('FAILED_PRECONDITION', `${n.name} is not a manager`);
      const conf = ctx.host.confState();
      const isVoter = conf.voters.includes(n.id);
      if (isVoter && conf.voters.length === 1) {
        throw new ManagerError('FAILED_PRECONDITION', `${n.name} is the last manager; demoting it would leave the cluster without one`);
      }
      if (isVoter) {
        // The managers left must still form a quorum among those we can reach.
        const remaining = conf.voters.filter((v) => v !== n.id);
        const reachable = remaining.filter((v) => v === ctx.nodeId || ctx.reachable(v)).length;
        if (reachable < quorumSize(remaining.length)) {
          throw new ManagerError(
            'FAILED_PRECONDITION',
            `demoting ${n.name} would leave ${reachable} reachable of ${remaining.length} managers, short of a quorum of ${quorumSize(remaining.length)}; bring the others back first`,
          );
        }
      }
      if (n.id === ctx.nodeId) {
        // A leader does not remove itself mid-term: hand over, and let the new leader do it.
        if (!(await ctx.host.transferLeadership())) {
          throw new ManagerError(
            'FAILED_PRECONDITION',
            `could not hand leadership over before demoting ${n.name}: no other manager is caught up and reachable; retry shortly`,
          );
        }
        // Name the new leader so the client can follow: right after stepping down we may not know it yet.
        const leader = await otherLeader(ctx, 2000);
        throw new ManagerError(
          'NOT_LEADER',
          'handed leadership over before demoting this manager; retry on the new leader',
          leader ? ctx.addressOf(leader) : undefined,
        );
      }
      if (isVoter || conf.learners.includes(n.id)) {
        // One entry leaves Raft and makes the node a worker (storeStateMachine applies both): two
        // proposals would leave a manager outside Raft if the leader failed between them.
        await ctx.host.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: n.id, context: encodeConfChangeContext({ at: nowIso(), demote: true }) });
      } else {
        // Already outside Raft (e.g. left out by --force-new-cluster): only the role changes.
        await proposeCommand(ctx, {
          type: 'node.update',
          at: nowIso(),
          id: n.id,
          patch: { role: 'worker', status: { state: 'down', message: 'demoted: its manager left the Raft group' } },
        });
      }
      return toWireNode(ctx, ctx.store.getNode(n.id)!);
    }),

    RemoveNode: controlCall(ctx, async (req) => {
      await prepareWrite(ctx);
      const n = findNode(ctx, req.node);
      if (n.role === 'manager') {
        throw new ManagerError('FAILED_PRECONDITION', `${n.name} is a manager: demote it first (\`shoal node demote ${n.name}\`), then remove it`);
      }
      if (n.status.state === 'ready' && !req.force) {
        throw new ManagerError('FAILED_PRECONDITION', `${n.name} is up (status ready): drain and stop it first, or remove it anyway with --force`);
      }
      await proposeCommand(ctx, { type: 'node.remove', at: nowIso(), id: n.id });
      return {};
    }),

    JoinToken: controlCall(ctx, async (req: JoinTokenRequest__Output) => {
      const role = req.role;
      if (role !== 'worker' && role !== 'manager') {
        throw new ManagerError('INVALID_ARGUMENT', `role must be "worker" or "manager", not "${role}"`);
      }
      if (req.rotate) {
        await prepareWrite(ctx);
        await proposeCommand(ctx, { type: 'cluster.rotateToken', at: nowIso(), role, secret: newTokenSecret() });
      } else {
        await readView(ctx, false);
      }
      const cluster = ctx.store.cluster();
      return { role, token: formatJoinToken(caDigest(cluster.ca.certPem), cluster.tokens[role]) };
    }),

    // Autolock's key: the only read that shows it. A rotation is applied by every manager,
    // each re-sealing its data key under the new key (autolock.ts, followUnlockKey).
    UnlockKey: controlCall(ctx, async (req: UnlockKeyRequest__Output) => {
      const autolockOff = (): ManagerError =>
        new ManagerError(
          'FAILED_PRECONDITION',
          'autolock is off for this cluster: it has no unlock key (autolock is chosen at `shoal manager init --autolock`)',
        );
      if (req.rotate) {
        await prepareWrite(ctx);
        if (ctx.store.cluster().unlockKey === undefined) throw autolockOff();
        await proposeCommand(ctx, { type: 'cluster.rotateUnlockKey', at: nowIso(), unlockKey: newUnlockKey() });
      } else {
        await readView(ctx, false);
      }
      const unlockKey = ctx.store.cluster().unlockKey;
      if (unlockKey === undefined) throw autolockOff();
      return { unlockKey };
    }),

    // `shoal cluster update`: settings that may change on a running cluster (ca-service.ts
    // says what certExpirySeconds means; nodes take a new period at their next renewal).
    UpdateCluster: controlCall(ctx, async (req: UpdateClusterRequest__Output) => {
      const certExpirySeconds = Number(req.certExpirySeconds);
      if (!(certExpirySeconds > 0)) throw new ManagerError('INVALID_ARGUMENT', 'nothing to change: set the certificate expiry (cert_expiry_seconds)');
      checkCertExpiry(certExpirySeconds);
      await prepareWrite(ctx);
      const version = Number(req.version);
      await proposeCommand(ctx, {
        type: 'cluster.updateSettings',
        at: nowIso(),
        ...(version > 0 ? { expectedVersion: version } : {}),
        patch: { certExpirySeconds },
      });
      warnIfShortCertExpiry(ctx.logger, certExpirySeconds);
      const cluster = ctx.store.cluster();
      return { version: String(cluster.version), certExpirySeconds: String(cluster.settings.certExpirySeconds) };
    }),
  } satisfies ClusterHandlers;
}

export type { WireNode };
