// Shoal's error details on a gRPC status: the error code clients branch on (NOT_LEADER,
// NO_QUORUM, INVALID_ARGUMENT...) and, for NOT_LEADER, the leader's address so the caller can
// follow it. They ride in trailing metadata under two keys (proto/control.proto); this is the
// only place that names the keys, on the writing side (managers) and the reading side (the CLI,
// agents, managers calling each other).

import * as grpc from '@grpc/grpc-js';

const ERROR_CODE_KEY = 'shoal-error-code';
const LEADER_ADDR_KEY = 'shoal-leader-addr';

/** Metadata carrying `code` and, when known, the leader's address ('' or undefined = none). */
export function errorMetadata(code: string, leaderAddr?: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (code) metadata.set(ERROR_CODE_KEY, code);
  if (leaderAddr) metadata.set(LEADER_ADDR_KEY, leaderAddr);
  return metadata;
}

/** Anything that may carry a status's metadata: a grpc.ServiceError, a StatusObject. */
interface WithMetadata {
  readonly metadata?: grpc.Metadata | undefined;
}

/** The shoal error code of a failed call; undefined when the error carries none. */
export function readErrorCode(err: WithMetadata | null | undefined): string | undefined {
  return err?.metadata?.get(ERROR_CODE_KEY)[0]?.toString() || undefined;
}

/** The leader's address a NOT_LEADER (or NO_QUORUM) error names; undefined when none. */
export function readLeaderAddr(err: WithMetadata | null | undefined): string | undefined {
  return err?.metadata?.get(LEADER_ADDR_KEY)[0]?.toString() || undefined;
}
