// @shoal/store: the cluster state machine every manager applies committed Raft entries to.

export { ClusterStore, type ApplyResult, type StoreView } from './store.js';
export {
  COMMAND_TYPES,
  decodeCommand,
  encodeCommand,
  parseCommand,
  type ClusterRotateTokenCommand,
  type ClusterUpdateSettingsCommand,
  type Command,
  type CommandType,
  type NodeAddCommand,
  type NodePatch,
  type NodeRemoveCommand,
  type NodeUpdateCommand,
  type NoopCommand,
} from './commands.js';
export {
  DEFAULT_CLUSTER_SETTINGS,
  NODE_AVAILABILITIES,
  NODE_ROLES,
  NODE_STATES,
  RAFT_ROLES,
  type ClusterObject,
  type ClusterSettings,
  type NewNode,
  type NodeAvailability,
  type NodeObject,
  type NodeResources,
  type NodeRole,
  type NodeState,
  type NodeStatus,
  type RaftRole,
  type StoredObject,
} from './objects.js';
export { StoreError, isStoreError, type StoreErrorCode } from './errors.js';
export type { ChangeEvent, ClusterEvent, NodeEvent, RestoreEvent, StoreEvent, StoreListener } from './events.js';
export { ID_LENGTH, isValidId, newId } from './ids.js';
export { SNAPSHOT_FORMAT_VERSION } from './snapshot.js';
