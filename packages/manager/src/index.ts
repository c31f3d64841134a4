// @shoal/manager: the manager process and the pieces other packages reuse (TLS identity for
// clients, errors).
export { Manager, type ManagerHandle, type InitOptions, type JoinOptions, type StartOptions } from './manager.js';
export { ManagerError, type ManagerErrorCode } from './errors.js';
export { MAX_PIPELINED_IN_FLIGHT, pipelineHandler } from './pipeline.js';
export * from './security.js';
export { DEFAULT_TIMINGS, RaftHost, type RaftTimings } from './raft-host.js';
export { readNodeConfig, dataPaths, readTlsFiles, writeTlsFiles, type NodeConfig, type TlsFiles } from './data-dir.js';
export {
  DataDirModeError,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  logModeRepairs,
  octalMode,
  secureDataDir,
  usePrivateUmask,
  withStartingUmask,
  type DataDirModeErrorCode,
  type ModeRepair,
} from './data-dir-modes.js';
export { splitHostPort } from './metrics.js';
export { joinCluster } from './join-client.js';
export { CertRenewer, checkIssued, renewalTime, requestCertificate, retryDelay, validityOf, type CertRenewerOptions } from './cert-renewal.js';
export { DataKey, parseUnlockKey, readUnlockKeyFile, sendUnlockKey, unlockSocketPath } from './autolock.js';
