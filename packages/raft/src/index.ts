// Entry point `@shoal/raft`: the pure core and the in-memory storage. Nothing here (or below)
// imports a package or a Node built-in, so it loads anywhere; the LevelDB storage is
// `@shoal/raft/level` and the simulator `@shoal/raft/sim`.
export * from './types.js';
export * from './errors.js';
export { quorumSize, MajorityConfig, VoteResult } from './quorum.js';
export { MemoryStorage, limitSize, copyConf, type Storage, type DurableStorage, type StorageUpdate, type InitialState } from './storage.js';
export { ConfChangeType, encodeConfChange, decodeConfChange, applyConfChange, type ConfChange } from './conf-change.js';
export { ProgressState } from './progress.js';
export {
  Raft,
  CAMPAIGN_TRANSFER,
  DEFAULT_ELECTION_TICKS,
  DEFAULT_HEARTBEAT_TICKS,
  type RaftConfig,
  type RaftLogger,
  type RaftStatus,
  type ProgressStatus,
  type PlantedBugs,
} from './raft.js';
export { RawNode, type Ready } from './raw-node.js';
export { bootstrap } from './bootstrap.js';
export { splitSnapshot, SnapshotAssembler, type SnapshotChunk } from './snapshot-chunks.js';
