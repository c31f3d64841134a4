// Writes the first state of a brand-new Raft group into empty storage.
//
// The group starts from a snapshot at index 1, term 1 whose membership is `voters` and whose
// data is the application's empty state. Every founding member is bootstrapped identically,
// so their logs agree from the start; nodes that join later start empty and receive that
// (or a newer) snapshot from the leader.

import { RaftError } from './errors.js';
import type { DurableStorage } from './storage.js';
import { NONE, type NodeId } from './types.js';

export async function bootstrap(storage: DurableStorage, voters: readonly NodeId[], initialData: Uint8Array): Promise<void> {
  if (voters.length === 0) throw new RaftError('CONF_CHANGE_INVALID', 'bootstrap needs at least one voter');
  if (storage.lastIndex() !== 0 || storage.snapshot().meta.index !== 0) {
    throw new RaftError(
      'STORAGE',
      `refusing to bootstrap: the storage already holds a log (last index ${storage.lastIndex()}); it belongs to an existing cluster`,
    );
  }
  await storage.save({
    snapshot: { meta: { index: 1, term: 1, conf: { voters: [...voters].sort(), learners: [] } }, data: initialData },
    hardState: { term: 1, vote: NONE, commit: 1 },
  });
}
