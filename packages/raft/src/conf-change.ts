// Membership changes, one node at a time (§4.1 of Ongaro's dissertation).
//
// Adding or removing a single voter keeps every majority of the old configuration overlapping
// every majority of the new one, so no joint consensus is needed. A change travels through
// the log as an EntryType.ConfChange entry and takes effect on each node when that node
// applies it (as in etcd); the leader allows only one unapplied change at a time and only
// after committing an entry of its own term (the fix Ongaro published in 2015).

import { RaftError } from './errors.js';
import type { ConfState, NodeId } from './types.js';

export enum ConfChangeType {
  AddVoter = 'add-voter',
  AddLearner = 'add-learner',
  RemoveNode = 'remove-node',
}

export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  /** Opaque to the core; the manager stores the new member's address here. */
  readonly context?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeConfChange(cc: ConfChange): Uint8Array {
  return encoder.encode(JSON.stringify(cc));
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(data));
  } catch (e) {
    throw new RaftError('CORRUPT', `conf change entry is not valid JSON: ${(e as Error).message}`);
  }
  const o = v as Partial<ConfChange> | null;
  if (
    !o ||
    typeof o.nodeId !== 'string' ||
    o.nodeId === '' ||
    !Object.values(ConfChangeType).includes(o.type as ConfChangeType) ||
    (o.context !== undefined && typeof o.context !== 'string')
  ) {
    throw new RaftError('CORRUPT', `conf change entry has an unexpected shape: ${decoder.decode(data).slice(0, 200)}`);
  }
  return o as ConfChange;
}

/** The configuration after `cc`, or a CONF_CHANGE_INVALID error saying why it makes no sense. */
export function applyConfChange(conf: ConfState, cc: ConfChange): ConfState {
  const voters = new Set(conf.voters);
  const learners = new Set(conf.learners);
  const id = cc.nodeId;
  switch (cc.type) {
    case ConfChangeType.AddVoter:
      if (voters.has(id)) throw invalid(`${id} is already a voter`);
      learners.delete(id); // promotion of a learner
      voters.add(id);
      break;
    case ConfChangeType.AddLearner:
      if (learners.has(id)) throw invalid(`${id} is already a learner`);
      if (voters.has(id)) {
        if (voters.size === 1) throw invalid(`${id} is the only voter and cannot become a learner`);
        voters.delete(id); // demotion keeps the node's log flowing
      }
      learners.add(id);
      break;
    case ConfChangeType.RemoveNode:
      if (!voters.has(id) && !learners.has(id)) throw invalid(`${id} is not a member`);
      if (voters.has(id) && voters.size === 1) throw invalid(`${id} is the only voter; removing it would leave no quorum`);
      voters.delete(id);
      learners.delete(id);
      break;
  }
  return { voters: [...voters].sort(), learners: [...learners].sort() };
}

function invalid(why: string): RaftError {
  return new RaftError('CONF_CHANGE_INVALID', `membership change refused: ${why}`);
}
