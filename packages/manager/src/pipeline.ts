// Control.Pipeline: many unary Control calls over one bidirectional stream.
//
// In grpc-js a small unary call spends most of its CPU on the HTTP/2 stream around it (headers,
// trailers, stream state on both ends) and on reading the caller's certificate again. A client
// making many calls at once sends them here instead: each is a message naming the method and
// carrying its serialized request, run by the very same unary handler, answered by a reply with
// the call's id, the serialized response or the status and shoal error metadata the unary call
// would have ended with. The caller's certificate is checked once, when the stream opens, and
// each handler sees that verdict.
//
// Calls and replies travel in batches (TurnBatcher): one stream message holds the calls a client
// made in one turn of its event loop, and one holds the replies that completed in one turn of
// ours (a Raft apply answers dozens at once).

import * as grpc from '@grpc/grpc-js';
import { requireRole, serviceError, type AuthenticatedCall } from '@shoal/identity';
import {
  PIPELINE_BATCH_BYTES,
  TurnBatcher,
  isOverLimit,
  limitRepeatedField,
  type OverLimit,
  readErrorCode,
  readLeaderAddr,
  type PipelinedCall__Output,
  type PipelinedCalls__Output,
  type PipelinedReplies,
  type PipelinedReply,
} from '@shoal/wire';
import { asManagerError } from './errors.js';

type Stream = grpc.ServerDuplexStream<PipelinedCalls__Output, PipelinedReplies>;
/** Where the handler notes streams opening (a pino logger will do). */
interface DebugLog {
  debug(fields: object, msg: string): void;
}
type UnaryHandler = grpc.handleUnaryCall<unknown, unknown>;

/** Calls a client may have in flight on one stream; more are refused until some complete. */
export const MAX_PIPELINED_IN_FLIGHT = 4096;

/**
 * `service` (Control) whose Pipeline messages are counted before they are decoded: one with more
 * calls than may be in flight is not decoded at all (@shoal/wire's limitRepeatedField). 16 MiB of
 * tiny calls decode to 700,000 objects — 300 MiB and seconds of a blocked event loop.
 */
export function pipelineService<S extends grpc.ServiceDefinition>(service: S): S {
  return limitRepeatedField(service, 'Pipeline', { number: 1, name: 'calls' }, MAX_PIPELINED_IN_FLIGHT);
}

/**
 * The Pipeline handler for `service`, running the unary `handlers` of the same service.
 * Only unary methods can be pipelined; streaming ones (ServiceLogs) keep their own calls.
 */
export function pipelineHandler(
  service: grpc.ServiceDefinition,
  handlers: Readonly<Record<string, unknown>>,
  logger: DebugLog,
): grpc.handleBidiStreamingCall<PipelinedCalls__Output, PipelinedReplies> {
  const methods = new Map<string, { handler: UnaryHandler; definition: grpc.MethodDefinition<unknown, unknown> }>();
  for (const [name, definition] of Object.entries(service)) {
    const handler = handlers[name];
    if (definition.requestStream || definition.responseStream || typeof handler !== 'function') continue;
    methods.set(name, { handler: handler as UnaryHandler, definition: definition as grpc.MethodDefinition<unknown, unknown> });
  }

  return (stream: Stream) => {
    // Who is calling is a property of the connection: read the certificate once. The unary
    // handlers check roles themselves; they get this verdict instead of a fresh read.
    const auth = stream.getAuthContext();
    try {
      requireRole(stream, ['admin', 'manager']);
    } catch (e) {
      stream.emit('error', asManagerError(e).toServiceError());
      return;
    }
    const authenticated: AuthenticatedCall = { getAuthContext: () => auth };
    let inFlight = 0;
    // The client closed its side: the calls in flight still answer, then we close ours.
    let clientDone = false;
    const endWhenDrained = (): void => {
      if (clientDone && inFlight === 0 && !stream.writableEnded) stream.end();
    };
    stream.on('end', () => {
      clientDone = true;
      endWhenDrained();
    });

    // A client that keeps sending calls but does not read the replies (slow, stuck or hostile)
    // would have them pile up here without bound: stop reading its calls until the replies
    // written so far have left. HTTP/2 flow control then stops the client from sending more.
    let awaitingDrain = false;
    const holdCallsUntilDrained = (): void => {
      if (awaitingDrain) return;
      awaitingDrain = true;
      stream.pause();
      stream.once('drain', () => {
        awaitingDrain = false;
        stream.resume();
      });
    };

    // The replies of one turn leave together (see TurnBatcher); the reply to the only call in
    // flight leaves at once.
    const outbox = new TurnBatcher<PipelinedReply>(PIPELINE_BATCH_BYTES, (replies) => {
      inFlight -= replies.length;
      if (!stream.writableEnded && !stream.cancelled && !stream.write({ replies })) holdCallsUntilDrained();
      endWhenDrained();
    });
    const reply = (r: PipelinedReply): void => outbox.add(r, (r.response as Buffer | undefined)?.byteLength ?? 0, inFlight === 1);

    let refused = false;
    stream.on('data', (batch: PipelinedCalls__Output | OverLimit) => {
      if (refused) return;
      // More calls in one message than may ever be in flight (see pipelineService): end the stream.
      if (isOverLimit(batch)) {
        refused = true;
        const details = `a message of ${batch.overLimit.count} pipelined calls; at most ${MAX_PIPELINED_IN_FLIGHT} may be in flight on one pipeline: send fewer at once`;
        stream.emit('error', { ...serviceError('INVALID_ARGUMENT', details), code: grpc.status.RESOURCE_EXHAUSTED });
        return;
      }
      for (const call of batch.calls) runCall(call);
    });

    const runCall = (call: PipelinedCall__Output): void => {
      const id = call.id;
      inFlight++;
      const method = methods.get(call.method);
      if (!method) {
        reply({
          id,
          status: grpc.status.UNIMPLEMENTED,
          details: `"${call.method}" is not a unary Control method that can be pipelined`,
          errorCode: 'INVALID_ARGUMENT',
        });
        return;
      }
      if (inFlight > MAX_PIPELINED_IN_FLIGHT) {
        reply({
          id,
          status: grpc.status.RESOURCE_EXHAUSTED,
          details: `more than ${MAX_PIPELINED_IN_FLIGHT} calls in flight on one pipeline: wait for replies before sending more`,
          errorCode: 'INVALID_ARGUMENT',
        });
        return;
      }
      let request: unknown;
      try {
        request = method.definition.requestDeserialize(call.request);
      } catch (e) {
        reply({
          id,
          status: grpc.status.INVALID_ARGUMENT,
          details: `the request is not a valid ${call.method} request message: ${(e as Error).message}`,
          errorCode: 'INVALID_ARGUMENT',
        });
        return;
      }
      const unaryCall = { ...authenticated, request, metadata: stream.metadata, getPeer: () => stream.getPeer() } as unknown as grpc.ServerUnaryCall<
        unknown,
        unknown
      >;
      method.handler(unaryCall, (err, value) => {
        if (!err) {
          reply({ id, status: grpc.status.OK, response: method.definition.responseSerialize(value) });
          return;
        }
        const md = err.metadata instanceof grpc.Metadata ? { metadata: err.metadata } : undefined;
        reply({
          id,
          status: err.code ?? grpc.status.UNKNOWN,
          details: err.details ?? ('message' in err ? err.message : ''),
          errorCode: readErrorCode(md) ?? '',
          leaderAddr: readLeaderAddr(md) ?? '',
        });
      });
    };
    logger.debug({ peer: stream.getPeer() }, 'control pipeline opened');
  };
}
