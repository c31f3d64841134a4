// Errors a manager returns: a code clients can branch on, a message that says what to do, and
// the gRPC status they travel as. The code and the leader's address ride in metadata
// (`shoal-error-code`, `shoal-leader-addr`, written by @shoal/wire's errorMetadata), as
// proto/control.proto documents.

import * as grpc from '@grpc/grpc-js';
import { errorMetadata } from '@shoal/wire';

export type ManagerErrorCode =
  | 'NOT_LEADER' // writes go to the leader; see leaderAddr
  | 'NO_QUORUM' // not enough managers reachable to commit or to confirm a read
  | 'TIMEOUT' // the outcome is unknown (e.g. the leader changed while waiting)
  | 'STOPPED' // this manager is shutting down
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'NAME_TAKEN'
  | 'INVALID_ARGUMENT'
  | 'UPDATE_OUT_OF_SEQUENCE'
  | 'PORT_IN_USE'
  | 'FAILED_PRECONDITION'
  | 'TOKEN_REJECTED'
  | 'PERMISSION_DENIED'
  | 'REMOVED' // the caller's node was demoted or removed: its certificate grants nothing any more
  | 'UNAUTHENTICATED'
  | 'INTERNAL';

const STATUS: Record<ManagerErrorCode, grpc.status> = {
  NOT_LEADER: grpc.status.FAILED_PRECONDITION,
  NO_QUORUM: grpc.status.UNAVAILABLE,
  TIMEOUT: grpc.status.DEADLINE_EXCEEDED,
  STOPPED: grpc.status.UNAVAILABLE,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  NAME_TAKEN: grpc.status.ALREADY_EXISTS,
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  UPDATE_OUT_OF_SEQUENCE: grpc.status.ABORTED,
  PORT_IN_USE: grpc.status.FAILED_PRECONDITION,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  TOKEN_REJECTED: grpc.status.PERMISSION_DENIED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  REMOVED: grpc.status.PERMISSION_DENIED,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  INTERNAL: grpc.status.INTERNAL,
};

export class ManagerError extends Error {
  readonly code: ManagerErrorCode;
  /** For NOT_LEADER (and NO_QUORUM when known): where the leader is. */
  readonly leaderAddr: string | undefined;

  constructor(code: ManagerErrorCode, message: string, leaderAddr?: string) {
    super(message);
    this.name = 'ManagerError';
    this.code = code;
    this.leaderAddr = leaderAddr;
  }

  /** As a gRPC error for a handler's callback. */
  toServiceError(): Partial<grpc.StatusObject> {
    return { code: STATUS[this.code], details: this.message, metadata: errorMetadata(this.code, this.leaderAddr) };
  }
}

/** A store refusal as the error the control API returns. */
export function fromStoreError(code: string, message: string): ManagerError {
  const mapped: Record<string, ManagerErrorCode> = {
    INVALID_COMMAND: 'INVALID_ARGUMENT',
    CORRUPT_SNAPSHOT: 'INTERNAL',
  };
  const c = mapped[code] ?? (code in STATUS ? (code as ManagerErrorCode) : 'INTERNAL');
  return new ManagerError(c, message);
}

/** Turns anything thrown inside a handler into a ManagerError. */
export function asManagerError(e: unknown): ManagerError {
  if (e instanceof ManagerError) return e;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string' && code in STATUS) return new ManagerError(code as ManagerErrorCode, message);
  return new ManagerError('INTERNAL', message);
}

/** "1 of 3 managers reachable; 2 needed" — the words every quorum error uses. */
export function quorumMessage(reachable: number, voters: number): string {
  const needed = Math.floor(voters / 2) + 1;
  return `${reachable} of ${voters} manager${voters === 1 ? '' : 's'} reachable; ${needed} needed for a quorum`;
}
