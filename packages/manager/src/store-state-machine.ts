// The cluster store as the Raft host's state machine: committed entries are store commands,
// and committed membership changes update the managers' raftRole.

import { ConfChangeType, type ConfChange } from '@shoal/raft';
import { ClusterStore, type NodePatch } from '@shoal/store';
import { decodeConfChangeContext } from './conf-change-context.js';
import type { StateMachine } from './raft-host.js';

/** The store as the Raft host's state machine; membership changes update managers' raftRole. */
export function storeStateMachine(store: ClusterStore): StateMachine {
  return {
    applyEntry: (data, index) => store.applyEntry(data, index),
    applyConfChange: (cc: ConfChange, index: number) => {
      if (!store.getNode(cc.nodeId)) return;
      const { at, demote } = decodeConfChangeContext(cc.context);
      const raftRole: NodePatch['raftRole'] = cc.type === ConfChangeType.AddVoter ? 'voter' : cc.type === ConfChangeType.AddLearner ? 'learner' : null;
      // A demotion leaves Raft and becomes a worker in this one entry (see ConfChangeContext.demote).
      const patch: NodePatch =
        cc.type === ConfChangeType.RemoveNode && demote
          ? { raftRole: null, role: 'worker', status: { state: 'down', message: 'demoted: its manager left the Raft group' } }
          : { raftRole };
      store.apply({ type: 'node.update', at, id: cc.nodeId, patch }, index);
    },
    snapshot: () => store.snapshot(),
    restore: (data) => store.replaceWith(ClusterStore.restore(data)),
  };
}
