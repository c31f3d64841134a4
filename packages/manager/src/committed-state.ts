// The store as this manager's own disk says it is: the last snapshot plus every entry its
// hard state records as committed. Read before a manager serves (was it demoted or removed
// while it ran?) and by --force-new-cluster (what the survivor keeps). The Raft host replays
// the same entries once it starts; this copy exists so nothing has to be served first.

import { EntryType, decodeConfChange, type Storage } from '@shoal/raft';
import { ClusterStore } from '@shoal/store';
import type { StateMachine } from './raft-host.js';

/**
 * Restores the snapshot into a fresh store and applies the log after it, up to `upTo`
 * (default: the committed index of the hard state). `applyConfChange` is the state machine's
 * (storeStateMachine), so membership changes mark managers exactly as they did when applied.
 */
export function committedStore(
  storage: Pick<Storage, 'snapshot' | 'entries' | 'firstIndex' | 'lastIndex' | 'initialState'>,
  stateMachine: (store: ClusterStore) => Pick<StateMachine, 'applyConfChange'>,
  upTo: number = storage.initialState().hardState.commit,
): ClusterStore {
  const snap = storage.snapshot();
  const store = snap.meta.index > 0 ? ClusterStore.restore(snap.data) : new ClusterStore();
  const last = Math.min(upTo, storage.lastIndex());
  const first = Math.max(storage.firstIndex(), store.appliedIndex + 1);
  if (last < first) return store;
  const sm = stateMachine(store);
  for (const e of storage.entries(first, last + 1)) {
    if (e.type === EntryType.Normal && e.data.byteLength > 0) store.applyEntry(e.data, e.index);
    else if (e.type === EntryType.ConfChange) sm.applyConfChange(decodeConfChange(e.data), e.index);
  }
  return store;
}
