// Calls from a client without a certificate of this cluster are refused before their request
// is read. grpc-js decodes a request before the handler runs, and the handlers check the
// caller's certificate: without this, anyone who reaches the port could make the manager decode
// 16 MiB of one-byte map entries (an UpdateNodeRequest of 1.5 million labels: 16 s of a blocked
// event loop and +415 MiB, measured) only to be told UNAUTHENTICATED. Join is the exception: it
// is how a node gets its certificate (its request is bounded by join-service.ts's joinService).

import * as grpc from '@grpc/grpc-js';
import { AuthError, peerIdentity, serviceError } from '@shoal/identity';

/** Methods a caller without a certificate may call. */
const OPEN_METHODS = new Set(['/shoal.control.v1.Join/Join']);

/** A call refused at its start: it never reads its request. */
class RefusedCall extends grpc.ServerInterceptingCall {
  constructor(
    private readonly base: grpc.ServerInterceptingCallInterface,
    private readonly details: string,
  ) {
    super(base);
  }
  override start(): void {
    const { code, details, metadata } = serviceError('UNAUTHENTICATED', this.details);
    this.base.sendStatus({ code: code!, details: details!, metadata: metadata ?? null });
  }
  override startRead(): void {
    /* nothing is read */
  }
}

/** The server interceptor: passes calls from holders of a cluster certificate (any role), and Join. */
export const refuseAnonymousCalls: grpc.ServerInterceptor = (method, call) => {
  if (OPEN_METHODS.has(method.path)) return new grpc.ServerInterceptingCall(call);
  let refusal = "this call needs a certificate from the cluster CA; none was presented, or it was not issued by this cluster's CA";
  try {
    if (peerIdentity(call) !== undefined) return new grpc.ServerInterceptingCall(call);
  } catch (e) {
    if (e instanceof AuthError) refusal = e.message; // a certificate, but not a valid one of this cluster (expired, ...)
  }
  return new RefusedCall(call, refusal);
};
