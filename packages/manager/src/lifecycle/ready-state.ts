// What every lifecycle hands the running manager: a data directory prepared, an identity, and
// Raft storage open and holding whatever this manager starts from.

import { type ModeRepair, type TlsFiles } from '@shoal/identity';
import type { LevelStorage } from '@shoal/raft/level';
import type { NodeId } from '@shoal/raft';
import type { DataKey } from '../autolock.js';
import type { NodeConfig } from '../data-dir.js';
import type { CommonOptions } from './options.js';

export interface ReadyState {
  readonly cfg: NodeConfig;
  /** This node's certificate and key (decrypted when autolocked). */
  readonly tls: TlsFiles;
  readonly storage: LevelStorage;
  /** The data directory, /metrics, logger and Raft timings to run with. */
  readonly options: CommonOptions;
  /** Campaign at once: a founding or recovered sole member need not wait out an election timeout. */
  readonly campaign: boolean;
  /** Peers known before the store knows them (a joining manager's first minutes). */
  readonly initialPeers?: Map<NodeId, string>;
  /** File modes repaired in the data directory, logged once the logger is up. */
  readonly repaired: readonly ModeRepair[];
  /** Seals secrets at rest on an autolocked manager. */
  readonly dataKey?: DataKey;
}
