// The client half of Control.Pipeline (see packages/manager/src/pipeline.ts): unary Control
// calls sent as messages on one long-lived stream per manager. A call resolves or fails exactly
// as the unary call would — same response, same gRPC code, details and shoal error metadata — so
// ControlConnection's failover and leader following work unchanged on top of it.
//
// The calls made in one turn of the event loop leave as one stream message (PipelinedCalls),
// as the manager's replies come back batched: see the server half for why.

import * as grpc from '@grpc/grpc-js';
import {
  PIPELINE_BATCH_BYTES,
  TurnBatcher,
  errorMetadata,
  readErrorCode,
  readLeaderAddr,
  type ControlClient,
  type PipelinedCall,
  type PipelinedReplies__Output,
  type PipelinedReply__Output,
} from '@shoal/wire';

interface Pending {
  readonly definition: grpc.MethodDefinition<object, unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: grpc.ServiceError) => void;
  readonly timer: NodeJS.Timeout;
}

/** An error shaped like the one a unary call reports, so callers cannot tell them apart. */
export function serviceError(code: grpc.status, details: string, errorCode = '', leaderAddr = ''): grpc.ServiceError {
  const metadata = errorMetadata(errorCode, leaderAddr);
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata });
}

export class ControlPipeline {
  private stream: grpc.ClientDuplexStream<object, PipelinedReplies__Output> | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  /** Calls made in this turn of the event loop, sent together at its end; they belong to `stream`. */
  private readonly outbox = new TurnBatcher<PipelinedCall>(PIPELINE_BATCH_BYTES, (calls) => this.stream?.write({ calls }));

  constructor(
    private readonly client: ControlClient,
    private readonly service: grpc.ServiceDefinition,
  ) {}

  call<Res>(method: string, req: object, timeoutMs: number): Promise<Res> {
    const definition = this.service[method] as grpc.MethodDefinition<object, unknown> | undefined;
    if (!definition || definition.requestStream || definition.responseStream) {
      return Promise.reject(serviceError(grpc.status.UNIMPLEMENTED, `${method} cannot be pipelined`));
    }
    const id = String(this.nextId++);
    this.open();
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(serviceError(grpc.status.DEADLINE_EXCEEDED, `no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { definition, resolve: resolve as (v: unknown) => void, reject, timer });
      const request = definition.requestSerialize(req);
      // The only call in flight has nothing to wait for.
      this.outbox.add({ id, method, request }, request.byteLength, this.pending.size === 1);
    });
  }

  private open(): grpc.ClientDuplexStream<object, PipelinedReplies__Output> {
    if (this.stream) return this.stream;
    const stream = this.client.Pipeline() as unknown as grpc.ClientDuplexStream<object, PipelinedReplies__Output>;
    this.stream = stream;
    stream.on('data', (batch: PipelinedReplies__Output) => {
      for (const r of batch.replies) this.onReply(r);
    });
    // However the stream ends, the calls on it fail as their unary calls would have with a
    // broken connection: UNAVAILABLE (or the stream's own status), and the next call reopens.
    const fail = (e: grpc.ServiceError | undefined): void => {
      if (this.stream !== stream) return; // closed by us: close() failed the calls
      this.stream = undefined;
      this.outbox.drop(); // their calls are in `pending` and fail below
      const err = e ?? serviceError(grpc.status.UNAVAILABLE, 'the manager closed the pipeline');
      const errorCode = readErrorCode(err) ?? '';
      const leaderAddr = readLeaderAddr(err) ?? '';
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(serviceError(err.code ?? grpc.status.UNAVAILABLE, err.details || err.message, errorCode, leaderAddr));
        this.pending.delete(id);
      }
    };
    stream.on('error', (e: grpc.ServiceError) => fail(e));
    stream.on('end', () => fail(undefined));
    return stream;
  }

  private onReply(r: PipelinedReply__Output): void {
    const p = this.pending.get(r.id);
    if (!p) return; // timed out meanwhile
    this.pending.delete(r.id);
    clearTimeout(p.timer);
    if (r.status !== grpc.status.OK) {
      p.reject(serviceError(r.status, r.details, r.errorCode, r.leaderAddr));
      return;
    }
    try {
      p.resolve(p.definition.responseDeserialize(r.response));
    } catch (e) {
      p.reject(serviceError(grpc.status.INTERNAL, `the manager's reply could not be read: ${(e as Error).message}`));
    }
  }

  close(): void {
    const stream = this.stream;
    this.stream = undefined;
    this.outbox.drop();
    stream?.cancel();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(serviceError(grpc.status.CANCELLED, 'the connection was closed'));
    }
    this.pending.clear();
  }
}
