// Errors of identity (joining, renewing a certificate, unlocking a manager, checking a caller's
// certificate), in the vocabulary managers answer with: the code a manager puts in the
// `shoal-error-code` metadata (proto/control.proto documents it). An error learned from a
// manager keeps that manager's code, and one raised inside a manager's handler (requireRole())
// travels as the gRPC status its code stands for. The manager's own ManagerError
// (@shoal/manager) speaks the same codes, through the table and serviceError() below.

import * as grpc from '@grpc/grpc-js';
import { errorMetadata } from '@shoal/wire';

export type ShoalErrorCode =
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

/** The gRPC status each code travels as. */
const STATUS: Record<ShoalErrorCode, grpc.status> = {
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

export function isShoalErrorCode(code: unknown): code is ShoalErrorCode {
  return typeof code === 'string' && Object.hasOwn(STATUS, code);
}

/** An error as a gRPC handler returns it: the code's status, and the code (and leader) in metadata. */
export function serviceError(code: ShoalErrorCode, message: string, leaderAddr?: string): Partial<grpc.StatusObject> {
  return { code: STATUS[code], details: message, metadata: errorMetadata(code, leaderAddr) };
}

export class IdentityError extends Error {
  readonly code: ShoalErrorCode;

  constructor(code: ShoalErrorCode, message: string) {
    super(message);
    this.name = 'IdentityError';
    this.code = code;
  }

  /** As a gRPC error for a handler's callback. */
  toServiceError(): Partial<grpc.StatusObject> {
    return serviceError(this.code, this.message);
  }
}
