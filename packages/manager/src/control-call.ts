// One Control API call, as every unary handler of the control API runs it: only admin and
// manager certificates of this cluster get in, and a manager's only while the store still
// counts it a manager (caller-standing.ts); the handler's errors become ManagerErrors with
// their gRPC status and shoal error metadata; an unexpected one is logged.

import type * as grpc from '@grpc/grpc-js';
import type { ManagerContext } from './context.js';
import { asManagerError } from './errors.js';
import { requireStanding } from './caller-standing.js';

export function controlCall<Req, Res>(ctx: ManagerContext, fn: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    try {
      requireStanding(ctx.store, call, ['admin', 'manager']);
    } catch (e) {
      callback(asManagerError(e).toServiceError());
      return;
    }
    fn(call.request).then(
      (res) => callback(null, res),
      (e: unknown) => {
        const err = asManagerError(e);
        if (err.code === 'INTERNAL') ctx.logger.error({ err: err.message }, 'control API call failed');
        callback(err.toServiceError());
      },
    );
  };
}
