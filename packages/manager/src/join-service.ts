// The Join service (proto/control.proto): how a new node gets into the cluster.
//
// The caller has no certificate yet; the join token authenticates it instead. The token's CA
// digest must be ours (else it is another cluster's token), and its secret must be the current
// worker or manager secret (a rotated one is refused) — the secret decides the role, so a
// worker token can never make a manager. The leader then records the node, signs the CSR
// with the cluster CA, and, for a manager, adds it to Raft as a learner; the learner promoter
// makes it a voter once it has caught up.

import { caDigest, JoinTokenError, parseJoinToken, signNodeCertificate, tokenMatches, validDaysOf } from '@shoal/identity';
import { ConfChangeType, type NodeId } from '@shoal/raft';
import type * as grpc from '@grpc/grpc-js';
import { MAX_LABELS, newId, type NodeObject } from '@shoal/store';
import { isOverLimit, limitRepeatedField, type JoinHandlers, type JoinRequest__Output, type JoinResponse, type OverLimit } from '@shoal/wire';
import { encodeConfChangeContext } from './conf-change-context.js';
import { nowIso, proposeCommand, type ManagerContext } from './context.js';
import { ManagerError, asManagerError } from './errors.js';
import type { RaftTimings } from './raft-host.js';

export interface JoinServiceOptions {
  readonly timings: () => RaftTimings;
  /** Manager peers to tell a new manager about: id → address. */
  readonly managers: () => ReadonlyMap<NodeId, string>;
  /** Our cluster incarnation, which a joining manager must take on ('' = the original). */
  readonly incarnation: string;
}

function tokenRole(ctx: ManagerContext, token: string): 'worker' | 'manager' {
  let parsed;
  try {
    parsed = parseJoinToken(token);
  } catch (e) {
    throw new ManagerError('TOKEN_REJECTED', (e as JoinTokenError).message);
  }
  const cluster = ctx.store.cluster();
  if (parsed.caDigest !== caDigest(cluster.ca.certPem)) {
    throw new ManagerError(
      'TOKEN_REJECTED',
      "the join token belongs to another cluster (its CA digest is not this cluster's); get a token from this cluster with `shoal join-token`",
    );
  }
  if (tokenMatches(cluster.tokens.manager, parsed.secret)) return 'manager';
  if (tokenMatches(cluster.tokens.worker, parsed.secret)) return 'worker';
  throw new ManagerError(
    'TOKEN_REJECTED',
    'the join token is not valid (it may have been rotated); get the current one with `shoal join-token worker|manager`',
  );
}

export function joinHandlers(ctx: ManagerContext, o: JoinServiceOptions): JoinHandlers {
  const join = async (req: JoinRequest__Output): Promise<JoinResponse> => {
    if (!ctx.host.isLeader) {
      const leader = ctx.host.leaderId;
      const addr = leader ? ctx.addressOf(leader) : undefined;
      if (!addr) throw new ManagerError('NO_QUORUM', 'no leader is elected right now; retry shortly');
      throw new ManagerError('NOT_LEADER', `joins are handled by the leader at ${addr}`, addr);
    }
    await ctx.host.readBarrier();
    const role = tokenRole(ctx, req.token);
    // The role asked for must be the token's, checked before anything is recorded: a mismatch
    // must leave no half-joined node (nor a Raft learner at a worker's address) behind.
    if (req.role === 'manager' && role !== 'manager') {
      throw new ManagerError('TOKEN_REJECTED', 'that is a worker join token: a manager needs the manager token (`shoal join-token manager`)');
    }
    if (req.role === 'worker' && role !== 'worker') {
      throw new ManagerError(
        'TOKEN_REJECTED',
        'that is a manager join token: a worker joins with the worker token (`shoal join-token worker`); to add a manager, run `shoal manager join` with this token',
      );
    }
    if (role === 'manager' && !req.addr) throw new ManagerError('INVALID_ARGUMENT', 'a joining manager must say where it serves (--listen HOST:PORT)');
    if (!req.csr) throw new ManagerError('INVALID_ARGUMENT', 'the join request carries no certificate request');
    const name = req.name || req.hostname;
    if (!name) throw new ManagerError('INVALID_ARGUMENT', 'the joining node needs a name (--name)');

    const cluster = ctx.store.cluster();
    const nodeId = newId();
    // Sign first: a bad CSR must not leave a half-added node behind.
    const certificate = await signNodeCertificate(
      cluster.ca,
      req.csr,
      { nodeId, role, clusterId: cluster.id },
      validDaysOf(cluster.settings.certExpirySeconds),
    );
    const node: Omit<NodeObject, 'version' | 'createdAt' | 'updatedAt'> = {
      id: nodeId,
      name,
      hostname: req.hostname || name,
      role,
      availability: 'active',
      // A worker is ready once its agent's session is up (the dispatcher records that, with
      // the runtime it runs); until then nothing is scheduled on it.
      status: role === 'worker' ? { state: 'unknown', message: 'joined; waiting for its agent to connect' } : { state: 'ready', message: '' },
      addr: req.addr,
      labels: { ...req.labels },
      resources: { nanoCpus: Number(req.resources?.nanoCpus ?? 0), memoryBytes: Number(req.resources?.memoryBytes ?? 0) },
    };
    await proposeCommand(ctx, { type: 'node.add', at: nowIso(), node });
    if (role === 'manager') {
      await ctx.host.proposeConfChange({
        type: ConfChangeType.AddLearner,
        nodeId,
        context: encodeConfChangeContext({ at: nowIso(), addr: req.addr }),
      });
    }
    ctx.logger.info({ nodeId, name, role, addr: req.addr }, 'node joined');
    const t = o.timings();
    const managers = [...o.managers()].map(([id, addr]) => ({ id, addr }));
    return {
      nodeId,
      clusterId: cluster.id,
      role,
      certificate,
      caCertificate: cluster.ca.certPem,
      managers,
      raft: { tickMs: t.tickMs, heartbeatTicks: t.heartbeatTicks, electionTicks: t.electionTicks, snapshotEvery: t.snapshotEvery },
      incarnation: o.incarnation,
      // Autolock: a manager seals its data under the cluster's unlock key from the start; workers never get it.
      unlockKey: role === 'manager' ? (cluster.unlockKey ?? '') : '',
    };
  };

  return {
    Join: (call, callback) => {
      const request: JoinRequest__Output | OverLimit = call.request;
      if (isOverLimit(request)) {
        const { count, max } = request.overLimit;
        const err = new ManagerError('INVALID_ARGUMENT', `the join request has ${count} labels; a node holds at most ${max}: join with fewer labels`);
        ctx.logger.warn({ err: err.message, code: err.code }, 'join refused');
        callback(err.toServiceError());
        return;
      }
      join(request).then(
        (res) => callback(null, res),
        (e: unknown) => {
          const err = asManagerError(e);
          ctx.logger.warn({ err: err.message, code: err.code }, 'join refused');
          callback(err.toServiceError());
        },
      );
    },
  };
}

/**
 * `service` (Join) whose requests are counted before they are decoded: one with more labels
 * than a node may hold is not decoded at all. Anyone may call Join: 15 MB of one-byte labels
 * decode to 1.5 million entries — 400 MiB and 30 s of a blocked event loop — before the token
 * is even read.
 */
export function joinService<S extends grpc.ServiceDefinition>(service: S): S {
  return limitRepeatedField(service, 'Join', { number: 6, name: 'labels' }, MAX_LABELS);
}
