// `shoal manager start --force-new-cluster`: recovers from a lost quorum (as Swarm's
// --force-new-cluster). This manager's state — every entry in its log — becomes a new
// single-manager cluster; the other managers are dropped from the Raft membership (their node
// objects stay, marked down).

import { EntryType, decodeConfChange } from '@shoal/raft';
import { ClusterStore, newId } from '@shoal/store';
import { readNodeConfig, secureManagerDataDir, writeNodeConfig } from '../data-dir.js';
import { storeStateMachine } from '../store-state-machine.js';
import { openData } from './open-data.js';
import type { StartOptions } from './options.js';
import type { ReadyState } from './ready-state.js';

export async function forceNewCluster(o: StartOptions): Promise<ReadyState> {
  const repaired = secureManagerDataDir(o.data);
  const cfg0 = readNodeConfig(o.data);
  const cfg = { ...cfg0, ...(o.listen ? { listen: o.listen } : {}), ...(o.metrics !== undefined ? { metrics: o.metrics } : {}) };
  const { tls, storage, dataKey, logger } = await openData(o, cfg);
  try {
    const snap = storage.snapshot();
    const store = snap.meta.index > 0 ? ClusterStore.restore(snap.data) : new ClusterStore();
    const last = storage.lastIndex();
    if (last >= storage.firstIndex()) {
      for (const e of storage.entries(storage.firstIndex(), last + 1)) {
        if (e.index <= store.appliedIndex) continue;
        if (e.type === EntryType.Normal && e.data.byteLength > 0) store.applyEntry(e.data, e.index);
        else if (e.type === EntryType.ConfChange) storeStateMachine(store).applyConfChange(decodeConfChange(e.data), e.index);
      }
    }
    const hs = storage.initialState().hardState;
    // The other managers are out of the group from here on; say so in their node objects now
    // (LearnerPromoter would once we lead), so nothing takes their Raft messages for a joining
    // manager's (RaftHost.admits).
    let index = Math.max(last, snap.meta.index);
    const at = new Date().toISOString();
    const leftOut = store.nodes().filter((n) => n.role === 'manager' && n.id !== cfg.nodeId && n.raftRole !== undefined);
    for (const n of leftOut) {
      store.apply(
        {
          type: 'node.update',
          at,
          id: n.id,
          patch: {
            raftRole: null,
            status: { state: 'down', message: 'left out of the Raft group by --force-new-cluster: remove its data directory and join it again' },
          },
        },
        ++index,
      );
    }
    // A fresh snapshot past everything, with us as the only voter. Nobody else shares this
    // history from here on, so its index and term need not match any old entry.
    index = Math.max(index, Math.max(last, snap.meta.index) + 1);
    const term = Math.max(hs.term, snap.meta.term) + 1;
    // A new incarnation: managers left over from the old one (partitioned, not dead) can no
    // longer reach this history, however high their term (the transport drops them). Written
    // before the snapshot: a crash in between leaves a manager no old peer can disturb, and
    // running --force-new-cluster again finishes the job.
    await storage.setIncarnation(newId());
    await storage.save({
      snapshot: { meta: { index, term, conf: { voters: [cfg.nodeId], learners: [] } }, data: store.snapshot() },
      hardState: { term, vote: '', commit: index },
    });
  } catch (e) {
    await storage.close();
    throw e;
  }
  writeNodeConfig(o.data, cfg);
  return { cfg, tls, storage, options: { ...o, logger }, campaign: true, repaired, ...(dataKey ? { dataKey } : {}) };
}
