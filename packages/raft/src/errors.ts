// Errors are values with a code a caller can branch on and a message that says what to do.

export type RaftErrorCode =
  | 'COMPACTED' // the requested index was folded into a snapshot
  | 'UNAVAILABLE' // the requested index is past the end of the log
  | 'SNAPSHOT_OUT_OF_DATE' // a newer snapshot is already stored
  | 'NOT_LEADER' // only the leader accepts this
  | 'PROPOSAL_DROPPED' // the leader refused the proposal (transfer in progress, removed, ...)
  | 'CONF_CHANGE_PENDING' // another membership change is not yet applied
  | 'CONF_CHANGE_INVALID' // the change makes no sense for the current membership
  | 'CORRUPT' // persisted data failed a consistency check
  | 'STORAGE' // the storage layer failed
  | 'LOCKED' // the database is encrypted and was opened without its cipher
  | 'READY_NOT_ADVANCED'; // the host asked for a Ready before advancing the previous one

export class RaftError extends Error {
  readonly code: RaftErrorCode;
  /** For NOT_LEADER: the leader this node knows of, if any. */
  readonly leaderHint?: string;

  constructor(code: RaftErrorCode, message: string, leaderHint?: string) {
    super(message);
    this.name = 'RaftError';
    this.code = code;
    if (leaderHint) this.leaderHint = leaderHint;
  }
}

export function isRaftError(e: unknown, code?: RaftErrorCode): e is RaftError {
  return e instanceof RaftError && (code === undefined || e.code === code);
}

export function compactedError(index: number, firstIndex: number): RaftError {
  return new RaftError('COMPACTED', `log index ${index} is compacted (first available index is ${firstIndex}); use the snapshot instead`);
}

export function unavailableError(index: number, lastIndex: number): RaftError {
  return new RaftError('UNAVAILABLE', `log index ${index} is past the last index ${lastIndex}`);
}
