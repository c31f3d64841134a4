// What each lifecycle is asked to do (the CLI's `shoal manager init|join|start` options).

import type { Logger } from 'pino';
import type { RaftTimings } from '../raft-host.js';

export interface CommonOptions {
  readonly data: string;
  /** /metrics address; "" for none; default: the listen port + 1000 on loopback (metrics-address.ts). */
  readonly metrics?: string;
  readonly logger?: Logger;
  readonly timings?: Partial<RaftTimings>;
}

export interface InitOptions extends CommonOptions {
  readonly listen: string;
  readonly name?: string;
  /** How often workers heartbeat (default 500 ms); a few missed periods make a node down. */
  readonly nodeHeartbeatMs?: number;
  /** Ended tasks kept per slot (default 5, 0..100); older ones are removed with their containers and logs. */
  readonly taskHistoryLimit?: number;
  /** How long node certificates are valid, in seconds (default 90 days; 30 s at least). */
  readonly certExpirySeconds?: number;
  /** Seal secrets at rest under a new unlock key (autolock.ts), returned once by init. */
  readonly autolock?: boolean;
}

export interface JoinOptions extends CommonOptions {
  readonly listen: string;
  readonly remote: string;
  readonly token: string;
  readonly name?: string;
}

export interface StartOptions extends CommonOptions {
  /** Serve on another address than the one recorded. */
  readonly listen?: string;
  /** An autolocked manager's unlock key (--unlock-key-file); without it, it waits on DIR/unlock.sock. */
  readonly unlockKey?: string;
}
