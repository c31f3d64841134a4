// What each command does to the state. A transition only reads: it returns either the changes
// to make (as the events that will announce them) or the reason it is refused. The store then
// commits all changes or none, which is how a refused command is guaranteed to change nothing.

import type { Command, NodePatch } from './commands.js';
import { StoreError, outOfSequenceError } from './errors.js';
import type { ClusterEvent, NodeEvent } from './events.js';
import { MAX_LABELS, SAME_SECRETS, settingsProblem, type ClusterObject, type NodeObject } from './objects.js';
import type { Table } from './table.js';

export interface State {
  readonly nodes: Table<NodeObject>;
  readonly cluster: ClusterObject | undefined;
}

export type Change = NodeEvent | ClusterEvent;

/**
 * The changes to make, as the events that will announce them. The proposer gets back the
 * first change's object: the node or cluster as created, updated or removed.
 */
export type Decision = readonly Change[];

export function decide(state: State, cmd: Command, index: number): Decision | StoreError {
  switch (cmd.type) {
    case 'node.add': {
      const node: NodeObject = { ...cmd.node, version: index, createdAt: cmd.at, updatedAt: cmd.at };
      const problem = state.nodes.insertProblem(node);
      if (problem) return problem;
      return [{ kind: 'node', action: 'create', object: node, index }];
    }
    case 'node.update': {
      const node = state.nodes.existing(cmd.id);
      if (node instanceof StoreError) return node;
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== node.version) {
        return outOfSequenceError(`node ${node.id} ("${node.name}")`, cmd.expectedVersion, node.version);
      }
      const next = patchNode(node, cmd.patch, cmd.at, index);
      if (next instanceof StoreError) return next;
      const problem = state.nodes.nameProblem(next.name, next.id);
      if (problem) return problem;
      return [{ kind: 'node', action: 'update', object: next, previous: node, index }];
    }
    case 'node.remove': {
      const node = state.nodes.existing(cmd.id);
      if (node instanceof StoreError) return node;
      return [{ kind: 'node', action: 'remove', object: node, index }];
    }
    case 'cluster.rotateToken': {
      const cluster = state.cluster ?? noCluster();
      if (cluster instanceof StoreError) return cluster;
      const other = cmd.role === 'worker' ? cluster.tokens.manager : cluster.tokens.worker;
      if (cmd.secret === other) return new StoreError('INVALID_ARGUMENT', `join token secrets ${SAME_SECRETS}; generate a new secret`);
      const next: ClusterObject = { ...cluster, version: index, tokens: { ...cluster.tokens, [cmd.role]: cmd.secret } };
      return [{ kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'cluster.updateSettings': {
      const cluster = state.cluster ?? noCluster();
      if (cluster instanceof StoreError) return cluster;
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== cluster.version) {
        return outOfSequenceError(`cluster "${cluster.name}"`, cmd.expectedVersion, cluster.version);
      }
      const settings = { ...cluster.settings, ...cmd.patch };
      const problem = settingsProblem(settings);
      if (problem) return new StoreError('INVALID_ARGUMENT', `cluster settings: ${problem}`);
      const next: ClusterObject = { ...cluster, version: index, settings };
      return [{ kind: 'cluster', action: 'update', object: next, previous: cluster, index }];
    }
    case 'noop':
      return [];
  }
}

function noCluster(): StoreError {
  return new StoreError('NOT_FOUND', 'the store has no cluster object yet (it has not been initialized or restored from a snapshot); wait for this manager to catch up');
}

function patchNode(node: NodeObject, patch: NodePatch, at: string, index: number): NodeObject | StoreError {
  const { raftRole: currentRaftRole, ...rest } = node;
  const role = patch.role ?? node.role;
  // Demoting a manager takes it out of the Raft membership view; a stale raftRole on a worker
  // would mislead whoever reconciles membership.
  const raftRole = patch.raftRole === undefined ? (role === 'manager' ? currentRaftRole : undefined) : patch.raftRole ?? undefined;
  if (raftRole !== undefined && role !== 'manager') {
    return new StoreError(
      'INVALID_ARGUMENT',
      `node ${node.id} ("${node.name}") is a worker; raftRole applies to managers only — promote it (role: "manager") in the same update`,
    );
  }
  let labels = node.labels;
  if (patch.removeLabels || patch.addLabels) {
    const removed = new Set(patch.removeLabels ?? []);
    labels = Object.fromEntries([
      ...Object.entries(node.labels).filter(([k]) => !removed.has(k)),
      ...Object.entries(patch.addLabels ?? {}),
    ]);
    // Enforced here, not only per command: a restore refuses a node with more, so a store that
    // accepted them could never be snapshotted and restored again.
    const count = Object.keys(labels).length;
    if (count > MAX_LABELS) {
      return new StoreError(
        'INVALID_ARGUMENT',
        `node ${node.id} ("${node.name}") would have ${count} labels; a node holds at most ${MAX_LABELS}: remove some first (removeLabels)`,
      );
    }
  }
  const next: NodeObject = {
    ...rest,
    name: patch.name ?? node.name,
    availability: patch.availability ?? node.availability,
    role,
    status: patch.status ?? node.status,
    addr: patch.addr ?? node.addr,
    labels,
    version: index,
    updatedAt: at,
  };
  return raftRole === undefined ? next : { ...next, raftRole };
}
