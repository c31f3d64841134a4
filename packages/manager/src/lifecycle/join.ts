// `shoal manager join`: enters an existing cluster with a manager token. The cluster signs this
// node's certificate and names its managers; the Raft log starts empty and is filled by the
// leader (a snapshot, then entries) once this manager is added as a learner.

import { hostname as osHostname } from 'node:os';
import { joinCluster, parseUnlockKey, splitHostPort, writeTlsFiles } from '@shoal/identity';
import { LevelStorage } from '@shoal/raft/level';
import { type NodeId } from '@shoal/raft';
import { DataKey, encryptNodeKey } from '../autolock.js';
import { timingsFrom } from '../cluster-timings.js';
import { dataPaths, ensureFreshDataDir, secureManagerDataDir, writeNodeConfig, type NodeConfig } from '../data-dir.js';
import { ManagerError } from '../errors.js';
import { defaultMetricsAddr } from '../metrics-address.js';
import type { JoinOptions } from './options.js';
import type { ReadyState } from './ready-state.js';

export async function joinAsManager(o: JoinOptions): Promise<ReadyState> {
  splitHostPort(o.listen);
  ensureFreshDataDir(o.data);
  const repaired = secureManagerDataDir(o.data);
  const name = o.name ?? osHostname();
  const { response, caPem, keyPem } = await joinCluster({ remote: o.remote, token: o.token, name, hostname: osHostname(), addr: o.listen, role: 'manager' });
  if (response.role !== 'manager') {
    throw new ManagerError('TOKEN_REJECTED', 'that is a worker token: a manager needs the manager token (`shoal join-token manager`)');
  }
  const paths = dataPaths(o.data);
  const tls = { caPem, certPem: response.certificate, keyPem };
  // An autolocked cluster hands its joining managers the unlock key: sealed from the first write.
  const dataKey = response.unlockKey ? DataKey.create(parseUnlockKey(response.unlockKey, `the join answer from ${o.remote}`)) : undefined;
  writeTlsFiles(paths.tls, dataKey ? { ...tls, keyPem: encryptNodeKey(tls.keyPem, dataKey) } : tls);
  const cfg: NodeConfig = {
    format: 1,
    nodeId: response.nodeId,
    clusterId: response.clusterId,
    name,
    role: 'manager',
    listen: o.listen,
    metrics: o.metrics ?? defaultMetricsAddr(o.listen),
    createdAt: new Date().toISOString(),
  };
  const storage = await LevelStorage.open(paths.raft, dataKey ? { cipher: dataKey } : {});
  try {
    // The cluster may have been recovered with --force-new-cluster: take on its incarnation, or
    // its managers drop our messages (docs/raft.md, "Who may send Raft messages").
    if (response.incarnation) await storage.setIncarnation(response.incarnation);
  } catch (e) {
    await storage.close();
    throw new ManagerError(
      'INTERNAL',
      `the cluster answered the join with an unusable incarnation id: ${(e as Error).message}; ${o.remote} may run an incompatible shoal version`,
    );
  }
  writeNodeConfig(o.data, cfg);
  const r = response.raft;
  const timings = timingsFrom(undefined, {
    ...(r ? { tickMs: r.tickMs, heartbeatTicks: r.heartbeatTicks, electionTicks: r.electionTicks, snapshotEvery: r.snapshotEvery } : {}),
    ...o.timings,
  });
  const initialPeers = new Map(response.managers.map((m) => [m.id, m.addr] as [NodeId, string]));
  return { cfg, tls, storage, options: { ...o, timings }, campaign: false, initialPeers, repaired, ...(dataKey ? { dataKey } : {}) };
}
