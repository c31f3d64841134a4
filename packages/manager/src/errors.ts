// Errors a manager returns: a code clients can branch on, a message that says what to do, and
// the gRPC status they travel as. The code and the leader's address ride in metadata
// (`shoal-error-code`, `shoal-leader-addr`, written by @shoal/wire's errorMetadata), as
// proto/control.proto documents.

import type * as grpc from '@grpc/grpc-js';
import { isShoalErrorCode, serviceError, type ShoalErrorCode } from '@shoal/identity';

/** The codes are identity's (@shoal/identity errors.ts): clients read one vocabulary. */
export type ManagerErrorCode = ShoalErrorCode;

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
    return serviceError(this.code, this.message, this.leaderAddr);
  }
}

/** A store refusal as the error the control API returns. */
export function fromStoreError(code: string, message: string): ManagerError {
  const mapped: Record<string, ManagerErrorCode> = {
    INVALID_COMMAND: 'INVALID_ARGUMENT',
    CORRUPT_SNAPSHOT: 'INTERNAL',
  };
  const c = mapped[code] ?? (isShoalErrorCode(code) ? code : 'INTERNAL');
  return new ManagerError(c, message);
}

/** Turns anything thrown inside a handler into a ManagerError. */
export function asManagerError(e: unknown): ManagerError {
  if (e instanceof ManagerError) return e;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (isShoalErrorCode(code)) return new ManagerError(code, message);
  return new ManagerError('INTERNAL', message);
}

/** "1 of 3 managers reachable; 2 needed" — the words every quorum error uses. */
export function quorumMessage(reachable: number, voters: number): string {
  const needed = Math.floor(voters / 2) + 1;
  return `${reachable} of ${voters} manager${voters === 1 ? '' : 's'} reachable; ${needed} needed for a quorum`;
}
