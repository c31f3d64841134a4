// A digest of the store's whole replicated state: sha256 over its snapshot, which is canonical
// JSON (sorted keys, lists in name order) of what every manager applies from the log — nothing
// node-local. Two managers at the same applied index must answer the same digest; the chaos
// runs' convergence check compares them (ClusterInfo.store_digest).

import { createHash } from 'node:crypto';
import type { ClusterStore } from '@shoal/store';

/** The last digest per store, keyed by its applied index (the state changes only with it). */
const cache = new WeakMap<ClusterStore, { readonly index: number; readonly digest: string }>();

export function storeDigest(store: ClusterStore): string {
  const index = store.appliedIndex;
  const hit = cache.get(store);
  if (hit && hit.index === index) return hit.digest;
  const digest = createHash('sha256').update(store.snapshot()).digest('hex');
  cache.set(store, { index, digest });
  return digest;
}
