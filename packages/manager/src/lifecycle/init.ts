// `shoal manager init`: founds a cluster. Creates its CA, tokens and first manager (this node,
// its only voter), writes the data directory, and bootstraps the Raft log with that state.

import { hostname as osHostname } from 'node:os';
import {
  caDigest,
  certificateSerial,
  createClusterCA,
  formatJoinToken,
  issueCredentials,
  newTokenSecret,
  newUnlockKey,
  splitHostPort,
  validDaysOf,
  writeTlsFiles,
} from '@shoal/identity';
import { LevelStorage } from '@shoal/raft/level';
import { bootstrap } from '@shoal/raft';
import { ClusterStore, DEFAULT_CLUSTER_SETTINGS, newId, type ClusterObject, type NodeObject } from '@shoal/store';
import { DataKey, encryptNodeKey } from '../autolock.js';
import { adminCertSeconds, checkCertExpiry } from '../ca-service.js';
import { timingsFrom } from '../cluster-timings.js';
import { ADMIN_FILES, dataPaths, ensureFreshDataDir, secureManagerDataDir, writeNodeConfig, type NodeConfig } from '../data-dir.js';
import { defaultMetricsAddr } from '../metrics-address.js';
import type { InitOptions } from './options.js';
import type { ReadyState } from './ready-state.js';

export interface FoundedCluster {
  readonly ready: ReadyState;
  /** The join tokens, with the CA digest a joiner checks the manager against. */
  readonly tokens: { worker: string; manager: string };
  /** Where the admin's certificate was written (for the CLI). */
  readonly adminDir: string;
  /** The new unlock key of an autolocked cluster: shown once, never stored in the clear. */
  readonly unlockKey?: string;
  readonly certExpirySeconds: number;
}

export async function foundCluster(o: InitOptions): Promise<FoundedCluster> {
  splitHostPort(o.listen);
  ensureFreshDataDir(o.data);
  const repaired = secureManagerDataDir(o.data);
  const paths = dataPaths(o.data);
  const clusterId = newId();
  const nodeId = newId();
  const at = new Date().toISOString();
  const ca = await createClusterCA(clusterId);
  if (o.certExpirySeconds !== undefined) checkCertExpiry(o.certExpirySeconds);
  const certExpirySeconds = o.certExpirySeconds ?? DEFAULT_CLUSTER_SETTINGS.certExpirySeconds;
  const nodeCreds = await issueCredentials(ca, { nodeId, role: 'manager', clusterId }, validDaysOf(certExpirySeconds));
  const adminCreds = await issueCredentials(ca, { nodeId: 'admin', role: 'admin', clusterId }, validDaysOf(adminCertSeconds(certExpirySeconds)));
  const timings = timingsFrom(undefined, o.timings);
  const unlockKey = o.autolock ? newUnlockKey() : undefined;
  const dataKey = unlockKey ? DataKey.create(unlockKey) : undefined;
  const cluster: ClusterObject = {
    id: clusterId,
    name: 'default',
    version: 1,
    createdAt: at,
    tokens: { worker: newTokenSecret(), manager: newTokenSecret() },
    ca,
    ...(unlockKey ? { unlockKey } : {}),
    // The one admin certificate that counts until `ca rotate-admin` replaces it.
    adminCerts: [certificateSerial(adminCreds.certPem)],
    settings: {
      ...DEFAULT_CLUSTER_SETTINGS,
      tickMs: timings.tickMs,
      heartbeatTicks: timings.heartbeatTicks,
      electionTicks: timings.electionTicks,
      snapshotEvery: timings.snapshotEvery,
      ...(o.nodeHeartbeatMs !== undefined ? { nodeHeartbeatMs: o.nodeHeartbeatMs } : {}),
      ...(o.taskHistoryLimit !== undefined ? { taskHistoryLimit: o.taskHistoryLimit } : {}),
      certExpirySeconds,
    },
  };
  const name = o.name ?? osHostname();
  const node: NodeObject = {
    id: nodeId,
    name,
    hostname: osHostname(),
    role: 'manager',
    availability: 'active',
    status: { state: 'ready', message: '' },
    addr: o.listen,
    labels: {},
    resources: { nanoCpus: 0, memoryBytes: 0 },
    raftRole: 'voter',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  // Checked before anything is written: bad settings leave the directory as it was.
  const initial = ClusterStore.initial(cluster, node);
  const tls = { caPem: ca.certPem, certPem: nodeCreds.certPem, keyPem: nodeCreds.keyPem };
  writeTlsFiles(paths.tls, dataKey ? { ...tls, keyPem: encryptNodeKey(tls.keyPem, dataKey) } : tls);
  writeTlsFiles(paths.admin, { caPem: ca.certPem, certPem: adminCreds.certPem, keyPem: adminCreds.keyPem }, ADMIN_FILES);
  const storage = await LevelStorage.open(paths.raft, dataKey ? { cipher: dataKey } : {});
  await bootstrap(storage, [nodeId], initial);
  const cfg: NodeConfig = {
    format: 1,
    nodeId,
    clusterId,
    name,
    role: 'manager',
    listen: o.listen,
    metrics: o.metrics ?? defaultMetricsAddr(o.listen),
    createdAt: at,
  };
  writeNodeConfig(o.data, cfg);
  const digest = caDigest(ca.certPem);
  return {
    ready: { cfg, tls, storage, options: o, campaign: true, repaired, ...(dataKey ? { dataKey } : {}) },
    tokens: { worker: formatJoinToken(digest, cluster.tokens.worker), manager: formatJoinToken(digest, cluster.tokens.manager) },
    adminDir: paths.admin,
    ...(unlockKey ? { unlockKey } : {}),
    certExpirySeconds,
  };
}
